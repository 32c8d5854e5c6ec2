"""`cardgate check-data` beside the same checks written in pandas by an expert, and
larger than memory.

Run: python benchmarks/bench_check_data.py [--sizes 1e6,1e7] [--rounds 3] [--capped] [--spark]

1. Writes a Parquet file of ROWS rows x 10 columns per size (seeded; violations planted).
2. Whole process, interleaved (`harness`): `pandas_user.py` (read with the pyarrow
   engine, categoricals, datetime64; null counts, ranges, allowed values, pattern,
   uniqueness, newest date) against `cardgate check-data` with `--engine pandas`,
   `--engine duckdb` and the default `auto` (each: read, every clause, examples, the
   file's SHA-256, the artifact written); wall, CPU, the child's peak RSS. In process:
   the same checks against `check_dataset` with each engine. The engines' artifacts must
   be equal. `--spark` adds `--engine spark` (Spark local, the `spark` extra) to the
   whole-process runs and its artifact to the comparison, recorded as "check_data_spark".
3. `--capped`, larger than memory: runs `cardgate check-data --engine duckdb` in a
   subprocess whose address space is capped with RLIMIT_AS below what pandas needs to
   hold the data, shows that the pandas engine fails under the same cap, and that the
   DuckDB engine's artifact equals the in-memory one.

Writes benchmarks/results.json ("check_data").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import harness
import numpy as np
import pandas_user
import pyarrow as pa
import pyarrow.parquet as pq

from cardgate.documents.workspace import load_workspace

WORK = harness.WORK / "check-data"
BIN = Path(sys.executable).parent
TODAY = dt.date(2026, 11, 30)
GRADES = ["A", "B", "C", "D", "E"]
REGIONS = ["north", "south", "east", "west"]

CONTRACT = """\
kind: datasheet
schema_version: 1
id: bench
name: Benchmark applications
status: draft
owners: [{name: Bench}]
motivation: {purpose: benchmark}
composition: {instances: applications}
contract:
  path: applications.parquet
  min_rows: 1
  allow_extra_columns: false
  freshness: {column: snapshot_date, max_age_days: 30}
  columns:
    - {name: id, type: integer, unique: true, nullable: false}
    - {name: age, type: integer, min: 17, max: 100}
    - {name: income, type: number, min: 0, max_null_rate: 0.01}
    - {name: score, type: number, min: 0, max: 1}
    - {name: amount, type: number, min: 0}
    - {name: grade, type: category, allowed_values: [A, B, C, D, E]}
    - {name: region, type: category, allowed_values: [north, south, east, west]}
    - {name: zip, type: string, pattern: '[0-9]{5}'}
    - {name: approved, type: boolean}
    - {name: snapshot_date, type: date, min: 2020-01-01}
"""


def write_data(path: Path, rows: int) -> None:
    """ROWS rows in row groups of 1M, deterministic; ~0.1% bad ages, 5% missing incomes."""
    rng = np.random.default_rng(20261130)
    writer: pq.ParquetWriter | None = None
    chunk = 1_000_000
    for start in range(0, rows, chunk):
        n = min(chunk, rows - start)
        age = rng.integers(17, 90, n)
        bad = rng.random(n) < 0.001
        age[bad] = rng.choice([-1, 999], int(bad.sum()))
        income = rng.lognormal(10, 1, n)
        income[rng.random(n) < 0.05] = np.nan
        days = rng.integers(0, 2000, n)
        table = pa.table(
            {
                "id": np.arange(start, start + n, dtype=np.int64),
                "age": age,
                "income": income,
                "score": rng.random(n),
                "amount": rng.exponential(1000, n),
                "grade": pa.array(np.array(GRADES)[rng.integers(0, 5, n)]),
                "region": pa.array(np.array(REGIONS)[rng.integers(0, 4, n)]),
                "zip": pa.array(np.char.zfill(rng.integers(0, 99999, n).astype(str), 5)),
                "approved": rng.random(n) < 0.3,
                "snapshot_date": pa.array(
                    (np.datetime64("2021-03-01") + days.astype("timedelta64[D]")).astype(
                        "datetime64[D]"
                    ),
                    pa.date32(),
                ),
            }
        )
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def capped(
    command: list[str], limit_bytes: int, cwd: Path, *, timeout: float = 180
) -> tuple[str, float]:
    """Run `command` with RLIMIT_AS = limit: outcome and seconds."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    start = time.perf_counter()
    with subprocess.Popen(
        command,
        cwd=cwd,
        preexec_fn=cap,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "CARDGATE_TODAY": TODAY.isoformat()},
    ) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            return f"did not finish: killed after {timeout:.0f} s", timeout
        code = process.returncode
    seconds = time.perf_counter() - start
    tail = (stderr.strip().splitlines() or [""])[0][:120]
    outcome = f"exit {code}" + (f", {tail}" if tail else " (checked the whole file)")
    return outcome, seconds


