"""`cardgate check-data` beside the same checks written directly in pandas, and larger than memory.

Run: python benchmarks/bench_check_data.py [--rows 10000000] [--memory-limit-mb 600]

1. Writes a Parquet file of ROWS rows x 10 columns (seeded; a few violations planted).
2. In memory: times `check_dataset(engine="pandas")` (read, parse, every clause, examples,
   file SHA-256, artifact) against a hand-written pandas script doing the same checks
   (read, null counts, range, allowed values, pattern, uniqueness, newest date), and the
   DuckDB engine on the same file. Target: cardgate within 1.5x of hand-written pandas.
3. Larger than memory: runs `cardgate check-data --engine duckdb` in a subprocess whose
   address space is capped with RLIMIT_AS below what pandas needs to hold the data, shows
   that the pandas engine fails under the same cap, and that the DuckDB engine's
   artifact equals the in-memory one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cardgate.documents.workspace import load_workspace

WORK = Path(__file__).resolve().parent / ".work" / "check-data"
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


def hand_written_pandas(path: Path) -> dict[str, object]:
    """The same checks as an engineer would write them directly in pandas."""
    df = pd.read_parquet(path)
    out: dict[str, object] = {"rows": len(df), "nulls": df.isna().sum().to_dict()}
    age = df["age"]
    out["age_range"] = int(((age < 17) | (age > 100)).sum())
    out["age_minmax"] = (age.min(), age.max())
    out["income_null_rate"] = float(df["income"].isna().mean())
    out["income_negative"] = int((df["income"] < 0).sum())
    out["score_range"] = int(((df["score"] < 0) | (df["score"] > 1)).sum())
    out["amount_negative"] = int((df["amount"] < 0).sum())
    out["grade_bad"] = int((~df["grade"].isin(GRADES)).sum())
    out["grade_distinct"] = int(df["grade"].nunique())
    out["region_bad"] = int((~df["region"].isin(REGIONS)).sum())
    out["zip_bad"] = int((~df["zip"].str.fullmatch(r"[0-9]{5}")).sum())
    out["id_duplicates"] = int(df["id"].duplicated().sum())
    out["newest"] = df["snapshot_date"].max()
    out["oldest_ok"] = int((df["snapshot_date"] < dt.date(2020, 1, 1)).sum())
    return out


def best_of(runs: int, action: object) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return min(times) if runs > 1 else statistics.median(times)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7, help="rows to generate (1e7)")
    parser.add_argument("--runs", type=int, default=3, help="repetitions (best of)")
    parser.add_argument(
        "--memory-limit-mb",
        type=int,
        default=0,
        help="address-space cap for the larger-than-memory run (default: what the process "
        "needs before reading data + a quarter of the DataFrame's size)",
    )
    parser.add_argument(
        "--capped-only", action="store_true", help="only the larger-than-memory part"
    )
    args = parser.parse_args()
    rows = int(args.rows)

    root = WORK / f"rows-{rows}"
    folder = root / "datasets" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "cardgate.yaml").write_text("kind: workspace\nschema_version: 1\nname: bench\n")
    (folder / "datasheet.yaml").write_text(CONTRACT)
    data = folder / "applications.parquet"
    if not data.exists():
        print(f"writing {rows:,} rows x 10 columns ...", flush=True)
        write_data(data, rows)
    size_mb = data.stat().st_size / 1e6
    in_memory_mb = pd.read_parquet(data).memory_usage(deep=True).sum() / 1e6
    print(
        f"data: {data.name}, {rows:,} rows x 10 columns, {size_mb:,.0f} MB on disk, "
        f"{in_memory_mb:,.0f} MB as a pandas DataFrame"
    )

    from cardgate.evidence.datacheck.run import check_dataset

    workspace = load_workspace(root)
    results: dict[str, object] = {}

    def run(engine: str) -> None:
        result = check_dataset(workspace, "bench", today=TODAY, engine=engine)  # type: ignore[arg-type]
        results[engine] = result.artifact

    if not (root / "expected.json").exists() or not args.capped_only:
        in_memory(args.runs, data, run, results)
    capped_run(args.memory_limit_mb, in_memory_mb, root, folder)


def in_memory(runs: int, data: Path, run: Any, results: dict[str, Any]) -> None:
    """Hand-written pandas, then cardgate with each engine, best of `runs`."""
    baseline = best_of(runs, lambda: hand_written_pandas(data))
    ours = best_of(runs, lambda: run("pandas"))
    duck = best_of(runs, lambda: run("duckdb"))
    assert results["pandas"] == results["duckdb"], "engines disagree"
    violations = [v["message"] for v in results["pandas"]["violations"]]  # type: ignore[index]
    print(f"\nin memory (best of {runs}):")
    print(f"  hand-written pandas checks      {baseline:7.2f} s")
    print(f"  cardgate check-data (pandas)    {ours:7.2f} s   {ours / baseline:.2f}x")
    print(f"  cardgate check-data (duckdb)    {duck:7.2f} s   {duck / baseline:.2f}x")
    print("  violations found: " + "; ".join(violations))


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
    if saved.exists():
        shutil.copy(saved, root / "expected.json")
        saved.unlink()
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
