"""`cardgate sql` (issue 22): the counts query for the warehouse where the predictions
live, transpiled by sqlglot from the one query DuckDB runs. Each dialect's query parses
back in that dialect; the DuckDB one, run, gives the counts table from which `evaluate`
computes exactly what it computes from the rows; a name that is not a table is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlglot
from sqlglot import exp
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.evidence.evaluation.warehouse import DIALECTS, counts_sql
from tests.gate.conftest import SYSTEM, build_workspace

from .test_engines_agree import _comparable, _settings, _table

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("kind", ["scores", "labels only", "regression"])
def test_the_query_parses_back_in_its_dialect(dialect: str, kind: str) -> None:
    settings = _settings(
        {"path": "p.csv"}, scores=kind == "scores", regression=kind == "regression"
    )
    table = "proj.ds.preds" if dialect == "bigquery" else "catalog.schema_1.preds"
    text = counts_sql(settings, dialect=dialect, table=table)
    tree = sqlglot.parse_one(text, read=dialect)
    tables = [t.sql(dialect) for t in tree.find_all(exp.Table)]
    assert tables == [exp.to_table(table, dialect=dialect).sql(dialect)]
    columns = {c.name for c in tree.find_all(exp.Column)}
    assert {"region", "sex", "y_pred"} <= columns
    assert ("score" in columns) is (kind != "labels only")
    assert "ORDER BY" not in text  # not needed, and not portable


@pytest.mark.parametrize("kind", ["scores", "regression"])
def test_the_duckdb_query_run_gives_the_rows_evaluation(tmp_path: Path, kind: str) -> None:
    import duckdb

    regression = kind == "regression"
    data = _table(11, nulls=True)
    pacsv.write_csv(data, tmp_path / "p.csv")
    rows = _settings({"path": "p.csv"}, regression=regression)
    text = counts_sql(rows, dialect="duckdb", table="warehouse.main.preds")
    connection = duckdb.connect()
    connection.execute("ATTACH ':memory:' AS warehouse")
    connection.register("staged", data)
    connection.execute("CREATE TABLE warehouse.main.preds AS SELECT * FROM staged")
    pq.write_table(connection.sql(text).to_arrow_table(), tmp_path / "counts.parquet")
    counts = _settings({"path": "counts.parquet", "format": "counts"}, regression=regression)
    got = json.dumps(_comparable(counts, tmp_path))
    expected = json.dumps(_comparable(rows, tmp_path))
    if not regression:
        got = got.replace("null in column 'score_bin'", "null in column 'score'")
    assert got == expected


def test_the_command_prints_the_query_and_what_to_do(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    code, out = _cli(
        "sql", SYSTEM, "-w", str(root), "--dialect", "bigquery", "--table", "p.d.preds"
    )
    assert code == 0, out
    comments = [line for line in out.splitlines() if line.startswith("--")]
    assert "format: counts" in comments[-1]
    query = "\n".join(line for line in out.splitlines() if not line.startswith("--"))
    tree = sqlglot.parse_one(query, read="bigquery")
    assert [t.sql("bigquery") for t in tree.find_all(exp.Table)] == ["p.d.preds"]
    assert {c.name for c in tree.find_all(exp.Column)} >= {"sex", "label", "prediction"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--table", "preds; DROP TABLE x"], "--table: 'preds; DROP TABLE x' is not a table name"),
        (["--table", "a.b.c.d"], "--table: 'a.b.c.d' is not a table name"),
        (["--table", "t", "--dialect", "oracle"], "--dialect: 'oracle' is not one of: duckdb"),
    ],
)
def test_what_cannot_be_printed_is_refused(tmp_path: Path, args: list[str], message: str) -> None:
    root = build_workspace(tmp_path / "ws")
    code, out = _cli("sql", SYSTEM, "-w", str(root), *args)
    assert code == 2, out
    assert message in out
    assert "hint:" in out and "Traceback" not in out


def test_a_system_without_evaluation_settings_is_refused(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    code, out = _cli("sql", "no-such-system", "-w", str(root), "--table", "t")
    assert code == 2, out
    assert "no system 'no-such-system'" in out
