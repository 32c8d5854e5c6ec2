"""Drift of one column between a reference profile and a window: effect sizes, their
noise floors and a p-value, computed from the profiles' counts alone.

Numeric columns (from the sketch's buckets; every value within 0.1% of its bucket's):
- Kolmogorov–Smirnov statistic D, the largest gap between the two distribution functions
  (at bucket boundaries: ties make it at most the exact D, and its test conservative);
- Wasserstein-1 distance divided by the reference's standard deviation (at least 0.001),
  as Evidently normalises it;
- PSI and Jensen–Shannon distance on ten bins at the reference's deciles.
Categorical columns: PSI and Jensen–Shannon distance on the categories.

PSI = Σ (q − p) ln(q / p) with empty bins at a proportion of 10⁻⁴ (Evidently's
convention); Jensen–Shannon distance with natural logarithms (scipy's default, in
[0, √ln 2]). The p-value is the two-sample Kolmogorov–Smirnov test's (asymptotic
Kolmogorov distribution, Stephens' small-sample correction) for numeric columns and
Pearson's χ² test of homogeneity for categorical ones (categories expected fewer than
five times in either sample pooled into one cell).

The *noise floor* of an effect is the value sampling alone exceeds with probability 5%
when nothing drifted, for the two samples' sizes: χ²(k−1; 0.95)·(1/n + 1/m) for PSI,
√(χ²(k−1; 0.95) / (8 N)) for the Jensen–Shannon distance (N = nm / (n + m)), and
1.358 / (√N + 0.12 + 0.11/√N) for D, the value whose p-value (with the same Stephens
correction) is 0.05, so a D beyond its floor is one the test calls significant; none is
known in closed form for the Wasserstein distance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.profile import ColumnProfile

EMPTY_PROPORTION = 1e-4
MIN_STD = 0.001
DECILES = 10
MIN_EXPECTED = 5.0
KS_CRITICAL_95 = 1.3581


@dataclass(frozen=True)
class ColumnDrift:
    """The effects of one column (None where not defined for its kind) and its test."""

    column: str
    kind: str
    reference_rows: int
    window_rows: int
    psi: float
    js: float
    wasserstein: float | None
    ks: float | None
    p_value: float
    test: str
    floors: dict[str, float]


def _proportions(counts: Sequence[float]) -> list[float]:
    total = float(sum(counts))
    return [c / total for c in counts] if total > 0 else [0.0 for _ in counts]


def psi(reference: Sequence[float], window: Sequence[float]) -> float:
    """Population stability index of two count vectors over the same bins."""
    total = 0.0
    for p, q in zip(_proportions(reference), _proportions(window), strict=True):
        p, q = max(p, EMPTY_PROPORTION), max(q, EMPTY_PROPORTION)
        total += (q - p) * math.log(q / p)
    return total


def js_distance(reference: Sequence[float], window: Sequence[float]) -> float:
    """Jensen–Shannon distance (natural logarithm) of two count vectors."""
    divergence = 0.0
    for p, q in zip(_proportions(reference), _proportions(window), strict=True):
        m = (p + q) / 2
        if p > 0:
            divergence += p * math.log(p / m) / 2
        if q > 0:
            divergence += q * math.log(q / m) / 2
    return math.sqrt(max(divergence, 0.0))


def _stephens(effective: float) -> float:
    """Stephens' small-sample scale of the KS statistic for an effective sample size."""
    root = math.sqrt(effective)
    return root + 0.12 + 0.11 / root


def ks_p_value(statistic: float, n: int, m: int) -> float:
    """Asymptotic two-sample KS p-value, with Stephens' correction of the effective n."""
    lam = _stephens(n * m / (n + m)) * statistic
    if lam < 0.2:
        return 1.0
    total, sign = 0.0, 1.0
    for j in range(1, 101):
        term = sign * math.exp(-2 * j * j * lam * lam)
        total += term
        if abs(term) < 1e-12:
            break
        sign = -sign
    return min(1.0, max(0.0, 2 * total))


def chi2_homogeneity(reference: Sequence[int], window: Sequence[int]) -> tuple[float, int]:
    """(Pearson's χ² statistic, degrees of freedom) of two samples over the same cells,
    cells expected fewer than `MIN_EXPECTED` times in either sample pooled into one."""
    n, m = sum(reference), sum(window)
    total = n + m
    kept: list[tuple[int, int]] = []
    pooled = [0, 0]
    for a, b in zip(reference, window, strict=True):
        share = (a + b) / total
        if share * min(n, m) < MIN_EXPECTED:
            pooled[0] += a
            pooled[1] += b
        else:
            kept.append((a, b))
    if pooled[0] + pooled[1] > 0:
        kept.append((pooled[0], pooled[1]))
    if len(kept) < 2:
        return 0.0, 0
    statistic = 0.0
    for a, b in kept:
        share = (a + b) / total
        for observed, size in ((a, n), (b, m)):
            expected = share * size
            statistic += (observed - expected) ** 2 / expected
    return statistic, len(kept) - 1


