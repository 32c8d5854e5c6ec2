"""Indented JSON in the exact bytes of `json.dumps(..., sort_keys=True, indent=2,
ensure_ascii=False, allow_nan=False)`, about two and a half times faster.

The standard library encodes in C only without `indent`; with it, every value goes
through nested Python generators (most of the CPU time of the site's downloads: a
CycloneDX BOM of one system is about 7,000 values). `dumps` writes the same text with
one recursive function over the plain JSON types, strings escaped by the standard
library's own C function. Anything else — a subclass of those types (an enum, a
`str` subclass), a key that is not a string, a float that is not finite, a cycle or a
structure too deep — goes to `json.dumps` itself, so the result (or the error) is the
standard library's in every case; a test compares both on generated values.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from json.encoder import encode_basestring
from typing import Any, TypeVar

_INF = float("inf")
Shared = TypeVar("Shared", dict[str, Any], list[Any])

MAX_SHARED = 16
"""How many shared values `shared` remembers (the oldest is forgotten first)."""


@dataclass
class _Shared:
    value: Any
    """The value itself, kept alive so that its id stays its own."""
    snapshot: Any
    """A deep copy taken when it was marked: its text is reused while it still equals it."""
    texts: dict[str, str] = field(default_factory=dict)
    """Its text at each indentation (the line break and indent before its lines)."""
    compact: bytes | None = None
    """Its compact form (`compact_shared`), once asked for."""


_SHARED: dict[int, _Shared] = {}


def shared(value: Shared) -> Shared:
    """Mark `value`, a part shared by many documents (the same standard in every system's
    BOM), so that `dumps` writes its text once per indentation and then reuses it.

    Only values made of strings, lists and dicts are marked (their equality is their
    text's: no 1 == 1.0 == True); the text is reused only for this very object and only
    while it equals a copy taken now, so a change made to it later is written anew.
    """
    if _plain(value):
        if len(_SHARED) >= MAX_SHARED:
            del _SHARED[next(iter(_SHARED))]
        _SHARED[id(value)] = _Shared(value, copy.deepcopy(value))
    return value


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return True
    if kind is list:
        return all(_plain(item) for item in value)
    if kind is dict:
        return all(type(key) is str and _plain(item) for key, item in value.items())
    return False


class _Unusual(Exception):
    """A value the fast path leaves to `json.dumps`."""


def dumps(value: Any) -> str:
    """`json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)`."""
    out: list[str] = []
    try:
        _write(value, out, "\n")
    except (_Unusual, RecursionError, TypeError):  # TypeError: keys sorted() cannot order
        return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False, allow_nan=False)
    return "".join(out)


def _write(value: Any, out: list[str], newline: str) -> None:
    """Append `value`'s text to `out`; `newline` is a line break and the current indent."""
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        if _SHARED and id(value) in _SHARED and _reused(value, out, newline):
            return
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(value):  # every key is a str (checked below): sorted as json does
            if type(key) is not str:
                raise _Unusual
            item = value[key]
            if type(item) is str:  # most values: written here, without a call
                out.append(separator + encode_basestring(key) + ": " + encode_basestring(item))
            else:
                out.append(separator + encode_basestring(key) + ": ")
                _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        if _SHARED and id(value) in _SHARED and _reused(value, out, newline):
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
            if type(item) is str:
                out.append(separator + encode_basestring(item))
            else:
                out.append(separator)
                _write(item, out, inner)
            separator = "," + inner
        out.append(newline + "]")
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        if value != value or value == _INF or value == -_INF:
            raise _Unusual  # json raises its own ValueError
        out.append(float.__repr__(value))
    else:
        raise _Unusual


def _reused(value: Any, out: list[str], newline: str) -> bool:
    """Append a shared value's text (written once per indentation); False for any other."""
    known = _SHARED.get(id(value))
    if known is None or known.value is not value or value != known.snapshot:
        return False
    text = known.texts.get(newline)
    if text is None:
        del _SHARED[id(value)]  # written as any other value, then remembered again
        try:
            parts: list[str] = []
            _write(value, parts, newline)
            text = known.texts[newline] = "".join(parts)
        finally:
            _SHARED[id(value)] = known
    out.append(text)
    return True


def compact_shared(value: Any) -> bytes | None:
    """The canonical compact bytes of a shared value (`cardgate.core.digests.canonical_bytes`,
    computed once), or None for a value not marked or changed since."""
    known = _SHARED.get(id(value))
    if known is None or known.value is not value or value != known.snapshot:
        return None
    if known.compact is None:
        from cardgate.core.digests import canonical_bytes  # pydantic: not for every importer

        known.compact = canonical_bytes(value)
    return known.compact
