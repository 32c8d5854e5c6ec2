"""The drift statistics: hand-computed small cases, and scipy as an independent
implementation of the Kolmogorov–Smirnov, Wasserstein and Jensen–Shannon distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.spatial.distance import jensenshannon

from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.decide import (
    DriftSettings,
    benjamini_hochberg,
    change_state,
    drift_state,
)
from cardgate.evidence.monitoring.drift import (
    chi2_homogeneity,
    chi2_p_value,
    chi2_quantile_95,
    decile_bins,
    js_distance,
    ks_p_value,
    numeric_drift,
    psi,
)
from cardgate.evidence.monitoring.profile import ColumnProfile


def numeric_column(values: np.ndarray) -> ColumnProfile:
    column = ColumnProfile("x", "numeric")
    for value in values:
        index = sketch.bucket_of(float(value))
        column.buckets[index] = column.buckets.get(index, 0) + 1
    column.count = len(values)
    return column


def test_psi_by_hand() -> None:
    # reference 50/50, window 25/75: (0.25-0.5) ln(0.5) + (0.75-0.5) ln(1.5)
    expected = -0.25 * math.log(0.5) + 0.25 * math.log(1.5)
    assert psi([10, 10], [1, 3]) == pytest.approx(expected, rel=1e-12)
    assert psi([5, 5], [5, 5]) == 0.0
    # an empty bin counts as a proportion of 1e-4 (Evidently's convention), not infinity
    assert psi([10, 0], [5, 5]) == pytest.approx(
        (0.5 - 1) * math.log(0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    )


def test_js_distance_by_hand_and_against_scipy() -> None:
    # disjoint supports: the largest distance, sqrt(ln 2)
    assert js_distance([1, 0], [0, 1]) == pytest.approx(math.sqrt(math.log(2)))
    rng = np.random.default_rng(0)
    for _ in range(20):
        left, right = rng.integers(0, 50, 6), rng.integers(0, 50, 6)
        assert js_distance(list(left), list(right)) == pytest.approx(
            float(jensenshannon(left, right)), abs=1e-12
        )


def test_ks_and_wasserstein_equal_scipy_on_bucket_values() -> None:
    """On values that are their buckets' representatives the sketch is exact: D and the
    Wasserstein distance must equal scipy's on the same samples."""
    rng = np.random.default_rng(1)
    reference = np.array([sketch.bucket_value(sketch.bucket_of(v)) for v in rng.normal(5, 2, 800)])
    window = np.array([sketch.bucket_value(sketch.bucket_of(v)) for v in rng.normal(5.5, 2, 600)])
    drift = numeric_drift(numeric_column(reference), numeric_column(window))
    assert drift.ks == pytest.approx(stats.ks_2samp(reference, window).statistic, abs=1e-12)
    expected = stats.wasserstein_distance(reference, window) / np.std(reference)
    assert drift.wasserstein == pytest.approx(expected, rel=1e-9)
    # the asymptotic p-value is close to scipy's exact/asymptotic one
    assert drift.p_value == pytest.approx(stats.ks_2samp(reference, window).pvalue, rel=0.15)


def test_ks_and_wasserstein_close_to_scipy_on_raw_values() -> None:
    """On any values the sketch is within its relative accuracy (0.1%)."""
    rng = np.random.default_rng(2)
    reference, window = rng.lognormal(3, 1, 5000), rng.lognormal(3.1, 1, 4000)
    drift = numeric_drift(numeric_column(reference), numeric_column(window))
    assert drift.ks == pytest.approx(stats.ks_2samp(reference, window).statistic, abs=2e-3)
    expected = stats.wasserstein_distance(reference, window) / np.std(reference)
    assert drift.wasserstein == pytest.approx(expected, rel=5e-3)


def test_sketch_relative_accuracy() -> None:
    for value in (-1e6, -3.5, -1e-6, 1e-8, 0.37, 1.0, 17.0, 90.0, 123456.789, 1e12):
        represented = sketch.bucket_value(sketch.bucket_of(value))
        assert abs(represented - value) <= sketch.RELATIVE_ACCURACY * abs(value) * (1 + 1e-9)
    assert sketch.bucket_of(0.0) == 0 and sketch.bucket_of(1e-12) == 0
    ordered = sorted([-5.0, -1.0, -1e-3, 0.0, 1e-3, 1.0, 5.0])
    assert [sketch.bucket_of(v) for v in ordered] == sorted(sketch.bucket_of(v) for v in ordered)


def test_bucket_sql_equals_bucket_of() -> None:
    import duckdb

    rng = np.random.default_rng(3)
    values = [
        *rng.normal(0, 100, 2000).tolist(),
        *rng.lognormal(0, 5, 2000).tolist(),
        0.0,
        1.0,
        -1.0,
        1e-10,
        sketch.GAMMA**5,
    ]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t AS SELECT unnest(?::DOUBLE[]) AS x", [values])
    rows = connection.execute(f"SELECT x, {sketch.bucket_sql('x')} FROM t").fetchall()
    undecided = [x for x, index in rows if index == sketch.UNDECIDED]
    assert undecided == [sketch.GAMMA**5]  # next to a boundary: Python decides
    assert [i for x, i in rows if x not in undecided] == [
        sketch.bucket_of(x) for x, _ in rows if x not in undecided
    ]


def test_chi2_against_scipy() -> None:
    for degrees in (1, 2, 5, 9, 30, 100):
        for statistic in (0.01, 0.5, 3.0, degrees, 2.0 * degrees + 10, 400.0):
            assert chi2_p_value(statistic, degrees) == pytest.approx(
                stats.chi2.sf(statistic, degrees), rel=1e-9, abs=1e-300
            )
        assert chi2_quantile_95(degrees) == pytest.approx(stats.chi2.ppf(0.95, degrees), rel=1e-9)


def test_chi2_homogeneity_against_scipy_and_pooling() -> None:
    reference, window = [120, 80, 200], [60, 55, 90]
    statistic, degrees = chi2_homogeneity(reference, window)
    expected = stats.chi2_contingency(np.array([reference, window]), correction=False)
    assert statistic == pytest.approx(expected.statistic) and degrees == expected.dof
    # a category seen twice in all is pooled with the other rare ones, not tested alone
    statistic, degrees = chi2_homogeneity([500, 500, 1, 1], [500, 500, 0, 0])
    assert degrees == 2


def test_ks_p_value_by_hand() -> None:
    # D = 0 is no evidence; a large D on large samples is overwhelming evidence
    assert ks_p_value(0.0, 100, 100) == 1.0
    assert ks_p_value(0.5, 1000, 1000) < 1e-50
    # the 5% critical value 1.358 / sqrt(N): p close to 0.05 (Stephens' correction)
    n = 10_000
    assert ks_p_value(1.358 / math.sqrt(n / 2), n, n) == pytest.approx(0.05, abs=0.005)


@pytest.mark.parametrize(("n", "m"), [(12, 9), (40, 25), (200, 150), (5000, 3000)])
def test_ks_floor_is_where_the_test_turns_significant(n: int, m: int) -> None:
    """D beyond its noise floor is exactly a D whose p-value is below 0.05: the floor and
    the p-value use the same Stephens-corrected scale, also at small samples, where
    1.358 / sqrt(N) alone would put the floor 5% above the 5% critical value."""
    reference = numeric_column(np.arange(n, dtype=float))
    window = numeric_column(np.arange(m, dtype=float))
    floor = numeric_drift(reference, window).floors["ks"]
    assert ks_p_value(floor, n, m) == pytest.approx(0.05, abs=1e-4)
    assert ks_p_value(floor * 0.999, n, m) > 0.05 > ks_p_value(floor * 1.001, n, m)


def test_decile_bins() -> None:
    assert decile_bins([1] * 10) == [[i] for i in range(10)]
    # a value holding 90% of the mass is one bin (nine deciles), the last 10% another
    assert decile_bins([90, 5, 5]) == [[0], [1, 2]]
    assert [len(b) for b in decile_bins([1] * 20)] == [2] * 10


def test_benjamini_hochberg_by_hand() -> None:
    # p = (0.01, 0.04, 0.03, 0.20), m = 4: sorted 0.01, 0.03, 0.04, 0.20
    # adjusted: min over j ≥ i of p_(j) m / j: 0.04, 0.0533, 0.0533, 0.20
    adjusted = benjamini_hochberg([0.01, 0.04, 0.03, None, 0.20])
    assert adjusted[3] is None
    assert adjusted == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, None, 0.20])


def test_drift_state() -> None:
    settings = DriftSettings()
    assert drift_state({"psi": 0.3}, 0.001, settings)[0] == "drift"
    assert drift_state({"psi": 0.3}, 0.2, settings)[0] == "noise"
    assert drift_state({"psi": 0.01, "js": 0.09}, 1e-9, settings)[0] == "stable"
    assert drift_state({"psi": 0.3}, None, settings)[0] == "not-compared"


def test_change_state() -> None:
    # accuracy fell by 0.10, interval (-0.13, -0.07): worse beyond the 0.05 tolerance
    assert change_state("accuracy", -0.10, -0.13, -0.07, 0.05) == "worse"
    # fell, but the interval reaches back within the tolerance: not decided
    assert change_state("accuracy", -0.06, -0.09, -0.03, 0.05) == "inconclusive"
    assert change_state("accuracy", 0.0, -0.02, 0.02, 0.05) == "unchanged"
    # a false positive rate that rose is worse; one that fell is better
    assert change_state("false_positive_rate", 0.1, 0.07, 0.13, 0.05) == "worse"
    assert change_state("false_positive_rate", -0.1, -0.13, -0.07, 0.05) == "better"
    # no direction: a large change either way is worse
    assert change_state("selection_rate", -0.1, -0.13, -0.07, 0.05) == "worse"
    assert change_state("accuracy", None, None, None, 0.05) == "undefined"
