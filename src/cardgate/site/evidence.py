"""Evidence cited by checklist answers, made readable in the site.

An answer's evidence is a workspace path or an http(s) URL. A URL stays a link. A path is
resolved inside the workspace (never outside) and brought into the site under
``evidence/<path>``: Markdown is rendered as a page (raw HTML shown as text, links kept only
when they are http(s)), YAML, JSON and plain text are shown as text with line numbers,
and passive files (PDF, images, CSV) are copied as they are. Anything else — HTML, SVG,
scripts, which would run in the site's origin — is not copied; the page says where it is.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote

from markupsafe import Markup

from cardgate.core.inputs import ARTIFACT_BYTES, read_regular
from cardgate.core.paths import PathEscapeError
from cardgate.documents.workspace import Workspace
from cardgate.site.escape import clean, is_external_url

EVIDENCE = "evidence"
MAX_BYTES = 5_000_000
"""Larger evidence files are not copied into the site (the page says so)."""
RENDERED = {".md": "markdown", ".markdown": "markdown", ".yaml": "text", ".yml": "text"}
RENDERED |= {".json": "text", ".txt": "text", ".csv": "text", ".toml": "text"}
COPIED = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".gz", ".parquet"})
_SAFE_PATH = re.compile(r"^[A-Za-z0-9._~/ -]+$")
_PARAGRAPHS = re.compile(r"\n\s*\n")
MOST_BRACKETS = 1_000
"""Python-Markdown reads links in time quadratic in a paragraph's '[' (20,000 in one took
54 s, 2,000 one second): Markdown with more in a paragraph, or 20 times as many in all,
is shown as text, as is Markdown nested beyond the parser's recursion."""
MOST_MARKS = 10_000
"""The same for its emphasis, code and escapes, quadratic in a paragraph's '*', '_', '`'
and '\\' ('*a' 80,000 times in one took 6 s, a 5 MB file of it hours)."""
_MARKS = ("*", "_", "`", "\\")
MOST_NESTING = 100
"""Deeper lists and quotes are shown as text: the parser recurses once a level (it raised
RecursionError at 5,000 under the default limit, and rendered 5,000 nested lists — 1.4 s
and 190 kB of HTML from 10 kB — where something had raised the limit)."""
_OPENERS = re.compile(r"^(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]|[ \t]*>)+", re.M)
_MARKER = re.compile(r"[-*+>]|\d{1,9}[.)]")


@dataclass(frozen=True)
class EvidenceLink:
    """How one evidence entry is shown: a link into the site, a URL, or why neither."""

    text: str
    href: str = ""
    """Site path of the evidence page or file (relative to the site root), or the URL."""
    external: bool = False
    note: str = ""
    source: str = ""
    """The workspace-relative path of a local evidence file."""
    kind: str = ""
    """'markdown', 'text' (rendered as pages) or 'file' (copied), for local evidence."""


def evidence_link(workspace: Workspace, entry: str) -> EvidenceLink:
    """Where an evidence entry leads in the site."""
    text = clean(entry).strip()
    if is_external_url(text):
        return EvidenceLink(text, text, external=True)
    path_part = text.split("#", 1)[0]
    try:
        target = workspace.resolve(path_part)
    except PathEscapeError:
        return EvidenceLink(text, note="outside the workspace: not shown")
    if not target.is_file():
        return EvidenceLink(text, note="no such file in the workspace")
    relative = workspace.relative(target)
    if not _SAFE_PATH.match(relative) or relative.startswith(("/", "../")):
        return EvidenceLink(text, note="a file name the site cannot link to", source=relative)
    suffix = target.suffix.lower()
    try:
        size = target.stat().st_size
    except OSError:
        return EvidenceLink(text, note="cannot be read", source=relative)
    if size > MAX_BYTES:
        return EvidenceLink(text, note=f"too large to copy ({size:,} bytes)", source=relative)
    kind = RENDERED.get(suffix)
    if kind is not None:
        return EvidenceLink(text, f"{EVIDENCE}/{relative}.md", source=relative, kind=kind)
    if suffix in COPIED:
        return EvidenceLink(text, f"{EVIDENCE}/{relative}", source=relative, kind="file")
    return EvidenceLink(
        text,
        note=f"a {suffix or 'extension-less'} file is not copied into the site",
        source=relative,
    )


def read_evidence(workspace: Workspace, link: EvidenceLink) -> bytes:
    """The bytes of a local evidence file: confined to the workspace (links leading out
    refused), a regular file (never a FIFO or a device), at most `MAX_BYTES`.
    Raises OSError (`UnreadableFile` ...) or `PathEscapeError`."""
    return read_regular(workspace.resolve(link.source), limit=ARTIFACT_BYTES, maximum=MAX_BYTES)


