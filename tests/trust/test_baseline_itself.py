"""GATE-FA004 on a baseline that is the evaluation's own artifact.

The attack: ``evaluation.baseline.artifact`` names the card's own ``evaluation.json`` (or
a link to it, or a hard link): every thresholded metric is compared with itself, no
regression can ever be found, and the rule passed in every mode (GATE-MC005 finds it
only with ``--changed-since``, and only where the ref's baseline was another file)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import SYSTEM, build_workspace, codes, edit, gate_json

CARD = f"systems/{SYSTEM}/model-card.yaml"
FOLDER = f"systems/{SYSTEM}"


def _baseline(root: Path, artifact: str) -> None:
    edit(root / CARD, _naming(artifact))


def _naming(artifact: str) -> tuple[str, str]:
    return ("      max: 0.1\n", f"      max: 0.1\n  baseline: {{artifact: {artifact}}}\n")


@pytest.mark.parametrize("release", [True, False])
def test_the_evaluation_as_its_own_baseline_blocks(tmp_path: Path, release: bool) -> None:
    # named before the evaluation and the sign-offs: they cover it, and nothing else fails
    own = _naming(f"{FOLDER}/evaluation.json")
    root = build_workspace(tmp_path / "ws", {"edit": {CARD: [own]}})
    code, report = gate_json(root, *(["--release"] if release else []))
    found = [f for f in report["findings"] if f["code"] == "GATE-FA004"]  # type: ignore[union-attr,index]
    assert [(f["severity"], f["line"]) for f in found] == [("error", 85)], found
    assert "is the evaluation's own artifact" in found[0]["message"]
    assert code == 1, report  # was 0
    assert codes(report) == ["GATE-FA004"], report


@pytest.mark.parametrize("how", ["symlink", "hardlink", "dotted"])
def test_a_link_to_the_evaluation_as_baseline_blocks(tmp_path: Path, how: str) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    (root / "approved").mkdir()
    own = root / FOLDER / "evaluation.json"
    if how == "symlink":
        os.symlink(os.path.relpath(own, root / "approved"), root / "approved" / "evaluation.json")
        _baseline(root, "approved/evaluation.json")
    elif how == "hardlink":
        os.link(own, root / "approved" / "evaluation.json")
        _baseline(root, "approved/evaluation.json")
    else:
        _baseline(root, f"approved/../{FOLDER}/./evaluation.json")
    _code, report = gate_json(root)
    messages = [f["message"] for f in report["findings"] if f["code"] == "GATE-FA004"]  # type: ignore[union-attr,index]
    assert any("is the evaluation's own artifact" in m for m in messages), report


def test_a_copy_of_the_evaluation_as_baseline_is_compared(tmp_path: Path) -> None:
    """A copy is the approved model's record once approved (the documented way to update
    the baseline): compared, and no regression from it."""
    root = build_workspace(tmp_path / "ws")
    (root / "approved").mkdir()
    approved = (root / FOLDER / "evaluation.json").read_bytes()
    (root / "approved" / "evaluation.json").write_bytes(approved)
    _baseline(root, "approved/evaluation.json")
    _code, report = gate_json(root)
    assert "GATE-FA004" not in codes(report), report
