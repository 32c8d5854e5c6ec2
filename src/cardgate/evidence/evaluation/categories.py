"""Category values as text, and the code table that numbers them (groups, labels).

`1`, `1.0` and `"1"` are the same category; `True` is `"True"`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import InputError
from cardgate.core.text import visible
from cardgate.evidence.evaluation.stats import IntArray

MAX_CATEGORY_CHARS = 256
"""The longest group or label value: a sensitive feature's groups and a label's classes
are short names, shown in every verdict, page and export. A longer value is a free-text
or corrupted column named as a feature, refused before it is echoed into them whole."""


def _is_nan(value: Any) -> bool:
    """A float NaN: a missing value, like null (never a category 'nan')."""
    return isinstance(value, float) and math.isnan(value)


def category_text(value: Any) -> str:
    """A category value as text; integral floats lose their '.0' (1.0 and 1 agree)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Categories:
    """A growing dictionary of category values (as text) to codes 0, 1, 2, ..."""

    def __init__(self, name: str, *, limit: int | None = None, source: str = "") -> None:
        self.name = name
        self.source = source
        self.limit = limit
        self.values: list[str] = []
        self._codes: dict[str, int] = {}

    def code(self, value: Any) -> int:
        text = category_text(value)
        found = self._codes.get(text)
        if found is None:
            if len(text) > MAX_CATEGORY_CHARS:
                shown = visible(text[:40]) + "…"
                raise InputError(
                    f"{self.source}: column '{self.name}' has a value of {len(text):,} "
                    f"characters ('{shown}'), more than {MAX_CATEGORY_CHARS}",
                    hint="a sensitive feature's groups and the labels are short names: "
                    "map the column to them before evaluating",
                )
            found = len(self.values)
            if self.limit is not None and found >= self.limit:
                raise InputError(
                    f"{self.source}: column '{self.name}' has more than {self.limit} "
                    "distinct values",
                    hint="a sensitive feature should have few groups (raise "
                    "evaluation.max_groups if this is intended)",
                )
            self._codes[text] = found
            self.values.append(text)
        return found

    def encode(self, array: Any, column: str | None = None) -> IntArray:
        """Codes of a pyarrow array's values (-1 for null); `column`: the array's name in
        messages (default: the table's, a feature's; labels and predictions share one)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        array = self._encoded(array, column or self.name)
        lookup = np.array(
            [-1 if _is_nan(v) else self.code(v) for v in array.dictionary.to_pylist()] + [-1],
            dtype=np.int64,
        )
        indices = pc.fill_null(array.indices, -1).to_numpy(zero_copy_only=False)
        codes: IntArray = lookup[indices.astype(np.int64, copy=False)]
        return codes

    def indexed(self, array: Any) -> tuple[npt.NDArray[np.integer[Any]], IntArray] | None:
        """(indices per row, code of each index) of a column without nulls; None with nulls.

        The codes of the rows are ``table[indices]``, assigned exactly as `encode` assigns
        them, but the rows are not mapped here: a caller folds the table into its own
        arithmetic. A column of integers with at most two values (0/1 labels) is used as
        it is, without dictionary-encoding it.
        """
        import pyarrow as pa

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if array.null_count or pa.types.is_nested(array.type):
            return None  # nested: `encode` refuses it by the column's name
        if pa.types.is_integer(array.type) and len(array):
            values = array.to_numpy()
            low, high = int(values.min()), int(values.max())
            if high - low <= 1:  # the extremes occur, so both values are present
                first = int(values[0])  # codes in order of first appearance, as encode's
                for value in (first, low + high - first):
                    self.code(value)
                table = np.array(
                    [self._codes[category_text(v)] for v in range(low, high + 1)], dtype=np.int64
                )
                return (values - low if low else values), table
        array = self._encoded(array, self.name)
        values = array.dictionary.to_pylist()
        if any(_is_nan(v) for v in values):
            return None  # NaN is missing: `encode` maps it to -1
        table = np.array([self.code(v) for v in values], dtype=np.int64)
        return array.indices.to_numpy(), table

    def _encoded(self, array: Any, column: str) -> Any:
        """A pyarrow array dictionary-encoded; InputError for a column whose values are
        not one category each (lists, records, maps), which has no encoding."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if pa.types.is_dictionary(array.type):
            return array
        try:
            return pc.dictionary_encode(array)
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid) as error:
            raise InputError(
                f"{self.source}: column '{column}' holds {array.type} values, not one text "
                "or number per row",
                hint="a sensitive feature, a label and a prediction hold one value per row: "
                "flatten the column and re-export the file",
            ) from error
