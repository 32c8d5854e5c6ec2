"""GATE-MC005 on the card's monitoring plan (`cardgate.gate.plan_limits`).

The attacks: a deployed system whose latest monitored window is older than its monthly
cadence allows (GATE-MON001) passed ``gate --changed-since`` once the cadence read
``quarterly`` or the card said ``lifecycle_stage: validation``; a window breaching its
plan (GATE-MON002) passed once the drift thresholds were raised and the windows monitored
again. No limit of ``evaluation:`` or ``genai:`` was touched, so MC005 saw nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.run import monitor_system

from .conftest import SYSTEM, build_workspace, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
DEPLOYED = [
    ("lifecycle_stage: validation", "lifecycle_stage: deployment"),
    ("  owner: Ada Owner\nevaluation:", "  owner: Ada Owner\n  cadence: monthly\nevaluation:"),
]


def _committed(tmp_path: Path, case: dict[str, Any]) -> Path:
    root = build_workspace(tmp_path / "ws", case)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _limits(report: dict[str, Any]) -> list[str]:
    assert "GATE-MC005" in codes(report, "rules")
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


def _stale_monitoring(tmp_path: Path) -> Path:
    """A deployed system, monthly cadence, whose latest window ended 2026-09-30 (61 days
    before the gate's date)."""
    root = _committed(tmp_path, {"edit": {CARD: DEPLOYED}, "monitor": [{"id": "2026-09"}]})
    code, report = gate_json(root)
    assert code == 1 and "GATE-MON001" in codes(report), report
    return root


def test_a_cadence_loosened_blocks(tmp_path: Path) -> None:
    root = _stale_monitoring(tmp_path)
    edit(root / CARD, ("  cadence: monthly\n", "  cadence: quarterly\n"))
    assert gate_json(root)[0] == 0  # 61 days is within a quarter
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "monitoring.cadence is monthly on HEAD, quarterly here: the latest window may be 92 "
        "days old, not 31 (cadence loosened)"
    ]


def test_a_system_moved_out_of_deployment_blocks(tmp_path: Path) -> None:
    root = _stale_monitoring(tmp_path)
    edit(root / CARD, ("lifecycle_stage: deployment", "lifecycle_stage: validation"))
    assert gate_json(root)[0] == 0  # the cadence applies to deployed systems only
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [
        "lifecycle_stage is 'deployment' on HEAD, 'validation' here: the monitoring cadence "
        "(monthly) no longer applies (lifecycle_stage moved out of deployment)"
    ]


def test_drift_thresholds_raised_block(tmp_path: Path) -> None:
    root = _committed(tmp_path, {"monitor": [{"id": "2026-11", "shifted": True}]})
    code, report = gate_json(root)
    assert code == 1 and "GATE-MON002" in codes(report), report
    loose = "  drift: {psi: 50, js: 0.9, wasserstein: 50, ks: 0.9, missing: 0.9}\nevaluation:"
    edit(root / CARD, ("\nevaluation:", "\n" + loose))
    (root / f"systems/{SYSTEM}/monitoring.json").unlink()
    monitor_system(load_workspace(root), SYSTEM, [root / "windows/2026-11.csv"])
    assert gate_json(root)[0] == 0  # the window monitored again breaches nothing
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert sorted(m.split(":")[0] for m in _limits(report)) == [
        f"monitoring.drift.{name} is {was} on HEAD, {now} here"
        for name, was, now in sorted(
            [("js", "0.1", "0.9"), ("ks", "0.1", "0.9"), ("missing", "0.05", "0.9"),
             ("psi", "0.25", "50"), ("wasserstein", "0.1", "50")]
        )
    ]  # fmt: skip


def test_a_plan_kept_or_tightened_is_no_change(tmp_path: Path) -> None:
    root = _committed(tmp_path, {"edit": {CARD: DEPLOYED}, "monitor": [{"id": "2026-11"}]})
    edit(
        root / CARD,
        ("  cadence: monthly\n", "  cadence: weekly\n  drift: {psi: 0.2, fdr: 0.1}\n"),
    )
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []
