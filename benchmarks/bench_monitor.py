"""`cardgate monitor`'s core on one large window against a reference profile, and
Evidently's data-drift preset beside it on the same 1,000,000-row window.

Run: python benchmarks/bench_monitor.py [--rows 1e7] [--rounds 3] [--evidently PYTHON]
     python benchmarks/bench_monitor.py --spark [--rounds 3]
     python benchmarks/bench_monitor.py --wide 1000 [--rounds 3]

1. Writes (seeded, once, under benchmarks/.work/monitor/) a reference of 1,000,000 rows
   and windows of 1,000,000 and ROWS rows x 20 columns (10 numeric, 10 categorical) as
   Parquet; in the windows column n0's mean moves by 0.2 standard deviations and c0's
   category mix changes, the other 18 columns do not drift.
2. Profiles the reference once (`measure_profile`).
3. Whole process, interleaved (`harness`): a fresh interpreter that reads the profile,
   measures the window (one DuckDB pass over its 20 columns) and decides the drift of
   every column (`window.drift_rows`) — what `cardgate monitor` does for a window without
   outcomes; wall, CPU and the child's peak RSS, against the bytes of the 20 columns as
   8-byte values (what "the columns read" weigh in memory).
4. With `--evidently PYTHON` (an environment with evidently 0.7.23 and pandas < 3, see
   scripts/evidently_fixtures.py): Evidently's DataDriftPreset on the 1,000,000-row window
   against the 1,000,000-row reference (it needs the reference's rows), beside cardgate on
   the same window; the columns each flags are printed.

With `--spark` instead (issue 22): the profile of the 1,000,000-row reference (20 columns)
by DuckDB and by Spark (`--engine spark`, local[*]), each in a fresh interpreter,
interleaved; the two profiles are checked byte-identical.

With `--wide COLUMNS` instead: the profile of a file of COLUMNS columns x 20,000 rows
(four in five numeric) beside the profile of its first 50 columns (one scan), each as CSV
and as Parquet, in fresh interpreters, interleaved; the ratio is the wide file's time per
column over the narrow file's (1.0: the time grows as the columns).

Writes benchmarks/results.json ("monitor", "monitor_profile_spark" or "monitor_wide").
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import harness
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
FOLDER = harness.WORK / "monitor"
CHUNK = 1_000_000
NUMERIC = 10
CATEGORICAL = 10
REFERENCE_ROWS = 1_000_000


def write(path: Path, rows: int, *, seed: int, shifted: bool) -> None:
    if path.exists():
        return
    rng = np.random.default_rng(seed)
    categories = [pa.array([f"v{k}" for k in range(5 + 5 * j)]) for j in range(CATEGORICAL)]
    temporary = path.with_suffix(".tmp")
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        columns: dict[str, pa.Array] = {}
        for j in range(NUMERIC):
            if j % 3 == 0:
                values = rng.normal(50 + (10 * 0.2 if shifted and j == 0 else 0), 10, n)
            elif j % 3 == 1:
                values = rng.lognormal(3, 1, n)
            else:
                values = rng.integers(0, 100, n).astype(np.float64)
            columns[f"n{j}"] = pa.array(values)
        for j in range(CATEGORICAL):
            k = len(categories[j])
            weights = np.arange(k, 0, -1, dtype=np.float64)
            if shifted and j == 0:
                weights = weights[::-1].copy()
            indices = rng.choice(k, size=n, p=weights / weights.sum()).astype(np.int32)
            columns[f"c{j}"] = pa.DictionaryArray.from_arrays(pa.array(indices), categories[j])
        table = pa.table(columns)
        if writer is None:
            writer = pq.ParquetWriter(temporary, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()
    temporary.rename(path)


PROFILE = """
import sys
from pathlib import Path
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import SourceRecord, write_profile
path, out = Path(sys.argv[1]), Path(sys.argv[2])
engine = sys.argv[3] if len(sys.argv) > 3 else "duckdb"
profile = measure_profile(open_source(path), subject="bench",
    recorded=SourceRecord(path.name, "-", 0, "parquet"), kinds={}, engine=engine)
