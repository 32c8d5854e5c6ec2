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

import functools
import html
import json
import re
from collections.abc import Callable
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


_TITLE_SAFE = str.maketrans({"<": "‹", ">": "›", "&": "&\u2060", '"': "”", "`": "ʹ"})


def page_title(value: object) -> Markup:
    """A page title for the YAML front matter, as a JSON (= YAML) string.

    MkDocs themes print the page title unescaped in places (Material's `<title>` applies
    `striptags`, which *unescapes* entities), so the title carries no character that HTML
    gives meaning to: `<`, `>` and quotes become look-alike characters that every common
    font has, and `&` is followed by an invisible word joiner (U+2060), so that it can
    never start an entity (`&lt;` stays those four characters) and still shows as `&`
    (a full-width look-alike showed as a missing-glyph box without CJK fonts). The
    page's own heading shows the exact text.
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


def css_string(value: object) -> Markup:
    """Text for the inside of a CSS string in a `<style>` element (a print header).

    Every character but ASCII letters, digits and spaces becomes a six-digit CSS escape
    and a space (which the escape consumes, so a real space after it stays): nothing can
    end the string, the rule or the element (`</style>` included), and no HTML entity is
    needed (a `<style>` element does not decode them).
    """
    text = _WHITESPACE.sub(" ", clean(value)).strip()
    return Markup(
        "".join(
            ch if (ch.isascii() and ch.isalnum()) or ch == " " else f"\\{ord(ch):06x} "
            for ch in text
        )
    )


def docstring_markdown(value: object) -> Markup:
    """A gate rule's documentation — cardgate's own docstring, not card text — as
    Markdown: ``code`` renders as code and "- " lines as a list (a blank line is put
    before a list that follows a paragraph). `<`, `>` and `&` outside code are escaped."""
    lines: list[str] = []
    for line in str(value).splitlines():
        listed = line.startswith(("- ", "* "))
        if listed and lines and lines[-1].strip() and not lines[-1].startswith(("- ", "* ")):
            lines.append("")
        lines.append(_outside_code(line, html.escape))
    return Markup("\n".join(lines))


def docstring_inline(value: object) -> Markup:
    """A one-line rule summary for an HTML context: escaped, ``code`` as `<code>`."""
    text = html.escape(_WHITESPACE.sub(" ", clean(value)).strip(), quote=False)
    return Markup(_CODE_SPAN.sub(lambda m: f"<code>{m.group(2)}</code>", text))


_CODE_SPAN = re.compile(r"(``|`)(.+?)\1")


def _outside_code(line: str, escape: Callable[[str], str]) -> str:
    parts = []
    position = 0
    for match in _CODE_SPAN.finditer(line):
        parts.append(escape(line[position : match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(escape(line[position:]))
    return "".join(parts)


_COMMAND = re.compile(
    r"(cardgate [^;,()'\"]*?)(?=[.;,]?$|[.;,] |[)'\"]| (?:and|or|on|then|to|for|with|in|if) )"
)
"""The command in a hint: `cardgate` and its arguments, up to the end of the clause
(a stop, a comma, a closing bracket or quote, or a joining word: "run cardgate evaluate
x and commit it" shows `cardgate evaluate x` as code)."""


def command_text(value: object) -> Markup:
    """A hint for an HTML context: escaped, with the `cardgate ...` command in it as code."""
    return _command_html("" if value is None else str(value))


@functools.lru_cache(maxsize=4096)
def _command_html(text: str) -> Markup:
    # A few hundred distinct hints, tens of thousands of times in a large site.
    text = _WHITESPACE.sub(" ", clean(text)).strip()
    match = _COMMAND.search(text)
    if match is None:
        return Markup(html.escape(text, quote=True))
    before, command, after = text[: match.start()], match.group(1), text[match.end() :]
    return Markup("{}<code>{}</code>{}").format(before, command, after)
