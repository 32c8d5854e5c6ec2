"""Intervals, slice differences and the paired baseline comparison of retrieval metrics,
from the per-query metric matrix (queries × metrics), vectorised.

* **Intervals** — the percentile bootstrap of a mean over queries (Efron & Tibshirani
  1993): R resamples of the queries with replacement, as one (R, Q) draw of indices
  turned into per-query counts, times the matrix (one matrix product for every metric).
  Per slice, the queries are resampled within their slice (a stratified bootstrap).
  Percentiles come from `evaluation.bootstrap.percentile_interval` (the same engine).
* **Slice differences** — the spread of a metric over the compared slices of a feature
  (largest minus smallest slice mean) gets the interval the fairness evaluation gives a
  disparity: every slice's interval at the Šidák level for the pairwise comparisons, then
  `evaluation.intervals.spread_interval` (docs/statistics.md, "Disparities"). Its null
  test permutes the slice labels among the queries R times (no slice differs; the slices'
  sizes kept): the noise floor and p-value from `evaluation.nulls.floor_and_p_value`.
* **Paired comparison** — candidate minus baseline on the same queries: the per-query
  differences are resampled together with the candidate's values, so each replicate
  compares both systems on the same queries (a paired bootstrap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cardgate.evidence.evaluation import intervals as I
from cardgate.evidence.evaluation.bootstrap import percentile_interval
from cardgate.evidence.evaluation.nulls import floor_and_p_value
from cardgate.evidence.genai.retrieval_metrics import FloatArray

IntArray = npt.NDArray[np.int64]
Statistic = Callable[[FloatArray], FloatArray]
"""A statistic of the rows along axis -2 of (..., rows, columns) values, one value per
output: (..., outputs) — a latency quantile, a mean cost. None where the statistic is the
mean of each column (the fast path: counts times the matrix)."""
_CHUNK = 100
"""Replicates of a general statistic computed at once (memory: chunk × rows × columns)."""
_NUMBERS = 1 << 21
"""The most rows a chunk of replicates resamples (fewer replicates at once for a large
sample: a chunk of 100 replicates of 1,500,000 queries would take GBs)."""


def replicates_at_once(rows: int) -> int:
    """How many replicates of a statistic of `rows` resampled rows to compute at once. The
    replicates are the same whatever the chunk: numpy's Generator draws (R, n) indices,
    or R permutations, as the same stream in one call or in several."""
    return max(1, min(_CHUNK, _NUMBERS // max(rows, 1)))


def resampled_means(
    values: FloatArray, strata: IntArray, replicates: int, rng: np.random.Generator
) -> FloatArray:
    """Bootstrap replicates of the mean of each column of `values` (Q, M) within each
    stratum: (R, S, M), queries resampled with replacement inside their stratum
    (`strata`: the stratum index of each query, 0 … S-1; strata in increasing order)."""
    queries, columns = values.shape
    strata_count = int(strata.max()) + 1 if queries else 0
    out = np.zeros((replicates, strata_count, columns))
    if replicates == 0 or queries == 0:
        return out
    for stratum in range(strata_count):
        members = values[strata == stratum]
        size = len(members)
        if size == 0:
            out[:, stratum, :] = np.nan
            continue
        # R draws of `size` indices, as counts per query: one bincount, one matrix product
        wide: type[np.int32] | type[np.int64] = np.int64 if replicates * size >= 2**31 else np.int32
        picks = rng.integers(0, size, (replicates, size), dtype=wide)
        np.add(picks, np.arange(0, replicates * size, size, dtype=wide)[:, None], out=picks)
        counts = np.bincount(picks.ravel(), minlength=replicates * size)
        out[:, stratum, :] = (counts.reshape(replicates, size).astype(np.float64) @ members) / size
    return out


def resampled_statistic(
    values: FloatArray,
    strata: IntArray,
    replicates: int,
    rng: np.random.Generator,
    statistic: Statistic,
) -> FloatArray:
    """Bootstrap replicates of `statistic` within each stratum: (R, S, outputs), rows
    resampled with replacement inside their stratum (as `resampled_means`, for a statistic
    that is not a mean)."""
    count = int(strata.max()) + 1 if len(strata) else 0
    outputs = statistic(values[:1]).shape[-1] if len(values) else 0
    out = np.full((replicates, count, outputs), np.nan)
    for stratum in range(count):
        members = values[strata == stratum]
        done = 0
        while done < replicates and len(members):
            size = min(replicates_at_once(len(members)), replicates - done)
            picks = rng.integers(0, len(members), (size, len(members)))
            out[done : done + size, stratum, :] = statistic(members[picks])
            done += size
    return out


def stratum_statistic(
    values: FloatArray, strata: IntArray, count: int, statistic: Statistic | None
) -> FloatArray:
    """`statistic` (the mean of each column when None) within each stratum: (S, outputs)."""
    if statistic is None:
        return stratum_means(values, strata, count)
    return np.stack([statistic(values[strata == stratum]) for stratum in range(count)])


@dataclass(frozen=True)
class Estimates:
    """Point values and percentile intervals of a set of means: (..., M) arrays."""

    value: FloatArray
    low: FloatArray
    high: FloatArray


def interval_of(replicates: FloatArray, value: FloatArray, level: float) -> Estimates:
    """The percentile interval of replicates (R, ...) around `value` (...)."""
    low, high = percentile_interval(replicates, level)
    return Estimates(value, low, high)


def stratum_means(values: FloatArray, strata: IntArray, count: int) -> FloatArray:
    """The mean of each column within each stratum: (S, M)."""
    sums = np.zeros((count, values.shape[1]))
    np.add.at(sums, strata, values)
    sizes = np.bincount(strata, minlength=count).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        means: FloatArray = sums / sizes[:, None]
    return means


@dataclass(frozen=True)
class Spread:
    """Largest minus smallest slice mean of one metric, its simultaneous interval, and
    its null test."""

    value: float
    low: float
    high: float
    noise_floor: float | None
    p_value: float | None


Limits = Callable[[float], tuple[FloatArray, FloatArray]]
"""Each slice's interval (S, M lower and upper ends) at a given level: the percentiles of
the slice's bootstrap replicates, or a proportion's Wilson interval."""


def bootstrap_limits(replicates_by_slice: FloatArray) -> Limits:
    """Percentile intervals of the slices' bootstrap replicates (R, S, M)."""
    return lambda level: percentile_interval(replicates_by_slice, level)


