"""Card text is untrusted: the one module that makes it safe to put into a page.

Generated pages are Markdown files that hold HTML blocks. Card text goes in two ways:

* `html_text` — inside HTML (tables, paragraphs, lists): every value is HTML-escaped,
  and Python-Markdown leaves the content of a raw HTML block alone, so `*`, `[x](y)`,
  `{: onclick=...}` and `{{ 7*7 }}` stay literal;
* `page_title` — the front-matter title (see there);
* `markdown_inline` — in Markdown (headings, which feed the table of contents and the
  page title): HTML-escaped *and* every ASCII punctuation character that Markdown or an
  extension could read (emphasis, links, attribute lists, tables) backslash-escaped.

Newlines never reach the output as blank lines, so text cannot end an HTML block early.
`safe_href` is the one decision about which targets may become links: http(s) URLs, and
relative paths inside the site that the builder itself produced.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

from markupsafe import Markup

from cardgate.core.text import visible

# Only characters Python-Markdown unescapes (its ESCAPED_CHARS plus '|' from `tables`):
# a backslash before any other character would show.
_MARKDOWN_SIGNIFICANT = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_WHITESPACE = re.compile(r"\s+")


def clean(value: object) -> str:
    """Text of a value with line endings normalised, and control characters and bidi
    controls shown as escapes (`cardgate.core.text.visible`): they can neither hide nor
    reorder what a reviewer reads."""
    text = "" if value is None else str(value)
    return visible(text.replace("\r\n", "\n").replace("\r", "\n"), keep="\n\t")


def html_text(value: object) -> Markup:
    """Text for an HTML context: escaped, whitespace folded to single spaces."""
    text = _WHITESPACE.sub(" ", clean(value)).strip()
    return Markup(html.escape(text, quote=True))


def html_paragraphs(value: object) -> Markup:
    """Multi-paragraph text as `<p>` elements (blank lines separate paragraphs)."""
    parts = [part for part in _BLANK_LINES.split(clean(value).strip()) if part.strip()]
    return Markup("").join(Markup("<p>{}</p>").format(html_text(part)) for part in parts)


def markdown_inline(value: object) -> Markup:
    """Text for a Markdown context (a heading): HTML-escaped, then Markdown-escaped."""
    escaped = html.escape(_WHITESPACE.sub(" ", clean(value)).strip(), quote=True)
    # '&' starts entities we just produced; escaping '#' inside '&#x27;' would break them,
    # so html.escape's output uses only named entities plus &#x27;, handled below.
    escaped = escaped.replace("&#x27;", "&apos;")
    escaped = _MARKDOWN_SIGNIFICANT.sub(r"\\\1", escaped)
    return Markup(escaped)


_TITLE_SAFE = str.maketrans({"<": "‹", ">": "›", "&": "＆", '"': "”", "`": "ʹ"})


def page_title(value: object) -> Markup:
    """A page title for the YAML front matter, as a JSON (= YAML) string.

    MkDocs themes print the page title unescaped in places (Material's `<title>` applies
    `striptags`, which *unescapes* entities), so the title carries no character that HTML
    gives meaning to: `<`, `>`, `&` and quotes become look-alike characters. The page's
    own heading shows the exact text.
    """
    text = _WHITESPACE.sub(" ", clean(value)).strip().translate(_TITLE_SAFE)
    return Markup(json.dumps(text, ensure_ascii=True))


def is_external_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def safe_href(value: object) -> str | None:
    """The link target for `value` if it may be a link (http/https), else None."""
    text = clean(value).strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    return text if is_external_url(text) else None


def link_or_text(value: object) -> Markup:
    """An external link for http(s) URLs; anything else shown as code, never a link."""
    href = safe_href(value)
    if href is not None:
        return Markup('<a href="{}" rel="noopener noreferrer nofollow">{}</a>').format(
            href, html_text(value)
        )
    return Markup("<code>{}</code>").format(html_text(value))
