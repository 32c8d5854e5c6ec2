"""`check-data DATASET --engine spark --table NAME` (issue 22): the contract's statistics
query run by Spark on a catalog table (here one made by saveAsTable in a temporary local
database) gives the check of the same rows read from a file by DuckDB — apart from the
provenance and the example values of broken clauses, as for any statistics computed
elsewhere (tests/scale/test_data_check_statistics.py); it is recorded as an external
computation at the evidence level ``counts-with-query``, and `gate --release` recomputes
it from the statistics file written. A contract that does not declare the computation, a
missing table or column, a file cardgate did not write where the contract points: clear
errors, nothing written."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.files import UnsafeWriteError
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck.artifact import DataRecord
from cardgate.evidence.datacheck.run import check_dataset, recompute_data_check
from tests.datacheck.conftest import DataWorkspace
from tests.datacheck.test_data_artifact import MIXED, _frame
from tests.scale.test_data_check_sql import _workspace
from tests.scale.test_data_check_statistics import TODAY, _staged, _without_provenance

TABLE = "cardgate_check.applications"
QUERY = "datasets/applications/statistics.sql"
MASTER = "local[2]"


@pytest.fixture(scope="module")
def catalog_table(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    """`_frame()` stored as its contract types naturally are, as a Spark catalog table
    (Spark's in-memory catalog: it ends with the module's session)."""
    folder = tmp_path_factory.mktemp("staged")
    ws = _workspace(folder)
    _staged(ws, _frame())
    spark.sql(f"CREATE DATABASE IF NOT EXISTS cardgate_check LOCATION '{folder / 'db'}'")
    spark.read.parquet(str(ws.folder / "data.parquet")).write.saveAsTable(TABLE)
    return TABLE


def _declared(ws: DataWorkspace, name: str, *, table: str = TABLE, query: str = QUERY) -> None:
    body = (
        MIXED.format(name=name)
        .replace("\nmin_rows", "\nformat: statistics\nmin_rows", 1)
        .replace("allow_extra_columns: false\n", "")
    )
    computed = f"computed_by:\n  engine: spark\n  query: {query}\n  tables: [{{name: {table}}}]\n"
    ws.contract(body + computed)


def _checked(ws: DataWorkspace, table: str = TABLE) -> dict[str, Any]:
    result = check_dataset(
        load_workspace(ws.root),
        ws.dataset,
        today=dt.date.fromisoformat(TODAY),
        engine="spark",
        master=MASTER,
        table=table,
    )
    return result.artifact


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_a_table_gives_the_rows_check(tmp_path: Path, catalog_table: str, suffix: str) -> None:
    ws = _workspace(tmp_path)
    _staged(ws, _frame())
    ws.result("--engine", "duckdb", "--today", TODAY)
    rows = json.loads(ws.artifact.read_text(encoding="utf-8"))
    _declared(ws, f"statistics.{suffix}")
    statistics = _checked(ws)
    assert rows["violations"] and not rows["passed"]  # the frame breaks the contract
    assert _without_provenance(statistics, examples=False) == _without_provenance(
        rows, examples=False
    )
    query = (ws.root / QUERY).read_text(encoding="utf-8")
    assert query.startswith("-- cardgate: the contract statistics of dataset 'applications'")
    record = statistics["data"]["computed_by"]
    assert record["engine"] == "spark" and record["query_is_the_cards"] is True
    assert record["tables"] == [{"name": TABLE, "version": None}]
    assert DataRecord.model_validate(statistics["data"]).evidence == "counts-with-query"
    # what gate --release does: the same artifact again, from the statistics file
    again = recompute_data_check(
        load_workspace(ws.root), ws.dataset, today=dt.date.fromisoformat(TODAY)
    )
    assert again == statistics


def test_what_is_not_declared_or_not_there_is_refused(tmp_path: Path, catalog_table: str) -> None:
    ws = _workspace(tmp_path)
    _staged(ws, _frame())
    cases: list[tuple[dict[str, str], str, type[Exception], str]] = [
        ({}, "other.table", ConfigurationError, "not the statistics computed by Spark"),
        ({"table": "nope"}, "nope", InputError, "Spark has no table 'nope'"),
        ({"query": "datasets/applications/q.txt"}, TABLE, ConfigurationError, "a .sql file"),
        ({"name": "statistics.csv.gz"}, TABLE, ConfigurationError, ".parquet or .csv"),
    ]
    for edit, table, kind, words in cases:
        _declared(ws, **{"name": "statistics.parquet", **edit})
        with pytest.raises(kind, match=words) as raised:
            _checked(ws, table)
        assert "datasheet.yaml:" in str(raised.value)  # at its place in the datasheet
    ws.contract(MIXED.format(name="data.parquet"))  # rows, not statistics
    with pytest.raises(ConfigurationError, match="not the statistics computed by Spark"):
        _checked(ws)
    assert not (ws.root / QUERY).exists() and not ws.artifact.exists()


def test_a_missing_column_is_named(tmp_path: Path, spark: Any, catalog_table: str) -> None:
    spark.table(TABLE).drop("grade").createOrReplaceTempView("without_grade")
    ws = _workspace(tmp_path)
    _declared(ws, "statistics.parquet", table="without_grade")
    with pytest.raises(InputError, match="table without_grade has no column 'grade'"):
        _checked(ws, "without_grade")
    assert not (ws.folder / "statistics.parquet").exists()


def test_files_cardgate_did_not_write_are_never_replaced(
    tmp_path: Path, catalog_table: str
) -> None:
    """The contract names the data file, or the signers' file, as where the statistics or
    the query go: refused, the file unchanged, the other not written."""
    ws = _workspace(tmp_path)
    _staged(ws, _frame())
    data = (ws.folder / "data.parquet").read_bytes()
    _declared(ws, "data.parquet")
    with pytest.raises(UnsafeWriteError, match="a statistics table with these columns"):
        _checked(ws)
    assert (ws.folder / "data.parquet").read_bytes() == data
    assert not (ws.root / QUERY).exists()
    signers = ws.root / "allowed_signers.sql"
    signers.write_text("ada ssh-ed25519 AAAA\n", encoding="utf-8")
    _declared(ws, "statistics.parquet", query="allowed_signers.sql")
    with pytest.raises(UnsafeWriteError, match="a statistics query written by cardgate"):
        _checked(ws)
    assert signers.read_text(encoding="utf-8") == "ada ssh-ed25519 AAAA\n"
    assert not (ws.folder / "statistics.parquet").exists()
    _declared(ws, "statistics.parquet")  # cardgate's own files are replaced
    _checked(ws)
    _checked(ws)
    assert (ws.folder / "statistics.parquet").exists()


def test_the_cli_table_option_goes_with_spark(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    for args, words in (
        (["--table", TABLE], "--table goes with --engine spark"),
        (["--table", TABLE, "--engine", "duckdb"], "--table goes with --engine spark"),
        (["--table", TABLE, "--engine", "spark", "--data", "x.parquet"], "without --data"),
    ):
        code, _, err = ws.check(*args)
        assert code == 2 and words in err and "Traceback" not in err, err
