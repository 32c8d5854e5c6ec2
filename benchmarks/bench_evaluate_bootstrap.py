"""cardgate's intervals against fairlearn's `MetricFrame(n_boot=...)` for the same outputs
(issue 14: "at least 100x faster than fairlearn's MetricFrame(n_boot=...)").

Run: python benchmarks/bench_evaluate_bootstrap.py [--rows 1e6] [--rounds 2]
                                                   [--n-boot 0,2,5]

The data are `bench_evaluate`'s (2 features, 7 metrics). Each round, alternating:

* fairlearn 0.12.0 (the fastest release, in its pinned environment,
  `bench_evaluate.FAIRLEARN`): `fairlearn_bootstrap.py FILE 0 2 5` times, after its
  imports and the read, one `MetricFrame` per feature without a bootstrap and with
  `n_boot` 2 and 5 (percentile intervals of every overall and per-group value and of the
  between-groups difference and ratio: 182 values). fairlearn's bootstrap recomputes
  the whole frame on resampled rows once per replicate, so its cost is linear in
  `n_boot`: the per-replicate cost is the least-squares slope over the three, and the
  cost of `n_boot=1000` is the intercept plus 1,000 times that slope (running 1,000
  replicates on 10^6 rows would take hours on this machine);
* cardgate: `evaluate_settings` in process (read + compute, 1,000 replicates for the
  permutation nulls, Wilson/MOVER/simultaneous intervals), the median of 3 calls after a
  warm-up.

CPU seconds are the figure compared (wall time on this shared machine mostly measures
the wait for a core). Prints a Markdown table; writes benchmarks/results.json
("evaluate_bootstrap").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_evaluate
import harness

WORK = harness.WORK / "evaluate_bootstrap"
SCRIPT = harness.HERE / "fairlearn_bootstrap.py"
RELEASE = "0.12.0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--n-boot", default="0,2,5")
    args = parser.parse_args()
    rows, boots = int(args.rows), [int(x) for x in args.n_boot.split(",")]
    python = harness.peer_python(f"fairlearn-{RELEASE}", bench_evaluate.FAIRLEARN[RELEASE])
    root = bench_evaluate.workspace(WORK / "ws", ["bench"], rows)
    data = root / "systems" / "bench" / "predictions.parquet"
    load_before = harness.load()
    fair: dict[int, harness.Sample] = {b: harness.Sample() for b in boots}
    cpu: dict[str, harness.Sample] = {}
    wall = harness.Sample()
    bench_evaluate.run_cardgate(root)  # warm-up
    for _ in range(args.rounds):
        _, _, _, stdout = harness.run_once([str(python), str(SCRIPT), str(data), *map(str, boots)])
        for entry in json.loads(stdout):
            fair[entry["n_boot"]].values.append(entry["cpu_s"])
        timed = harness.in_process(
            {"cardgate": lambda: bench_evaluate.run_cardgate(root)}, rounds=3, cpu=cpu
        )
        wall.values += timed["cardgate"].values
    medians = np.array([fair[b].median for b in boots])
    slope, intercept = np.polyfit(np.array(boots, dtype=float), medians, 1)
    extrapolated = intercept + 1000 * slope
    ours = cpu["cardgate"].median
    result: dict[str, Any] = {
        "rows": rows,
        "fairlearn": RELEASE,
        "load_before": load_before,
        "load_after": harness.load(),
        "fairlearn_cpu_s": {str(b): fair[b].summary() for b in boots},
        "fairlearn_cpu_s_per_replicate": slope,
        "fairlearn_cpu_s_n_boot_1000_extrapolated": extrapolated,
        "cardgate_cpu_s": cpu["cardgate"].summary(),
        "cardgate_wall_s": wall.summary(),
        "ratio_cpu": extrapolated / ours,
    }
    print(f"{rows:,} rows; load {load_before} -> {result['load_after']}")
    print("| CPU seconds | median (min-max) |\n|---|---:|")
    for b in boots:
        print(f"| fairlearn {RELEASE} MetricFrame, n_boot={b} | {fair[b].text()} |")
    print(f"| fairlearn, per replicate (slope) | {slope:.2f} s |")
    print(f"| fairlearn, n_boot=1000 (extrapolated) | {extrapolated:,.0f} s |")
    print(f"| cardgate evaluate_settings, 1,000 replicates | {cpu['cardgate'].text()} |")
    print(f"| ratio | {result['ratio_cpu']:,.0f} |")
    harness.record("evaluate_bootstrap", result)


if __name__ == "__main__":
    main()
