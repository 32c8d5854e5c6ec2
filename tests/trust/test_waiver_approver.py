"""A waiver or a monitoring decision that names nobody accepts no risk (GATE-WV001,
GATE-MON002; the red team's round on waivers).

The schema requires ``approver`` and ``justification``, but any text passed: a waiver
with ``approver: ""`` (or blanks, ``TODO``, a zero-width space) waived a failing fairness
threshold, and the gate's output read "waived by  until 2027-01-31"; a monitoring
``waiver`` decision with such an approver covered a drift breach."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SYSTEM, build_workspace, codes, gate_json

FAILING = {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}}
"""The base system with a fairness threshold breached (GATE-FA003, waivable by the
baseline policy)."""


def _waiver(approver: str, justification: str = "Accepted until the retraining.") -> str:
    return (
        "kind: waivers\nschema_version: 1\nwaivers:\n"
        f"  - rule: GATE-FA003\n    system: {SYSTEM}\n    justification: {justification!r}\n"
        f"    approver: {approver!r}\n    expires: 2027-01-31\n"
    ).replace("'", '"')


@pytest.mark.parametrize("approver", ["", "  ", "TODO", "\u200b", "-"])
def test_a_waiver_naming_no_approver_waives_nothing(tmp_path: Path, approver: str) -> None:
    root = build_workspace(tmp_path / "ws", FAILING)
    (root / "waivers.yaml").write_text(_waiver(approver), encoding="utf-8")
    code, report = gate_json(root)
    assert code == 1, report  # was 0: GATE-FA003 waived
    assert "GATE-FA003" in codes(report) and "GATE-FA003" not in codes(report, "waived")
    [refusal] = [f for f in report["findings"] if f["code"] == "GATE-WV001"]  # type: ignore[union-attr]
    assert refusal["message"].startswith("waiver names no approver (approver: "), refusal
    assert refusal["severity"] == "error"


def test_a_waiver_giving_no_justification_waives_nothing(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", FAILING)
    (root / "waivers.yaml").write_text(_waiver("Risk Owner", " "), encoding="utf-8")
    code, report = gate_json(root)
    assert code == 1, report
    assert "GATE-FA003" not in codes(report, "waived")
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-WV001"]  # type: ignore[union-attr]
    assert messages == ["waiver names no justification (justification: ' ')"]


def test_a_named_approver_still_waives(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", FAILING)
    (root / "waivers.yaml").write_text(_waiver("Risk Owner"), encoding="utf-8")
    code, report = gate_json(root)
    assert code == 0, report
    assert "GATE-FA003" in codes(report, "waived")


DECISION = (
    "  owner: Ada Owner\n  decisions:\n    - {{window: '2026-11', decision: waiver, "
    "approver: {approver}, date: 2026-11-30, expires: 2027-01-31}}\nevaluation:"
)


@pytest.mark.parametrize(("approver", "covers"), [('""', False), ("TODO", False), ("Ada", True)])
def test_a_monitoring_decision_naming_no_approver_covers_nothing(
    tmp_path: Path, approver: str, covers: bool
) -> None:
    decision = DECISION.format(approver=approver)
    case = {
        "edit": {
            f"systems/{SYSTEM}/model-card.yaml": [["  owner: Ada Owner\nevaluation:", decision]]
        },
        "monitor": [{"id": "2026-11", "shifted": True}],
    }
    root = build_workspace(tmp_path / "ws", case)
    report = gate_json(root)[1]
    found = [f["message"] for f in report["findings"] if f["code"] == "GATE-MON002"]  # type: ignore[union-attr]
    if covers:
        assert found == []
    else:
        assert len(found) == 1 and "the waiver names no approver" in found[0], found
