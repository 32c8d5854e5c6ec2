"""`profile` and `monitor` with ``--engine spark`` (issue 22): the profile's portable
queries (`profile_sql`: no `histogram()`), transpiled by sqlglot and run by Apache Spark
(local mode, this machine's Java 17) over Parquet, give DuckDB's profile byte for byte —
generated data with missing values, NaN, ±inf, negatives, zeros, values on and next to
every bucket boundary (where the JVM's logarithm and glibc's differ in the last bit),
numbers stored as text, and more categories than a profile keeps; the worked example's
monitoring (reference, windows with and without outcomes, the contract on each window) gives the
same profile.json and monitoring.json; what Spark cannot run is refused in one line.
Spark starts once for the module (tests/scale/conftest.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.files import canonical_json
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import MAX_CATEGORIES, Profile, SourceRecord
from cardgate.evidence.monitoring.profiling import profile_system
from cardgate.evidence.monitoring.run import monitor_system, recompute_monitoring
from tests.conftest import REPO
from tests.monitoring.test_profile_sql import boundary_values, generated

MASTER = "local[2]"
SYSTEM = "income-screening"


def _profiles(path: Path, kinds: dict[str, Any]) -> dict[str, Profile]:
    profiles = {}
    for engine in ("duckdb", "spark"):
        profiles[engine] = measure_profile(
            open_source(path),
            subject="s",
            recorded=SourceRecord(path.name, "0" * 64, 0, "parquet"),
            kinds=kinds,
            engine=engine,
            master=MASTER if engine == "spark" else None,
        )
    return profiles


@pytest.mark.parametrize("rows", [1, MAX_CATEGORIES + 500])
def test_generated_data_gives_one_profile(tmp_path: Path, spark: Any, rows: int) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(generated(rows, seed=rows), path)
    kinds = {"label": "categorical", "float_code": "categorical", "float32_code": "categorical"}
    profiles = _profiles(path, kinds)
    assert canonical_json(profiles["spark"].as_dict()) == canonical_json(
        profiles["duckdb"].as_dict()
    )
    if rows > MAX_CATEGORIES:
        column = profiles["spark"].columns["id"]
        assert column.truncated and column.count == rows and not column.values


def test_boundary_values_fall_in_pythons_buckets(tmp_path: Path, spark: Any) -> None:
    """Every value on or next to a boundary: Spark's buckets are `bucket_of`'s (its
    logarithm alone put about one in a thousand of them in the neighbouring bucket)."""
    values = boundary_values()
    path = tmp_path / "edges.parquet"
    pq.write_table(pa.table({"x": values}), path)
    profiles = _profiles(path, {})
    expected: dict[int, int] = {}
    for value in values:
        expected[sketch.bucket_of(value)] = expected.get(sketch.bucket_of(value), 0) + 1
    assert profiles["spark"].columns["x"].buckets == expected
    assert profiles["duckdb"].columns["x"].buckets == expected


def _example(root: Path, windows: int) -> tuple[Path, Path, list[Path]]:
    """The worked example with its monitoring data as Parquet, and the adult contract
    checked on each window."""
    workspace = root / "governance"
    shutil.copytree(REPO / "governance", workspace)
    folder = workspace / "systems" / SYSTEM
    card = folder / "model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("  cadence: monthly\n", "  cadence: monthly\n  dataset: adult\n"))
    (folder / "monitoring.json").unlink()
    data = folder / "monitoring"

    def parquet(csv: Path) -> Path:
        target = csv.with_name(csv.name.replace(".csv.gz", ".parquet"))
        pq.write_table(pacsv.read_csv(csv), target)
        return target

    reference = parquet(data / "reference.csv.gz")
    text = card.read_text(encoding="utf-8")  # the card names the Parquet file its reference
    named = f"  reference: systems/{SYSTEM}/monitoring/reference.csv.gz\n"
    assert named in text
    card.write_text(text.replace(named, named.replace(".csv.gz", ".parquet")), encoding="utf-8")
    chosen = sorted((data / "windows").glob("*.csv.gz"))[:windows]
    return workspace, reference, [parquet(path) for path in chosen]


def test_worked_example_monitoring_is_one_record(tmp_path: Path, spark: Any) -> None:
    workspace, reference, windows = _example(tmp_path, 3)
    folder = workspace / "systems" / SYSTEM
    written: dict[str, tuple[bytes, bytes]] = {}
    for engine in ("duckdb", "spark"):
        loaded = load_workspace(workspace)
        master = MASTER if engine == "spark" else None
        profile_system(loaded, SYSTEM, data=[reference], engine=engine, master=master)
        run = monitor_system(loaded, SYSTEM, windows, engine=engine, master=master)
        assert len(run.added) == 3 and run.added[0]["contract"] is not None
        written[engine] = (
            (folder / "profile.json").read_bytes(),
            (folder / "monitoring.json").read_bytes(),
        )
        if engine == "spark":  # gate --release measures Spark's record again with DuckDB
            again = recompute_monitoring(loaded, SYSTEM)
            assert again == json.loads(written[engine][1])
        (folder / "monitoring.json").unlink()
    assert written["spark"][0] == written["duckdb"][0]
    assert written["spark"][1] == written["duckdb"][1]


def test_windows_without_outcomes_are_one_record(tmp_path: Path, spark: Any) -> None:
    """A window whose outcomes have not arrived — its label column absent, or present and
    empty, in a Parquet file or a Delta table: Spark counts the selection rates (the
    label held at the negative class) and writes DuckDB's record byte for byte, which
    `gate --release` measures again with DuckDB."""
    from deltalake import write_deltalake

    workspace, reference, windows = _example(tmp_path, 3)
    tables = [pq.read_table(path) for path in windows]
    absent = workspace / "2026-10.parquet"
    pq.write_table(tables[0].drop_columns(["y_true"]), absent)
    empty = workspace / "2026-11.parquet"
    label = tables[1].schema.field("y_true")
    index = tables[1].schema.get_field_index("y_true")
    nulls = pa.nulls(tables[1].num_rows, label.type)
    pq.write_table(tables[1].set_column(index, label, nulls), empty)
    delta = workspace / "2026-12.delta"
    write_deltalake(delta, tables[2].drop_columns(["y_true"]))
    folder = workspace / "systems" / SYSTEM
    loaded = load_workspace(workspace)
    profile_system(loaded, SYSTEM, data=[reference])
    written = {}
    for engine in ("duckdb", "spark"):
        master = MASTER if engine == "spark" else None
        run = monitor_system(
            load_workspace(workspace), SYSTEM, [absent, empty, delta], engine=engine, master=master
        )
        assert [w["performance"]["outcomes"] for w in run.added] == [False] * 3
        assert all(w["contract"] is not None for w in run.added)
        written[engine] = (folder / "monitoring.json").read_bytes()
        if engine == "spark":
            assert recompute_monitoring(load_workspace(workspace), SYSTEM) == json.loads(
                written[engine]
            )
        (folder / "monitoring.json").unlink()
    assert written["spark"] == written["duckdb"]


def test_misuse_is_one_line_exit_2(tmp_path: Path) -> None:
    workspace, _, windows = _example(tmp_path, 1)
    csv = workspace / "systems" / SYSTEM / "monitoring" / "reference.csv.gz"
    window_csv = csv.parent / "windows" / "2025-12.csv.gz"
    cases = [
        (["profile", SYSTEM, "--engine", "spark", "--data", str(csv)], "this one is CSV"),
        (["monitor", SYSTEM, "--engine", "spark", "--window", str(window_csv)], "is CSV"),
        (["profile", SYSTEM, "--spark-master", "local[1]"], "goes with --engine spark"),
        (["monitor", SYSTEM, "--window", str(windows[0]), "--spark-master", "x"], "goes with"),
        (["profile", SYSTEM, "--engine", "spark", "--memory-limit", "1GB"], "does not go with"),
        (["profile", SYSTEM, "--engine", "flink"], "is not one of: duckdb, spark"),
    ]
    for args, words in cases:
        if args[0] == "monitor":  # a reference profile to monitor against
            CliRunner().invoke(app, ["profile", SYSTEM, "-w", str(workspace)])
        result = CliRunner().invoke(app, [*args, "-w", str(workspace)])
        assert result.exit_code == 2, (args, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert (
        "convert it to Parquet"
        in CliRunner()
        .invoke(
            app, ["profile", SYSTEM, "--engine", "spark", "--data", str(csv), "-w", str(workspace)]
        )
        .stderr
    )


def test_the_commands_write_the_same_files(tmp_path: Path, spark: Any) -> None:
    """Through the command line (last: each Spark run stops its session): `profile` and
    `monitor` with --engine spark write DuckDB's bytes."""
    workspace, reference, windows = _example(tmp_path, 1)
    folder = workspace / "systems" / SYSTEM
    written = {}
    for engine in ("duckdb", "spark"):
        options = ["--engine", engine] + (["--spark-master", MASTER] if engine == "spark" else [])
        for command in (
            ["profile", SYSTEM, "--data", str(reference)],
            ["monitor", SYSTEM, "--window", str(windows[0])],
        ):
            result = CliRunner().invoke(app, [*command, *options, "-w", str(workspace)])
            assert result.exit_code in (0, 1), result.stderr
        written[engine] = [
            (folder / name).read_bytes() for name in ("profile.json", "monitoring.json")
        ]
        (folder / "monitoring.json").unlink()
    assert written["spark"] == written["duckdb"]
