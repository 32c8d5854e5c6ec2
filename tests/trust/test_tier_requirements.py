"""Hole 5: high-risk systems need a threshold per declared sensitive feature and
documents past draft; template defaults that look like answers are placeholders."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, cli, gate_json

CARD = f"systems/{SYSTEM}/model-card.yaml"


def test_a_high_risk_system_without_fairness_thresholds_is_blocked(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                CARD: [
                    [
                        "  thresholds:\n    - metric: demographic_parity_difference\n"
                        "      feature: sex\n      max: 0.1\n",
                        "  thresholds: []\n",
                    ]
                ]
            }
        },
    )
    code, report = gate_json(root, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-FA005"]  # type: ignore[union-attr]
    assert found and "sex" in found[0]["message"]


def test_a_high_risk_system_in_draft_is_blocked(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws", {"edit": {CARD: [["status: approved", "status: draft"]]}}
    )
    code, report = gate_json(root, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-MC004"]  # type: ignore[union-attr]
    assert found and "draft" in found[0]["message"]


def test_template_dates_and_risk_ratings_are_placeholders(in_tmp: Path) -> None:
    assert cli("init", ".")[0] == 0
    code, out = cli("new", "model-card", "x")
    assert code == 0, out
    text = (in_tmp / "systems/x/model-card.yaml").read_text()
    assert "last_reviewed: TODO" in text
    assert "likelihood: TODO" in text and "impact: TODO" in text
    assert cli("validate")[0] == 0  # a draft with placeholders validates
