"""`monitor SYSTEM --engine spark --table NAME --end DATE` (issue 22): a production window
measured by Spark from a catalog table (here made by saveAsTable in a temporary local
database) gives the entry DuckDB and Spark give for the same rows in a Parquet window —
with outcomes and without — apart from its id, what it was measured from (no data file:
`computed_by`, with the file of the statements Spark ran and its SHA-256, and the evidence
level ``counts-with-query``) and its digest. `gate --release` does not measure such a
window again and does not fail it for that (GATE-MON003); its query file changed or gone
is GATE-MON003's; its evidence level is GATE-MON004's, the weakest of the reference and
the windows deciding. Misuse: one line, exit 2; an unknown table or a missing column:
exit 1, nothing written. Spark starts once for the module (conftest.py); the
command-line test is last (each command stops its session)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.digests import file_sha256
from cardgate.core.errors import InputError
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.artifact import MonitoringArtifact, sealed
from cardgate.evidence.monitoring.profiling import profile_system
from cardgate.evidence.monitoring.run import monitor_system, recompute_monitoring
from cardgate.evidence.monitoring.window_table import QUERY_MARK
from cardgate.gate.engine import run_gate
from cardgate.site.build import build_site
from tests.scale.test_monitor_spark import MASTER, SYSTEM, _example

DATABASE = "cardgate_window"
PROVENANCE = ("id", "data", "computed_by", "evidence", "digest")


@pytest.fixture(scope="module")
def database(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("warehouse")
    spark.sql(f"CREATE DATABASE IF NOT EXISTS {DATABASE} LOCATION '{folder / 'db'}'")
    return DATABASE


def _saved(spark: Any, path: Path, name: str) -> str:
    table = f"{DATABASE}.{name}"
    spark.read.parquet(str(path)).write.saveAsTable(table)
    return table


def _bare(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k not in PROVENANCE}


def _record(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "monitoring.json").read_text(encoding="utf-8"))
    return data


def test_a_tables_window_is_the_files(tmp_path: Path, spark: Any, database: str) -> None:
    """With outcomes and without (its label column dropped): the table's entry is the one
    DuckDB and Spark measure from the same rows in Parquet, apart from its provenance."""
    workspace, reference, windows = _example(tmp_path, 1)
    without = workspace / "2026-10.parquet"
    pq.write_table(pq.read_table(windows[0]).drop_columns(["y_true"]), without)
    folder = workspace / "systems" / SYSTEM
    profile_system(load_workspace(workspace), SYSTEM, data=[reference])
    for path in (windows[0], without):
        end = "2026-10-31"
        files = {}
        for engine in ("duckdb", "spark"):
            master = MASTER if engine == "spark" else None
            run = monitor_system(
                load_workspace(workspace), SYSTEM, [path], ends=[end], engine=engine, master=master
            )
            files[engine] = run.added[0]
            (folder / "monitoring.json").unlink()
        table = _saved(spark, path, f"window_{path.stem.replace('-', '_')}")
        loaded = load_workspace(workspace)
        run = monitor_system(loaded, SYSTEM, [], ends=[end], master=MASTER, table=table)
        (entry,) = run.added
        assert entry["contract"] is not None and entry["performance"] is not None
        assert entry["performance"].get("outcomes", True) == (path != without)
        for engine in ("duckdb", "spark"):
            assert _bare(entry) == _bare(files[engine]), engine
        assert entry["id"] == f"{table}-{end}" and "data" not in entry
        assert entry["evidence"] == "counts-with-query"
        computed = entry["computed_by"]
        assert computed["tables"] == [{"name": table, "version": None}]
        assert computed["rows"] == files["duckdb"]["data"]["rows"]
        query = workspace / computed["query"]
        assert query.parent == folder and query.name == f"monitoring-{entry['id']}.sql"
        assert query.read_bytes().startswith(QUERY_MARK) and f"FROM {table};" in query.read_text()
        assert file_sha256(query) == computed["query_sha256"]
        written = _record(folder)
        MonitoringArtifact.model_validate(written)
        # gate --release cannot read the table: the entry stands as recorded
        assert recompute_monitoring(loaded, SYSTEM) == written
        # monitored again: the same window, unchanged, the same query file
        before = query.read_bytes()
        again = monitor_system(loaded, SYSTEM, [], ends=[end], master=MASTER, table=table)
        assert again.unchanged == [entry["id"]] and query.read_bytes() == before
        (folder / "monitoring.json").unlink()
        query.unlink()


def _codes(root: Path, code: str, *, recompute: bool = True) -> list[str]:
    result = run_gate(root, release=False, recompute=recompute, systems=[SYSTEM])
    return [f.message for f in result.findings if f.code == code]


def _policy(root: Path, level: str) -> None:
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\ntiers:\n  high:\n    rules:\n"
        f"      GATE-MON004: {{options: {{min_evidence: {level}}}}}\n",
        encoding="utf-8",
    )


def test_the_gate_on_a_tables_window(tmp_path: Path, spark: Any, database: str) -> None:
    workspace, reference, windows = _example(tmp_path, 2)
    folder = workspace / "systems" / SYSTEM
    loaded = load_workspace(workspace)
    profile_system(loaded, SYSTEM, data=[reference])
    monitor_system(loaded, SYSTEM, windows[:1])
    table = _saved(spark, windows[1], "gated")
    monitor_system(loaded, SYSTEM, [], ends=["2026-12-31"], master=MASTER, table=table)
    # --release recomputes the file's window, keeps the table's: nothing to report
    assert _codes(workspace, "GATE-MON003") == []
    assert _codes(workspace, "GATE-MON004", recompute=False) == []  # high: counts-with-query
    # the review site says what the table's window rests on
    built = build_site(load_workspace(workspace), today=dt.date(2026, 12, 31))
    page = (built.layout.out_dir / "systems" / SYSTEM / "index.html").read_text()
    windows = page[page.index('class="cg-windows"') :]
    row = windows[windows.index(f"{table}-2026-12-31") :]
    row = row[: row.index("<tr")]  # the next row (the page's optional end tags are left out)
    assert "evidence <code>counts-with-query</code>: measured in spark from the table" in row
    assert f"<code>{table}</code>" in row and "cannot read the table again" in row
    _policy(workspace, "rows")
    (message,) = _codes(workspace, "GATE-MON004", recompute=False)
    assert f"a window measured from a table cardgate could not hash ('{table}-2026-12-31'" in (
        message
    )
    # a record edited to claim rows for the table's window is weighed as computed_by says
    data = _record(folder)
    window = next(w for w in data["windows"] if "computed_by" in w)
    window["evidence"] = "rows"
    data["windows"] = [
        sealed({k: v for k, v in w.items() if k != "digest"}) for w in data["windows"]
    ]
    (folder / "monitoring.json").write_text(json.dumps(data), encoding="utf-8")
    (message,) = _codes(workspace, "GATE-MON004", recompute=False)
    assert "the artifact claims 'rows', but its computed_by says" in message
    # its query file edited, or gone: GATE-MON003, whatever the policy
    query = workspace / window["computed_by"]["query"]
    query.write_text(query.read_text() + "-- edited\n", encoding="utf-8")
    (message,) = _codes(workspace, "GATE-MON003", recompute=False)
    assert f"window '{window['id']}' was measured from the table {table}" in message
    assert "which changed or is gone" in message
    query.unlink()
    assert len(_codes(workspace, "GATE-MON003", recompute=False)) == 1


def test_an_unknown_table_or_column_is_named(tmp_path: Path, spark: Any, database: str) -> None:
    workspace, reference, windows = _example(tmp_path, 1)
    folder = workspace / "systems" / SYSTEM
    loaded = load_workspace(workspace)
    profile_system(loaded, SYSTEM, data=[reference])
    spark.read.parquet(str(windows[0])).drop("age").createOrReplaceTempView("without_age")
    cases = [
        (f"{DATABASE}.nope", f"Spark has no table '{DATABASE}.nope'"),
        ("without_age", "table without_age has no column 'age' of the reference profile"),
    ]
    for name, words in cases:
        with pytest.raises(InputError, match=words):
            monitor_system(loaded, SYSTEM, [], ends=["2026-10-31"], master=MASTER, table=name)
        assert not (folder / "monitoring.json").exists()
        assert not list(folder.glob("monitoring-*.sql"))


def test_misuse_is_one_line_exit_2(tmp_path: Path) -> None:
    workspace, _, windows = _example(tmp_path, 1)
    cases = [
        (["--table", "t", "--end", "2026-10-31"], "--table goes with --engine spark"),
        (["--engine", "duckdb", "--table", "t", "--end", "2026-10-31"], "--table goes with"),
        (
            [
                "--engine",
                "spark",
                "--table",
                "t",
                "--end",
                "2026-10-31",
                "--window",
                str(windows[0]),
            ],
            "--table goes with --engine spark, without --window",
        ),
        (["--engine", "spark", "--table", "t"], "--table takes one --end YYYY-MM-DD"),
        (
            ["--engine", "spark", "--table", "t", "--end", "2026-10-31", "--end", "2026-11-30"],
            "--table takes one --end",
        ),
        (["--engine", "spark"], "give --window FILE"),
    ]
    for options, words in cases:
        result = CliRunner().invoke(app, ["monitor", SYSTEM, *options, "-w", str(workspace)])
        assert result.exit_code == 2, (options, result.stderr)
        assert words in result.stderr and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) <= 2, result.stderr  # error (+ hint)
    assert not (workspace / "systems" / SYSTEM / "monitoring.json").exists()


def test_the_command_monitors_a_table(tmp_path: Path, spark: Any, database: str) -> None:
    """Last: the command stops the module's session (and its in-memory catalog)."""
    workspace, reference, windows = _example(tmp_path, 1)
    table = _saved(spark, windows[0], "command")
    folder = workspace / "systems" / SYSTEM
    profile_system(load_workspace(workspace), SYSTEM, data=[reference])
    options = ["--engine", "spark", "--spark-master", MASTER, "-w", str(workspace)]
    result = CliRunner().invoke(
        app, ["monitor", SYSTEM, "--table", table, "--end", "2026-10-31", *options]
    )
    assert result.exit_code in (0, 1), result.stderr
    assert f"{table}-2026-10-31" in result.stdout and "evidence counts-with-query" in result.stdout
    assert list(folder.glob("monitoring-*.sql"))
    (folder / "monitoring.json").unlink()
    for path in folder.glob("monitoring-*.sql"):
        path.unlink()
    result = CliRunner().invoke(
        app, ["monitor", SYSTEM, "--table", "nope.nothing", "--end", "2026-10-31", *options]
    )
    assert result.exit_code == 1, result.stderr
    assert "Spark has no table 'nope.nothing'" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (folder / "monitoring.json").exists()
