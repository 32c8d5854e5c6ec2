"""Monitoring's false-alarm rate and power by simulation, from profiles built in memory
(the buckets of `sketch`, vectorised with numpy; `test_drift` holds the formula equal to
DuckDB's). `test_soundness` runs a small, seeded version; run this file for the full-size
numbers quoted in docs/monitoring.md:

    .venv/bin/python tests/monitoring/simulation.py
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np

from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.decide import DriftSettings
from cardgate.evidence.monitoring.profile import ColumnProfile, Profile
from cardgate.evidence.monitoring.window import drift_rows

CATEGORIES = np.array([0.4, 0.25, 0.15, 0.12, 0.08])


def buckets(values: np.ndarray) -> dict[int, int]:
    magnitude = np.abs(values)
    index = np.where(
        magnitude < sketch.SMALLEST,
        0,
        np.ceil(np.log(np.maximum(magnitude, sketch.SMALLEST)) / sketch.LOG_GAMMA) - sketch.OFFSET,
    ).astype(np.int64)
    index = np.where(values < 0, -index, index)
    keys, counts = np.unique(index, return_counts=True)
    return dict(zip(keys.tolist(), counts.tolist(), strict=True))


def numeric(name: str, values: np.ndarray) -> ColumnProfile:
    return ColumnProfile(name, "numeric", count=len(values), buckets=buckets(values))


def categorical(name: str, values: np.ndarray) -> ColumnProfile:
    keys, counts = np.unique(values, return_counts=True)
    counted = {f"c{k}": int(n) for k, n in zip(keys.tolist(), counts.tolist(), strict=True)}
    return ColumnProfile(name, "categorical", count=len(values), values=counted)


def sample(rng: np.random.Generator, columns: int, rows: int, *, shift: float = 0.0) -> Profile:
    """Half the columns numeric (normal, mean 10), half categorical (five categories);
    `shift` moves column n0's mean by that many standard deviations."""
    profiled: dict[str, ColumnProfile] = {}
    for index in range(columns):
        if index % 2 == 0:
            name = f"n{index // 2}"
            moved = shift if name == "n0" else 0.0
            profiled[name] = numeric(name, rng.normal(10 + moved, 1, rows))
        else:
            name = f"c{index // 2}"
            profiled[name] = categorical(name, rng.choice(5, size=rows, p=CATEGORIES))
    return Profile("simulated", [], rows, profiled)


@dataclass
class Rates:
    windows: int
    flagged: int
    """Windows with at least one column in state `drift` (what cardgate flags)."""
    rejected: int
    """Windows where Benjamini–Hochberg alone rejects some column (p-values valid?)."""
    effect_only: int
    """Windows with some effect over its threshold (a rule without the p-value)."""
    raw_p: int
    """Windows with some unadjusted p ≤ 0.05 (a rule without multiple-testing control)."""
    caught: int
    """Windows in which the shifted column n0 is in state `drift`."""

    def rate(self, count: int) -> float:
        return count / self.windows


def simulate(
    *,
    columns: int,
    windows: int,
    rows: int,
    reference_rows: int,
    shift: float = 0.0,
    seed: int = 0,
    settings: DriftSettings | None = None,
) -> Rates:
    settings = settings or DriftSettings()
    rng = np.random.default_rng(seed)
    reference = sample(rng, columns, reference_rows)
    rates = Rates(windows, 0, 0, 0, 0, 0)
    for _ in range(windows):
        rows_of = drift_rows(reference, sample(rng, columns, rows, shift=shift), settings)
        states = [row["state"] for row in rows_of]
        rates.flagged += "drift" in states
        rates.rejected += any(
            row["p_adjusted"] is not None and row["p_adjusted"] <= settings.fdr for row in rows_of
        )
        rates.effect_only += any(
            value is not None and value > settings.thresholds[name]
            for row in rows_of
            for name, value in row["effects"].items()
            if name in settings.thresholds
        )
        rates.raw_p += any(row["p_value"] is not None and row["p_value"] <= 0.05 for row in rows_of)
        rates.caught += any(row["column"] == "n0" and row["state"] == "drift" for row in rows_of)
    return rates


def main() -> None:  # pragma: no cover - the full-size run for the documentation
    started = time.perf_counter()
    print(
        "| case | windows | rows per window | flagged | BH rejects | effect only "
        "| raw p ≤ 0.05 | n0 caught |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    cases = [
        ("no drift, 50 columns", 0.0, 100_000, 100),
        ("no drift, 50 columns", 0.0, 1_000, 100),
        ("no drift, 50 columns", 0.0, 200, 100),
        ("n0 shifted 0.15 sd", 0.15, 10_000, 100),
        ("n0 shifted 0.15 sd", 0.15, 100_000, 100),
        ("n0 shifted 0.1 sd", 0.1, 10_000, 100),
        ("n0 shifted 0.1 sd", 0.1, 100_000, 100),
    ]
    for name, shift, rows, windows in cases:
        r = simulate(columns=50, windows=windows, rows=rows, reference_rows=100_000, shift=shift)
        print(
            f"| {name} | {windows} | {rows:,} | {r.rate(r.flagged):.1%} | {r.rate(r.rejected):.1%} "
            f"| {r.rate(r.effect_only):.1%} | {r.rate(r.raw_p):.1%} | {r.rate(r.caught):.1%} |",
            flush=True,
        )
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    main()
