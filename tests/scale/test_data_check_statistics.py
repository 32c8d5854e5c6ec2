"""check-data from statistics computed elsewhere: the printed statistics query's one row,
handed back (`contract.format: statistics`), judged by the engines' own code.

The round trip is run for real: the query `cardgate sql --data-check --dialect duckdb`
prints is run through DuckDB over the data, its row saved as CSV and as Parquet, and
`check-data` on that file writes the artifact `check-data --engine duckdb` writes on
the rows — apart from the provenance (`data`, and the contract's digest, since the
contract now names the statistics) and the example values of broken clauses, which only
queries over the rows can give.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tests.datacheck.conftest import DataWorkspace
from tests.datacheck.test_data_artifact import MIXED, _frame
from tests.scale.test_data_check_sql import NATURAL, _cli, _workspace

TODAY = "2025-03-10"
ROWS_ONLY = NATURAL.removesuffix(", extra")
QUERY = "datasets/applications/statistics.sql"


def _staged(ws: DataWorkspace, frame: Any) -> duckdb.DuckDBPyConnection:
    """The data as table `t` (each column stored as its contract type naturally is), and
    as the contract's Parquet file."""
    connection = duckdb.connect()
    connection.register("staged", frame)
    connection.execute(f"CREATE TABLE t AS SELECT {ROWS_ONLY} FROM staged")
    connection.execute(f"COPY t TO '{ws.folder / 'data.parquet'}' (FORMAT parquet)")
    return connection


def _printed(ws: DataWorkspace) -> str:
    code, out = _cli(
        "sql", ws.dataset, "--data-check", "-w", str(ws.root), "--table", "t", "--dialect", "duckdb"
    )
    assert code == 0, out
    return out


def _export(connection: duckdb.DuckDBPyConnection, query: str, target: Path) -> None:
    """Run the printed query, save its one row where `target` says (CSV or Parquet)."""
    body = "\n".join(line for line in query.splitlines() if not line.startswith("--"))
    kind = "parquet" if target.suffix == ".parquet" else "csv, HEADER"
    connection.execute(f"COPY ({body}) TO '{target}' (FORMAT {kind})")


def _statistics_contract(ws: DataWorkspace, name: str, *, computed_by: str = "") -> None:
    body = (
        MIXED.format(name=name)
        .replace("\nmin_rows", "\nformat: statistics\nmin_rows", 1)
        .replace("allow_extra_columns: false\n", "")
    )
    ws.contract(body + computed_by)


COMPUTED_BY = (
    f"computed_by:\n  engine: duckdb\n  query: {QUERY}\n  tables: [{{name: t}}]\n  rows: 8\n"
)


def _without_provenance(artifact: dict[str, Any], *, examples: bool) -> dict[str, Any]:
    kept = {k: v for k, v in artifact.items() if k not in ("data", "contract_sha256")}
    if not examples:
        kept["violations"] = [
            {**v, "examples": [], "message": re.sub(r" \(e\.g\. .*\)$", "", v["message"])}
            for v in artifact["violations"]
        ]
    return kept


