"""GATE-MC005 on the evaluation's baseline (`cardgate.gate.baseline_limits`).

The attack: a candidate whose demographic-parity difference worsened from the approved
baseline by more than the tolerance (GATE-FA004) passed ``gate --changed-since`` once
``evaluation.baseline.artifact`` named the candidate's own ``evaluation.json`` (or a copy
of it was written over the baseline's file): no limit was touched, and nothing was left
to regress from."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.gate.conftest import PREDICTIONS

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
FOLDER = f"systems/{SYSTEM}"
BASELINE = (
    "      max: 0.1\n",
    f"      max: 0.1\n  baseline: {{artifact: {FOLDER}/baseline.json, tolerance: 0.02}}\n",
)


def _worse_predictions() -> str:
    """The base predictions with 20 of the women's 0 predictions turned to 1: a
    selection-rate gap of 0.05, within the limit 0.1, 0.05 worse than the baseline's 0."""
    header, *rows = PREDICTIONS.splitlines()
    flipped = 0
    for index, row in enumerate(rows):
        label, prediction, sex = row.split(",")
        if sex == "F" and prediction == "0" and flipped < 20:
            rows[index] = f"{label},1,{sex}"
            flipped += 1
    return "\n".join([header, *rows]) + "\n"


def _regressed(tmp_path: Path) -> Path:
    """The base system, its approved evaluation kept as the baseline, committed; then a
    worse candidate evaluated."""
    root = build_workspace(tmp_path / "ws", {"edit": {CARD: [BASELINE]}, "evaluation": False})
    code, out = cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 0, out
    shutil.copy(root / FOLDER / "evaluation.json", root / FOLDER / "baseline.json")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    (root / FOLDER / "predictions.csv").write_text(_worse_predictions(), encoding="utf-8")
    code, out = cli("evaluate", SYSTEM, "-w", str(root))
    assert code in (0, 1), out
    code, report = gate_json(root)
    assert code == 1 and "GATE-FA004" in codes(report), report
    return root


def _limits(report: dict[str, Any]) -> list[str]:
    assert "GATE-MC005" in codes(report, "rules")
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


WORSE = (
    "evaluation.baseline: the baseline is a worse model than on HEAD ({there} there, {here} "
    "here): demographic_parity_difference for 'sex' 0.000 there, 0.050 here; a regression "
    "is measured from it (baseline worsened)"
)


def test_the_baseline_pointed_at_the_candidate_blocks(tmp_path: Path) -> None:
    root = _regressed(tmp_path)
    edit(root / CARD, (f"{FOLDER}/baseline.json", f"{FOLDER}/evaluation.json"))
    code, report = gate_json(root)  # no regression from itself, and FA004 says so
    assert code == 1 and "GATE-FA004" in codes(report), report
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    there, here = f"{FOLDER}/baseline.json", f"{FOLDER}/evaluation.json"
    assert _limits(report) == [WORSE.format(there=there, here=here)]


def test_the_baseline_file_overwritten_blocks(tmp_path: Path) -> None:
    root = _regressed(tmp_path)
    shutil.copy(root / FOLDER / "evaluation.json", root / FOLDER / "baseline.json")
    assert gate_json(root)[0] == 0
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    there = here = f"{FOLDER}/baseline.json"
    assert _limits(report) == [WORSE.format(there=there, here=here)]


def test_a_baseline_moved_to_a_better_model_is_no_change(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"edit": {CARD: [BASELINE]}, "evaluation": False})
    (root / FOLDER / "predictions.csv").write_text(_worse_predictions(), encoding="utf-8")
    assert cli("evaluate", SYSTEM, "-w", str(root))[0] in (0, 1)
    shutil.copy(root / FOLDER / "evaluation.json", root / FOLDER / "baseline.json")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    (root / FOLDER / "predictions.csv").write_text(PREDICTIONS, encoding="utf-8")
    assert cli("evaluate", SYSTEM, "-w", str(root))[0] in (0, 1)
    shutil.copy(root / FOLDER / "evaluation.json", root / FOLDER / "baseline.json")
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []
