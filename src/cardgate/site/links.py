"""Where each generated page lives, and relative links between them.

Pages are written as `<folder>/index.md` so that `rules/<code>/` (the SARIF helpUri)
works on a web server and `rules/<code>/index.html` from a file system; links are
relative, so the site works from any base URL and offline.
"""

from __future__ import annotations

import posixpath


def page_url(path: str) -> str:
    """The HTML file a page becomes (use_directory_urls: false)."""
    return path[: -len(".md")] + ".html"


def root_of(path: str) -> str:
    """Relative prefix from a page to the site root ('' or '../' repeated)."""
    depth = path.count("/")
    return "../" * depth


def link(from_path: str, to_path: str) -> str:
    """A relative link from one page to another page's HTML file.

    Same result as ``posixpath.relpath`` for targets below the page's folder, otherwise
    up to the root and down again (a build makes tens of thousands of links).
    """
    target = page_url(to_path)
    folder = posixpath.dirname(from_path)
    if not folder:
        return target
    if target.startswith(folder + "/"):
        return target[len(folder) + 1 :]
    return root_of(from_path) + target


def system_page(system_slug: str) -> str:
    return f"systems/{system_slug}/index.md"


REGULATION_PAGES = ("annex-iv", "ll144")
"""The regulation pages a system may have: its Annex IV technical documentation and its
NYC Local Law 144 bias-audit summary (`cardgate.site.regulation_content`)."""


def regulation_page(system_slug: str, name: str) -> str:
    """The page of a system's regulation document `name` (one of `REGULATION_PAGES`)."""
    return f"systems/{system_slug}/{name}.md"


def dataset_page(dataset_slug: str) -> str:
    return f"datasets/{dataset_slug}/index.md"


def rule_page(code: str) -> str:
    return f"rules/{code}/index.md"
