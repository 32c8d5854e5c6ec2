"""Which fields of a validated document are not filled in, by schema level.

`cardgate.schemas.base.field_level` says whether a field is required, recommended or
optional; `cardgate.placeholders.is_missing` says whether a value carries content (TODO,
TBD, "[More Information Needed]", empty and whitespace-only text count as missing). This
walks a document deeply and yields the data path of each unfilled field of one level, so
a finding can point at its line and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from pydantic import BaseModel

from cardgate.loading import DataPath
from cardgate.placeholders import is_missing, is_placeholder_text
from cardgate.schemas.base import field_level


class Unfilled(NamedTuple):
    """One field without content: where, and what it holds instead."""

    path: DataPath
    state: str
    """'missing' (absent or null), 'empty', or 'placeholder'."""
    shown: str
    """The placeholder text as written, for messages (empty unless 'placeholder')."""

    @property
    def dotted(self) -> str:
        return ".".join(str(part) for part in self.path)

    def describe(self) -> str:
        name = f"'{self.dotted}'"
        if self.state == "placeholder":
            return f"{name} is still the template placeholder ({self.shown})"
        if self.state == "empty":
            return f"{name} is empty"
        return f"{name} is missing"


def unfilled(model: BaseModel, level: str, path: DataPath = ()) -> Iterator[Unfilled]:
    """Fields of `level` ('required' or 'recommended') without content, depth first.

    A section without content is reported (when of `level`) and not entered: its own
    fields are not reported again, whatever their level. List items that are leftover
    placeholders (``- TODO``) are reported one by one when the rest of the list is filled.
    """
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        here = (*path, name)
        if _missing(value):
            # Reported once, at the outermost unfilled field: not again for its parts.
            if field_level(info) == level:
                yield Unfilled(here, *_state(_plain(value)))
            continue
        if (
            field_level(info) == level
            and isinstance(value, list)
            and all(isinstance(item, str) for item in value)
        ):
            for index, item in enumerate(value):
                if is_placeholder_text(item):
                    yield Unfilled((*here, index), *_state(item))
        if isinstance(value, BaseModel):
            yield from unfilled(value, level, here)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from unfilled(item, level, (*here, index))


def _state(value: Any) -> tuple[str, str]:
    text = _first_text(value)
    if text is not None and text.strip():
        return "placeholder", text.strip()
    if value is None:
        return "missing", ""
    return "empty", ""


def _first_text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        found = _first_text(item)
        if found is not None and found.strip():
            return found
    return None


def _missing(value: Any) -> bool:
    """`is_missing` on a validated value, without dumping models (fields given only)."""
    if isinstance(value, BaseModel):
        return all(_missing(getattr(value, name)) for name in value.model_fields_set)
    if isinstance(value, list | tuple):
        return all(_missing(item) for item in value)
    if isinstance(value, dict):
        return all(_missing(item) for item in value.values())
    return is_missing(value)


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_defaults=True)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