def _round_trip(tmp_path: Path, frame: Any, suffix: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ws = _workspace(tmp_path)
    connection = _staged(ws, frame)
    rows = ws.result("--engine", "duckdb", "--today", TODAY)
    query = _printed(ws)
    (ws.root / QUERY).write_text(query, encoding="utf-8")
    _export(connection, query, ws.folder / f"statistics.{suffix}")
    declared = COMPUTED_BY.replace("rows: 8", f"rows: {len(frame)}")
    _statistics_contract(ws, f"statistics.{suffix}", computed_by=declared)
    statistics = ws.result("--today", TODAY)
    return rows, statistics


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_the_printed_querys_result_gives_the_rows_artifact(tmp_path: Path, suffix: str) -> None:
    rows, statistics = _round_trip(tmp_path, _frame(), suffix)
    assert rows["violations"] and not rows["passed"]
    assert _without_provenance(statistics, examples=False) == _without_provenance(
        rows, examples=False
    )
    assert all(v["examples"] == [] for v in statistics["violations"])
    data = statistics["data"]
    assert data["statistics"] is True and data["path"].endswith(f"statistics.{suffix}")
    assert data["computed_by"] == {
        "engine": "duckdb",
        "query": QUERY,
        "query_sha256": data["computed_by"]["query_sha256"],
        "query_is_the_cards": True,
        "tables": [{"name": "t", "version": None}],
        "rows": 8,
    }
    assert "statistics" not in rows["data"] and "computed_by" not in rows["data"]


def test_data_that_meets_the_contract_gives_the_same_bytes(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "id": [2, 5, 6],
            "age": [25, 40, 99],
            "score": [0.5, None, 1.0],
            "grade": ["A", "B", None],
            "code": ["AB-1", None, "QQ-7"],
            "ok": [True, None, False],
            "seen": pd.to_datetime(["2025-03-01", "2024-01-02", None]),
            "at": pd.to_datetime(["2025-01-01 10:00:00", None, "2025-12-31 23:59:59"]),
        }
    )
    rows, statistics = _round_trip(tmp_path, frame, "csv")
    assert rows["passed"] and statistics["passed"]
    left = json.dumps(_without_provenance(rows, examples=True), sort_keys=True)
    right = json.dumps(_without_provenance(statistics, examples=True), sort_keys=True)
    assert left == right


def _prepared(tmp_path: Path) -> tuple[DataWorkspace, Path]:
    ws = _workspace(tmp_path)
    connection = _staged(ws, _frame())
    target = ws.folder / "statistics.csv"
    _export(connection, _printed(ws), target)
    _statistics_contract(ws, "statistics.csv")
    return ws, target


def _rewritten(target: Path, edit: Any) -> None:
    header, values = target.read_text(encoding="utf-8").splitlines()
    names, cells = header.split(","), values.split(",")
    names, cells = edit(names, cells)
    target.write_text(",".join(names) + "\n" + ",".join(cells) + "\n", encoding="utf-8")


def _set(names: list[str], cells: list[str], **values: str) -> tuple[list[str], list[str]]:
    return names, [values.get(name, cell) for name, cell in zip(names, cells, strict=True)]


