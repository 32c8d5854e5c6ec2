"""Hole 6: --changed-since never skips time-based rules or dependency changes."""

from __future__ import annotations

from pathlib import Path

from tests.gate.conftest import PREDICTIONS

from .conftest import SYSTEM, build_workspace, codes, edit, gate_json, git


def committed(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def test_review_age_fires_on_an_unchanged_system(tmp_path: Path) -> None:
    root = committed(
        build_workspace(
            tmp_path / "ws",
            {"edit": {f"systems/{SYSTEM}/model-card.yaml": [["2026-10-01", "2025-01-01"]]}},
        )
    )
    assert "GATE-FR001" in codes(gate_json(root, "--release")[1])
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    assert "GATE-FR001" in codes(report)


def test_predictions_in_another_system_folder_re_gate_the_system(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                "systems/scores/predictions.csv": PREDICTIONS,
                f"systems/{SYSTEM}/model-card.yaml": [
                    ["systems/loan-approval/predictions.csv", "systems/scores/predictions.csv"]
                ],
            }
        },
    )
    committed(root)
    (root / "systems/scores/predictions.csv").write_text("label,prediction,sex\n1,1,F\n0,0,M\n")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    assert "GATE-FA002" in codes(report)
    assert report["skipped_systems"] == []


def test_a_changed_dataset_file_re_gates_its_users(tmp_path: Path) -> None:
    root = committed(build_workspace(tmp_path / "ws"))
    edit(root / "datasets/loans/datasheet.yaml", ("name: Loan applications", "name: Loans"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1 and "GATE-SO002" in codes(report)


def test_a_file_moved_out_of_a_system_folder_re_gates_the_system(tmp_path: Path) -> None:
    """git's rename detection lists only a moved file's new path: the system it left must
    be gated all the same (its sign-offs are gone)."""
    root = committed(build_workspace(tmp_path / "ws"))
    (root / "datasets/zzz").mkdir()
    git(root, "mv", f"systems/{SYSTEM}/signoffs.yaml", "datasets/zzz/signoffs.yaml")
    git(root, "commit", "-qm", "move")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD~1")
    assert code == 1
    assert "GATE-SO001" in codes(report)
    assert report["skipped_systems"] == []
