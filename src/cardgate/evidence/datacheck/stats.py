"""What an engine measures about a data file, in engine-neutral values.

Both engines (pandas in memory, DuckDB streamed) fill the same `TableStats`; the clause
checks (`cardgate.evidence.datacheck.clauses`) read only these, so a clause is judged the same way
whichever engine measured. Values are normalised here, once, to what JSON holds: whole
numbers as int (also when stored as float), other numbers as float, dates as
`YYYY-MM-DD`, datetimes as ISO text, everything else as text.

Example values follow one rule, in `pick_examples`: the distinct offending values in
ascending order, at most five — when there are more, the three smallest and the two
largest, so a range violation shows both ends.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

JsonScalar = None | bool | int | float | str

PhysicalKind = Literal["int", "float", "bool", "temporal", "text", "other"]
"""How a column is stored: CSV columns are always text; Parquet ones keep their type."""

MAX_EXAMPLES = 5
LOWEST_EXAMPLES = 5
HIGHEST_EXAMPLES = 2

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
"""Text accepted as a boolean (after trimming and lower-casing), by both engines."""

COMPATIBLE: dict[str, frozenset[str]] = {
    "integer": frozenset({"int", "float", "text"}),
    "number": frozenset({"int", "float", "text"}),
    "boolean": frozenset({"bool", "text"}),
    "date": frozenset({"temporal", "text"}),
    "datetime": frozenset({"temporal", "text"}),
    "string": frozenset({"text"}),
    "category": frozenset({"text", "int"}),
}
"""Which stored kinds can hold a contract type (text is parsed value by value)."""


@dataclass(frozen=True)
class Offenders:
    """Values breaking one clause: how many rows, and a few of them."""

    count: int
    examples: tuple[JsonScalar, ...] = ()


@dataclass
class ColumnStats:
    """What one column holds, measured against its contract."""

    name: str
    kind: PhysicalKind
    nulls: int = 0
    wrong_type: bool = False
    """The stored type cannot hold the contract's type; nothing else was measured."""
    unparsable: Offenders = field(default_factory=lambda: Offenders(0))
    minimum: JsonScalar = None
    maximum: JsonScalar = None
    distinct: int | None = None
    below_min: Offenders = field(default_factory=lambda: Offenders(0))
    above_max: Offenders = field(default_factory=lambda: Offenders(0))
    not_allowed: Offenders = field(default_factory=lambda: Offenders(0))
    pattern_mismatch: Offenders = field(default_factory=lambda: Offenders(0))
    duplicates: Offenders = field(default_factory=lambda: Offenders(0))


@dataclass
class TableStats:
    """Rows, the file's columns in order, and statistics of the contract's columns."""

    rows: int
    columns: list[str]
    stats: dict[str, ColumnStats] = field(default_factory=dict)


def json_value(value: Any, column_type: str) -> JsonScalar:
    """A measured value as JSON holds it, the same from either engine."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, dt.datetime | dt.date):
        value = value.item()  # numpy scalar -> Python
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
        return value
    if isinstance(value, dt.datetime):
        stamp: dt.datetime = (
            value.to_pydatetime(warn=False) if hasattr(value, "to_pydatetime") else value
        )
        if stamp.tzinfo is not None:
            stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)
        if column_type == "date" and stamp.time() == dt.time(0):
            return stamp.date().isoformat()
        return stamp.isoformat()
    if isinstance(value, dt.date):
        return (
            value.isoformat()
            if column_type != "datetime"
            else (dt.datetime.combine(value, dt.time(0)).isoformat())
        )
    return str(value)


def pick_examples(
    lowest: Iterable[Any], highest: Iterable[Any], column_type: str
) -> tuple[JsonScalar, ...]:
    """At most five examples from the smallest (≤5) and largest (≤2) distinct offenders."""
    low = [json_value(value, column_type) for value in lowest]
    high = [json_value(value, column_type) for value in highest]
    merged = _distinct([*low, *reversed(high)])
    if len(merged) <= MAX_EXAMPLES:
        return tuple(merged)
    return tuple(_distinct([*low[:3], *reversed(high)]))


def _distinct(values: list[JsonScalar]) -> list[JsonScalar]:
    seen: list[JsonScalar] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
