"""`cardgate evaluate` of one large Parquet file of predictions with each engine, side
by side (issue 22): cardgate reading the rows itself (`auto`, pyarrow batches), DuckDB
(`--engine duckdb`) and Apache Spark in local mode (`--engine spark`) running the counting
query, on this machine.

Run: python benchmarks/bench_scale.py [--rows 1e8] [--rounds 2]

1. Writes (seeded, once per size, under benchmarks/.work/scale/) a workspace with one
   system whose predictions are ROWS rows in Parquet: 2 sensitive features (sex with 2
   levels, race with 5), label and prediction, the 13 classification metrics and
   disparities of `bench_evaluate`, 1,000 bootstrap replicates (the benchmark data of
   `bench_evaluate`, at a larger size).
2. Runs each engine once and checks that the three artifacts are equal apart from the
   engine and library versions they record (a speed-up that changed a number would not
   count).
3. Whole process, interleaved A B C A B C (`harness`): wall, CPU (the process and its
   children: Spark's JVM is a child) and peak RSS of the command's process tree's largest
   process (GNU time: the Python process; Spark's JVM is not included, see the README).

Writes benchmarks/results.json ("scale").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import bench_evaluate
import harness

FOLDER = harness.WORK / "scale"
ENGINES = ("auto", "duckdb", "spark")


def _artifact(root: Path) -> dict[str, object]:
    data = json.loads((root / "systems" / "bench" / "evaluation.json").read_text())
    provenance = data["provenance"]
    assert isinstance(provenance, dict)
    provenance.pop("versions"), provenance.pop("engine", None)
    return data


def main(rows: int, rounds: int) -> None:
    root = FOLDER / f"rows-{rows}"
    if not (root / "systems" / "bench" / "predictions.parquet").is_file():
        bench_evaluate.workspace(root, ["bench"], rows)
    cardgate = str(Path(sys.executable).parent / "cardgate")
    commands = {
        engine: [cardgate, "evaluate", "bench", "-w", str(root), "--engine", engine]
        for engine in ENGINES
    }
    artifacts = {}
    for engine, command in commands.items():
        harness.run_once(command)
        artifacts[engine] = _artifact(root)
    same = all(artifacts[e] == artifacts["auto"] for e in ENGINES)
    print(f"{rows:,} rows: artifacts of {', '.join(ENGINES)} equal: {same}", flush=True)
    if not same:
        raise SystemExit("the engines disagree: not a benchmark")
    start_load = harness.load()[0]
    runs = harness.whole_process(commands, rounds=rounds)
    end_load = harness.load()[0]
    print(f"{rounds} interleaved rounds, load average {start_load:.1f} → {end_load:.1f}")
    print("| engine | wall | CPU | peak RSS (Python process) | wall ÷ auto |")
    print("|---|---:|---:|---:|---:|")
    base = runs["auto"].wall.median
    for engine in ENGINES:
        found = runs[engine]
        print(
            f"| {engine} | {found.wall.text()} | {found.cpu.text()} | "
            f"{found.peak_rss_mib.text(unit='MiB', digits=0)} | "
            f"{found.wall.median / base:.2f} |"
        )
    harness.record(
        "scale",
        {
            "rows": rows,
            "rounds": rounds,
            "load_average": [start_load, end_load],
            "artifacts_equal": same,
            "runs": {engine: runs[engine].summary() for engine in ENGINES},
        },
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e8)
    parser.add_argument("--rounds", type=int, default=2)
    arguments = parser.parse_args()
    main(int(arguments.rows), arguments.rounds)
