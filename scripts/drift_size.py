"""The size of each column's drift test (`monitoring.drift.column_drift`: the two-sample
Kolmogorov–Smirnov test of numeric columns, Pearson's χ² test of homogeneity of
categorical ones) when nothing drifted: the share of windows whose unadjusted p-value is
at most 0.05, by column kind, window size and reference size (the reference drawn again
for every window when it is small). Quoted in docs/monitoring.md ("Drift that does not
cry wolf"):

    PYTHONPATH=src .venv/bin/python scripts/drift_size.py [--runs 2000]

About four minutes on two shared cores at the default runs (seeded).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cardgate.evidence.monitoring import drift  # noqa: E402
from tests.monitoring.simulation import categorical, numeric  # noqa: E402

SEED = 20261207
ZIPF_40 = 1 / np.arange(1, 41) / (1 / np.arange(1, 41)).sum()
KINDS = {
    "normal": lambda rng, n: rng.normal(10, 1, n),
    "integer 1–5 (ties)": lambda rng, n: rng.integers(1, 6, n).astype(float),
    "lognormal": lambda rng, n: rng.lognormal(0, 1, n),
    "5 categories": lambda rng, n: rng.choice(5, n, p=[0.4, 0.25, 0.15, 0.12, 0.08]),
    "6 categories, 85% in one": lambda rng, n: rng.choice(
        6, n, p=[0.85, 0.07, 0.04, 0.02, 0.01, 0.01]
    ),
    "binary, 10%": lambda rng, n: rng.choice(2, n, p=[0.9, 0.1]),
    "binary, 3%": lambda rng, n: rng.choice(2, n, p=[0.97, 0.03]),
    "40 categories, Zipf": lambda rng, n: rng.choice(40, n, p=ZIPF_40),
}
NUMERIC = ("normal", "integer 1–5 (ties)", "lognormal")
WINDOWS = (30, 60, 150, 1000)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="windows per cell")
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    head = " | ".join(f"{m} rows" for m in WINDOWS)
    print(f"| reference | column | {head} |\n|---|---|" + "---:|" * len(WINDOWS))
    for reference_rows in (100_000, 2_000):
        for kind, draw in KINDS.items():
            profile = numeric if kind in NUMERIC else categorical
            cells = []
            for rows in WINDOWS:
                rejected = 0
                for run in range(args.runs):
                    if run == 0 or reference_rows <= 2_000:
                        reference = profile("x", draw(rng, reference_rows))
                    window = profile("x", draw(rng, rows))
                    rejected += drift.column_drift(reference, window).p_value <= 0.05
                cells.append(f"{100 * rejected / args.runs:.1f}%")
            print(f"| {reference_rows:,} | {kind} | " + " | ".join(cells) + " |", flush=True)
    print(f"\n({args.runs} windows per cell, seed {SEED}; {time.perf_counter() - start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
