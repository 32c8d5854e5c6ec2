"""The distribution-free confidence interval of a quantile (a latency p50, p95 or p99):
two order statistics of the sample, chosen with the binomial distribution.

Of n values drawn from a continuous distribution, the number B at or below its
q-quantile ξ is Binomial(n, q), so the r-th smallest value X₍ᵣ₎ lies above ξ exactly
when B < r. The lower end is the X₍ᵣ₎ with the largest r for which P(B < r) ≤ α/2, the
upper end the X₍ₛ₎ with the smallest s for which P(B ≥ s) ≤ α/2: each end misses ξ with
probability at most α/2, whatever the distribution (Hahn & Meeker 1991, §5.2; Conover
1999, §3.2). No resampling, so no seed moves it.

A short sample has no such end: the upper end of a p99 needs n ≥ 368 values at 95%
(0.99ⁿ ≤ 0.025), a p95's n ≥ 72, a median's n ≥ 6. Where there is none the interval is
undefined and the verdict inconclusive; the percentile bootstrap used before put the
upper end of a p99 of 124 queries at about the largest latency, which is below the true
p99 with probability 0.99¹²⁴ = 29%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy is loaded by what computes: the site reads `needed` without it
    from cardgate.evidence.genai.retrieval_metrics import FloatArray
    from cardgate.evidence.genai.retrieval_stats import IntArray, Limits

Quantile = tuple[int, float]
"""An output that is a quantile: (the column of the values it is taken of, the quantile)."""


def needed(quantile: float, level: float) -> int:
    """The fewest values that give both ends of the `quantile`'s interval at `level`."""
    tail = (1 - level) / 2
    return math.ceil(math.log(tail) / math.log(max(quantile, 1 - quantile)) - 1e-9)


def too_short(count: int, output: Quantile | None, level: float, unit: str) -> str | None:
    """Why a quantile of `count` values has no interval (None: not a quantile)."""
    if output is None:
        return None
    counted = f"1 {_ONE.get(unit, unit)} is" if count == 1 else f"{count:,} {unit} are"
    return (
        f"{counted} too few for a distribution-free {level:.0%} interval of this "
        f"quantile: it needs {needed(output[1], level):,}"
    )


_ONE = {"queries": "query", "samples": "sample"}
"""The units `too_short` counts, for a count of one."""


def order_ranks(n: int, quantile: float, level: float) -> tuple[int | None, int | None]:
    """The 1-based ranks (r, s) of the order statistics bounding the `quantile` at
    `level`, two-sided; None for an end that no rank reaches."""
    if n == 0:
        return None, None
    import numpy as np
    from scipy.special import bdtr  # scipy comes with fairlearn (scikit-learn)

    tail = (1 - level) / 2
    # P(B ≤ k) only where the two ends can be: within 10 standard deviations (and 10) of
    # nq, beyond which a binomial tail is far below any level (a 1,500,000-query log needs
    # a few thousand terms, not 1,500,001)
    reach = 10 * math.sqrt(n * quantile * (1 - quantile)) + 10
    first = max(0, math.floor(n * quantile - reach))
    last = min(n - 1, math.ceil(n * quantile + reach))
    ks = np.arange(first, last + 1)
    below = bdtr(ks, n, quantile)  # P(B ≤ k)
    # lower: the largest r in 1..n with P(B ≤ r - 1) ≤ tail
    lows = ks[below <= tail]
    # upper: the smallest s in 1..n with P(B ≥ s) = 1 - P(B ≤ s - 1) ≤ tail
    highs = ks[1 - below <= tail]
    low = int(lows[-1]) + 1 if len(lows) else None
    high = int(highs[0]) + 1 if len(highs) else None
    return low, high


def quantile_interval(values: FloatArray, quantile: float, level: float) -> tuple[float, float]:
    """The distribution-free interval of the `quantile` of the population `values` (1-D)
    were drawn from, at `level`; NaN for an end the sample is too short to give."""
    import numpy as np

    ordered = np.sort(values)
    low, high = order_ranks(len(ordered), quantile, level)
    return (
        float(ordered[low - 1]) if low is not None else float("nan"),
        float(ordered[high - 1]) if high is not None else float("nan"),
    )


def quantile_limits(
    values: FloatArray, strata: IntArray, count: int, outputs: Sequence[Quantile | None]
) -> Limits:
    """Each stratum's `quantile_interval` for each output that is a quantile of a column
    of `values` (N, columns) (NaN for the other outputs): (S, outputs) ends at a level."""

    import numpy as np

    def limits(level: float) -> tuple[FloatArray, FloatArray]:
        shape = (count, len(outputs))
        low, high = np.full(shape, np.nan), np.full(shape, np.nan)
        for stratum in range(count):
            rows = values[strata == stratum]
            for index, output in enumerate(outputs):
                if output is not None:
                    column, quantile = output
                    low[stratum, index], high[stratum, index] = quantile_interval(
                        rows[:, column], quantile, level
                    )
        return low, high

    return limits
