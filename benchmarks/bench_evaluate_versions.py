"""`cardgate evaluate` at one size, this checkout against another commit, alternated.

The other commit's `src/` is extracted with `git archive` into a temporary folder and put
first on `PYTHONPATH` of a subprocess; each round times both versions (the best of 5
evaluations after a warm-up, `bench_evaluate.run_cardgate` on `bench_evaluate.workspace`'s data,
1,000 replicates), so load on a shared machine falls on both alike.

Usage: python benchmarks/bench_evaluate_versions.py --before REF [--rows 1e6] [--rounds 6]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

TIMING = """
import sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {here!r})
import bench_evaluate as b
with tempfile.TemporaryDirectory() as tmp:
    root = b.workspace(Path(tmp) / "ws", ["bench"], {rows})
    b.run_cardgate(root)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        b.run_cardgate(root)
        times.append(time.perf_counter() - start)
    times.sort()
    print(times[0], times[2])
"""


def timed(rows: int, source: Path | None) -> tuple[float, float]:
    """(best, median) seconds of 5 evaluations with the code in `source` (None: this one)."""
    environment = dict(os.environ)
    if source is not None:
        environment["PYTHONPATH"] = str(source)
    code = TIMING.format(here=str(HERE), rows=rows)
    out = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    )
    best, median = (float(x) for x in out.stdout.split())
    return best, median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="git ref of the code to compare with")
    parser.add_argument("--rows", type=float, default=1e6)
    parser.add_argument("--rounds", type=int, default=6)
    args = parser.parse_args()
    rows = int(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", args.before, "src"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        before_src = Path(tmp) / "src"
        results: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            results["before"].append(timed(rows, before_src))
            results["after"].append(timed(rows, None))
    print(f"| {rows:,} rows | best | medians of the {args.rounds} rounds |")
    print("|---|---:|---:|")
    for name, found in results.items():
        best = min(b for b, _ in found) * 1000
        medians = sorted(m * 1000 for _, m in found)
        label = f"{name} ({args.before})" if name == "before" else "after (this checkout)"
        print(f"| {label} | {best:,.0f} ms | {medians[0]:,.0f}–{medians[-1]:,.0f} ms |")
    ratio = min(b for b, _ in results["after"]) / min(b for b, _ in results["before"])
    print(f"\nafter / before, best to best: {ratio:.2f}")


if __name__ == "__main__":
    main()
