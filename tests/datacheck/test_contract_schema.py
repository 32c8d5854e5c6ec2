"""The contract's own consistency, reported by `cardgate validate` at the offending line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from cardgate.cli import app

if TYPE_CHECKING:
    from conftest import DataWorkspace


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("{name: a, type: string, min: 1}", "'min' applies to integer, number, date and"),
        ("{name: a, type: integer, min: 5, max: 1}", "max 1 is below min 5"),
        ("{name: a, type: integer, min: low}", "must be a number"),
        ("{name: a, type: date, max: tomorrow}", "'tomorrow' is not an ISO date"),
        ("{name: a, type: string, pattern: '[a-'}", "not a regular expression"),
        ("{name: a, type: integer, pattern: '[0-9]+'}", "'pattern' applies to string"),
        ("{name: a, type: string, allowed_values: [x]}", "'allowed_values' applies to category"),
        ("{name: a, type: category, allowed_values: [x, x]}", "lists a value twice"),
        ("{name: a, type: category}", "needs 'allowed_values'"),
        ("{name: a, type: number, nullable: false, max_null_rate: 0.1}", "allows no missing"),
        ("{name: a, type: integer, max_null_rate: 1.5}", "max_null_rate"),
    ],
)
def test_inconsistent_column(ws: DataWorkspace, column: str, message: str) -> None:
    sheet = ws.contract(f"columns:\n  - {column}")
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert message in result.stdout
    assert "datasheet.yaml:10:" in result.stdout or "datasheet.yaml:11:" in result.stdout, (
        sheet.read_text() + result.stdout
    )


@pytest.mark.parametrize(
    ("column", "hint"),
    [
        ("{name: a, type: date, min: 01/01/2026}", "write it as YYYY-MM-DD"),
        ("{name: a, type: datetime, min: 5}", "write it as YYYY-MM-DD"),
        ("{name: a, type: integer, min: low}", "write a number, without quotes"),
    ],
)
def test_a_bound_of_the_wrong_form_hints_the_form(
    ws: DataWorkspace, column: str, hint: str
) -> None:
    """A date bound written 01/01/2026 (or a number bound as text) said 'see the template
    (cardgate new) or the JSON Schema for what goes here'; the hint is the form to write."""
    ws.contract(f"columns:\n  - {column}")
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    assert f"    hint: {hint}" in result.stdout, result.stdout


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("columns:\n  - {name: a, type: integer}\n  - {name: a, type: string}", "listed twice", 11),
        ("min_rows: 5\nmax_rows: 2\ncolumns:\n  - {name: a, type: integer}", "below min_rows", 11),
        (
            "freshness: {column: a, max_age_days: 3}\ncolumns:\n  - {name: a, type: integer}",
            "must be of type date or datetime",
            10,
        ),
        (
            "columns:\n  - {name: a, type: date}\nfreshness: {column: b, max_age_days: 3}",
            "freshness column 'b' is not among the columns",
            12,
        ),
    ],
)
def test_inconsistent_contract(ws: DataWorkspace, body: str, message: str, line: int) -> None:
    ws.contract(body)
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws.root)])
    assert result.exit_code == 1
    (problem,) = [text for text in result.stdout.splitlines() if message in text]
    assert f"datasheet.yaml:{line}:" in problem


def test_a_full_contract_is_valid(ws: DataWorkspace) -> None:
    ws.contract(
        """
        path: data.csv
        min_rows: 1
        max_rows: 100
        allow_extra_columns: false
        freshness: {column: day, max_age_days: 30}
        columns:
          - {name: id, type: integer, unique: true, nullable: false, min: 1}
          - {name: score, type: number, min: 0.0, max: 1, max_null_rate: 0.05}
          - {name: day, type: date, min: 2020-01-01, max: "2030-12-31T23:59:59"}
          - {name: code, type: string, pattern: '[A-Z]{2}'}
          - {name: grade, type: category, allowed_values: [A, 1, 2.50]}
          - {name: ok, type: boolean}
        """
    )
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.stdout