def chi2_p_value(statistic: float, degrees: int) -> float:
    """P(χ²(degrees) ≥ statistic): the regularised upper incomplete gamma function
    Q(degrees / 2, statistic / 2), by its series below a + 1 and its continued fraction
    above (Numerical Recipes, 2007, §6.2)."""
    if degrees <= 0:
        return 1.0
    if statistic <= 0:
        return 1.0
    a, x = degrees / 2, statistic / 2
    log_front = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        denominator = a
        for _ in range(10_000):
            denominator += 1
            term *= x / denominator
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return min(1.0, max(0.0, 1 - total * math.exp(log_front)))
    tiny = 1e-300
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        step = d * c
        h *= step
        if abs(step - 1) < 1e-15:
            break
    return min(1.0, max(0.0, math.exp(log_front) * h))


def chi2_quantile_95(degrees: int) -> float:
    """The 95% quantile of χ²(degrees), by bisection on `chi2_p_value`."""
    if degrees <= 0:
        return 0.0
    low, high = 0.0, degrees + 20 * math.sqrt(2 * degrees) + 20
    for _ in range(200):
        middle = (low + high) / 2
        if chi2_p_value(middle, degrees) > 0.05:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def categorical_drift(reference: ColumnProfile, window: ColumnProfile) -> ColumnDrift:
    keys = sorted(set(reference.values) | set(window.values))
    ref = [reference.values.get(key, 0) for key in keys]
    cur = [window.values.get(key, 0) for key in keys]
    statistic, degrees = chi2_homogeneity(ref, cur)
    return ColumnDrift(
        column=reference.name,
        kind="categorical",
        reference_rows=reference.count,
        window_rows=window.count,
        psi=psi(ref, cur),
        js=js_distance(ref, cur),
        wasserstein=None,
        ks=None,
        p_value=chi2_p_value(statistic, degrees),
        test="chi-squared",
        floors=_floors(len(keys), reference.count, window.count, numeric=False),
    )


def numeric_drift(reference: ColumnProfile, window: ColumnProfile) -> ColumnDrift:
    keys = sorted(set(reference.buckets) | set(window.buckets))
    n, m = reference.count, window.count
    values = [sketch.bucket_value(key) for key in keys]
    ref = [reference.buckets.get(key, 0) for key in keys]
    cur = [window.buckets.get(key, 0) for key in keys]
    f = g = 0.0
    ks = wasserstein = 0.0
    for i in range(len(keys)):
        f += ref[i] / n
        g += cur[i] / m
        ks = max(ks, abs(f - g))
        if i + 1 < len(keys):
            wasserstein += abs(f - g) * (values[i + 1] - values[i])
    mean = sum(c * v for c, v in zip(ref, values, strict=True)) / n
    variance = sum(c * (v - mean) ** 2 for c, v in zip(ref, values, strict=True)) / n
    bins = decile_bins(ref)
    ref_bins = [sum(ref[i] for i in group) for group in bins]
    cur_bins = [sum(cur[i] for i in group) for group in bins]
    floors = _floors(len(bins), n, m, numeric=True)
    return ColumnDrift(
        column=reference.name,
        kind="numeric",
        reference_rows=n,
        window_rows=m,
        psi=psi(ref_bins, cur_bins),
        js=js_distance(ref_bins, cur_bins),
        wasserstein=wasserstein / max(math.sqrt(variance), MIN_STD),
        ks=ks,
        p_value=ks_p_value(ks, n, m),
        test="kolmogorov-smirnov",
        floors=floors,
    )


def decile_bins(counts: Sequence[int]) -> list[list[int]]:
    """Consecutive positions of `counts` grouped into (at most) ten bins of about equal
    reference mass: a bin closes at the first position where the cumulative share
    reaches its decile (ties at one value stay in one bin, so there may be fewer)."""
    total = sum(counts)
    bins: list[list[int]] = [[]]
    cumulative = 0
    decile = 1
    for position, count in enumerate(counts):
        bins[-1].append(position)
        cumulative += count
        if decile < DECILES and cumulative * DECILES >= decile * total:
            while decile < DECILES and cumulative * DECILES >= decile * total:
                decile += 1
            bins.append([])
    if not bins[-1]:
        bins.pop()
    return bins


def _floors(cells: int, n: int, m: int, *, numeric: bool) -> dict[str, float]:
    effective = n * m / (n + m)
    quantile = chi2_quantile_95(max(cells - 1, 1))
    floors = {
        "psi": quantile * (1 / n + 1 / m),
        "js": math.sqrt(quantile / (8 * effective)),
    }
    if numeric:
        floors["ks"] = KS_CRITICAL_95 / _stephens(effective)
    return floors


def column_drift(reference: ColumnProfile, window: ColumnProfile) -> ColumnDrift:
    """The drift of one column (both profiles of the same kind, each with values)."""
    if reference.kind == "numeric":
        return numeric_drift(reference, window)
    return categorical_drift(reference, window)
