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


def test_a_moved_artifact_does_not_move_the_floor(tmp_path: Path) -> None:
    """The floor is the artifact the card on the ref names, read there: pointing the
    section at a new artifact (nothing on the ref at its path) shed it."""
    root = _regressed(tmp_path)
    edit(
        root / CARD,
        (f"run: {FOLDER}/approved.trec", f"run: {FOLDER}/run.trec"),
        ("    k: 5\n", "    k: 5\n    artifact: retrieval-2.json\n"),
    )
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] in (0, 1)
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    [message] = _limits(report)
    assert message.startswith(
        f"genai.retrieval_evaluation: the baseline {FOLDER}/retrieval-2.json compares with is "
        f"worse than on HEAD ({FOLDER}/retrieval.json there): ndcg "
    ), message


def test_an_artifact_moved_onto_a_worse_file_of_the_ref_does_not_lower_the_floor(
    tmp_path: Path,
) -> None:
    """A path that held a worse configuration's artifact on the ref (an old run kept in
    the folder) is not the floor: the artifact the card named there is."""
    root = build_workspace(tmp_path / "ws", {"genai": True, "evaluation": False})
    shutil.copy(root / FOLDER / "run.trec", root / FOLDER / "approved.trec")
    edit(root / CARD, BASELINE)
    assert cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    # an old artifact, from when the baseline was the worse run, kept beside the card
    edit(root / CARD, (f"run: {FOLDER}/approved.trec", f"run: {FOLDER}/baseline.trec"))
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] in (0, 1)
    shutil.move(root / FOLDER / "retrieval.json", root / FOLDER / "retrieval-old.json")
    edit(root / CARD, (f"run: {FOLDER}/baseline.trec", f"run: {FOLDER}/approved.trec"))
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] == 0
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    shutil.copy(root / FOLDER / "baseline.trec", root / FOLDER / "run.trec")  # the worse run
    edit(
        root / CARD,
        (f"run: {FOLDER}/approved.trec", f"run: {FOLDER}/run.trec"),
        ("    k: 5\n", "    k: 5\n    artifact: retrieval-old.json\n"),
    )
    assert cli("evaluate-retrieval", SYSTEM, "-w", str(root))[0] in (0, 1)
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0: the floor was the old, worse baseline's
    [message] = _limits(report)
    assert f"({FOLDER}/retrieval.json there)" in message, message
