"""The interval and null-test formulas against independent computations: published
worked examples, plain-Python re-implementations, brute force over pairs, exact
hypergeometric probabilities and numpy's own quantiles."""

from __future__ import annotations

import itertools
import math
import statistics
import warnings

import numpy as np
import pytest

from cardgate.evidence.evaluation import intervals as I
from cardgate.evidence.evaluation import nulls
from cardgate.evidence.evaluation.bootstrap import nan_quantiles


def _wilson_plain(k: int, n: int, z: float) -> tuple[float, float]:
    """Wilson (1927), written out as in Newcombe (1998), equation (3)."""
    p = k / n
    q = 1 - p
    root = math.sqrt(z * z + 4 * n * p * q)
    low = (2 * n * p + z * z - z * root) / (2 * (n + z * z))
    high = (2 * n * p + z * z + z * root) / (2 * (n + z * z))
    return (0.0 if k == 0 else low), (1.0 if k == n else high)


def test_wilson_matches_newcombes_worked_example() -> None:
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17:857-872, example 81/263: 0.2553 to 0.3662.
    low, high = I.wilson(np.array([81.0]), np.array([263.0]), I.z_value(0.95))
    assert (round(float(low[0]), 4), round(float(high[0]), 4)) == (0.2553, 0.3662)


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_a_plain_implementation(level: float) -> None:
    z = statistics.NormalDist().inv_cdf(1 - (1 - level) / 2)
    cases = [(k, n) for n in (1, 2, 5, 17, 100, 1000) for k in sorted({0, 1, n // 3, n - 1, n})]
    low, high = I.wilson(
        np.array([k for k, _ in cases], float), np.array([n for _, n in cases], float), z
    )
    for (k, n), a, b in zip(cases, low, high, strict=True):
        plain = _wilson_plain(k, n, z)
        assert a == pytest.approx(plain[0], abs=1e-12) and b == pytest.approx(plain[1], abs=1e-12)
        assert a <= k / n <= b
        assert b - a > 0  # never degenerate, not at 0 or 1 either


def test_a_rate_of_one_on_five_rows_has_a_real_interval() -> None:
    low, high = I.wilson(np.array([5.0]), np.array([5.0]), I.z_value(0.95))
    assert high[0] == 1.0 and 0.5 < low[0] < 0.6  # 0.566, not [1.0, 1.0]


def test_no_trials_is_undefined() -> None:
    low, high = I.wilson(np.array([0.0]), np.array([0.0]), 1.96)
    assert np.isnan(low[0]) and np.isnan(high[0])


def test_mover_difference_matches_newcombes_method_10() -> None:
    # Newcombe (1998), "Interval estimation for the difference between independent
    # proportions", Statistics in Medicine 17:873-890, example (a): 56/70 - 48/80,
    # method 10 (score interval, hybrid): 0.0524 to 0.3339.
    z = I.z_value(0.95)
    k, n = np.array([56.0, 48.0]), np.array([70.0, 80.0])
    low, high = I.wilson(k, n, z)
    a, b = I.pairwise(k / n, low, high)
    assert (round(float(a[0]), 4), round(float(b[0]), 4)) == (0.0524, 0.3339)


def test_mover_sum_of_halves_is_balanced_accuracy() -> None:
    tpr, tnr = np.array([0.8]), np.array([0.6])
    low, high = I.mover_sum(
        [tpr, tnr],
        [np.array([0.7]), np.array([0.5])],
        [np.array([0.9]), np.array([0.75])],
        [0.5, 0.5],
    )
    assert low[0] == pytest.approx(0.7 - 0.5 * math.hypot(0.1, 0.1))
    assert high[0] == pytest.approx(0.7 + 0.5 * math.hypot(0.1, 0.15))


def test_sidak_levels() -> None:
    assert I.sidak_z(0.95, 1) == pytest.approx(1.959964, abs=1e-6)
    each = 0.95 ** (1 / 45)
    assert I.sidak_z(0.95, 45) == pytest.approx(
        statistics.NormalDist().inv_cdf(1 - (1 - each) / 2), abs=1e-12
    )
    assert I.sidak_z(0.95, 45) < statistics.NormalDist().inv_cdf(1 - 0.05 / 90)  # < Bonferroni


def _spread_brute_force(
    values: list[float], lows: list[float], highs: list[float]
) -> tuple[float, float]:
    nearest, farthest = 0.0, 0.0
    for i, j in itertools.combinations(range(len(values)), 2):
        d = values[i] - values[j]
        lo = d - math.hypot(values[i] - lows[i], highs[j] - values[j])
        hi = d + math.hypot(highs[i] - values[i], values[j] - lows[j])
        nearest = max(nearest, 0.0 if lo <= 0 <= hi else min(abs(lo), abs(hi)))
        farthest = max(farthest, abs(lo), abs(hi))
    return nearest, farthest


def test_spread_interval_matches_a_brute_force_over_pairs() -> None:
    rng = np.random.default_rng(4)
    for groups in (2, 3, 5, 10):
        values = rng.uniform(0.1, 0.9, groups)
        lows = values - rng.uniform(0.01, 0.2, groups)
        highs = values + rng.uniform(0.01, 0.2, groups)
        low, high = I.spread_interval(values, lows, highs)
        expected = _spread_brute_force(list(values), list(lows), list(highs))
        assert (float(low), float(high)) == pytest.approx(expected, abs=1e-12)
        assert low <= values.max() - values.min() <= high


def test_log_ratio_interval_matches_the_spread_of_logarithms() -> None:
    values = np.array([0.3, 0.45, 0.5])
    lows, highs = values - 0.05, values + 0.06
    low, high = I.log_ratio_interval(values, lows, highs)
    near, far = _spread_brute_force(list(np.log(values)), list(np.log(lows)), list(np.log(highs)))
    assert (float(low), float(high)) == pytest.approx((math.exp(-far), math.exp(-near)))
    assert low <= values.min() / values.max() <= high
    zero = I.log_ratio_interval(np.array([0.1, 0.4]), np.array([0.0, 0.3]), np.array([0.2, 0.5]))
    assert zero[0] == 0.0  # a group that can be at 0: the ratio can be 0


def test_a_rate_of_0_bounds_the_ratio_by_its_upper_limit_over_the_others_lower() -> None:
    """0 against 0.4 (limits 0.3–0.5), the zero rate's upper limit 0.1: the ratio
    (smallest over largest) lies from 0 to 0.1 / 0.3, whichever group is 0 — not 0–1,
    under which a ratio of 0 could never be told from parity."""
    for values, lows, highs in (
        ([0.0, 0.4], [0.0, 0.3], [0.1, 0.5]),
        ([0.4, 0.0], [0.3, 0.0], [0.5, 0.1]),
    ):
        low, high = I.log_ratio_interval(np.array(values), np.array(lows), np.array(highs))
        assert (float(low), float(high)) == pytest.approx((0.0, 0.1 / 0.3), abs=1e-12)
    # three groups, two of them at 0: the tightest pair bounds min / max (0.1 / 0.3)
    low, high = I.log_ratio_interval(
        np.array([0.0, 0.0, 0.4]), np.array([0.0, 0.0, 0.3]), np.array([0.1, 0.2, 0.5])
    )
    assert (float(low), float(high)) == pytest.approx((0.0, 0.1 / 0.3), abs=1e-12)
    # the zero rate's upper limit above the other's lower one: min / max is at most 1
    low, high = I.log_ratio_interval(
        np.array([0.0, 0.2]), np.array([0.0, 0.1]), np.array([0.3, 0.3])
    )
    assert (float(low), float(high)) == (0.0, 1.0)
    # leading axes are independent tables: a zero in one leaves the other's MOVER as it was
    values, lows, highs = np.array([0.3, 0.45]), np.array([0.25, 0.4]), np.array([0.36, 0.5])
    low, high = I.log_ratio_interval(
        np.stack([values, [0.0, 0.4]]), np.stack([lows, [0.0, 0.3]]), np.stack([highs, [0.1, 0.5]])
    )
    alone = I.log_ratio_interval(values, lows, highs)
    assert (low[0], high[0]) == pytest.approx(alone) and (low[1], high[1]) == pytest.approx(
        (0.0, 0.1 / 0.3)
    )
    # every rate 0: no ratio is bounded
    low, high = I.log_ratio_interval(np.zeros(2), np.zeros(2), np.array([0.1, 0.2]))
    assert (float(low), float(high)) == (0.0, 1.0)


def test_a_group_nobody_is_selected_from_has_a_ratio_interval_by_hand() -> None:
    """Through `disparity_interval`: 0 of 100 selected against 50 of 100. The Wilson 95%
    upper limit of 0/100 is z²/(n + z²) = 0.0370, the lower limit of 50/100 is 0.4038:
    the demographic parity ratio lies from 0 to 0.0916 (the LL144 audit's figure for the
    same counts, `test_bias_audit`)."""
    from cardgate.evidence.evaluation.disparities import disparity_interval
    from cardgate.evidence.evaluation.estimates import proportions

    cells = np.zeros((2, 2, 2))
    cells[0, :, 1], cells[0, :, 0] = 25, 25  # 50 of 100 selected
    cells[1, :, 0] = 50  # 0 of 100
    low, high = disparity_interval("demographic_parity_ratio", proportions(cells), 0.95)
    z2 = I.z_value(0.95) ** 2
    assert float(low) == 0.0
    assert float(high) == pytest.approx((z2 / (100 + z2)) / 0.40383153, rel=1e-6)
    assert float(high) == pytest.approx(0.0916, abs=1e-4)


def test_permutations_follow_the_hypergeometric_distribution() -> None:
    """Two groups of 3 and 2 rows, 2 positives: P(first group has k) = C(3,k)C(2,2-k)/C(5,2)."""
    rng = np.random.default_rng(0)
    draws = nulls.permuted(np.array([2.0, 0.0]), np.array([3.0, 2.0]), 40_000, rng)
    assert (draws.sum(axis=1) == 2).all()
    for k in range(3):
        exact = math.comb(3, k) * math.comb(2, 2 - k) / math.comb(5, 2)
        assert np.mean(draws[:, 0] == k) == pytest.approx(exact, abs=0.01)


def test_equalized_odds_null_keeps_every_groups_labels() -> None:
    cells = np.array([[[50, 10], [5, 35]], [[300, 100], [20, 80]]], dtype=float)
    tables = nulls.null_tables(cells, 200, np.random.default_rng(1))
    assert (tables.sum(axis=3) == cells.sum(axis=2)).all()  # rows per (group, label) kept
    assert (tables[:, :, :, 1].sum(axis=1) == cells[:, :, 1].sum(axis=0)).all()


def test_p_value_and_floor_against_a_plain_count() -> None:
    """An undefined draw (NaN) is the least extreme value, and counts as a draw."""
    null = np.array([0.01, 0.02, 0.03, 0.04, 0.05, np.nan])
    floor, p = nulls.floor_and_p_value(null, 0.035, level=0.8, smaller_is_worse=False)
    assert floor == pytest.approx(0.04)  # of [-inf, 0.01, ..., 0.05]: position 4 of 5
    assert p == pytest.approx((1 + 2) / (1 + 6))
    floor, p = nulls.floor_and_p_value(null, 0.015, level=0.8, smaller_is_worse=True)
    assert floor == pytest.approx(0.02)  # of [0.01, ..., 0.05, inf]: position 1 of 5
    assert p == pytest.approx((1 + 1) / (1 + 6))
    assert nulls.floor_and_p_value(np.full(4, np.nan), 0.1, level=0.8, smaller_is_worse=False) == (
        None,
        None,
    )


def test_undefined_null_draws_do_not_excuse_a_breach_as_chance() -> None:
    """150 of 200 draws undefined, 6 of the 50 others as large as the observed gap: the
    p-value is 7/201, not 7/51, and the gate's Monte-Carlo bound (200 draws) cannot call
    the breach chance; before, p = 0.137 over the defined draws read as chance. The floor
    (the 95th percentile of all 200) is the defined draws' 80th percentile."""
    from cardgate.evidence.evaluation.artifact import ThresholdResult
    from cardgate.evidence.evaluation.decide import state_of

    defined = np.concatenate([np.linspace(0.0, 0.15, 44), np.linspace(0.17, 0.2, 6)])
    null = np.concatenate([np.full(150, np.nan), defined])
    floor, p = nulls.floor_and_p_value(null, 0.165, level=0.95, smaller_is_worse=False)
    assert p == pytest.approx(7 / 201)
    assert floor == pytest.approx(float(np.quantile(defined, 0.8)), rel=0.02)
    assert floor is not None and floor < 0.165  # the observed gap is beyond the floor
    result = ThresholdResult(
        threshold=0,
        metric="equal_opportunity_difference",
        feature="sex",
        max=0.1,
        value=0.165,
        ci=(0.11, 0.23),
        noise_floor=floor,
        p_value=p,
        count=400,
        state="beyond",
        reason="",
    )
    state, _ = state_of(result, min_group_size=30, level=0.95, replicates=200)
    assert state == "beyond"


def test_nan_quantiles_equal_numpy_nanquantile_bit_for_bit() -> None:
    rng = np.random.default_rng(9)
    samples = rng.normal(size=(101, 7, 3))
    samples[rng.random(samples.shape) < 0.2] = np.nan
    samples[:, 0, 0] = np.nan  # a column with no defined value
    quantiles = (0.0, 0.025, 0.5, 0.975, 1.0)
    found = nan_quantiles(samples, quantiles)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the all-NaN column
        for q, ours in zip(quantiles, found, strict=True):
            expected = np.nanquantile(samples, q, axis=0)
            assert np.array_equal(ours, expected, equal_nan=True), q


def test_f1_interval_is_wilsons_on_the_jaccard_index() -> None:
    from cardgate.evidence.evaluation.estimates import f1_interval

    z = I.z_value(0.95)
    for tp, fp, fn, tn in ((30, 10, 5, 55), (0, 3, 4, 93), (12, 0, 0, 88), (1, 40, 2, 7)):
        cells = np.array([[tn, fp], [fn, tp]], dtype=float)
        low, high = f1_interval(cells, z)
        j_low, j_high = _wilson_plain(tp, tp + fp + fn, z)
        assert float(low) == pytest.approx(2 * j_low / (1 + j_low), abs=1e-12)
        assert float(high) == pytest.approx(2 * j_high / (1 + j_high), abs=1e-12)
        f1 = 2 * tp / (2 * tp + fp + fn)
        assert low <= f1 <= high and high > low
