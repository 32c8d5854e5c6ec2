"""The one pass over the predictions: chunks of rows reduced to `SufficientStats`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import InputError
from cardgate.evidence.evaluation.categories import Categories
from cardgate.evidence.evaluation.stats import (
    COUNTS_FLAGS_REGRESSION,
    ERROR_COLUMNS,
    SCORE_BINS,
    FloatArray,
    IntArray,
    SufficientStats,
    check_error_sums,
    check_score_sums,
)

_DENSE_LIMIT = 1 << 22  # largest key space reduced with one bincount


@dataclass
class _Sums:
    """Key columns -> summed value columns, compacted as chunks arrive."""

    key_width: int
    value_width: int
    pending_keys: list[IntArray] = field(default_factory=list)
    pending_values: list[FloatArray] = field(default_factory=list)
    pending_rows: int = 0

    def add(self, keys: IntArray, values: FloatArray) -> None:
        """Add rows `keys` (n x key_width) with `values` (n x value_width), reduced."""
        reduced_keys, reduced_values = _reduce(keys, values)
        self.pending_keys.append(reduced_keys)
        self.pending_values.append(reduced_values)
        self.pending_rows += len(reduced_keys)
        if self.pending_rows > 1_000_000 and len(self.pending_keys) > 1:
            self._compact()

    def _compact(self) -> None:
        keys, values = self.result()
        self.pending_keys, self.pending_values, self.pending_rows = [keys], [values], len(keys)

    def result(self) -> tuple[IntArray, FloatArray]:
        if not self.pending_keys:
            return (
                np.zeros((0, self.key_width), dtype=np.int64),
                np.zeros((0, self.value_width), dtype=np.float64),
            )
        return _reduce(np.concatenate(self.pending_keys), np.concatenate(self.pending_values))


def _reduce(keys: IntArray, values: FloatArray) -> tuple[IntArray, FloatArray]:
    """Sum `values` over identical rows of `keys`; unique keys in lexicographic order."""
    if len(keys) == 0:
        return keys, values
    radices = keys.max(axis=0) + 1
    space = 1
    for radix in radices.tolist():
        space *= int(radix)
    if space <= _DENSE_LIMIT:
        flat = np.ravel_multi_index(tuple(keys.T), tuple(int(r) for r in radices))
        present = np.bincount(flat, minlength=space) > 0
        sums: FloatArray = np.stack(
            [
                np.bincount(flat, weights=values[:, j], minlength=space)
                for j in range(values.shape[1])
            ],
            axis=1,
        )
        index = np.flatnonzero(present)
        unique = np.stack(np.unravel_index(index, tuple(int(r) for r in radices)), axis=1)
        return unique.astype(np.int64), sums[index]
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    totals: FloatArray = np.stack(
        [
            np.bincount(inverse, weights=values[:, j], minlength=len(unique))
            for j in range(values.shape[1])
        ],
        axis=1,
    )
    return unique.astype(np.int64), totals


class Accumulator:
    """Builds `SufficientStats` from chunks of columns (pyarrow arrays).

    `add_rows` takes raw predictions, `add_counts` a documented counts table; both go
    into the same sums, so every source (CSV, Parquet, DuckDB, counts) ends alike.
    """

    def __init__(
        self,
        features: Sequence[str],
        *,
        regression: bool,
        with_scores: bool,
        max_groups: int,
        source: str,
    ) -> None:
        self.features = list(features)
        self.regression = regression
        self.with_scores = with_scores
        self.source = source
        self.categories = [Categories(name, limit=max_groups, source=source) for name in features]
        self.labels = Categories("label", source=source)
        width = len(features)
        self._cells = _Sums(width + 2, 1)
        self._scores = _Sums(width + 2, 3)
        self._errors = _Sums(width, 5)
        self._flat: IntArray = np.empty(0, dtype=np.int64)  # reused by _add_cells_indexed
        self.rows_read = 0
        self.dropped: dict[str, int] = {}

    # -- shared --------------------------------------------------------------------
    def _feature_codes(self, columns: Sequence[Any]) -> IntArray:
        return np.stack(
            [cat.encode(col) for cat, col in zip(self.categories, columns, strict=True)], axis=1
        ).reshape(-1, len(self.categories))

    def _drop(
        self, masks: list[tuple[str, npt.NDArray[np.bool_]]], weight: FloatArray
    ) -> npt.NDArray[np.bool_]:
        """Keep rows without nulls; count dropped rows under their first null column."""
        keep = np.ones(len(weight), dtype=bool)
        for reason, null in masks:
            newly = null & keep
            if newly.any():
                self.dropped[reason] = self.dropped.get(reason, 0) + round(
                    float(weight[newly].sum())
                )
                keep &= ~null
        return keep

    def _flags(self, array: Any) -> npt.NDArray[np.bool_]:
        """A boolean column (true, false, or null as false) as a mask."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        return np.asarray(pc.fill_null(array.cast(pa.bool_()), False), dtype=bool)

    def _numbers(self, array: Any, column: str) -> FloatArray:
        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks()
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if not (
            pa.types.is_integer(array.type)
            or pa.types.is_floating(array.type)
            or pa.types.is_boolean(array.type)
            or pa.types.is_decimal(array.type)
        ):
            try:
                array = pc.cast(array, pa.float64())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
                raise InputError(
                    f"{self.source}: column '{column}' is not numeric ({array.type})",
                ) from error
        values = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=np.float64)

    # -- raw rows ------------------------------------------------------------------
    def add_rows(
        self,
        feature_columns: Sequence[Any],
        label: Any,
        prediction: Any,
        score: Any | None,
        *,
        label_name: str,
        prediction_name: str,
        score_name: str | None,
    ) -> None:
        """Add one chunk of predictions (one value per row in each column)."""
        if (
            not self.regression
            and score is None
            and self._add_cells_indexed([*feature_columns, label, prediction])
        ):
            return
        n = len(label)
        self.rows_read += n
        codes = self._feature_codes(feature_columns)
        ones = np.ones(n, dtype=np.float64)
        null_masks = [
            (f"null in column '{name}'", codes[:, i] < 0) for i, name in enumerate(self.features)
        ]
        if self.regression:
            truth = self._numbers(label, label_name)
            predicted = self._numbers(prediction, prediction_name)
            null_masks += [
                (f"null in column '{label_name}'", np.isnan(truth)),
                (f"null in column '{prediction_name}'", np.isnan(predicted)),
            ]
            keep = self._drop(null_masks, ones)
            error = (predicted - truth)[keep]
            if not np.isfinite(error).all():
                raise InputError(
                    f"{self.source}: columns '{label_name}'/'{prediction_name}' "
                    "hold infinite values"
                )
            squared = error * error
            values = np.stack(
                [np.ones_like(error), error, np.abs(error), squared, squared * squared], axis=1
            )
            self._errors.add(codes[keep], values)
            return
        label_codes = self.labels.encode(label, label_name)
        prediction_codes = self.labels.encode(prediction, prediction_name)
        null_masks += [
            (f"null in column '{label_name}'", label_codes < 0),
            (f"null in column '{prediction_name}'", prediction_codes < 0),
        ]
        scores: FloatArray | None = None
        if score is not None and score_name is not None:
            scores = self._numbers(score, score_name)
            null_masks.append((f"null in column '{score_name}'", np.isnan(scores)))
        keep = self._drop(null_masks, ones)
        kept = codes[keep]
        truth_codes = label_codes[keep]
        keys = np.concatenate([kept, truth_codes[:, None], prediction_codes[keep][:, None]], axis=1)
        self._cells.add(keys, np.ones((len(keys), 1)))
        if scores is not None:
            kept_scores = scores[keep]
            outside = (kept_scores < 0) | (kept_scores > 1) | ~np.isfinite(kept_scores)
            if outside.any():
                example = float(kept_scores[outside][0])
                raise InputError(
                    f"{self.source}: column '{score_name}' holds {example!r}, outside [0, 1]",
                    hint="the score must be the probability of the positive class",
                )
            bins = np.minimum((kept_scores * SCORE_BINS).astype(np.int64), SCORE_BINS - 1)
            score_keys = np.concatenate([kept, truth_codes[:, None], bins[:, None]], axis=1)
            values = np.stack(
                [np.ones_like(kept_scores), kept_scores, kept_scores * kept_scores], axis=1
            )
            self._scores.add(score_keys, values)

    def _add_cells_indexed(self, columns: Sequence[Any]) -> bool:
        """`add_rows` for classification rows without nulls or scores, in one bincount.

        Each row's cell is the mixed-radix number of its codes, built column by column in
        one reused buffer straight from the columns' indices (Horner's scheme: no code,
        key or mask arrays per row). Returns False, having added nothing, when a column
        has nulls or the key space is too big.
        """
        n = len(columns[-1])
        if not n:
            return False
        parts = []
        for categories, column in zip(
            [*self.categories, self.labels, self.labels], columns, strict=True
        ):
            found = categories.indexed(column)
            if found is None:
                return False
            parts.append(found)
        radices = [len(categories.values) for categories in self.categories]
        radices += [len(self.labels.values)] * 2
        space = 1
        for radix in radices:
            space *= radix
        if space > _DENSE_LIMIT:
            return False
        if len(self._flat) < n:
            self._flat = np.empty(n, dtype=np.int64)
        flat = self._flat[:n]
        offset = 0
        for position, ((indices, table), radix) in enumerate(zip(parts, radices, strict=True)):
            if position:
                flat *= radix
            step = int(table[1] - table[0]) if len(table) > 1 else 1
            if np.array_equal(table, table[0] + step * np.arange(len(table))):
                # codes in dictionary order (the usual case): no lookup per row
                offset = offset * radix + int(table[0])
                if position == 0:
                    np.multiply(indices, step, out=flat, dtype=np.int64)
                elif step == 1:
                    np.add(flat, indices, out=flat, dtype=np.int64)
                elif step == -1:
                    np.subtract(flat, indices, out=flat, dtype=np.int64)
                else:
                    flat += np.multiply(indices, step, dtype=np.int64)
            else:
                offset *= radix
                if position == 0:
                    np.take(table, indices, out=flat)
                else:
                    flat += table[indices]
        if offset:
            flat += offset
        self.rows_read += n
        counts = np.bincount(flat, minlength=space)
        index = np.flatnonzero(counts)
        keys = np.stack(np.unravel_index(index, tuple(radices)), axis=1).astype(np.int64)
        self._cells.add(keys, counts[index].astype(np.float64)[:, None])
        return True

    # -- counts table --------------------------------------------------------------
    def add_counts(
        self,
        feature_columns: Sequence[Any],
        columns: dict[str, Any],
        *,
        label_name: str,
        prediction_name: str,
        score_name: str = "score_bin",
    ) -> None:
        """Add one chunk of a counts table (see docs/counts-table.md). `score_name`: the
        column a null score bin is reported under (the score column itself when cardgate's
        own query binned it, so that every reader reports the same dropped rows)."""
        weight = self._numbers(columns["n"], "n")
        if np.isnan(weight).any() or (weight < 0).any() or not np.all(weight == np.round(weight)):
            raise InputError(f"{self.source}: column 'n' must hold non-negative whole numbers")
        self.rows_read += int(weight.sum())
        codes = self._feature_codes(feature_columns)
        null_masks = [
            (f"null in column '{name}'", codes[:, i] < 0) for i, name in enumerate(self.features)
        ]
        if self.regression:
            sums = [self._numbers(columns[name], name) for name in ERROR_COLUMNS]
            missing = np.asarray(np.isnan(np.stack(sums)).any(axis=0), dtype=bool)
            if all(flag in columns for flag in COUNTS_FLAGS_REGRESSION):
                # which of the two is missing (cardgate's own SQL says; optional in a table)
                null_masks += [
                    (f"null in column '{name}'", self._flags(columns[flag]))
                    for name, flag in zip(
                        (label_name, prediction_name), COUNTS_FLAGS_REGRESSION, strict=True
                    )
                ]
            null_masks.append(("null label or prediction", missing))
            keep = self._drop(null_masks, weight)
            values = np.stack([weight, *sums], axis=1)[keep]
            check_error_sums(self.source, values)
            self._errors.add(codes[keep], values)
            return
        label_codes = self.labels.encode(columns[label_name], label_name)
        prediction_codes = self.labels.encode(columns[prediction_name], prediction_name)
        null_masks += [
            (f"null in column '{label_name}'", label_codes < 0),
            (f"null in column '{prediction_name}'", prediction_codes < 0),
        ]
        score_bins: IntArray | None = None
        if self.with_scores:
            raw_bins = self._numbers(columns["score_bin"], "score_bin")
            null_masks.append((f"null in column '{score_name}'", np.isnan(raw_bins)))
            bad = ~np.isnan(raw_bins) & (
                (raw_bins < 0) | (raw_bins >= SCORE_BINS) | (raw_bins != np.round(raw_bins))
            )
            if bad.any():
                raise InputError(
                    f"{self.source}: column 'score_bin' holds {raw_bins[bad][0]!r}; "
                    f"bins are whole numbers 0..{SCORE_BINS - 1} (scores outside [0, 1]?)"
                )
            score_bins = np.nan_to_num(raw_bins).astype(np.int64)
        keep = self._drop(null_masks, weight)
        kept = codes[keep]
        truth_codes = label_codes[keep][:, None]
        keys = np.concatenate([kept, truth_codes, prediction_codes[keep][:, None]], axis=1)
        self._cells.add(keys, weight[keep][:, None])
        if score_bins is not None:
            sums = [self._numbers(columns[name], name) for name in ("score_sum", "score_sq_sum")]
            score_sums = np.stack([weight, *sums], axis=1)[keep]
            check_score_sums(self.source, score_sums, score_bins[keep])
            score_keys = np.concatenate([kept, truth_codes, score_bins[keep][:, None]], axis=1)
            self._scores.add(score_keys, score_sums)

    def result(self) -> SufficientStats:
        cells_keys, cells = self._cells.result()
        scores_keys, scores = self._scores.result()
        errors_keys, errors = self._errors.result()
        return SufficientStats(
            features=self.features,
            levels=[cat.values for cat in self.categories],
            labels=self.labels.values,
            cells_keys=cells_keys,
            cells=cells,
            scores_keys=scores_keys,
            scores=scores,
            errors_keys=errors_keys,
            errors=errors,
            rows_read=self.rows_read,
            dropped=dict(sorted(self.dropped.items())),
        )
