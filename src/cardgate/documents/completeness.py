"""Which fields of a validated document are not filled in, by schema level.

`cardgate.documents.schemas.base.field_level` says whether a field is required, recommended or
optional; `cardgate.documents.placeholders.is_missing` says whether a value carries content (TODO,
TBD, "[More Information Needed]", empty and whitespace-only text count as missing). This
walks a document deeply and yields the data path of each unfilled field of one level, so
a finding can point at its line and column.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any, NamedTuple

from pydantic import BaseModel

from cardgate.documents.placeholders import is_missing, is_placeholder_text
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.base import Section, field_level


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


def as_written(gap: Unfilled, data: Any) -> Unfilled:
    """`gap` as the document's own data shows it: where a date or a choice goes, the schema
    reads a placeholder (``last_reviewed: TODO``) as absent; the document holds the
    placeholder, and says so."""
    if gap.state != "missing":
        return gap
    value = data
    for part in gap.path:
        listed = isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)
        if not listed and not (isinstance(value, dict) and part in value):
            return gap
        value = value[part]
    if isinstance(value, str) and value.strip() and is_placeholder_text(value):
        return Unfilled(gap.path, "placeholder", value.strip())
    return gap


LEVELS = ("required", "recommended")
"""The levels a document can be incomplete at ('optional' fields are never demanded)."""


def unfilled(model: BaseModel, level: str, path: DataPath = ()) -> Iterator[Unfilled]:
    """Fields of `level` ('required' or 'recommended') without content, depth first.

    A section without content is reported (when of `level`) and not entered: its own
    fields are not reported again, whatever their level. List items that are leftover
    placeholders (``- TODO``) are reported one by one when the rest of the list is filled.
    """
    for found, gap in gaps(model, (level,), path):
        if found == level:
            yield gap


def gaps(
    model: BaseModel, levels: tuple[str, ...] = LEVELS, path: DataPath = ()
) -> list[tuple[str, Unfilled]]:
    """(level, gap) of every field of `levels` without content, in one walk of `model`.

    Filtered by level, the gaps come in the order `unfilled` gives for that level: a
    document is walked once however many levels and rules ask about it.
    """
    found: list[tuple[str, Unfilled]] = []
    _walk(model, frozenset(levels), path, found)
    return found


def _walk(
    model: BaseModel,
    levels: frozenset[str],
    path: DataPath,
    out: list[tuple[str, Unfilled]],
    skip: frozenset[str] = frozenset(),
) -> bool:
    """Append the gaps of `model` to `out`; return whether `model` itself has no content.

    Bottom-up, so each value is looked at once: a section's emptiness is known from its
    fields' walks instead of a second deep `is_missing` pass at every level. `skip`: the
    dotted paths below `model` that an enclosing section does not demand (`not_demanded`).
    """
    given = model.model_fields_set
    empty = True
    if isinstance(model, Section):
        skip = skip | model.not_demanded()
    for name, level in _levels(type(model)):
        value = getattr(model, name)
        if skip and name in skip and level == "recommended":
            level = "optional"
        below = paths_below(skip, name) if skip else skip
        placeholders: list[int] = []
        inner: list[tuple[str, Unfilled]] = []
        # Plain text and None first: most fields, and cheap to decide.
        if value is None:
            missing = True
        elif type(value) is str:
            missing = is_placeholder_text(value)
        elif isinstance(value, BaseModel):
            missing = _walk(value, levels, (*path, name), inner, below)
        elif isinstance(value, list):
            missing = True
            texts = True
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    texts = False
                    missing = _walk(item, levels, (*path, name, index), inner, below) and missing
                elif isinstance(item, str):
                    if is_placeholder_text(item):
                        placeholders.append(index)
                    else:
                        missing = False
                else:
                    texts = False
                    missing = missing and _missing(item)
            if not texts:
                placeholders = []
        else:
            missing = _missing(value)
        if not missing and name in given:
            empty = False
        if missing:
            # Reported once, at the outermost unfilled field: not again for its parts.
            if level in levels:
                out.append((level, Unfilled((*path, name), *_state(_plain(value)))))
            continue
        if level in levels:
            for index in placeholders:  # leftover "- TODO" items of a filled list of text
                out.append((level, Unfilled((*path, name, index), *_state(value[index]))))
        out.extend(inner)
    if empty and model.model_extra:  # keys beyond the fields (extra="allow")
        empty = all(_missing(value) for key, value in model.model_extra.items() if key in given)
    return empty


def paths_below(skip: frozenset[str], name: str) -> frozenset[str]:
    """The paths of `skip` inside the field `name`, relative to it."""
    prefix = name + "."
    return frozenset(path[len(prefix) :] for path in skip if path.startswith(prefix))


@functools.cache
def _levels(model: type[BaseModel]) -> tuple[tuple[str, str], ...]:
    """(field name, level) of a model class, read once per class."""
    return tuple((name, field_level(info)) for name, info in model.model_fields.items())


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
