"""Hole 1: the rules that guard the gate's own integrity cannot be switched off,
downgraded or waived, and a rule that cannot run because a document is invalid says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SYSTEM, build_workspace, codes, edit, gate, gate_json

BROKEN_CARD = ("name: Loan approval\n", "name: Loan approval\nnmae: typo\n")


@pytest.mark.parametrize("level", ["off", "warning"])
def test_documents_valid_cannot_be_switched_off_or_downgraded(tmp_path: Path, level: str) -> None:
    root = build_workspace(tmp_path / "ws")
    edit(root / f"systems/{SYSTEM}/model-card.yaml", BROKEN_CARD)
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        f"defaults:\n  rules:\n    GATE-DOC001: {{level: {level}}}\n"
    )
    code, report = gate_json(root, "--release")
    assert code == 1
    found = codes(report)
    assert "GATE-DOC001" in found
    # the attempt itself is reported, at the policy
    assert "GATE-POL002" in found
    blocking = [f for f in report["findings"] if f["code"] == "GATE-DOC001"]  # type: ignore[union-attr]
    assert all(f["severity"] == "error" for f in blocking)


def test_documents_valid_cannot_be_waived(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    edit(root / f"systems/{SYSTEM}/model-card.yaml", BROKEN_CARD)
    (root / "waivers.yaml").write_text(
        "kind: waivers\nschema_version: 1\nwaivers:\n"
        f"  - rule: GATE-DOC001\n    system: {SYSTEM}\n    justification: Later.\n"
        "    approver: Someone\n    expires: 2026-12-31\n"
    )
    code, report = gate_json(root, "--release")
    assert code == 1
    assert "GATE-DOC001" in codes(report)
    assert "GATE-DOC001" not in codes(report, "waived")
    assert "GATE-WV001" in codes(report)


def test_a_system_whose_card_is_invalid_is_reported_as_not_checked(tmp_path: Path) -> None:
    """Card-based rules cannot run on an invalid card: one finding says which did not."""
    root = build_workspace(tmp_path / "ws")
    edit(root / f"systems/{SYSTEM}/model-card.yaml", BROKEN_CARD)
    code, report = gate_json(root, "--release")
    assert code == 1
    unchecked = [f for f in report["findings"] if f["code"] == "GATE-DOC003"]  # type: ignore[union-attr]
    assert len(unchecked) == 1
    assert unchecked[0]["system"] == SYSTEM
    assert "GATE-FA003" in unchecked[0]["message"]


@pytest.mark.parametrize(
    "code",
    [
        "GATE-DOC002",
        "GATE-INT001",
        "GATE-DOC003",
        "GATE-ART001",
    ],
)
def test_every_integrity_rule_refuses_level_off(tmp_path: Path, code: str) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n"
        f"tiers:\n  high:\n    rules:\n      {code}: {{level: off}}\n"
    )
    exit_code, out = gate(root, "--release")
    assert exit_code == 1, out
    assert "GATE-POL002" in out and code in out
