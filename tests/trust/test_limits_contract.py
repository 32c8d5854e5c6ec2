"""GATE-MC005 on the data contracts of the datasets a card names
(`cardgate.gate.contract_limits`).

The attack: rows the contract refuses (``sex: X`` where ``allowed_values: [F, M]``) are
added in a pull request, the contract is widened beside them (``[F, M, X]``), ``cardgate
check-data`` is run again, and an unsigned ``sign --name`` is appended (the tier counts
it): gate --release --changed-since passed, GATE-DC003 judging the data against the
contract the change wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .conftest import SYSTEM, TODAY, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
SHEET = "datasets/loans/datasheet.yaml"
CONTRACT = (
    ("contract:\n", "contract:\n  path: loans.csv\n  allow_extra_columns: false\n  min_rows: 2\n"),
    (
        "    - name: sex\n      type: string\n",
        "    - name: sex\n      type: category\n      allowed_values: [F, M]\n"
        "      nullable: false\n    - name: income\n      type: number\n      min: 0\n"
        "      max: 1000\n      max_null_rate: 0.1\n",
    ),
)
DATA = "sex,income\nF,10\nM,20\nF,30\nM,40\n"


def _committed(tmp_path: Path) -> Path:
    """A limited-risk system (an unsigned owner sign-off counts) whose dataset is checked
    against a contract, committed."""
    root = build_workspace(
        tmp_path / "ws",
        {"edit": {CARD: [("risk_tier: high", "risk_tier: limited")], SHEET: list(CONTRACT)},
         "sign": []},
    )  # fmt: skip
    (root / "datasets/loans/loans.csv").write_text(DATA, encoding="utf-8")
    _checked_and_signed(root, "Owner")
    code, report = gate_json(root, "--release")
    assert code == 0, report
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _checked_and_signed(root: Path, name: str) -> None:
    code, out = cli("check-data", "loans", "-w", str(root), "--today", TODAY.isoformat())
    assert code == 0, out
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", name,
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out


def _limits(report: dict[str, Any]) -> list[str]:
    assert "GATE-MC005" in codes(report, "rules")
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


def test_a_contract_widened_beside_the_rows_it_refused_blocks(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    (root / "datasets/loans/loans.csv").write_text(DATA + "X,50\n", encoding="utf-8")
    edit(root / SHEET, ("allowed_values: [F, M]", "allowed_values: [F, M, X]"))
    _checked_and_signed(root, "Mallory")
    assert gate_json(root, "--release")[0] == 0  # the contract as written is met
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    [found] = [f for f in report["findings"] if f["code"] == "GATE-MC005"]  # type: ignore[union-attr,index]
    assert found["message"] == (
        "the contract of dataset 'loans' demands less than on HEAD: column 'sex': "
        "allowed_values widened ('X' added) (contract loosened)"
    )
    assert found["path"] == SHEET and found["severity"] == "error"


INCOME = "    - name: income\n      type: number\n      min: 0\n      max: 1000\n"
LOOSENED = [
    (("      max: 1000\n", "      max: 5000\n"), "'income': max raised (1000 there, 5000 here)"),
    (("      min: 0\n", ""), "column 'income': min removed (0 there)"),
    (
        ("max_null_rate: 0.1\n", "max_null_rate: 0.5\n"),
        "max_null_rate raised (0.1 there, 0.5 here)",
    ),
    (("      nullable: false\n", ""), "'sex': missing values allowed (nullable: false there)"),
    (
        ("type: category\n      allowed_values: [F, M]\n", "type: string\n"),
        "type string, not category",
    ),
    (("  allow_extra_columns: false\n", ""), "columns it does not list are allowed"),
    (("  min_rows: 2\n", "  min_rows: 1\n"), "min_rows lowered (2 there, 1 here)"),
    ((INCOME + "      max_null_rate: 0.1\n", ""), "column 'income' is no longer in the contract"),
]


@pytest.mark.parametrize(("replacement", "what"), LOOSENED)
def test_each_constraint_given_up_is_a_loosening(
    tmp_path: Path, replacement: tuple[str, str], what: str
) -> None:
    root = _committed(tmp_path)
    edit(root / SHEET, replacement)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert any(what in message for message in _limits(report)), _limits(report)


def test_a_contract_kept_or_tightened_is_no_finding(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    edit(
        root / SHEET,
        ("      max: 1000\n", "      max: 500\n"),
        ("  min_rows: 2\n", "  min_rows: 3\n"),
    )
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert _limits(report) == [], report
