"""Statistics that do not cry wolf: under no drift, 50 columns over 100 windows, the
monitor flags at most its false-discovery rate of windows; a stated shift is caught.
Smaller than the documented run (docs/monitoring.md, tests/monitoring/simulation.py),
seeded, and each assertion could fail: the same windows judged on effects alone, on the
adjusted p-value alone or on raw p-values flag more."""

from __future__ import annotations

import math

import numpy as np

from cardgate.evidence.monitoring.decide import DriftSettings
from cardgate.evidence.monitoring.window import drift_rows
from tests.monitoring.simulation import sample, simulate


def slack(rate: float, trials: int) -> float:
    """Three binomial standard deviations."""
    return 3 * math.sqrt(rate * (1 - rate) / trials)


def test_no_drift_false_alarms_at_most_the_configured_rate() -> None:
    # 1,000-row windows: sampling noise alone sometimes pushes an effect over its threshold
    rates = simulate(columns=50, windows=100, rows=1_000, reference_rows=20_000, seed=1)
    assert rates.rate(rates.flagged) <= DriftSettings().fdr
    # each safeguard alone flags more: effects without the p-value, the adjusted p-value
    # without the effect, and raw p-values without Benjamini–Hochberg (most windows)
    assert rates.effect_only > rates.flagged
    assert rates.rejected > rates.flagged
    assert rates.rate(rates.raw_p) > 0.5


def test_p_values_are_valid_under_no_drift() -> None:
    """Each test rejects at 5% about 5% of the time (what Benjamini–Hochberg needs)."""
    rng = np.random.default_rng(7)
    found: dict[str, list[float]] = {"numeric": [], "categorical": []}
    for _ in range(10):
        reference = sample(rng, 10, 20_000)
        for _ in range(20):
            for row in drift_rows(reference, sample(rng, 10, 200), DriftSettings()):
                found[row["kind"]].append(row["p_value"])
    for kind, p_values in found.items():
        rejected = float(np.mean(np.array(p_values) <= 0.05))
        assert rejected <= 0.05 + slack(0.05, len(p_values)), (kind, rejected)
        assert rejected >= 0.02, (kind, rejected)  # not a test that never rejects


def test_no_drift_large_windows_flag_nothing() -> None:
    # 20,000 rows: raw p-values still cry wolf; effects never cross their thresholds
    rates = simulate(columns=50, windows=20, rows=20_000, reference_rows=50_000, seed=2)
    assert rates.flagged == 0
    assert rates.raw_p > 10


def test_a_shift_is_caught_with_power() -> None:
    # column n0's mean moves by 0.15 standard deviations (Wasserstein 0.15 > 0.1)
    rates = simulate(columns=50, windows=20, rows=10_000, reference_rows=50_000, shift=0.15, seed=3)
    assert rates.rate(rates.caught) >= 0.9
    # a shift under the threshold (0.05 sd) is not flagged, however many rows
    small = simulate(columns=10, windows=10, rows=50_000, reference_rows=50_000, shift=0.05, seed=4)
    assert small.caught == 0
