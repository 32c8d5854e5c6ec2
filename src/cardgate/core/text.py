"""Document values made safe for the stream they are printed to.

Card text, folder names and data values are untrusted: written to a terminal, a CI log, a
pull-request comment, a spreadsheet or an XML report, they could move the cursor, clear
the screen, reorder what the reader sees (bidi overrides), start a new line that forges a
verdict or a GitHub workflow command, add a link, or run a formula. Each output escapes
every value for its own stream with one of these functions; what they return shows the
value (escapes are visible), it never acts.

* `visible` — text streams (terminal, log, XML): control characters, line and paragraph
  separators, bidi controls, lone surrogates and the noncharacters U+FFFE/U+FFFF as
  ``\\x1b``, ``\\n``, ``\\u202e`` (this covers every character XML 1.0 forbids).
* `markdown_text` — Markdown (GitHub-flavoured): also no HTML, emphasis, links,
  table cells, and no bare URL, ``www.`` address or e-mail address that would be
  auto-linked.
* `csv_cell` — CSV opened in a spreadsheet: a cell that would be a formula is prefixed
  with ``'`` (OWASP's CSV injection advice).
"""

from __future__ import annotations

import functools
import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}\ud800-\udfff\ufffe\uffff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@functools.lru_cache(maxsize=256)
def _escape(character: str) -> str:
    if character in _NAMED:
        return _NAMED[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, keep: str = "") -> str:
    """`text` with control characters, line separators and bidi controls as escapes
    (but the characters in `keep`, e.g. line feeds of a multi-line text).

    Idempotent (backslashes are kept as they are), so a value escaped twice reads the same.
    """
    if _INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(
        lambda match: match.group() if match.group() in keep else _escape(match.group()), text
    )


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~:@])")
_WWW = re.compile(r"(?i)\bwww\.")


@functools.lru_cache(maxsize=1 << 16)
def markdown_text(text: str) -> str:
    """`text` as one line of Markdown that renders as the text itself, and nothing more.

    Whitespace runs become one space (a value cannot end a table row); HTML, emphasis,
    links, headings and table cells are escaped; ``:`` and ``@`` are escaped and ``www.``
    broken, so no bare URL, address or e-mail is auto-linked. Remembered: the same names,
    metrics and sentences recur on every system's pages and exports (95% of the calls of
    a 1,000-system site).
    """
    flat = " ".join(visible(text).split())
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;"))
    return _WWW.sub(lambda match: match.group()[:3] + "\\.", escaped)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text: a leading ``= + - @``, tab or
    carriage return (a formula) gets a ``'`` in front."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def fixed(value: float, digits: int = 3) -> str:
    """`value` with `digits` decimals, as a reader expects it: a value that rounds to zero
    is ``0.000``, never ``-0.000`` (an interval's lower end just below zero)."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text
