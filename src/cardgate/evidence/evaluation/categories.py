"""Category values as text, and the code table that numbers them (groups, labels).

`1`, `1.0` and `"1"` are the same category; `True` is `"True"`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import InputError
from cardgate.evidence.evaluation.stats import IntArray


def _is_nan(value: Any) -> bool:
    """A float NaN: a missing value, like null (never a category 'nan')."""
    return isinstance(value, float) and math.isnan(value)


def numbers_of(array: Any, *, null: float = 0) -> npt.NDArray[Any]:
    """A pyarrow array (or chunked array) of integers or floats as a numpy array, its
    nulls as `null`.

    Read from the array's buffers, without pyarrow's conversions: its `to_numpy` and its
    scalars of Python values import pandas (pyarrow sets up its pandas support on the
    first conversion), a third of a second that `evaluate` does not otherwise spend.
    Arrays of other types go through `to_numpy`.
    """
    import pyarrow as pa

    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    kind = array.type
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return np.asarray(array.to_numpy(zero_copy_only=False))
    dtype = np.dtype(kind.to_pandas_dtype())
    validity, data = array.buffers()[:2]
    values = np.frombuffer(
        data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )
    if not array.null_count:
        return values
    bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
    valid = bits[array.offset : array.offset + len(array)].astype(bool)
    return np.where(valid, values, np.asarray(null).astype(dtype))


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

    def encode(self, array: Any) -> IntArray:
        """Codes of a pyarrow array's values (-1 for null)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array)
        lookup = np.array(
            [-1 if _is_nan(v) else self.code(v) for v in array.dictionary.to_pylist()] + [-1],
            dtype=np.int64,
        )
        indices = numbers_of(array.indices, null=-1)
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
        import pyarrow.compute as pc

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if array.null_count:
            return None
        if pa.types.is_integer(array.type) and len(array):
            values = numbers_of(array)
            low, high = int(values.min()), int(values.max())
            if high - low <= 1:  # the extremes occur, so both values are present
                first = int(values[0])  # codes in order of first appearance, as encode's
                for value in (first, low + high - first):
                    self.code(value)
                table = np.array(
                    [self._codes[category_text(v)] for v in range(low, high + 1)], dtype=np.int64
                )
                return (values - low if low else values), table
        if not pa.types.is_dictionary(array.type):
            array = pc.dictionary_encode(array)
        values = array.dictionary.to_pylist()
        if any(_is_nan(v) for v in values):
            return None  # NaN is missing: `encode` maps it to -1
        table = np.array([self.code(v) for v in values], dtype=np.int64)
        return numbers_of(array.indices), table
