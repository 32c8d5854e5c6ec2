"""Item 2 of issue #15: a card's DuckDB `predictions.query` can only read.

The query must be exactly one SELECT statement; DuckDB runs with external access limited
to the declared inputs and its configuration locked, so the query cannot lift the limits.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SYSTEM, invoke, one_line_error

CARD = f"systems/{SYSTEM}/model-card.yaml"
PREDICTIONS = f"systems/{SYSTEM}/predictions.csv.gz"
READ = f"SELECT * FROM read_csv('{PREDICTIONS}')"


def _use_query(workspace: Path, query: str, inputs: str = "[.]") -> None:
    card = workspace / CARD
    text = card.read_text(encoding="utf-8")
    old = f"    path: {PREDICTIONS}\n"
    assert old in text
    quoted = "'" + query.replace("'", "''") + "'"
    card.write_text(text.replace(old, f"    query: {quoted}\n    inputs: {inputs}\n"), "utf-8")


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


REFUSED = {
    "second statement writes": f"{READ}) AS x GROUP BY ALL; COPY (SELECT 'pwned') TO "
    "'policy.yaml'; SELECT * FROM (SELECT 1",
    "two selects": f"{READ}; {READ}",
    "copy": f"COPY ({READ}) TO 'policy.yaml'",
    "attach": "ATTACH 'evil.duckdb'",
    "install": "INSTALL httpfs",
    "load": "LOAD httpfs",
    "set": "SET enable_external_access = true",
    "pragma": "PRAGMA enable_profiling",
    "create": f"CREATE TABLE stolen AS {READ}",
    "export": "EXPORT DATABASE 'dump'",
    "call": "CALL pragma_version()",
    "comment hides the rest": f"{READ} /*",
}


@pytest.mark.parametrize("query", REFUSED.values(), ids=REFUSED.keys())
def test_anything_but_one_select_is_refused(workspace: Path, query: str) -> None:
    _use_query(workspace, query)
    before = _files(workspace)
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 2, err
    line = one_line_error(err)
    assert f"{CARD}:" in line and "evaluation.predictions.query" in line
    assert "one SELECT statement" in line
    assert _files(workspace) == before


def test_the_query_cannot_read_outside_its_inputs(workspace: Path) -> None:
    _use_query(workspace, "SELECT * FROM read_csv('/etc/passwd')", inputs=f"[{PREDICTIONS}]")
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 1
    assert "disabled by configuration" in one_line_error(err)


def test_one_select_with_a_common_table_expression_runs(workspace: Path) -> None:
    query = f"WITH rows AS ({READ}) SELECT * FROM rows -- all of them"
    _use_query(workspace, query, inputs=f"[{PREDICTIONS}]")
    code, out, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 0, err
    assert "wrote" in out
