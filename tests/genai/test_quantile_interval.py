"""The distribution-free interval of a latency quantile (`quantile_interval`): its ranks
against the binomial sums by hand, the sample sizes it needs, and its coverage measured
where the percentile bootstrap it replaced fell short."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cardgate.evidence.evaluation.bootstrap import percentile_interval
from cardgate.evidence.genai.operations_run import bootstrap
from cardgate.evidence.genai.quantile_interval import (
    needed,
    order_ranks,
    quantile_interval,
    too_short,
)


def _below(k: int, n: int, q: float) -> float:
    """P(B ≤ k) for B ~ Binomial(n, q), summed exactly."""
    return math.fsum(math.comb(n, i) * q**i * (1 - q) ** (n - i) for i in range(k + 1))


@pytest.mark.parametrize(("n", "q"), [(10, 0.5), (60, 0.5), (100, 0.95), (124, 0.95), (400, 0.99)])
def test_the_ranks_are_the_binomial_ones(n: int, q: float) -> None:
    low, high = order_ranks(n, q, 0.95)
    assert low is not None and high is not None
    # the lower rank r: the largest with P(B ≤ r - 1) ≤ 2.5%; the upper s: the smallest
    # with P(B ≥ s) ≤ 2.5%
    assert _below(low - 1, n, q) <= 0.025 < (_below(low, n, q) if low < n else 1.0)
    assert 1 - _below(high - 1, n, q) <= 0.025 < 1 - _below(high - 2, n, q)


def test_the_ranks_equal_those_of_every_binomial_term() -> None:
    """`order_ranks` sums only the terms near nq: the same ranks as from all n + 1."""
    from scipy.special import bdtr

    rng = np.random.default_rng(5)
    sizes = [*range(1, 80), *rng.integers(80, 20_000, 40).tolist()]
    for n in sizes:
        for q in (0.5, 0.9, 0.95, 0.99, 0.999):
            below = bdtr(np.arange(n), n, q)
            lows, highs = np.flatnonzero(below <= 0.025), np.flatnonzero(1 - below <= 0.025)
            expected = (
                int(lows[-1]) + 1 if len(lows) else None,
                int(highs[0]) + 1 if len(highs) else None,
            )
            assert order_ranks(int(n), q, 0.95) == expected, (n, q)


def test_how_many_values_each_quantile_needs() -> None:
    assert [needed(q, 0.95) for q in (0.5, 0.95, 0.99)] == [6, 72, 368]
    assert order_ranks(367, 0.99, 0.95)[1] is None
    assert order_ranks(368, 0.99, 0.95)[1] == 368
    assert order_ranks(71, 0.95, 0.95)[1] is None and order_ranks(72, 0.95, 0.95)[1] == 72
    assert order_ranks(0, 0.5, 0.95) == (None, None)
    low, high = quantile_interval(np.arange(124.0), 0.99, 0.95)
    assert low == 119.0 and math.isnan(high)  # 124 queries bound a p99 from below only
    reason = too_short(124, (0, 0.99), 0.95, "queries")
    assert reason == (
        "124 queries are too few for a distribution-free 95% interval of this quantile: "
        "it needs 368"
    )
    assert too_short(1, (0, 0.5), 0.95, "samples") == (
        "1 sample is too few for a distribution-free 95% interval of this quantile: it needs 6"
    )


def test_each_end_misses_at_most_its_share_where_the_bootstrap_did_not() -> None:
    """Skewed latencies (lognormal): each end of the interval misses the true quantile in
    at most 2.5% of samples (within the Monte-Carlo error); the percentile bootstrap's
    upper end of a p99 of 124 queries, which no resample puts above the largest latency,
    missed it in about a quarter of them."""
    rng = np.random.default_rng(11)
    runs = 1500
    tolerance = 3 * math.sqrt(0.025 * 0.975 / runs)
    for n, q in ((30, 0.5), (100, 0.95), (124, 0.95), (400, 0.99)):
        truth = math.exp(6 + 0.5 * _normal_quantile(q))
        above = below = 0
        for _ in range(runs):
            low, high = quantile_interval(rng.lognormal(6, 0.5, n), q, 0.95)
            above += low > truth
            below += high < truth
        assert above / runs <= 0.025 + tolerance, (n, q, above / runs)
        assert below / runs <= 0.025 + tolerance, (n, q, below / runs)
    truth = math.exp(6 + 0.5 * _normal_quantile(0.99))
    misses = 0
    for _ in range(300):
        latency = rng.lognormal(6, 0.5, 124)
        (draws,) = bootstrap([(latency, None)], 200, rng)
        _, high = percentile_interval(draws["latency_p99_ms"][:, None], 0.95)
        misses += high[0] < truth
    assert misses / 300 > 0.15


def _normal_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def test_the_paired_change_of_a_p95_keeps_its_bootstrap_and_covers() -> None:
    """A change from the baseline keeps the paired bootstrap (no distribution-free interval
    of a difference of quantiles): on logs whose two configurations share each query's
    difficulty (lognormal), each end misses the change in the p95 of 124 queries in at
    most 2.5% of samples, within the Monte-Carlo error."""
    rng = np.random.default_rng(3)

    def logs(n: int) -> tuple[np.ndarray, np.ndarray]:
        difficulty = rng.normal(0, 0.4, n)
        candidate = np.exp(7.5 + difficulty + rng.normal(0, 0.3, n))
        return candidate, np.exp(7.55 + difficulty + rng.normal(0, 0.3, n))

    many = logs(1_000_000)
    truth = float(np.quantile(many[0], 0.95) - np.quantile(many[1], 0.95))
    runs, above, below = 250, 0, 0
    for _ in range(runs):
        candidate, baseline = logs(124)
        ours, theirs = bootstrap([(candidate, None), (baseline, None)], 500, rng)
        change = (ours["latency_p95_ms"] - theirs["latency_p95_ms"])[:, None]
        low, high = percentile_interval(change, 0.95)
        above += low[0] > truth
        below += high[0] < truth
    tolerance = 3 * math.sqrt(0.025 * 0.975 / runs)
    assert above / runs <= 0.025 + tolerance and below / runs <= 0.025 + tolerance