write_profile(out, profile, within=out.parent)
if engine == "spark":
    from cardgate.evidence.evaluation.spark_engine import stop_sessions
    stop_sessions()
"""

MONITOR = """
import json, sys
from pathlib import Path
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.monitoring.decide import DriftSettings
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import SourceRecord, read_profile
from cardgate.evidence.monitoring.window import drift_rows
reference = read_profile(Path(sys.argv[2]))
path = Path(sys.argv[1])
window = measure_profile(open_source(path), subject="bench",
    recorded=SourceRecord(path.name, "-", 0, "parquet"),
    kinds={n: c.kind for n, c in reference.columns.items()}, columns=sorted(reference.columns))
rows = drift_rows(reference, window, DriftSettings())
print(json.dumps(sorted(r["column"] for r in rows if r["state"] == "drift")))
"""

EVIDENTLY = """
import json, sys
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
reference, current = pd.read_parquet(sys.argv[2]), pd.read_parquet(sys.argv[1])
snapshot = Report([DataDriftPreset()]).run(current_data=current, reference_data=reference)
drifted = []
for metric in snapshot.dict()["metrics"]:
    config = metric["config"]
    if config["type"].endswith("ValueDrift") and float(metric["value"]) >= config["threshold"]:
        drifted.append(config["column"])
