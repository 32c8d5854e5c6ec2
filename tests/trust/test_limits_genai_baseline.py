"""GATE-MC005 on a GenAI section's baseline (`cardgate.gate.genai_baselines`).

The attack: a candidate retrieval run worse than the approved baseline's (GATE-RAG003:
nDCG's change from the baseline beyond the tolerance) passed ``gate --changed-since``
once the card's retrieval baseline named the candidate's own run: no limit was touched,
and nothing was left to change from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
FOLDER = f"systems/{SYSTEM}"
BASELINE = (
    "    min_group_size: 20\n",
    f"    min_group_size: 20\n    baseline:\n      run: {FOLDER}/approved.trec\n",
)


def _regressed(tmp_path: Path) -> Path:
    """The base GenAI system with its own run as the approved baseline (approved.trec),
    committed; then a worse candidate run evaluated."""
    root = build_workspace(tmp_path / "ws", {"genai": True, "evaluation": False})
    shutil.copy(root / FOLDER / "run.trec", root / FOLDER / "approved.trec")
    edit(root / CARD, BASELINE)
    assert cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] == 0
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    shutil.copy(root / FOLDER / "baseline.trec", root / FOLDER / "run.trec")  # the worse run
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] in (0, 1)
    code, report = gate_json(root)
    assert code == 1 and "GATE-RAG003" in codes(report), report
    return root


def _limits(report: dict[str, Any]) -> list[str]:
    assert "GATE-MC005" in codes(report, "rules")
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


def test_a_retrieval_baseline_pointed_at_the_candidate_blocks(tmp_path: Path) -> None:
    root = _regressed(tmp_path)
    edit(root / CARD, (f"run: {FOLDER}/approved.trec", f"run: {FOLDER}/run.trec"))
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] in (0, 1)
    code, report = gate_json(root)
    assert code == 0, report  # no change from itself: RAG003 no error
    assert [f["severity"] for f in report["findings"] if f["code"] == "GATE-RAG003"] == ["warning"]
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    [message] = _limits(report)
    assert message.startswith(
        f"genai.retrieval_evaluation: the baseline {FOLDER}/retrieval.json compares with is "
        "worse than on HEAD: ndcg "
    ), message
    assert message.endswith("a change is measured from it (baseline worsened)"), message


def test_a_retrieval_baseline_kept_is_no_change(tmp_path: Path) -> None:
    root = _regressed(tmp_path)  # the candidate worse, the baseline as approved: RAG003's
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []
