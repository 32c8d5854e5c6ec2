"""The percentile bootstrap on score histograms, vectorised, for the metric without a
closed-form interval (the expected calibration error; `estimates`).

Resampling N rows with replacement is, for any statistic of the count table, the same as
one multinomial draw of N over the table's cells with their observed frequencies; R
replicates are one `(R, cells)` draw. A calibrated model's labels are redrawn from the
scores themselves (`consistency_ece`). (Proportions and F1 have Wilson intervals, ROC AUC
DeLong's, disparities simultaneous ones: `intervals`; null tests are permutations:
`nulls`.)
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cardgate.evidence.evaluation.stats import ECE_BINS, FloatArray

# cells per batch: bounds the memory of the copies (the values do not depend on it)
_BATCH_CELLS = 1_000_000


def resample(table: FloatArray, replicates: int, rng: np.random.Generator) -> FloatArray:
    """`replicates` bootstrap copies of a count table (any shape): (R, *table.shape)."""
    flat = np.rint(table.reshape(-1)).astype(np.int64)
    total = int(flat.sum())
    if replicates == 0 or total == 0:
        return np.zeros((replicates, *table.shape))
    draws = rng.multinomial(total, flat / total, size=replicates)
    return draws.reshape(replicates, *table.shape).astype(np.float64)


def resample_scores(
    scores: FloatArray, replicates: int, rng: np.random.Generator
) -> Iterator[FloatArray]:
    """Bootstrap copies of score histograms `[..., bin, (rows, sum, sum²)]`, in batches
    (each drawn when the caller asks for it, so that memory holds one batch, not every
    replicate); each bin's sums scale with its resampled rows (its mean score is kept)."""
    rows = scores[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(rows > 0, scores[..., 1] / np.where(rows > 0, rows, 1), 0.0)
        mean_sq = np.where(rows > 0, scores[..., 2] / np.where(rows > 0, rows, 1), 0.0)
    batch = max(1, _BATCH_CELLS // max(1, rows.size))
    done = 0
    while done < replicates:
        size = min(batch, replicates - done)
        counts = resample(rows, size, rng)
        yield np.stack([counts, counts * mean, counts * mean_sq], axis=-1)
        done += size


def consistency_ece(scores: FloatArray, replicates: int, rng: np.random.Generator) -> FloatArray:
    """The expected calibration error of `replicates` copies of the score histograms
    `[..., truth, bin, (rows, sum, sum²)]` whose labels are redrawn as a calibrated model
    would give them: each bin's positives binomial with its rows and its mean score
    ("consistency resampling", Bröcker & Smith 2007). Returns (R, ...): the null
    distribution of the ECE of a calibrated model with these scores."""
    rows = scores[..., 0].sum(axis=-2)  # labels merged: (..., bin)
    lead = rows.shape[:-1]
    count = np.rint(rows.reshape(-1)).astype(np.int64)
    sums = scores[..., 1].sum(axis=-2).reshape(-1)
    occupied = np.flatnonzero(count > 0)
    totals = rows.sum(axis=-1).reshape(-1)
    out = np.full((replicates, totals.size), np.nan)
    if replicates == 0 or occupied.size == 0:
        return out.reshape(replicates, *lead)
    trials = count[occupied]
    mean = np.clip(sums[occupied] / trials, 0.0, 1.0)
    width = rows.shape[-1] // ECE_BINS
    coarse = occupied // width  # index of (..., calibration bin), flattened
    bin_starts = np.flatnonzero(np.r_[True, coarse[1:] != coarse[:-1]])
    table = coarse[bin_starts] // ECE_BINS  # which leading index each bin belongs to
    table_starts = np.flatnonzero(np.r_[True, table[1:] != table[:-1]])
    tables = table[table_starts]
    batch = max(1, _BATCH_CELLS // occupied.size)
    done = 0
    while done < replicates:
        size = min(batch, replicates - done)
        excess = rng.binomial(trials, mean, size=(size, occupied.size)) - trials * mean
        gaps = np.abs(np.add.reduceat(excess, bin_starts, axis=1))
        out[done : done + size, tables] = (
            np.add.reduceat(gaps, table_starts, axis=1) / totals[tables]
        )
        done += size
    return out.reshape(replicates, *lead)


def percentile_interval(samples: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Percentile interval over axis 0, ignoring undefined (NaN) replicates; NaN when more
    than half the replicates are undefined."""
    tail = (1 - level) / 2
    low, high = nan_quantiles(samples, (tail, 1 - tail))
    defined = (
        np.isfinite(samples).mean(axis=0) >= 0.5 if len(samples) else np.zeros(low.shape, bool)
    )
    return np.where(defined, low, np.nan), np.where(defined, high, np.nan)


def nan_quantiles(samples: FloatArray, quantiles: tuple[float, ...]) -> list[FloatArray]:
    """`numpy.nanquantile(samples, q, axis=0)` (method 'linear') for each q, bit for bit,
    from one sort: every column at once rather than one 1-D call per column with NaNs."""
    shape = samples.shape[1:]
    flat = samples.reshape(len(samples), -1)
    ordered = np.sort(flat, axis=0)  # NaN sorts last
    counts = len(flat) - np.isnan(flat).sum(axis=0)
    last = np.maximum(counts - 1, 0)
    out: list[FloatArray] = []
    for q in quantiles:
        # numpy's steps: virtual index (n - 1) q, its neighbours clipped to the last
        # value, gamma, then _lerp (a + d t, or b - d (1 - t) from t >= 0.5).
        virtual = (counts - 1) * q
        below = np.minimum(np.floor(virtual), last).astype(np.intp)
        above = np.minimum(below + 1, last)
        gamma = virtual - below
        a = np.take_along_axis(ordered, below[None, :], axis=0)[0]
        b = np.take_along_axis(ordered, above[None, :], axis=0)[0]
        diff = b - a
        value = a + diff * gamma
        value = np.where(gamma >= 0.5, b - diff * (1 - gamma), value)
        out.append(np.where(counts > 0, value, np.nan).reshape(shape))
    return out