def spreads(
    values: FloatArray,
    strata: IntArray,
    limits: Limits,
    *,
    level: float,
    null_replicates: int,
    rng: np.random.Generator,
    statistic: Statistic | None = None,
) -> list[Spread]:
    """The spread of every metric (a column of `values`, or an output of `statistic`) over
    the slices (strata, at least two), its interval from each slice's interval at the
    Šidák level for the pairwise comparisons (`limits`), and its permutation null test."""
    slices = int(strata.max()) + 1
    means = stratum_statistic(values, strata, slices, statistic)
    low, high = limits(I.sidak_level(level, I.pair_count(slices)))
    null = permuted_spreads(values, strata, slices, null_replicates, rng, statistic)
    found = []
    for column in range(means.shape[1]):
        value = float(means[:, column].max() - means[:, column].min())
        span_low, span_high = I.spread_interval(means[:, column], low[:, column], high[:, column])
        floor, p_value = (
            floor_and_p_value(null[:, column], value, level=level, smaller_is_worse=False)
            if null_replicates
            else (None, None)
        )
        found.append(Spread(value, float(span_low), float(span_high), floor, p_value))
    return found


def permuted_spreads(
    values: FloatArray,
    strata: IntArray,
    slices: int,
    replicates: int,
    rng: np.random.Generator,
    statistic: Statistic | None = None,
) -> FloatArray:
    """The spread of each metric with the slice labels permuted among the queries:
    (R, M), `replicates` permutations (the slices' sizes kept)."""
    if replicates == 0:
        outputs = values.shape[1] if statistic is None else statistic(values[:1]).shape[-1]
        return np.zeros((0, outputs))
    small = np.int8 if slices < 128 else np.int64
    if statistic is not None:
        # permuted a chunk at a time: R permutations of a large sample are GBs
        step = replicates_at_once(len(strata))
        row = strata.astype(small)
        return np.concatenate(
            [
                _permuted_statistic_spreads(
                    values,
                    rng.permuted(
                        np.broadcast_to(row, (min(step, replicates - start), len(row))), axis=1
                    ),
                    slices,
                    statistic,
                )
                for start in range(0, replicates, step)
            ]
        )
    labels = rng.permuted(np.broadcast_to(strata.astype(small), (replicates, len(strata))), axis=1)
    sizes = np.bincount(strata, minlength=slices).astype(np.float64)
    sums = np.zeros((replicates, slices, values.shape[1]))
    for s in range(slices - 1):
        sums[:, s, :] = (labels == s).astype(np.float64) @ values
    # every permutation keeps the total: the last slice's sum is what the others leave
    sums[:, slices - 1, :] = values.sum(axis=0) - sums[:, : slices - 1, :].sum(axis=1)
    means = sums / sizes[None, :, None]
    result: FloatArray = means.max(axis=1) - means.min(axis=1)
    return result


def _permuted_statistic_spreads(
    values: FloatArray, labels: npt.NDArray[np.integer], slices: int, statistic: Statistic
) -> FloatArray:
    """The spread of each output of `statistic` under each row of permuted `labels`
    (R, rows): every permutation keeps the slices' sizes, so a slice's rows of all the
    permutations are one (R, size, columns) array."""
    found = []
    ends = np.cumsum(np.bincount(labels[0], minlength=slices))  # every row: the same sizes
    for start in range(0, len(labels), _CHUNK):
        chunk = labels[start : start + _CHUNK]
        # each row's positions grouped by slice, in increasing order within a slice (a
        # stable sort: a radix sort of small labels, one pass where a comparison and a
        # nonzero per slice took several)
        grouped = np.argsort(chunk, axis=1, kind="stable")
        per_slice = []
        for s in range(slices):
            rows = grouped[:, (ends[s - 1] if s else 0) : ends[s]]
            per_slice.append(statistic(values[rows]))
        stacked = np.stack(per_slice, axis=1)
        found.append(stacked.max(axis=1) - stacked.min(axis=1))
    result: FloatArray = np.concatenate(found)
    return result


def codes(labels: Sequence[str]) -> tuple[list[str], IntArray]:
    """The distinct labels, sorted, and each item's index among them."""
    names = sorted(set(labels))
    index = {name: position for position, name in enumerate(names)}
    return names, np.array([index[label] for label in labels], dtype=np.int64)
