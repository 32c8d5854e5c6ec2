"""A Delta Lake table as a dataset's data (issue 22): `check-data` with pandas (delta-rs),
DuckDB and Spark (the snapshot's Parquet files) gives the artifact the same rows as a
Parquet file give, apart from where they came from; `profile` likewise with DuckDB and
Spark; the artifact records the version and a digest of the folder, which GATE-DC002
compares and ``gate --release`` recomputes; every misuse is one clear line. Real tables
written by delta-rs in temporary folders; Spark starts once for the module."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import InputError
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck import run
from cardgate.evidence.datacheck.run import check_dataset
from cardgate.evidence.monitoring.profiling import profile_dataset
from tests.conftest import REPO
from tests.scale.test_check_data_spark import TODAY, _generated, _workspace
from tests.scale.test_delta_table import _add_action

STAMPS = """\
    - {name: at, type: datetime, max: "2024-03-01T00:00:00"}
    - {name: at_naive, type: datetime}
"""


def _data(rows: int, seed: int) -> pa.Table:
    """`test_check_data_spark`'s generated rows, with stored timestamps (UTC and naive)."""
    table = _generated(rows, seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    utc = [None if i % 50 == 0 else start + dt.timedelta(hours=i) for i in range(rows)]
    naive = [dt.datetime(2023, 1, 1) + dt.timedelta(minutes=7 * i) for i in range(rows)]
    return table.append_column("at", pa.array(utc, pa.timestamp("us", tz="UTC"))).append_column(
        "at_naive", pa.array(naive, pa.timestamp("us"))
    )


def _dataset(
    root: Path, rows: int = 4_000, seed: int = 4, *, profiled: bool = False
) -> tuple[Path, pa.Table]:
    """A workspace whose dataset's contract names `data.delta`, the same rows also as
    `data.parquet`, and the table written in two commits (versions 0 and 1), flat and
    partitioned by `code` (`part.delta`). `profiled`: without the contract's column that
    the data lacks (a profile needs every column) and the integer column that holds text
    for check-data to find (a profile refuses text in a numeric column since 3d9d8c6; its
    kind is then inferred from the data)."""
    folder = _workspace(root)
    sheet = folder / "datasheet.yaml"
    text = sheet.read_text(encoding="utf-8").replace("path: data.parquet", "path: data.delta")
    if profiled:
        text = text.replace("    - {name: absent, type: integer}\n", "")
        text = text.replace("    - {name: count_text, type: integer, min: -3}\n", "")
    sheet.write_text(text + STAMPS, encoding="utf-8")
    table = _data(rows, seed)
    pq.write_table(table, folder / "data.parquet")
    half = rows // 2
    for name, partition_by in (("data.delta", None), ("part.delta", ["code"])):
        write_deltalake(folder / name, table.slice(0, half), partition_by=partition_by)
        write_deltalake(folder / name, table.slice(half), mode="append", partition_by=partition_by)
    return folder, table


def _check(root: Path, engine: str, data: Path | None = None) -> dict[str, Any]:
    """The artifact as written (a check of other data than the contract's is written
    only where `out` says)."""
    written = root / "check.json"
    check_dataset(
        load_workspace(root),
        "generated",
        today=dt.date.fromisoformat(TODAY),
        data=data,
        engine=engine,  # type: ignore[arg-type]
        master="local[2]" if engine == "spark" else None,
        out=written,
    )
    return json.loads(written.read_text())


def _but_the_data(artifact: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in artifact.items() if key != "data"}


def test_check_data_reads_a_table_as_its_parquet_file(tmp_path: Path) -> None:
    folder, table = _dataset(tmp_path)
    from_file = _check(tmp_path, "pandas", folder / "data.parquet")
    assert from_file["violations"] and from_file["profile"]["at"]["max"]
    for engine in ("pandas", "duckdb"):
        from_table = _check(tmp_path, engine)
        assert _but_the_data(from_table) == _but_the_data(from_file), engine
        data = from_table["data"]
        assert data["format"] == "delta" and data["path"] == "datasets/generated/data.delta"
        assert data["table"] == {"name": "datasets/generated/data.delta", "version": "1"}
        assert len(data["sha256"]) == 64 and data["sha256"] != from_file["data"]["sha256"]
    # partitioned: delta-rs reads the partition values (pandas), DuckDB from the log
    partitioned = _check(tmp_path, "pandas", folder / "part.delta")
    assert partitioned["rows"] == table.num_rows
    assert _but_the_data(partitioned) == _but_the_data(from_file)
    assert _check(tmp_path, "duckdb", folder / "part.delta") == partitioned
    # a column a later commit added: null in the older files, DuckDB reading by name
    _evolved(folder / "evolved.delta", table)
    evolved = _check(tmp_path, "pandas", folder / "evolved.delta")
    assert evolved["columns"][-1] == "score"  # added last, as delta-rs merges the schema
    assert evolved["profile"]["score"]["nulls"] > table.num_rows // 2
    assert _check(tmp_path, "duckdb", folder / "evolved.delta") == evolved


def test_auto_streams_a_large_table_partitioned_or_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = _dataset(tmp_path, rows=500)
    monkeypatch.setattr(run, "AUTO_DUCKDB_BYTES", 1)  # every table counts as large
    loaded = load_workspace(tmp_path)
    today = dt.date.fromisoformat(TODAY)
    assert check_dataset(loaded, "generated", today=today).engine == "duckdb"
    partitioned = check_dataset(loaded, "generated", today=today, data=folder / "part.delta")
    assert partitioned.engine == "duckdb"


def test_a_commit_during_the_check_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, table = _dataset(tmp_path, rows=200)
    from cardgate.evidence.datacheck import pandas_engine

    measure = pandas_engine.measure

    def racing(*args: Any, **kwargs: Any) -> Any:
        write_deltalake(folder / "data.delta", table.slice(0, 10), mode="append")
        return measure(*args, **kwargs)

    monkeypatch.setattr(pandas_engine, "measure", racing)
    with pytest.raises(InputError, match="a commit landed in the Delta table while it was read"):
        _check(tmp_path, "pandas")
    assert not (folder / "data-check.json").exists()


def test_profile_reads_a_table_as_its_parquet_file(tmp_path: Path) -> None:
    folder, _ = _dataset(tmp_path, profiled=True)
    loaded = load_workspace(tmp_path)
    from_file = profile_dataset(loaded, "generated", data=[folder / "data.parquet"]).profile
    from_table = profile_dataset(loaded, "generated").profile
    assert from_table.columns == from_file.columns and from_table.rows == from_file.rows
    (source,) = from_table.sources
    assert (source.path, source.format, source.version) == (
        "datasets/generated/data.delta",
        "delta",
        "1",
    )
    written = json.loads((folder / "profile.json").read_text())
    assert written["sources"][0]["version"] == "1"
    partitioned = profile_dataset(loaded, "generated", data=[folder / "part.delta"]).profile
    assert partitioned.columns == from_file.columns and partitioned.rows == from_file.rows


def test_spark_reads_the_snapshots_files(tmp_path: Path, spark: Any) -> None:
    """One Spark test: `check-data` and `profile` on the table (a file removed by an
    overwrite still on disk: not in the snapshot) give DuckDB's artifacts."""
    folder, table = _dataset(tmp_path, rows=1_500, profiled=True)
    target = folder / "data.delta"
    write_deltalake(target, table.slice(0, 100), mode="overwrite")
    write_deltalake(target, table, mode="append")
    duckdb = _check(tmp_path, "duckdb")
    assert duckdb["rows"] == table.num_rows + 100 and duckdb["data"]["table"]["version"] == "3"
    assert _check(tmp_path, "spark") == duckdb
    loaded = load_workspace(tmp_path)
    by_duckdb = profile_dataset(loaded, "generated").profile.as_dict()
    by_spark = profile_dataset(loaded, "generated", engine="spark", master="local[2]")
    assert by_spark.profile.as_dict() == by_duckdb
    # partitioned by `code` (300 values, 600 files): the values from the log
    partitioned = _check(tmp_path, "pandas", folder / "part.delta")
    for engine in ("duckdb", "spark"):
        assert _check(tmp_path, engine, folder / "part.delta") == partitioned, engine
    by_duckdb = profile_dataset(loaded, "generated", data=[folder / "part.delta"]).profile
    by_spark = profile_dataset(
        loaded, "generated", data=[folder / "part.delta"], engine="spark", master="local[2]"
    ).profile
    assert by_spark.as_dict() == by_duckdb.as_dict()
    # a column a later commit added: null in the older files, for every engine
    _evolved(folder / "evolved.delta", table)
    evolved = _check(tmp_path, "pandas", folder / "evolved.delta")
    assert evolved["profile"]["score"]["nulls"] > table.num_rows // 2
    for engine in ("duckdb", "spark"):
        assert _check(tmp_path, engine, folder / "evolved.delta") == evolved, engine


def test_partition_values_are_typed_by_the_schema(
    tmp_path: Path, spark: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Partitioned by a date, a UTC timestamp (null in a row), an integer and text: DuckDB
    and Spark type the log's values as the schema says and check what delta-rs reads;
    Spark's read per partition (for file names it would not match) too."""
    from cardgate.evidence.evaluation import delta_table

    folder, table = _dataset(tmp_path, rows=40)
    typed = folder / "typed.delta"
    write_deltalake(typed, table, partition_by=["day", "at", "extra", "flag_text"])
    pandas = _check(tmp_path, "pandas", typed)
    assert pandas["rows"] == table.num_rows and pandas["profile"]["at"]["nulls"] == 1
    assert _but_the_data(pandas) == _but_the_data(
        _check(tmp_path, "pandas", folder / "data.parquet")
    )
    for engine in ("duckdb", "spark"):
        assert _check(tmp_path, engine, typed) == pandas, engine
    few = folder / "few.delta"
    write_deltalake(few, table, partition_by=["extra"])
    expected = _check(tmp_path, "pandas", few)
    monkeypatch.setattr(delta_table, "_PLAIN_NAME", re.compile(r"(?!)"))
    assert _check(tmp_path, "spark", few) == expected


def _evolved(target: Path, table: pa.Table) -> None:
    """`table` written without its `score` column, then with it (schema evolution)."""
    half = table.num_rows // 2
    write_deltalake(target, table.slice(0, half).drop_columns(["score"]))
    write_deltalake(target, table.slice(half), mode="append", schema_mode="merge")


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_unusable_tables_are_one_clear_line(tmp_path: Path) -> None:
    folder, _ = _dataset(tmp_path, rows=200)
    base = ("check-data", "generated", "-w", str(tmp_path), "--today", TODAY)
    (folder / "plain").mkdir()
    broken = folder / "broken.delta"
    shutil.copytree(folder / "data.delta", broken)
    (broken / "_delta_log" / f"{2:020d}.json").write_bytes(b"\x00\xff not json {")
    outside = folder / "outside.delta"
    shutil.copytree(folder / "data.delta", outside)
    _add_action(outside, 2, "/etc/hostname")
    vectors = folder / "vectors.delta"
    shutil.copytree(folder / "data.delta", vectors)
    protocol = {
        "protocol": {
            "minReaderVersion": 3,
            "minWriterVersion": 7,
            "readerFeatures": ["deletionVectors", "timestampNtz"],
            "writerFeatures": ["deletionVectors", "timestampNtz"],
        }
    }
    (vectors / "_delta_log" / f"{2:020d}.json").write_text(json.dumps(protocol) + "\n")
    cases = [
        ("missing.delta", (), 1, "missing.delta: data file not found", "Delta table's folder"),
        ("plain", (), 1, "plain: is a folder without _delta_log/", "_delta_log/"),
        ("broken.delta", (), 1, "broken.delta: cannot read the Delta table", "_delta_log/"),
        ("outside.delta", (), 1, "'/etc/hostname' is outside the workspace", "table's folder"),
        ("vectors.delta", (), 1, "deletionVectors", "APPLY (PURGE)"),
        # the same refusal whatever the engine: the table's columns are read (delta-rs)
        # before an engine runs, since 7203102 checks them for a repeated name
        ("vectors.delta", ("--engine", "duckdb"), 1, "deletionVectors", "APPLY (PURGE)"),
    ]
    for name, extra, code, words, hint in cases:
        got, output = _cli(*base, "--data", str(folder / name), *extra)
        assert got == code, (name, output)
        assert words in output and hint in output and "Traceback" not in output, output
    got, output = _cli("profile", "generated", "-w", str(tmp_path), "--data", str(broken))
    assert got == 1 and "cannot read the Delta table" in output, output
    assert not (folder / "data-check.json").exists()


def test_gate_reports_a_new_commit_as_stale_and_release_recomputes(tmp_path: Path) -> None:
    workspace = tmp_path / "governance"
    shutil.copytree(REPO / "governance", workspace, ignore=shutil.ignore_patterns("site"))
    folder = workspace / "datasets" / "german-credit"
    rows = pacsv.read_csv(
        folder / "german-credit.csv.gz",
        convert_options=pacsv.ConvertOptions(strings_can_be_null=True),
    )
    target = folder / "german-credit.delta"
    write_deltalake(target, rows.slice(0, 500))
    write_deltalake(target, rows.slice(500), mode="append")
    sheet = folder / "datasheet.yaml"
    sheet.write_text(
        sheet.read_text().replace("path: german-credit.csv.gz", "path: german-credit.delta")
    )
    code, output = _cli("check-data", "german-credit", "-w", str(workspace), "--today", TODAY)
    assert code in (0, 1) and "Traceback" not in output, output
    recorded = json.loads((folder / "data-check.json").read_text())["data"]
    assert recorded["table"] == {
        "name": "datasets/german-credit/german-credit.delta",
        "version": "1",
    }
    args = ("gate", "credit-default", "-w", str(workspace), "--today", "2026-11-30", "-f", "json")

    def findings(*extra: str) -> list[str]:
        report = json.loads(CliRunner().invoke(app, [*args, *extra]).stdout)
        return [
            f"{finding['code']} {finding['message']}"
            for finding in report["findings"]
            if finding["code"] in ("GATE-DC002", "GATE-ART001")
            and "german-credit" in json.dumps(finding)
        ]

    assert findings() == [] and findings("--release") == []
    write_deltalake(target, rows.slice(0, 5), mode="append")
    stale = findings("--release")
    assert any(
        "GATE-DC002" in m and "the Delta table 'german-credit.delta' changed" in m for m in stale
    ), stale
    assert any("GATE-ART001" in m and "differs from what its inputs give" in m for m in stale), (
        stale
    )
    shutil.rmtree(target)
    gone = findings()
    assert any(
        "GATE-DC002" in m and "does not exist; the data check cannot be verified" in m for m in gone
    ), gone


def test_drafts_refuse_a_table(tmp_path: Path) -> None:
    """Not read yet (docs/scale.md): one clear line, never a traceback. (A table as a
    monitoring window: test_delta_window.py.)"""
    from cardgate.evidence.datacheck.infer import profile_file

    folder, _ = _dataset(tmp_path, rows=100)
    with pytest.raises(InputError, match="drafted from a CSV or Parquet file"):
        profile_file(folder / "data.delta")


def test_a_table_with_column_mapping_is_refused_everywhere(tmp_path: Path) -> None:
    """delta-rs's Arrow reader reads a column-mapped table's columns as nulls (1.6): a
    contract without null limits would pass on them, an evaluation drop every row."""
    from tests.scale.test_delta_table import _artifact
    from tests.scale.test_engines_agree import _settings, _table

    folder, table = _dataset(tmp_path, rows=100)
    mapped = {"delta.columnMapping.mode": "name"}
    write_deltalake(folder / "mapped.delta", table, configuration=mapped)
    for engine in ("pandas", "duckdb"):
        with pytest.raises(InputError, match="maps its columns"):
            _check(tmp_path, engine, folder / "mapped.delta")
    write_deltalake(tmp_path / "predictions.delta", _table(13, nulls=False), configuration=mapped)
    with pytest.raises(InputError, match="maps its columns"):
        _artifact(_settings({"path": "predictions.delta"}), tmp_path)