def test_a_missing_column_is_exit_1_at_the_header(tmp_path: Path) -> None:
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: (n[:3] + n[4:], c[:3] + c[4:]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "statistics.csv:1:1: the statistics query's column" in err
    assert "is missing" in err and "Traceback" not in err


def test_an_extra_column_is_exit_1_where_it_stands(tmp_path: Path) -> None:
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: (["wat", *n], ["1", *c]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "statistics.csv:1:1: column 'wat' is not a column of the statistics query" in err


def test_a_mistyped_value_is_exit_1_at_its_cell(tmp_path: Path) -> None:
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: _set(n, c, n_rows="eight"))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "statistics.csv:2:18: n_rows is 'eight', not a count" in err  # after the fingerprint
    _rewritten(target, lambda n, c: _set(n, c, n_rows="8"))
    names = target.read_text(encoding="utf-8").splitlines()[0].split(",")
    at = names.index("minimum_6")
    _rewritten(target, lambda n, c: (n, [*c[:at], "someday", *c[at + 1 :]]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1 and "minimum_6 is 'someday', not a date or timestamp" in err
    assert "Traceback" not in err


def test_upper_case_names_are_the_querys(tmp_path: Path) -> None:
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: ([name.upper() for name in n], c))
    code, _out, err = ws.check("--today", TODAY)
    assert code == 1 and "Traceback" not in err, err  # the contract is broken, as on the rows


def test_an_engine_is_refused_for_statistics(tmp_path: Path) -> None:
    ws, _ = _prepared(tmp_path)
    code, _out, err = ws.check("--engine", "duckdb", "--today", TODAY)
    assert code == 2 and "format: statistics" in err


def test_rows_declared_elsewhere_must_add_up(tmp_path: Path) -> None:
    ws, _target = _prepared(tmp_path)
    (ws.root / QUERY).write_text(_printed(ws), encoding="utf-8")
    _statistics_contract(
        ws, "statistics.csv", computed_by=COMPUTED_BY.replace("rows: 8", "rows: 9")
    )
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert re.search(r"datasheet\.yaml:\d+:\d+: the statistics add up to 8 rows", err), err


def test_release_recomputes_from_the_statistics_file(tmp_path: Path) -> None:
    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.datacheck.run import recompute_data_check

    _, _statistics = _round_trip(tmp_path, _frame(), "parquet")
    root = tmp_path
    again = recompute_data_check(
        load_workspace(root), "applications", today=dt.date.fromisoformat(TODAY)
    )
    written = json.loads((root / "datasets/applications/data-check.json").read_text("utf-8"))
    assert again == written
    (root / QUERY).write_text("SELECT 1\n", encoding="utf-8")
    changed = recompute_data_check(
        load_workspace(root), "applications", today=dt.date.fromisoformat(TODAY)
    )
    assert changed["data"]["computed_by"]["query_is_the_cards"] is False
    assert (
        changed["data"]["computed_by"]["query_sha256"]
        != written["data"]["computed_by"]["query_sha256"]
    )


def test_the_report_says_where_the_statistics_came_from(tmp_path: Path) -> None:
    _round_trip(tmp_path, _frame(), "csv")
    ws = DataWorkspace(tmp_path)
    code, out, _err = ws.check("--today", TODAY)
    assert code == 1
    assert "from statistics computed elsewhere (" in out
    assert "evidence 'counts-with-query'; no example values" in out


def test_the_dataset_page_says_the_statistics_were_computed_elsewhere(tmp_path: Path) -> None:
    """The review site says which evidence level a data check has (issue 22, item 3)."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import generate, site_layout

    _, statistics = _round_trip(tmp_path, _frame(), "csv")
    assert statistics["data"]["statistics"] is True
    workspace = load_workspace(tmp_path)
    layout = site_layout(workspace)
    generate(workspace, layout, today=dt.date(2025, 3, 10))
    page = (layout.docs_dir / "datasets/applications/index.md").read_text(encoding="utf-8")
    assert "Statistics file" in page and "<code>counts-with-query</code>" in page
    assert "statistics computed in duckdb from <code>t</code> (8 rows read)" in page
    assert f"by the query <code>{QUERY}</code>" in page and "which is the contract's own" in page
    assert "#evidence" in page


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ({"nulls_0": "9"}, "nulls_0 is '9', more than n_rows (8)"),
        ({"present_0": "9"}, "present_0 is '9', more than n_rows (8)"),
        ({"present_0": "6"}, "distinct_0 is '7', more than the values present"),
        ({"minimum_1": "nan"}, "minimum_1 is 'nan', not a whole number"),
        ({"minimum_2": "nan"}, "minimum_2 is 'nan', not a number"),
        ({"maximum_1": "inf"}, "maximum_1 is 'inf', not a whole number"),
        ({"below_min_1": "0"}, "minimum_1 is '17', below the contract's min 18 while below_min_1"),
        ({"minimum_1": "18"}, "minimum_1 is '18', not below the contract's min 18 while"),
        ({"minimum_1": "98", "maximum_1": "20"}, "minimum_1 is '98', above maximum_1 (20)"),
        ({"minimum_6": ""}, "minimum_6 is empty, while 7 values are neither null nor"),
        ({"not_allowed_3": "0"}, "distinct_3 is '5', more than the 3 allowed values while"),
    ],
)
def test_statistics_that_contradict_each_other_are_exit_1_at_the_cell(
    tmp_path: Path, values: dict[str, str], said: str
) -> None:
    """A hand-edited or mismatched row (nulls above the rows, an extreme on the wrong side
    of its range clause's count) is refused where it stands, and nothing is written; nulls
    above the rows was an internal error (a null rate above 1)."""
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: _set(n, c, **values))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert re.search(r"statistics\.csv:2:\d+: " + re.escape(said), err), err
    assert "the statistics contradict each other" in err and "Traceback" not in err
    assert not (ws.folder / "data-check.json").exists()


def test_a_column_named_twice_is_exit_1_at_the_second(tmp_path: Path) -> None:
    """Which of two same-named columns is the statistic? (The second one won, unsaid.)"""
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: ([*n, "NULLS_1"], [*c, "0"]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "column 'NULLS_1' appears twice (columns " in err, err


def test_a_statistics_file_is_read_whole(tmp_path: Path) -> None:
    """A second row after a megabyte of blank lines was not read, and the file passed."""
    ws, target = _prepared(tmp_path)
    header, row = target.read_text(encoding="utf-8").splitlines()
    target.write_text(header + "\n" + row + "\n" * (1 << 20) + row + "\n", encoding="utf-8")
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "statistics.csv: more than 1 MiB: not a header and the statistics query's" in err


def test_a_parquet_file_of_many_rows_is_refused_from_its_footer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows are counted from the footer before any is read (a table of rows named as
    the statistics was read whole, into memory, before it was refused)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    ws, _ = _prepared(tmp_path)
    pq.write_table(pa.table({"n_rows": list(range(1500))}), ws.folder / "statistics.parquet")
    _statistics_contract(ws, "statistics.parquet")
    calls: list[object] = []
    original = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: calls.append(a) or original(*a, **k))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert "statistics.parquet: 1,500 rows of statistics, not the query's one row" in err
    assert calls == []


def test_statistics_of_another_version_of_the_contract_are_refused(tmp_path: Path) -> None:
    """A row saved from the query printed for an earlier contract (an allowed value since
    dropped: its not_allowed count is the old list's) has the same columns; its
    fingerprint says which query computed it. It was judged against the new contract."""
    ws, target = _prepared(tmp_path)
    assert ws.check("--today", TODAY)[0] == 1  # the data breaks the contract: judged
    contract = (ws.folder / "datasheet.yaml").read_text(encoding="utf-8")
    (ws.folder / "datasheet.yaml").write_text(
        contract.replace("allowed_values: [A, B, C]", "allowed_values: [A, B]"), encoding="utf-8"
    )
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    assert re.search(r"statistics\.csv:2:1: query_fingerprint is '[0-9a-f]{16}', not '", err), err
    assert "computed by the query for another version of the contract" in err
    _rewritten(target, lambda n, c: (n[1:], c[1:]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1 and "the statistics query's column 'query_fingerprint' is missing" in err


def test_a_row_of_another_query_is_one_short_message(tmp_path: Path) -> None:
    """Every missing column was listed, one line each (80 lines for the adult contract)."""
    ws, target = _prepared(tmp_path)
    _rewritten(target, lambda n, c: (n[:2], c[:2]))
    code, out, err = ws.check("--today", TODAY)
    assert code == 1, out + err
    lines = err.splitlines()
    assert len(lines) == 13 and lines[-2].startswith("  …and ") and lines[-2].endswith(" more")
    assert lines[-1].startswith("  hint: ")


def test_extra_columns_cannot_be_forbidden_for_statistics(tmp_path: Path) -> None:
    """The statistics query reads the contract's columns only: a contract of statistics
    that forbids other columns would pass that clause unseen, so it is a schema error at
    the contract, and check-data refuses the datasheet."""
    ws = _workspace(tmp_path)
    body = MIXED.format(name="statistics.csv")
    ws.contract(body.replace("\nmin_rows", "\nformat: statistics\nmin_rows", 1))
    code, out = _cli("validate", "-w", str(ws.root))
    assert code == 1 and "'allow_extra_columns: false' cannot be checked" in out, out
    assert "datasheet.yaml:" in out and "Traceback" not in out
    code, out = _cli("check-data", ws.dataset, "-w", str(ws.root))
    assert code == 2 and "run 'cardgate validate'" in out, out