print(json.dumps(sorted(drifted)))
"""


WIDE_ROWS = 20_000


def write_wide(folder: Path, columns: int) -> dict[str, Path]:
    """The wide file and its first 50 columns, as CSV and as Parquet (seeded, once)."""
    paths = {
        f"{form}-{width}": folder / f"wide-{columns}-{width}.{form}"
        for form in ("csv", "parquet")
        for width in (columns, 50)
    }
    if all(path.exists() for path in paths.values()):
        return paths
    rng = np.random.default_rng(5)
    data = {}
    for i in range(columns):
        if i % 5 == 4:
            data[f"c{i}"] = pa.array(rng.choice(["a", "b", "c", "d"], WIDE_ROWS))
        else:
            data[f"n{i}"] = pa.array(rng.normal(i, 1 + i % 9, WIDE_ROWS).round(4))
    table = pa.table(data)
    for key, path in paths.items():
        form, width = key.split("-")
        part = table.select(table.column_names[: int(width)])
        if form == "csv":
            import pyarrow.csv as pc

            pc.write_csv(part, path)
        else:
            pq.write_table(part, path)
    return paths


def profile_wide(columns: int, rounds: int) -> int:
    """A wide file's profile against its first 50 columns' (time per column)."""
    paths = write_wide(FOLDER, columns)
    commands = {
        key: [sys.executable, "-c", PROFILE, str(path), str(FOLDER / f"profile-{key}.json")]
        for key, path in paths.items()
    }
    results: dict[str, object] = {"load_before": harness.load(), "rows": WIDE_ROWS}
    runs = harness.whole_process(commands, rounds=rounds, cwd=FOLDER)
    for key, r in runs.items():
        results[key] = r.summary()
        print(f"profile of {WIDE_ROWS:,} rows x {key}: {r.summary()}")
    for form in ("csv", "parquet"):
        wide, narrow = runs[f"{form}-{columns}"], runs[f"{form}-50"]
        ratio = (wide.wall.median / columns) / (narrow.wall.median / 50)
        results[f"{form}_per_column_wide_over_narrow"] = round(ratio, 2)
        print(f"{form}: time per column, {columns} columns over 50: {ratio:.2f}")
    results["load_after"] = harness.load()
    harness.record("monitor_wide", results)
    return 0


def _last(output: str) -> list[str]:
    """The JSON list a run printed last (DuckDB may draw a progress bar before it)."""
    found: list[str] = json.loads(output.strip().splitlines()[-1].split("\r")[-1])
    return found


def profile_engines(reference: Path, rounds: int) -> int:
    """The reference's profile by DuckDB and by Spark, in fresh interpreters."""
    outs = {engine: FOLDER / f"profile-{engine}.json" for engine in ("duckdb", "spark")}
    commands = {
        engine: [sys.executable, "-c", PROFILE, str(reference), str(out), engine]
        for engine, out in outs.items()
    }
    results: dict[str, object] = {"load_before": harness.load()}
    runs = harness.whole_process(commands, rounds=rounds, cwd=FOLDER)
    assert outs["spark"].read_bytes() == outs["duckdb"].read_bytes(), "Spark disagrees"
    for engine, r in runs.items():
        results[engine] = r.summary()
        print(f"profile of {REFERENCE_ROWS:,} rows x 20 columns, {engine}: {r.summary()}")
    results["load_after"] = harness.load()
    harness.record("monitor_profile_spark", results)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--evidently", type=Path, default=None)
    parser.add_argument("--spark", action="store_true", help="the profile: DuckDB and Spark")
    parser.add_argument("--wide", type=int, default=0, help="the profile of a wide file")
    args = parser.parse_args()
    rows = int(args.rows)
    FOLDER.mkdir(parents=True, exist_ok=True)
    if args.wide:
        return profile_wide(args.wide, args.rounds)
    reference = FOLDER / "reference.parquet"
    if args.spark:
        write(reference, REFERENCE_ROWS, seed=1, shifted=False)
        return profile_engines(reference, args.rounds)
    small = FOLDER / f"window-{REFERENCE_ROWS}.parquet"
    large = FOLDER / f"window-{rows}.parquet"
    write(reference, REFERENCE_ROWS, seed=1, shifted=False)
    write(small, REFERENCE_ROWS, seed=2, shifted=True)
    write(large, rows, seed=3, shifted=True)
    profile = FOLDER / "profile.json"
    harness.run_once([sys.executable, "-c", PROFILE, str(reference), str(profile)])
    python = sys.executable
    results: dict[str, object] = {"load_before": harness.load()}
    runs = harness.whole_process(
        {"cardgate": [python, "-c", MONITOR, str(large), str(profile)]}, rounds=args.rounds
    )
    cardgate = runs["cardgate"]
    columns_bytes = rows * (NUMERIC + CATEGORICAL) * 8 / 2**20
    results[f"window_{rows}"] = {
        "cardgate": cardgate.summary(),
        "columns_read_mib": round(columns_bytes, 1),
        "drifted": _last(cardgate.outputs[0]),
    }
    print(f"window of {rows:,} rows x 20 columns against a profile of {REFERENCE_ROWS:,} rows")
    print(f"  cardgate: {cardgate.summary()}")
    print(f"  columns read as 8-byte values: {columns_bytes:,.0f} MiB")
    print(f"  drifted: {_last(cardgate.outputs[0])}")
    if args.evidently is not None:
        side = harness.whole_process(
            {
                "cardgate": [python, "-c", MONITOR, str(small), str(profile)],
                "evidently": [str(args.evidently), "-c", EVIDENTLY, str(small), str(reference)],
            },
            rounds=args.rounds,
        )
        ratio = side["evidently"].wall.median / side["cardgate"].wall.median
        results[f"window_{REFERENCE_ROWS}"] = {
            name: {"runs": r.summary(), "drifted": _last(r.outputs[0])} for name, r in side.items()
        }
        results["evidently_over_cardgate_wall"] = round(ratio, 1)
        results["evidently_versions"] = harness.versions(args.evidently)
        for name, r in side.items():
            print(f"1,000,000-row window, {name}: {r.summary()}; drifted {_last(r.outputs[0])}")
        print(f"Evidently / cardgate (median wall): {ratio:.1f}x")
    results["load_after"] = harness.load()
    harness.record("monitor", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
