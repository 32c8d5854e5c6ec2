"""Confidence intervals with known coverage, computed from counts (docs/statistics.md).

* A proportion (a selection rate, a TPR, an accuracy): the Wilson score interval
  (Wilson 1927; Brown, Cai & DasGupta 2001), never degenerate at 0 or 1.
* A mean of values in [0, 1] (a graded retrieval metric, a judged score; 0 or 1 is a
  proportion): Wilson's score interval at an effective sample size (`bounded_mean`).
* A sum or difference of independent proportions (balanced accuracy, the gap between two
  groups): MOVER, the method of variance estimates recovery, from the Wilson limits of
  each (Newcombe 1998, method 10; Zou & Donner 2008); of dependent estimates (a paired
  change from a baseline: its gains and its losses), with their correlation (Zou 2007).
* A disparity between G groups, the largest minus the smallest value: simultaneous
  intervals for every pairwise difference, at the Šidák-adjusted level for the
  G(G-1)/2 comparisons (times the number of rates compared: two for equalized odds), so
  that all of them hold at once with probability at least the confidence level. Where
  they all hold, the largest absolute difference lies between the largest distance of an
  interval from 0 and the largest absolute end of an interval: that is the disparity's
  interval, which covers the truth at least as often as the simultaneous intervals do
  (at parity, its lower end is 0 unless some pair differs). Ratios (smallest over largest)
  are the same construction on the log scale.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np

from cardgate.evidence.evaluation.stats import FloatArray

POWER = 0.8
"""The power at which `detectable` values are computed."""


def z_value(level: float) -> float:
    """z of a two-sided interval at `level`."""
    return statistics.NormalDist().inv_cdf(1 - (1 - level) / 2)


def sidak_level(level: float, comparisons: int) -> float:
    """The level of each of `comparisons` intervals that hold together at `level`
    (Šidák: level^(1/comparisons))."""
    return float(level ** (1 / max(comparisons, 1)))


def sidak_z(level: float, comparisons: int) -> float:
    """z of each of `comparisons` two-sided intervals that hold together at `level`
    (Šidák: each at level^(1/comparisons))."""
    return z_value(sidak_level(level, comparisons))


def t_value(z: float, degrees: FloatArray) -> FloatArray:
    """Student's t quantile matching the normal quantile `z` at `degrees` of freedom
    (element-wise; scipy's `stdtrit`, exact); NaN under one. The Cornish–Fisher expansion
    used before was close at z = 1.96 but not at the simultaneous critical values of a
    regression disparity (z = 3.29 at 3 degrees of freedom: 12.38 for 12.92; z = 3.9:
    25.0 for 28.4)."""
    from scipy.special import stdtrit  # scipy comes with fairlearn (scikit-learn)

    v = np.asarray(degrees, dtype=np.float64)
    tail = statistics.NormalDist().cdf(-z)  # the upper tail, without 1 - q's rounding
    with np.errstate(invalid="ignore"):
        value = -stdtrit(np.where(v >= 1, v, 1.0), tail)
    result: FloatArray = np.where(v >= 1, value, np.nan).astype(np.float64)
    return result


def power_z() -> float:
    return statistics.NormalDist().inv_cdf(POWER)


def pair_count(groups: int) -> int:
    return groups * (groups - 1) // 2


def wilson(successes: FloatArray, trials: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval of `successes / trials` (element-wise; NaN where no trials)."""
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        z2 = z * z
        denominator = 1 + z2 / n
        centre = (p + z2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    low = np.where(k <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    high = np.where(k >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    undefined = ~(n > 0)
    return (
        np.where(undefined, np.nan, low).astype(np.float64),
        np.where(undefined, np.nan, high).astype(np.float64),
    )


def bounded_mean(
    sums: FloatArray, squares: FloatArray, counts: FloatArray, inside: FloatArray, z: float
) -> tuple[FloatArray, FloatArray]:
    """Interval of the mean of values in [0, 1] (element-wise, from each sample's sum, sum
    of squares, size, and `inside`: how many values are not at the bound that holds more
    of them; NaN where no values).

    Wilson's score interval of the mean at the effective sample size n·m(1 − m)/s², the
    sample's variance s² against a proportion's at its mean m (Kish's design effect in
    the Wilson interval: Korn & Graubard 1998, Survey Methodology 24(2)), with Student's t
    at `inside` − 1 degrees of freedom — the variance is learnt from the values off the
    bound — but never wider than Wilson's with the variance bound m(1 − m) that holds for
    any variable in [0, 1] (Bhatia & Davis 2000). Values of 0 or 1 get exactly Wilson's
    interval; every value at a bound gives Wilson's n of n, never a point. A percentile
    bootstrap collapsed when most values were at 1: on 30 queries, 90% at 1 and the rest
    uniform, it covered 83% (nominal 95%; 98% at 1: 42%); this covered at least 94%
    (docs/statistics.md, "Means of scores in [0, 1]")."""
    n = np.asarray(counts, dtype=np.float64)
    total = np.asarray(sums, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / n
        variance = np.maximum(np.asarray(squares) - total * mean, 0.0) / (n - 1)
        spread = mean * (1 - mean)
        design = np.where((variance > 0) & (spread > 0), variance / spread, 1.0)
    t = t_value(z, np.asarray(inside, dtype=np.float64) - 1)
    scale = np.fmin(np.where(np.isnan(t), np.inf, t) ** 2 * design, z * z)  # c² of c²/n_eff
    bernoulli = scale >= z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        effective = np.where(bernoulli, n, n * z * z / scale)
    return wilson(np.where(bernoulli, total, mean * effective), effective, z)


def mover_difference(
    first: tuple[FloatArray, FloatArray, FloatArray],
    second: tuple[FloatArray, FloatArray, FloatArray],
    correlation: FloatArray,
) -> tuple[FloatArray, FloatArray]:
    """MOVER interval of x − y from each estimate's (value, low, high) and the correlation
    of the two estimates: the square-and-add of `mover_sum` with the cross term of
    dependent estimates (Zou 2007, Psychological Methods 12(4), for dependent
    correlations; Newcombe 1998, Statistics in Medicine 17(22), method 10, for paired
    proportions). A negative correlation widens the interval."""
    (x, x_low, x_high), (y, y_low, y_high) = first, second
    r = np.asarray(correlation, dtype=np.float64)
    down, up = x - x_low, y_high - y
    below = np.sqrt(np.maximum(down * down + up * up - 2 * r * down * up, 0.0))
    down, up = x_high - x, y - y_low
    above = np.sqrt(np.maximum(down * down + up * up - 2 * r * down * up, 0.0))
    return x - y - below, x - y + above


def mover_sum(
    values: list[FloatArray],
    lows: list[FloatArray],
    highs: list[FloatArray],
    weights: list[float],
) -> tuple[FloatArray, FloatArray]:
    """MOVER interval of sum(w_i * x_i) for independent estimates x_i with intervals."""
    estimate = sum(w * v for w, v in zip(weights, values, strict=True))
    below = np.zeros_like(np.asarray(estimate, dtype=np.float64))
    above = np.zeros_like(below)
    for w, v, low, high in zip(weights, values, lows, highs, strict=True):
        down, up = (v - low, high - v) if w >= 0 else (high - v, v - low)
        below = below + (w * down) ** 2
        above = above + (w * up) ** 2
    return estimate - np.sqrt(below), estimate + np.sqrt(above)


def pairwise(
    values: FloatArray, lows: FloatArray, highs: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """MOVER intervals of values[i] - values[j] for every pair i < j (last axis: groups):
    arrays (..., pairs) of lower and upper ends."""
    first, second = np.triu_indices(values.shape[-1], 1)
    below, above = values - lows, highs - values
    difference = values[..., first] - values[..., second]
    low = difference - np.sqrt(below[..., first] ** 2 + above[..., second] ** 2)
    high = difference + np.sqrt(above[..., first] ** 2 + below[..., second] ** 2)
    return low, high


def largest_gap(low: FloatArray, high: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Interval of max |d| over pairs, given simultaneous intervals [low, high] of each
    pairwise difference d (last axis: pairs)."""
    nearest = np.maximum(0.0, np.maximum(low, -high))
    farthest = np.maximum(np.abs(low), np.abs(high))
    return nearest.max(axis=-1), farthest.max(axis=-1)


def spread_interval(
    values: FloatArray, lows: FloatArray, highs: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Interval of max - min of `values` (last axis: groups) from per-group limits taken
    at a simultaneous level (see the module docstring)."""
    return largest_gap(*pairwise(values, lows, highs))


def log_ratio_interval(
    values: FloatArray, lows: FloatArray, highs: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Interval of min / max of non-negative `values` (last axis: groups): the spread of
    their logarithms, back on the ratio scale.

    A pair with a rate of 0 has no logarithm, and no MOVER interval: its log ratio lies
    from log(low_i / high_j) to log(high_i / low_j) wherever both groups' one-sided
    limits hold (each with probability 1 - (1 - L)/2 for limits at level L, so both
    with at least L, the level of the other pairwise intervals). A rate of 0 against a
    positive one: the ratio lies from 0 to the zero rate's upper limit over the other's
    lower one (at most 1: min / max), where MOVER would give all of 0–1 and a ratio of 0
    could never be told from parity. The LL144 audit's impact ratios use this too.
    """
    first, second = np.triu_indices(values.shape[-1], 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        logs, log_lows, log_highs = np.log(values), np.log(lows), np.log(highs)
        low, high = pairwise(logs, log_lows, log_highs)
        zero = (values[..., first] <= 0) | (values[..., second] <= 0)
        low = np.where(zero, log_lows[..., first] - log_highs[..., second], low)
        high = np.where(zero, log_highs[..., first] - log_lows[..., second], high)
    low = np.nan_to_num(low, nan=-np.inf)
    high = np.nan_to_num(high, nan=np.inf)
    nearest, farthest = largest_gap(low, high)
    return np.exp(-farthest), np.exp(-nearest)


@dataclass(frozen=True)
class RatioDesign:
    """Groups of `sizes` whose rates average to the pooled `rate`, their ratios judged
    by intervals at the critical value `z`: how low a ratio these data find beyond a
    minimum with 80% power."""

    sizes: tuple[float, ...]
    rate: float
    z: float

    def detectable(self, limit: float) -> float:
        """The ratio found below `limit` with 80% power; NaN if none is."""
        margin = ratio_margin(self.rate, np.asarray(self.sizes), self.z, limit)
        return limit * math.exp(-margin) if math.isfinite(margin) else math.nan


def ratio_margin(rate: float, sizes: FloatArray, z: float, limit: float) -> float:
    """How far below a ratio's minimum `limit`, on the log scale, a ratio must be for the
    two largest groups to find it `beyond` with 80% power: their rates averaging
    (weighted by size) to the pooled `rate`, either group the lower one with equal
    weight, the log ratio's standard error by the delta method at those rates. NaN
    where no ratio is found."""
    if len(sizes) < 2 or not 0 < rate <= 1 or not 0 < limit < 1:
        return math.nan
    big, small = (float(n) for n in np.sort(np.asarray(sizes, dtype=np.float64))[-2:][::-1])
    if small <= 0:
        return math.nan
    share = big / (big + small)

    def power(ratio: float) -> float:
        found = 0.0
        for high_size, low_size, weight in ((big, small, share), (small, big, 1 - share)):
            high = min(rate / (weight + (1 - weight) * ratio), 1.0)
            low = ratio * high
            error = math.sqrt((1 - low) / (low_size * low) + (1 - high) / (high_size * high))
            found += statistics.NormalDist().cdf((math.log(limit) - math.log(ratio)) / error - z)
        return found / 2

    # The power rises as the ratio falls, until the lower rate is so small that its
    # log is too uncertain: walk down from the limit to the first ratio with the power,
    # then bisect between it and the step before.
    end = limit
    for _ in range(400):
        start = end * 0.97
        if power(start) >= POWER:
            break
        end = start
    else:
        return math.nan
    for _ in range(40):
        middle = math.sqrt(start * end)
        start, end = (middle, end) if power(middle) >= POWER else (start, middle)
    return math.log(limit) - math.log(start)


def normal_cdf(x: FloatArray) -> FloatArray:
    """Φ(x), element-wise (Abramowitz & Stegun 7.1.26 for erf: error below 1.5e-7)."""
    u = np.abs(np.asarray(x, dtype=np.float64)) / math.sqrt(2)
    t = 1 / (1 + 0.3275911 * u)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429))))  # fmt: skip
    erf = 1 - poly * np.exp(-u * u)
    result: FloatArray = 0.5 * (1 + np.sign(x) * erf)
    return result


_NODES, _WEIGHTS = np.polynomial.hermite_e.hermegauss(40)
"""Gauss–Hermite nodes and weights for an expectation over a standard normal."""


@dataclass(frozen=True)
class GapDesign:
    """Groups of `sizes` whose rates average to the pooled `rate`, and whose differences
    are judged by simultaneous intervals at the critical value `z` (`spread_interval`):
    how large a gap between them these data find beyond a limit with 80% power."""

    sizes: tuple[float, ...]
    rate: float
    z: float

    def power(self, gap: float, limit: float) -> float:
        """P(some pairwise interval lies wholly above `limit`) when the largest group is
        `gap` apart from every other group and the rates average, weighted by size, to
        the pooled rate (as in the data): the mean of the gap above and the gap below
        (`_power_above` at the rate and, by symmetry, at 1 - rate)."""
        up = self._power_above(self.rate, gap, limit)
        down = self._power_above(1 - self.rate, gap, limit)
        return (up + down) / 2

    def _power_above(self, rate: float, gap: float, limit: float) -> float:
        """The largest group `gap` above the others, the rates averaging to `rate`: the
        deviating group's estimate integrated out (Gauss–Hermite), the others independent
        given it; each interval's lower half-width that of MOVER from the Wilson limits
        at the expected counts."""
        ordered = sorted(self.sizes, reverse=True)
        apart, others = ordered[0], np.asarray(ordered[1:], dtype=np.float64)
        share = apart / sum(ordered)
        low = min(max(rate - share * gap, 0.0), 1 - gap)
        high = low + gap
        spread_apart = math.sqrt(high * (1 - high) / apart)
        spread = np.sqrt(low * (1 - low) / others)
        apart_low, _ = wilson(np.array(high * apart), np.array(apart), self.z)
        _, others_high = wilson(low * others, others, self.z)
        half = np.sqrt((high - float(apart_low)) ** 2 + (others_high - low) ** 2)
        estimate = high + spread_apart * _NODES  # the deviating group's rate, per node
        with np.errstate(divide="ignore", invalid="ignore"):
            below = (estimate[:, None] - limit - half[None, :] - low) / spread[None, :]
        below = np.where(spread[None, :] > 0, below, np.where(below >= 0, np.inf, -np.inf))
        none = np.prod(1 - normal_cdf(below), axis=1)
        return float((_WEIGHTS * (1 - none)).sum() / math.sqrt(2 * math.pi))

    def detectable(self, limit: float) -> float:
        """The gap found beyond `limit` with 80% power (bisection); NaN if even a gap of
        1 is not."""
        if len(self.sizes) < 2 or min(self.sizes) <= 0 or not 0 <= self.rate <= 1:
            return math.nan
        start, end = max(limit, 0.0), 1.0
        if self.power(end, limit) < POWER:
            return math.nan
        for _ in range(40):
            middle = (start + end) / 2
            start, end = (middle, end) if self.power(middle, limit) < POWER else (start, middle)
        return end


@dataclass(frozen=True)
class Detection:
    """How far beyond a limit a disparity must be for the data to find it `beyond` with
    80% power. A difference of rates: from its `gaps`, a ratio of rates from its
    `ratios` (one per rate compared; the best case of them); otherwise `margin`, on the
    metric's scale (a regression difference) or the log scale."""

    margin: float
    log_scale: bool
    gaps: tuple[GapDesign, ...] = ()
    ratios: tuple[RatioDesign, ...] = ()

    def detectable(self, bound: str, limit: float) -> float | None:
        """The detectable value for a `max` or `min` limit; None where it does not apply
        (a `min` on a difference, a `max` on a ratio) or cannot be computed."""
        if self.gaps:
            found = [g.detectable(limit) for g in self.gaps] if bound == "max" else []
            finite = [value for value in found if math.isfinite(value)]
            return min(finite) if finite else None
        if self.ratios:  # the best case: the ratio closest to the limit
            found = [r.detectable(limit) for r in self.ratios] if bound == "min" else []
            finite = [value for value in found if math.isfinite(value)]
            return max(finite) if finite else None
        if not math.isfinite(self.margin):
            return None
        if self.log_scale:
            return limit * math.exp(-self.margin) if bound == "min" else None
        return limit + self.margin if bound == "max" else None
