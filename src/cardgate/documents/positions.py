"""Where each part of a document was written: a position index addressed by data path
(``("evaluation", "thresholds", 0, "max")``), and numbers that keep their source text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cardgate.core.problems import Span

DataPath = tuple[str | int, ...]


class SourceInt(int):
    """An integer that remembers how it was written."""

    source: str


class SourceFloat(float):
    """A float that remembers how it was written (``1.10`` is not ``1.1`` as text)."""

    source: str


_SOURCED = (SourceInt, SourceFloat)


def source_text(value: object) -> str | None:
    """The text as written for a scalar loaded from YAML, or None when it was not a number."""
    if type(value) in _SOURCED:  # exact types: called for every text field validated
        return value.source  # type: ignore[attr-defined,no-any-return]
    return None


@dataclass
class PositionIndex:
    """Data path -> where the key and the value start.

    Holds PyYAML's 0-based marks as built and converts on lookup, so that loading does not
    pay for the many positions nobody asks for. `compact` turns the marks into 0-based
    ``(line, column)`` pairs, the form the parse cache stores.
    """

    keys: dict[DataPath, Any] = field(default_factory=dict)
    values: dict[DataPath, Any] = field(default_factory=dict)

    def value(self, path: DataPath) -> Span:
        """Where the value at `path` starts, or the nearest ancestor's position."""
        return self._nearest(self.values, path)

    def key(self, path: DataPath) -> Span:
        """Where the key of the entry at `path` starts (value position for list items)."""
        if path in self.keys:
            return _span(self.keys[path])
        return self._nearest(self.values, path)

    def has_key(self, path: DataPath) -> bool:
        return path in self.keys

    def compact(self) -> PositionIndex:
        """The same index with plain ``(line, column)`` pairs: small and picklable."""
        return PositionIndex(
            {path: (mark.line, mark.column) for path, mark in self.keys.items()},
            {path: (mark.line, mark.column) for path, mark in self.values.items()},
        )

    def _nearest(self, table: dict[DataPath, Any], path: DataPath) -> Span:
        for end in range(len(path), -1, -1):
            mark = table.get(path[:end])
            if mark is not None:
                return _span(mark)
        return Span(1, 1)


def _span(mark: Any) -> Span:
    if type(mark) is tuple:  # a compacted (line, column) pair from the parse cache
        return Span(mark[0] + 1, mark[1] + 1)
    return Span.from_mark(mark)
