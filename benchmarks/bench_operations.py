"""`cardgate evaluate-operations` on a large run log: wall time and peak RSS.

Run: python benchmarks/bench_operations.py [--lines 100000 1500000] [--src SRC ...]

The data: a copy of the worked example (governance/) whose helpdesk-assistant run log and
baseline's run log are replaced by `--lines` synthetic queries each, in the shape of the
example's logs (query_id, category of 4, latency_ms, input_tokens, output_tokens; the
same query ids in both logs), seeded. The card is the example's: tokens priced, sliced by
category, paired change from the baseline, 1,000 bootstrap replicates. Each size runs
once per source tree (`--src`: a cardgate `src/` folder, run with PYTHONPATH set to it;
by default this checkout's), in a fresh interpreter under GNU time
(`harness.run_once`). Prints a Markdown table; records nothing (the machine is shared:
read the load average printed with it).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
from pathlib import Path

import harness

ROOT = harness.HERE.parent
SYSTEM = "helpdesk-assistant"
CATEGORIES = ("account-access", "loans", "payments", "rights-and-safety")


def write_log(path: Path, lines: int, seed: int) -> None:
    """`lines` queries q0000001 …, the example's fields, seeded."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(1, lines + 1):
            row = {
                "query_id": f"q{i:07d}",
                "category": CATEGORIES[i % len(CATEGORIES)],
                "latency_ms": round(rng.lognormvariate(8.0, 0.35), 1),
                "input_tokens": rng.randint(380, 520),
                "output_tokens": rng.randint(40, 260),
            }
            out.write(json.dumps(row) + "\n")


def workspace(lines: int) -> Path:
    """The example with run logs of `lines` queries (made once, kept in benchmarks/.work)."""
    root = harness.WORK / f"operations-{lines}"
    folder = root / "systems" / SYSTEM
    if not (folder / "run-log-baseline.jsonl").exists():
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(ROOT / "governance", root)
        write_log(folder / "run-log.jsonl", lines, 1)
        write_log(folder / "run-log-baseline.jsonl", lines, 2)
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_500_000])
    parser.add_argument("--src", type=Path, nargs="+", default=[ROOT / "src"])
    args = parser.parse_args()
    print(f"load average before: {harness.load()}")
    print("| run log lines | source | wall s | CPU s | peak RSS MiB |")
    print("|---:|---|---:|---:|---:|")
    for lines in args.lines:
        root = workspace(lines)
        size = (root / "systems" / SYSTEM / "run-log.jsonl").stat().st_size
        for src in args.src:
            env = {**os.environ, "PYTHONPATH": str(src.resolve()), "CARDGATE_TODAY": "2026-11-30"}
            command = [sys.executable, "-m", "cardgate", "evaluate-operations", SYSTEM]
            wall, cpu, rss, _ = harness.run_once([*command, "-w", str(root)], env=env)
            print(
                f"| {lines:,} ({size / 2**20:,.0f} MiB) | {src} | {wall:.1f} | {cpu:.1f} "
                f"| {rss:,.0f} |",
                flush=True,
            )
    print(f"load average after: {harness.load()}")


if __name__ == "__main__":
    main()