def baseline_address_space_mb() -> float:
    """Peak virtual memory of a process that has imported everything and started DuckDB."""
    probe = (
        "import duckdb, pandas, pyarrow.parquet\n"
        "import cardgate.evidence.datacheck.run, cardgate.evidence.datacheck.pandas_engine\n"
        "import cardgate.evidence.datacheck.duckdb_engine\n"
        "duckdb.connect().execute('select 1').fetchall()\n"
        "status = open('/proc/self/status').read()\n"
        "print(status.split('VmPeak:')[1].split()[0])"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return int(done.stdout.strip()) / 1024


def prepare(rows: int) -> tuple[Path, Path, float]:
    """(workspace root, data file, in-memory MB) for ROWS rows, written once."""
    root = WORK / f"rows-{rows}"
    folder = root / "datasets" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "cardgate.yaml").write_text("kind: workspace\nschema_version: 1\nname: bench\n")
    (folder / "datasheet.yaml").write_text(CONTRACT)
    data = folder / "applications.parquet"
    if not data.exists():
        print(f"writing {rows:,} rows x 10 columns ...", flush=True)
        write_data(data, rows)
    in_memory_mb = pandas_user.read(str(data)).memory_usage(deep=True).sum() / 1e6
    return root, data, in_memory_mb


def interleaved(rows: int, rounds: int, *, spark: bool = False) -> dict[str, Any]:
    """Whole process and in process, hand-written pandas against each engine."""
    root, data, in_memory_mb = prepare(rows)
    size_mb = data.stat().st_size / 1e6
    cli = [
        "env",
        f"CARDGATE_TODAY={TODAY.isoformat()}",
        str(BIN / "cardgate"),
        "check-data",
        "bench",
        "--workspace",
        str(root),
    ]
    commands = {
        "pandas, written by hand (pandas_user.py)": [
            sys.executable,
            str(harness.HERE / "pandas_user.py"),
            str(data),
        ],
        "cardgate check-data --engine pandas": [*cli, "--engine", "pandas"],
        "cardgate check-data --engine duckdb": [*cli, "--engine", "duckdb"],
        "cardgate check-data (auto)": cli,
    }
    if spark:
        commands["cardgate check-data --engine spark (local[*])"] = [*cli, "--engine", "spark"]
    load_before = harness.load()
    # check-data exits 1: the file breaks the contract (planted violations)
    whole = harness.whole_process(commands, rounds=rounds, exit_codes=(0, 1))
    load_after = harness.load()

    from cardgate.evidence.datacheck.run import check_dataset

    workspace = load_workspace(root)
    artifacts: dict[str, Any] = {}

    def engine(name: str) -> Any:
        def run() -> None:
            result = check_dataset(workspace, "bench", today=TODAY, engine=name)  # type: ignore[arg-type]
            artifacts[name] = result.artifact

        return run

    inside = harness.in_process(
        {
            "pandas, written by hand: read + checks": lambda: pandas_user.checks(
                pandas_user.read(str(data))
            ),
            "check_dataset, pandas engine": engine("pandas"),
            "check_dataset, duckdb engine": engine("duckdb"),
        },
        rounds=rounds,
    )
    assert artifacts["pandas"] == artifacts["duckdb"], "engines disagree"
    if spark:
        from cardgate.evidence.evaluation.spark_engine import stop_sessions

        engine("spark")()
        stop_sessions()
        assert artifacts["spark"] == artifacts["duckdb"], "Spark disagrees"
    base = whole["pandas, written by hand (pandas_user.py)"]
    print(
        f"\n{rows:,} rows x 10 columns, {size_mb:,.0f} MB on disk, {in_memory_mb:,.0f} MB "
        f"as a DataFrame; load average {load_before} before, {load_after} after; "
        f"medians (min–max) of {rounds} interleaved runs"
    )
    print("\n| whole process | wall | CPU | peak RSS | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, runs in whole.items():
        print(
            f"| {name} | {runs.wall.text()} | {runs.cpu.text()} "
            f"| {runs.peak_rss_mib.text(unit='MiB', digits=0)} "
            f"| {runs.wall.median / base.wall.median:.2f} "
            f"| {runs.cpu.median / base.cpu.median:.2f} |"
        )
    core = inside["pandas, written by hand: read + checks"].median
    print("\n| in process | time | ratio |")
    print("|---|---:|---:|")
    for name, sample in inside.items():
        print(f"| {name} | {sample.text()} | {sample.median / core:.2f} |")
    violations = [v["message"] for v in artifacts["pandas"]["violations"]]
    print("violations found: " + "; ".join(violations))
    return {
        "rows": rows,
        "size_mb": size_mb,
        "dataframe_mb": in_memory_mb,
        "load_before": load_before,
        "load_after": load_after,
        "whole_process": {name: runs.summary() for name, runs in whole.items()},
        "in_process_s": {name: sample.summary() for name, sample in inside.items()},
        "ratios": {
            f"{name} / pandas by hand, whole process (wall medians)": runs.wall.median
            / base.wall.median
            for name, runs in whole.items()
        }
        | {
            f"{name} / pandas by hand, in process": sample.median / core
            for name, sample in inside.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="rows per file (1e6,1e7)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--capped", action="store_true", help="also larger than memory")
    parser.add_argument("--spark", action="store_true", help="also --engine spark")
    parser.add_argument(
        "--memory-limit-mb",
        type=int,
        default=0,
        help="address-space cap for the larger-than-memory run (default: what the process "
        "needs before reading data + 40%% of the DataFrame's size)",
    )
    args = parser.parse_args()
    sizes = [int(float(s)) for s in args.sizes.split(",") if s]
    results = [interleaved(rows, args.rounds, spark=args.spark) for rows in sizes]
    harness.record("check_data_spark" if args.spark else "check_data", {"sizes": results})
    if args.capped:
        root, _, in_memory_mb = prepare(sizes[-1])
        check_dataset_once(root)
        capped_run(args.memory_limit_mb, in_memory_mb, root, root / "datasets" / "bench")


def check_dataset_once(root: Path) -> None:
    """The in-memory artifact the capped run is compared with (`expected.json`)."""
    saved = root / "datasets" / "bench" / "data-check.json"
    command = [str(BIN / "cardgate"), "check-data", "bench", "--engine", "pandas"]
    environment = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}
    subprocess.run(command, cwd=root, env=environment, capture_output=True, check=False)
    shutil.copy(saved, root / "expected.json")
    saved.unlink()


def capped_run(limit_option: int, in_memory_mb: float, root: Path, folder: Path) -> None:
    """The DuckDB engine under an address-space cap the DataFrame does not fit in."""
    base_mb = baseline_address_space_mb()
    limit_mb = limit_option or int(base_mb + in_memory_mb * 0.4)
    limit = limit_mb * 1024 * 1024
    duck_limit = f"{max(int((limit_mb - base_mb) * 0.55), 64)}MB"
    cli = [sys.executable, "-m", "cardgate", "check-data", "bench"]
    print(
        f"\nlarger than memory: address space capped at {limit_mb:,} MB = what the process "
        f"needs before reading any data ({base_mb:,.0f} MB: Python, pandas, pyarrow, DuckDB) "
        f"+ {limit_mb - base_mb:,.0f} MB, less than the {in_memory_mb:,.0f} MB DataFrame"
    )
    saved = folder / "data-check.json"
    outcome, seconds = capped([*cli, "--engine", "pandas"], limit, root)
    print(f"  pandas engine: {outcome} ({seconds:.1f} s)")
    saved.unlink(missing_ok=True)
    outcome, seconds = capped(
        [*cli, "--engine", "duckdb", "--memory-limit", duck_limit], limit, root
    )
    same = saved.exists() and json.loads(saved.read_text()) == json.loads(
        (root / "expected.json").read_text()
    )
    print(
        f"  duckdb engine, memory_limit {duck_limit}: {outcome} ({seconds:.1f} s); "
        f"artifact identical to the in-memory one: {same}"
    )


if __name__ == "__main__":
    main()
