"""`profile SUBJECT --engine spark --table NAME` (issue 22): the profile's portable queries
run by Spark on a catalog table (here made by saveAsTable in a temporary local database)
give the profile DuckDB and Spark measure from the same rows in a Parquet file, byte for
byte apart from what it was measured from: no file hashed, `computed_by` (engine, table,
the file of the statements Spark ran and its SHA-256, rows) and the evidence level
``counts-with-query``. The worked example's system monitored against such a reference
gives the same windows, its record carries the evidence, and `gate --release`'s
recomputation agrees. An unknown table, a missing column, `--table` with `--data` or
without `--engine spark`, a file cardgate did not write where the query goes: one line,
no traceback, nothing written. Spark starts once for the module (conftest.py); the
command-line test is last (each command stops its session)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.files import UnsafeWriteError, canonical_json
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.artifact import MonitoringArtifact
from cardgate.evidence.monitoring.profile import MAX_CATEGORIES, read_profile
from cardgate.evidence.monitoring.profiling import profile_dataset, profile_system
from cardgate.evidence.monitoring.run import monitor_system, recompute_monitoring
from cardgate.evidence.monitoring.spark_table import QUERY_MARK, measure_table_profile
from tests.datacheck.test_data_artifact import _frame
from tests.monitoring.test_profile_sql import generated
from tests.scale.test_check_data_table import _declared
from tests.scale.test_data_check_sql import _workspace
from tests.scale.test_data_check_statistics import _staged
from tests.scale.test_monitor_spark import MASTER, SYSTEM, _example, _profiles

DATABASE = "cardgate_profile"
KINDS: dict[str, Any] = {
    "label": "categorical",
    "float_code": "categorical",
    "float32_code": "categorical",
}


@pytest.fixture(scope="module")
def database(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("warehouse")
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE} LOCATION '{folder / 'db'}'")
    return DATABASE


def _saved(spark: Any, path: Path, name: str) -> str:
    """The Parquet file at `path` as the catalog table `name` of the test database."""
    table = f"{DATABASE}.{name}"
    spark.read.parquet(str(path)).write.saveAsTable(table)
    return table


def _declare(workspace: Path, table: str) -> None:
    """The worked example's card names `table` as its reference data, in place of its
    reference file."""
    card = workspace / "systems" / SYSTEM / "model-card.yaml"
    text, replaced = re.subn(
        r"^  reference(_table)?: .*$",
        f"  reference_table: {table}",
        card.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert replaced == 1
    card.write_text(text, encoding="utf-8")


def _without_provenance(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("sources", "computed_by", "evidence")}


# Not 1 row: a column whose every value is missing is stored with Parquet's Null type,
# which Spark reads, and saveAsTable stores, as integers (numeric), DuckDB as categorical
# (spark_measure reads the file's footer as DuckDB does; a table has only Spark's types).
@pytest.mark.parametrize("rows", [200, MAX_CATEGORIES + 500])
def test_a_table_gives_the_files_profile(
    tmp_path: Path, spark: Any, database: str, rows: int
) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(generated(rows, seed=rows), path)
    table = _saved(spark, path, f"generated_{rows}")
    files = _profiles(path, KINDS)
    measured, text = measure_table_profile(
        table,
        subject="s",
        kinds=KINDS,
        columns=None,
        version=None,
        query_path=tmp_path / "profile.sql",
        recorded="profile.sql",
        master=MASTER,
    )
    from_table = canonical_json(_without_provenance(measured.as_dict()))
    for engine in ("duckdb", "spark"):
        assert from_table == canonical_json(_without_provenance(files[engine].as_dict()))
    data = measured.as_dict()
    assert data["sources"] == [] and data["evidence"] == "counts-with-query"
    assert data["computed_by"]["tables"] == [{"name": table, "version": None}]
    assert data["computed_by"]["rows"] == rows == data["rows"]
    assert text.encode().startswith(QUERY_MARK) and f"SELECT * FROM {table};" in text
    assert "GROUPING SETS" in text  # the statements Spark ran, in its dialect


def test_worked_example_monitored_against_a_table(
    tmp_path: Path, spark: Any, database: str
) -> None:
    """The system's reference as a table: the same columns' profile as from its file, the
    same windows, and the record says what the reference rests on."""
    workspace, reference, windows = _example(tmp_path, 2)
    table = _saved(spark, reference, "income_reference")
    folder = workspace / "systems" / SYSTEM
    loaded = load_workspace(workspace)
    profile_system(loaded, SYSTEM, data=[reference])
    from_file = (folder / "profile.json").read_bytes()
    first = monitor_system(loaded, SYSTEM, windows).windows
    (folder / "monitoring.json").unlink()

    # a table the card does not name is refused before Spark runs, nothing written
    with pytest.raises(ConfigurationError, match=f"the table {table} is not the system's"):
        profile_system(loaded, SYSTEM, engine="spark", master=MASTER, table=table)
    assert (folder / "profile.json").read_bytes() == from_file
    assert not (folder / "profile.sql").exists()
    _declare(workspace, table)
    loaded = load_workspace(workspace)
    run = profile_system(loaded, SYSTEM, engine="spark", master=MASTER)  # the card's table
    assert _without_provenance(json.loads(from_file)) == _without_provenance(
        json.loads((folder / "profile.json").read_bytes())
    )
    record = run.profile.computed_by
    assert record is not None and record.query == f"systems/{SYSTEM}/profile.sql"
    assert (folder / "profile.sql").read_bytes().startswith(QUERY_MARK)
    monitored = monitor_system(loaded, SYSTEM, windows)
    assert monitored.windows == first  # the windows are measured as against the file's
    written = json.loads((folder / "monitoring.json").read_text(encoding="utf-8"))
    model = MonitoringArtifact.model_validate(written)
    assert model.reference.evidence == "counts-with-query" and model.reference.sources == []
    assert model.reference.computed_by is not None
    assert model.reference.computed_by.tables[0].name == table
    assert recompute_monitoring(loaded, SYSTEM) == written  # what gate --release compares

    # profiled again, the same bytes; a file cardgate did not write is never replaced
    again = (folder / "profile.json").read_bytes(), (folder / "profile.sql").read_bytes()
    profile_system(loaded, SYSTEM, engine="spark", master=MASTER, table=table)
    assert again == ((folder / "profile.json").read_bytes(), (folder / "profile.sql").read_bytes())
    (folder / "profile.sql").write_text("SELECT 1;\n", encoding="utf-8")
    (folder / "profile.json").unlink()
    with pytest.raises(UnsafeWriteError):
        profile_system(loaded, SYSTEM, engine="spark", master=MASTER, table=table)
    assert not (folder / "profile.json").exists()


def test_an_unknown_table_or_column_is_named(tmp_path: Path, spark: Any, database: str) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(generated(50, seed=3), path)
    table = _saved(spark, path, "for_errors")
    cases = [
        ("cardgate_profile.nope", None, "Spark has no table 'cardgate_profile.nope'"),
        (table, ["amount", "absent"], f"table {table} has no column 'absent' of the profile"),
    ]
    for name, columns, words in cases:
        with pytest.raises(InputError, match=words):
            measure_table_profile(
                name,
                subject="s",
                kinds={},
                columns=columns,
                version=None,
                query_path=tmp_path / "profile.sql",
                recorded="profile.sql",
                master=MASTER,
            )
    assert not (tmp_path / "profile.sql").exists()


def test_a_datasets_table_is_profiled_as_its_contract_says(
    tmp_path: Path, spark: Any, database: str
) -> None:
    """A dataset whose contract declares its statistics computed by Spark from a table:
    the table's profile (typed by the contract, with the version the contract declares)
    is the contract's Parquet file's; without --table its statistics file is not
    profiled as if it were the data; a contract column the table lacks is named."""
    ws = _workspace(tmp_path)
    _staged(ws, _frame())
    table = _saved(spark, ws.folder / "data.parquet", "applications")
    loaded = load_workspace(ws.root)
    profile_dataset(loaded, ws.dataset, data=[ws.folder / "data.parquet"])
    from_file = json.loads((ws.folder / "profile.json").read_text(encoding="utf-8"))
    _declared(ws, "statistics.parquet", table=table)
    sheet = ws.folder / "datasheet.yaml"
    text = sheet.read_text(encoding="utf-8")
    sheet.write_text(text.replace(f"{{name: {table}}}", f"{{name: {table}, version: '7'}}"))
    loaded = load_workspace(ws.root)
    run = profile_dataset(loaded, ws.dataset, engine="spark", master=MASTER, table=table)
    from_table = json.loads((ws.folder / "profile.json").read_text(encoding="utf-8"))
    assert _without_provenance(from_table) == _without_provenance(from_file)
    assert from_table["computed_by"]["tables"] == [{"name": table, "version": "7"}]
    assert run.profile.computed_by is not None
    assert run.profile.computed_by.query == "datasets/applications/profile.sql"
    with pytest.raises(ConfigurationError, match="statistics computed elsewhere"):
        profile_dataset(loaded, ws.dataset)
    spark.table(table).drop("grade").createOrReplaceTempView("without_grade")
    with pytest.raises(InputError, match="table without_grade has no column 'grade'"):
        profile_dataset(loaded, ws.dataset, engine="spark", master=MASTER, table="without_grade")
    assert json.loads((ws.folder / "profile.json").read_text(encoding="utf-8")) == from_table


def test_misuse_is_one_line_exit_2(tmp_path: Path) -> None:
    workspace, reference, _ = _example(tmp_path, 1)
    cases = [
        ["--table", "t"],
        ["--engine", "duckdb", "--table", "t"],
        ["--engine", "spark", "--table", "t", "--data", str(reference)],
    ]
    for options in cases:
        result = CliRunner().invoke(app, ["profile", SYSTEM, *options, "-w", str(workspace)])
        assert result.exit_code == 2, (options, result.stderr)
        assert "--table goes with --engine spark, without --data" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (workspace / "systems" / SYSTEM / "profile.sql").exists()


def test_the_command_profiles_a_table(tmp_path: Path, spark: Any, database: str) -> None:
    """Last: the command stops the module's session (and its in-memory catalog)."""
    workspace, reference, _ = _example(tmp_path, 1)
    table = _saved(spark, reference, "income_command")
    folder = workspace / "systems" / SYSTEM
    options = ["--engine", "spark", "--spark-master", MASTER, "-w", str(workspace)]
    _declare(workspace, table)
    result = CliRunner().invoke(app, ["profile", SYSTEM, "--table", table, *options])
    assert result.exit_code == 0, result.stderr
    assert f"from spark table {table}" in result.stdout
    assert "evidence counts-with-query" in result.stdout
    assert read_profile(folder / "profile.json").computed_by is not None
    (folder / "profile.json").unlink()
    (folder / "profile.sql").unlink()
    # a table the card does not name: refused before Spark starts, exit 2, nothing written
    result = CliRunner().invoke(app, ["profile", SYSTEM, "--table", "lake.other", *options])
    assert result.exit_code == 2, result.stderr
    assert (
        f"the table lake.other is not the system's reference data: its card names {table}"
        in result.stderr
    )
    assert "monitoring.reference_table" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "profile.json").exists() and not (folder / "profile.sql").exists()
    # a fresh session without the table: one line, exit 1 as for evaluate/check-data --table
    _declare(workspace, "nope.nothing")
    result = CliRunner().invoke(app, ["profile", SYSTEM, *options])  # the card's table
    assert result.exit_code == 1, result.stderr
    assert "Spark has no table 'nope.nothing'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "profile.json").exists() and not (folder / "profile.sql").exists()
