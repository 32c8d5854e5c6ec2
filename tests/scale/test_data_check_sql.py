"""`cardgate sql --data-check` (issue 22): the contract's statistics pass — the query
check-data runs — printed for a warehouse, transpiled by sqlglot. Each dialect's query
parses back in that dialect; the DuckDB one, run on a table whose columns are stored as
their contract types are, gives the statistics check-data measures."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck.duckdb_engine import measure
from cardgate.evidence.datacheck.run import dataset_contract
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.datacheck.statistics_sql import warehouse_sql
from cardgate.evidence.datacheck.stats import json_value
from cardgate.evidence.evaluation.warehouse import DIALECTS
from tests.datacheck.conftest import DataWorkspace
from tests.datacheck.test_data_artifact import MIXED, _frame

NATURAL = (
    "CAST(id AS BIGINT) AS id, CAST(age AS BIGINT) AS age, score, grade, code, ok, "
    'CAST(seen AS DATE) AS seen, CAST("at" AS TIMESTAMP) AS "at", extra'
)


def _workspace(root: Path) -> DataWorkspace:
    (root / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Test\n", encoding="utf-8"
    )
    workspace = DataWorkspace(root)
    workspace.folder.mkdir(parents=True)
    workspace.contract(MIXED.format(name="data.parquet"))
    return workspace


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("dialect", DIALECTS)
def test_the_statistics_query_parses_back_in_its_dialect(tmp_path: Path, dialect: str) -> None:
    ws = _workspace(tmp_path)
    table = "proj.ds.rows" if dialect == "bigquery" else "catalog.schema_1.rows"
    code, out = _cli(
        "sql",
        ws.dataset,
        "--data-check",
        "-w",
        str(ws.root),
        "--dialect",
        dialect,
        "--table",
        table,
    )
    assert code == 0, out
    assert out.startswith("-- cardgate: the contract statistics of dataset 'applications'")
    query = "\n".join(line for line in out.splitlines() if not line.startswith("--"))
    tree = sqlglot.parse_one(query, read=dialect)
    tables = [t.sql(dialect) for t in tree.find_all(exp.Table)]
    assert tables == [exp.to_table(table, dialect=dialect).sql(dialect)]
    columns = {c.name for c in tree.find_all(exp.Column)}
    assert {"id", "age", "score", "grade", "code", "ok", "seen", "at"} <= columns


def test_the_duckdb_query_run_gives_check_datas_statistics(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    connection = duckdb.connect()
    connection.register("staged", _frame())
    connection.execute(f"CREATE TABLE t AS SELECT {NATURAL} FROM staged")
    path = ws.folder / "data.parquet"
    connection.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    contract = dataset_contract(load_workspace(ws.root), ws.dataset)[0]
    expected = measure(open_source(path), contract)
    text, _ = warehouse_sql(contract, dialect="duckdb", table="t")
    cursor = connection.execute(text)
    names = [column[0] for column in cursor.description]
    row = dict(zip(names, cursor.fetchone() or (), strict=True))
    assert row["n_rows"] == expected.rows == 8
    for index, column in enumerate(contract.columns):
        stats = expected.stats[column.name]
        assert row[f"nulls_{index}"] == stats.nulls, column.name
        if f"minimum_{index}" in row:
            assert json_value(row[f"minimum_{index}"], column.type) == stats.minimum
            assert json_value(row[f"maximum_{index}"], column.type) == stats.maximum
        if f"distinct_{index}" in row:
            assert row[f"distinct_{index}"] == stats.distinct, column.name
        for name in ("below_min", "above_max", "not_allowed", "pattern_mismatch"):
            if f"{name}_{index}" in row:
                assert row[f"{name}_{index}"] == getattr(stats, name).count, (column.name, name)
    assert row["pattern_mismatch_4"] > 0 and row["above_max_1"] > 0


def test_an_unknown_dataset_is_refused(tmp_path: Path) -> None:
    ws = _workspace(tmp_path)
    code, out = _cli("sql", "nope", "--data-check", "-w", str(ws.root), "--table", "t")
    assert code == 2, out
    assert "unknown dataset 'nope'" in out and "Traceback" not in out
