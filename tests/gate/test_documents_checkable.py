"""GATE-DOC003 names every rule that could not read the card — the system rules, not
itself and not the workspace's — on the card's path, with the way out."""

from __future__ import annotations

from pathlib import Path

from cardgate.gate.engine import run_gate
from cardgate.gate.rules import RULES

from .conftest import SYSTEM, TODAY, build_workspace


def test_the_finding_lists_the_rules_that_did_not_run(tmp_path: Path) -> None:
    typo = [["name: Loan approval\n", "name: Loan approval\nnmae: typo\n"]]
    case = {"edit": {f"systems/{SYSTEM}/model-card.yaml": typo}, "evaluation": False, "sign": []}
    result = run_gate(build_workspace(tmp_path / "ws", case), release=True, today=TODAY)
    (found,) = [f for f in result.findings if f.code == "GATE-DOC003"]
    skipped = [r.code for r in RULES if r.scope == "system" and r.code != "GATE-DOC003"]
    assert any(r.scope == "workspace" for r in RULES)  # left out of the list
    assert found.path == f"systems/{SYSTEM}/model-card.yaml"
    assert found.message == (
        f"system '{SYSTEM}' cannot be checked: its model card does not validate, so the rules "
        f"that read it did not run ({', '.join(skipped)})"
    )
    assert found.hint == "fix the card's problems (cardgate validate) and gate again"


def test_a_missing_card_is_written_not_fixed(tmp_path: Path) -> None:
    case = {"edit": {f"systems/{SYSTEM}/model-card.yaml": None}, "evaluation": False, "sign": []}
    result = run_gate(build_workspace(tmp_path / "ws", case), release=True, today=TODAY)
    (found,) = [f for f in result.findings if f.code == "GATE-DOC003"]
    assert "its model card is missing" in found.message
    assert found.hint == f"write its model card: cardgate new model-card {SYSTEM}"
