"""`cardgate build --pdf`: one PDF per system page, printed by headless Chromium, and
one per regulation page a system has — its Annex IV technical documentation
(``pdf/<system>/annex-iv.pdf``) and its NYC Local Law 144 bias-audit summary
(``pdf/<system>/ll144.pdf``), the documents a compliance officer files.

The print stylesheet (`assets/cardgate.css`, `@media print`) hides navigation, keeps
tables and charts whole and opens collapsed sections. Chromium is found on PATH
(`chromium`, `chromium-browser`, `google-chrome`) or named by `CARDGATE_CHROMIUM`; when
there is none, `--pdf` fails with a message that says how to get it. Nothing is
downloaded, and the browser runs with networking features off and a throw-away profile.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from cardgate.core.errors import UsageError
from cardgate.core.files import write_file
from cardgate.site.links import REGULATION_PAGES, page_url, regulation_page, system_page
from cardgate.site.mkdocs_run import SiteLayout
from cardgate.site.view_model import SiteModel

CHROMIUM_ENV = "CARDGATE_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=3000",
)
PDF_FOLDER = "pdf"


def find_chromium() -> str | None:
    """The Chromium executable to print with, or None."""
    named = os.environ.get(CHROMIUM_ENV)
    if named:
        return named if Path(named).is_file() else shutil.which(named)
    for candidate in CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def print_pdf(chromium: str, page: Path, target: Path, *, timeout: float = 120) -> None:
    """Print one built HTML page to `target` with headless Chromium."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cardgate-chromium-") as profile:
        completed = subprocess.run(
            [
                chromium,
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={target}",
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if completed.returncode != 0 or not target.is_file():
        detail = (completed.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise UsageError(f"Chromium could not print {page.name}: {detail[0]}")


_FILE_URI = re.compile(rb"/URI \((file://[^)\\]*)\)")


def relative_links(data: bytes, site: Path, folder: Path) -> bytes:
    """The PDF with its links into the site relative to the PDF's folder.

    Chromium writes every link of a printed file:// page as an absolute ``file://`` URI —
    the building machine's paths. Each becomes a relative URI (viewers resolve it against
    the PDF's own location) of the same byte length, so the file's cross-reference offsets
    stay right: the shorter URI is padded with what a PDF string ignores or reads as one
    character (backslash-newlines, an octal escape). A link that leads out of the site
    becomes ``#``.
    """
    root = site.resolve().as_uri() + "/"

    def rewrite(match: re.Match[bytes]) -> bytes:
        uri = match.group(1).decode("latin-1")
        if uri.startswith(root):
            path, _, fragment = uri[len(root) :].partition("#")
            target = posixpath.relpath(
                unquote(path), folder.resolve().relative_to(site.resolve()).as_posix()
            )
            relative = quote(target) + (f"#{fragment}" if fragment else "")
        else:
            relative = "#"
        return b"/URI (" + _padded(relative.encode("ascii"), len(match.group(1))) + b")"

    return _FILE_URI.sub(rewrite, data)


def _padded(text: bytes, length: int) -> bytes:
    """`text` as a PDF literal string body of exactly `length` bytes: a backslash-newline
    (ignored by readers) adds two bytes, an octal escape of one character three."""
    extra = length - len(text)
    if extra == 1:  # neither 2 nor 3 makes 1: an empty fragment, or no link at all
        text, extra = (text + b"#", 0) if b"#" not in text else (b"#", length - 1)
    if extra < 0:
        raise ValueError("a relative link is longer than the absolute one")
    if extra % 2:
        text = b"\\%03o" % text[0] + text[1:]
        extra -= 3
    return text + b"\\\n" * (extra // 2)


def print_system_pdfs(layout: SiteLayout, model: SiteModel) -> list[Path]:
    """One PDF per system, `<out>/pdf/<system>.pdf`, from the built pages."""
    chromium = find_chromium()
    if chromium is None:
        raise UsageError(
            "--pdf needs Chromium, and none was found",
            hint=f"install it (Debian: apt-get install chromium) or set {CHROMIUM_ENV} to "
            "its path; the HTML site was built",
        )
    written = []
    for system in model.systems:
        for page_path, target in system_pdfs(system.slug):
            page = layout.out_dir / page_url(page_path)
            if not page.is_file():
                continue
            printed = layout.out_dir / target
            print_pdf(chromium, page, printed)
            data = relative_links(printed.read_bytes(), layout.out_dir, printed.parent)
            write_file(printed, data, within=layout.out_dir, what="a PDF cardgate printed")
            written.append(printed)
    return written


def system_pdfs(slug: str) -> list[tuple[str, str]]:
    """(page, PDF) paths, relative to the site, of every page of a system that is printed
    when it is built: its page, and its regulation pages (where it has them)."""
    found = [(system_page(slug), f"{PDF_FOLDER}/{slug}.pdf")]
    for name in REGULATION_PAGES:
        found.append((regulation_page(slug, name), f"{PDF_FOLDER}/{slug}/{name}.pdf"))
    return found


def pdf_href(from_page: str, slug: str, name: str | None = None) -> str:
    """The link, from the page at `from_page`, to the PDF of a system's page (`name`
    None) or of its regulation page `name` (``annex-iv``, ``ll144``)."""
    target = f"{PDF_FOLDER}/{slug}.pdf" if name is None else f"{PDF_FOLDER}/{slug}/{name}.pdf"
    folder = posixpath.dirname(from_page)
    return posixpath.relpath(target, folder or ".")
