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

import json
from json.encoder import encode_basestring
from typing import Any

_INF = float("inf")


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
        inner = newline + "  "
        separator = "{" + inner
        for key in sorted(value):  # every key is a str (checked below): sorted as json does
            if type(key) is not str:
                raise _Unusual
            out.append(separator + encode_basestring(key) + ": ")
            _write(value[key], out, inner)
            separator = "," + inner
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "[" + inner
        for item in value:
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