def evidence_body(workspace: Workspace, link: EvidenceLink) -> Markup:
    """The HTML of an evidence page: Markdown rendered safely, other text numbered."""
    try:
        text = read_evidence(workspace, link).decode("utf-8")
    except (OSError, PathEscapeError, UnicodeDecodeError) as error:
        return Markup('<p class="cg-missing">{}</p>').format(f"cannot be read: {error}")
    if link.kind == "markdown" and _quick_to_render(text):
        try:
            return Markup('<div class="cg-evidence-text">{}</div>').format(safe_markdown(text))
        except RecursionError:
            pass  # lists or quotes nested too deeply to render: shown as text below
    lines = clean(text).split("\n")
    numbered = "&#10;".join(
        f'<span class="cg-line" id="L{number}">{html.escape(line)}</span>'
        for number, line in enumerate(lines, start=1)
    )
    return Markup(f'<pre class="cg-evidence-source"><code>{numbered}</code></pre>')


def _quick_to_render(text: str) -> bool:
    paragraphs = _PARAGRAPHS.split(text)
    brackets = [paragraph.count("[") for paragraph in paragraphs]
    marks = [sum(paragraph.count(mark) for mark in _MARKS) for paragraph in paragraphs]
    return (
        _nesting(text) <= MOST_NESTING
        and max(brackets) <= MOST_BRACKETS
        and sum(brackets) <= 20 * MOST_BRACKETS
        and max(marks) <= MOST_MARKS
        and sum(marks) <= 20 * MOST_MARKS
    )


def _nesting(text: str) -> int:
    """The deepest a line's list markers, quote marks and indentation nest it (counted
    generously: each marker and each 4 columns of its lead)."""
    deepest = 0
    for lead in _OPENERS.findall(text):
        deepest = max(deepest, len(_MARKER.findall(lead)) + lead.expandtabs(4).count("    "))
    for indent in re.findall(r"^[ \t]+", text, re.M):
        deepest = max(deepest, len(indent.expandtabs(4)) // 4)
    return deepest


def safe_markdown(text: str) -> Markup:
    """Markdown written by people, rendered without their HTML and with only http(s)
    links and no images (which would load from elsewhere), on one line (so that the page
    around it keeps it as one HTML block)."""
    import xml.etree.ElementTree as etree

    import markdown  # MkDocs' own Markdown, installed with it

    class _SafeLinks(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
        def run(self, root: etree.Element) -> None:
            # Collected first: the loop below adds elements to the tree it walks.
            found = [(parent, child) for parent in root.iter() for child in parent]
            for parent, child in found:
                if child.tag == "img":
                    span = etree.Element("span")
                    span.text = f"[image: {child.get('alt') or child.get('src') or ''}]"
                    span.tail = child.tail
                    _replace(parent, child, span)
                elif child.tag == "table":
                    # Keyboard-scrollable like the site's own tables (and not wrapped
                    # again, unfocusable, by the theme's script, which skips classed ones).
                    child.set("class", "cg-md-table")
                    wrapper = etree.Element(
                        "div",
                        {
                            "class": "cg-table-scroll",
                            "role": "region",
                            "tabindex": "0",
                            "aria-label": "Table",
                        },
                    )
                    wrapper.tail, child.tail = child.tail, None
                    _replace(parent, child, wrapper)
                    wrapper.append(child)
                elif child.tag == "a":
                    href = child.get("href") or ""
                    if is_external_url(href):
                        child.set("rel", "noopener noreferrer nofollow")
                    elif not re.fullmatch(r"#[\w.-]+", href):
                        child.attrib.pop("href", None)
                        child.tag = "span"

    def _replace(parent: etree.Element, old: etree.Element, new: etree.Element) -> None:
        index = list(parent).index(old)
        parent.remove(old)
        parent.insert(index, new)

    md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    md.treeprocessors.register(_SafeLinks(md), "cardgate-safe-links", 0)
    rendered = md.convert(clean(text))
    return Markup(rendered.replace("\r", "").replace("\n", "&#10;"))


def site_relative(from_page: str, to_path: str) -> str:
    """A relative, URL-quoted link from a page (its .md path) to a site path (.md pages
    become .html)."""
    target = to_path[: -len(".md")] + ".html" if to_path.endswith(".md") else to_path
    return quote(posixpath.relpath(target, posixpath.dirname(from_page) or "."))


__all__ = [
    "EVIDENCE",
    "EvidenceLink",
    "evidence_body",
    "evidence_link",
    "read_evidence",
    "safe_markdown",
    "site_relative",
]
