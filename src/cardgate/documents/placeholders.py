"""What counts as "not filled in": one decision, used by validate, gate and site."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = "TODO"
"""The value templates put where an answer is expected."""

PLACEHOLDERS = frozenset(
    {"todo", "tbd", "tba", "fixme", "xxx", "[more information needed]", "n/a?"}
)


def is_placeholder_text(text: str) -> bool:
    """True for empty or whitespace text and the placeholder words (any case)."""
    stripped = text.strip()
    return not stripped or stripped.lower() in PLACEHOLDERS or stripped.upper().startswith("TODO:")


def says_something(text: str) -> bool:
    """True when `text` is filled in and has a letter or digit: a name or a reason, not
    blanks, punctuation or invisible characters (a zero-width space is no approver)."""
    return not is_placeholder_text(text) and any(ch.isalnum() for ch in text)


def placeholder_pattern() -> str:
    """`is_placeholder_text` as an ECMA-262 regular expression, for the JSON Schemas."""

    def any_case(word: str) -> str:
        return "".join(
            f"[{ch.upper()}{ch.lower()}]" if ch.isalpha() else ("\\" + ch if ch in "[]?./" else ch)
            for ch in word
        )

    words = "|".join(any_case(word) for word in sorted(PLACEHOLDERS))
    return rf"^\s*(?:(?:{words})\s*|{any_case('todo:')}[\s\S]*)?$"


def is_missing(value: Any) -> bool:
    """True when a value carries no real content: None, placeholders, or only missing parts."""
    if value is None:
        return True
    if isinstance(value, str):
        return is_placeholder_text(value)
    if isinstance(value, Mapping):
        return all(is_missing(item) for item in value.values())
    if isinstance(value, list | tuple):
        return all(is_missing(item) for item in value)
    return False


def commented_out(text: str, key: str) -> int | None:
    """The 1-based line where a template left top-level section `key` commented out
    (``# key:`` alone on its line, as `cardgate new` writes optional sections), if any."""
    match = re.search(rf"^# ?{re.escape(key)}:[ \t]*\r?$", text, re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1
