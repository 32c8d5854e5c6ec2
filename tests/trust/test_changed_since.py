"""Hole 6: --changed-since never skips time-based rules or dependency changes."""

from __future__ import annotations

from pathlib import Path

from tests.gate.conftest import PREDICTIONS

from .conftest import SYSTEM, build_workspace, codes, edit, gate, gate_json, git


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


def test_a_workspace_under_a_non_ascii_folder_sees_its_changes(tmp_path: Path) -> None:
    """git quotes non-ASCII paths ("g\\303\\266vernance/…") unless told not to: a deletion
    there must still re-gate its system."""
    root = build_workspace(tmp_path / "gövernance")
    committed(tmp_path)
    git(tmp_path, "rm", "-q", f"gövernance/systems/{SYSTEM}/signoffs.yaml")
    git(tmp_path, "commit", "-qm", "drop")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD~1")
    assert code == 1
    assert "GATE-SO001" in codes(report)
    assert report["skipped_systems"] == []


def test_a_deleted_dataset_re_gates_the_systems_that_name_it(tmp_path: Path) -> None:
    root = committed(build_workspace(tmp_path / "ws"))
    git(root, "rm", "-rq", "datasets/loans")
    git(root, "commit", "-qm", "drop")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD~1")
    assert code == 1
    assert report["skipped_systems"] == []


def test_a_ref_that_looks_like_an_option_is_refused(tmp_path: Path) -> None:
    root = committed(build_workspace(tmp_path / "ws"))
    code, out = gate(root, "--changed-since", f"--output={tmp_path / 'written'}")
    assert code == 2 and "not a git ref" in out
    assert not (tmp_path / "written").exists()


def test_a_ref_git_cannot_compare_with_says_how_to_get_it(tmp_path: Path) -> None:
    """docs/ci.md's `--changed-since origin/main` in a clone without that ref (a shallow
    CI checkout): exit 2, with what to do, not only that git failed."""
    root = committed(build_workspace(tmp_path / "ws"))
    code, out = gate(root, "--changed-since", "origin/main")
    assert code == 2, out
    assert "git cannot compare with 'origin/main'" in out
    assert "git fetch origin" in out and "fetch-depth: 0" in out


WAIVER = f"""\
kind: waivers
schema_version: 1
waivers:
  - rule: GATE-MC002
    system: {SYSTEM}
    document: systems/{SYSTEM}/model-card.yaml
    path: monitoring
    justification: monitoring is planned for the pilot, not before.
    approver: "Risk Owner"
    expires: 2027-03-31
"""


def test_an_unchanged_blocked_system_gets_no_passed_verdict(tmp_path: Path) -> None:
    """Only the time-based rules run on an unchanged system: it is skipped, not "passed",
    and its waivers (of rules that did not run) are not judged unused."""
    root = build_workspace(tmp_path / "ws")
    (root / f"systems/{SYSTEM}/signoffs.yaml").unlink()  # blocked: GATE-SO001
    (root / "waivers.yaml").write_text(WAIVER, encoding="utf-8")
    committed(root)
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 0
    assert report["systems"] == []
    assert report["skipped_systems"] == [SYSTEM]
    assert "GATE-WV002" not in codes(report)
    code, out = gate(root, "--release", "--changed-since", "HEAD")
    assert "PASSED" not in out and "SKIPPED  1 unchanged" in out
    code, out = gate(root, "--release", "--changed-since", "HEAD", "--format", "markdown")
    assert "✅ passed" not in out and "1 unchanged" in out
    # Gated in full, the same workspace fails on the sign-offs, and the waiver is judged.
    code, report = gate_json(root, "--release")
    assert code == 1 and {"GATE-SO001", "GATE-WV002"} <= set(codes(report))


def test_a_card_linked_to_a_file_elsewhere_changes_with_it(tmp_path: Path) -> None:
    """The change is to the link's target (in a folder no system reads as a dataset): the
    system whose card it is must be gated."""
    root = build_workspace(tmp_path / "ws")
    (root / "datasets/zzz").mkdir()
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.rename(root / "datasets/zzz/card.yaml")
    card.symlink_to("../../datasets/zzz/card.yaml")
    committed(root)
    edit(root / "datasets/zzz/card.yaml", ("Loan approval", "Loan approval v2"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1 and "GATE-SO002" in codes(report)
    assert report["skipped_systems"] == []


def test_any_file_the_card_names_re_gates_the_system(tmp_path: Path) -> None:
    """Not only the evaluation's inputs: a GenAI system's queries (any path the card
    names), here in a dataset folder the card does not name as a dataset."""
    root = build_workspace(tmp_path / "ws", {"genai": True})
    (root / "datasets/zzz").mkdir()
    (root / f"systems/{SYSTEM}/queries.jsonl").rename(root / "datasets/zzz/queries.jsonl")
    edit(
        root / f"systems/{SYSTEM}/model-card.yaml",
        (f"systems/{SYSTEM}/queries.jsonl", "datasets/zzz/queries.jsonl"),
    )
    committed(root)
    assert gate_json(root, "--changed-since", "HEAD")[1]["skipped_systems"] == [SYSTEM]
    queries = root / "datasets/zzz/queries.jsonl"
    queries.write_text(queries.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert gate_json(root, "--changed-since", "HEAD")[1]["skipped_systems"] == []


def test_evidence_in_another_folder_re_gates_the_systems_citing_it(tmp_path: Path) -> None:
    """Evidence a checklist answer cites is covered by the sign-offs wherever it lives —
    in another system's or dataset's folder too, or linked from an evidence folder — so
    a change of it re-gates the system (its sign-offs are stale)."""
    checklist = f"systems/{SYSTEM}/checklist-nist-ai-rmf-core.yaml"
    root = tmp_path / "ws"
    (root / "docs/review").mkdir(parents=True)
    (root / "docs/review/record.md").symlink_to("../../datasets/other/record.md")
    root = committed(
        build_workspace(
            root,
            {
                "edit": {
                    "systems/scores/review.md": "Reviewed.\n",
                    "datasets/other/record.md": "Recorded.\n",
                    checklist: [
                        ["evidence: [docs/evidence.md]", "evidence: [systems/scores/review.md]"],
                        ["evidence: [docs/evidence.md]", "evidence: [docs/review]"],
                    ],
                }
            },
        )
    )
    for changed in ("systems/scores/review.md", "datasets/other/record.md"):
        (root / changed).write_text("Replaced.\n", encoding="utf-8")
        code, report = gate_json(root, "--release", "--changed-since", "HEAD")
        assert code == 1 and "GATE-SO002" in codes(report), changed
        assert report["skipped_systems"] == []
        git(root, "checkout", "-q", "--", changed)
    (root / "systems/scores/review.md").unlink()
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1 and "GATE-CK003" in codes(report)


def test_a_changed_monitoring_window_in_another_folder_re_gates_the_system(
    tmp_path: Path,
) -> None:
    """The windows `cardgate monitor` measured may live anywhere in the workspace (another
    system's folder here, which a change is attributed to); the record names them, so a
    change re-gates the system and --release measures the window again (GATE-MON003)."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.monitoring.profiling import profile_system
    from cardgate.evidence.monitoring.run import monitor_system
    from tests.gate.conftest import window_text

    root = build_workspace(tmp_path / "ws", {"sign": []})
    window = root / "systems/scores/2026-10.csv"
    window.parent.mkdir(parents=True)
    window.write_text(window_text(False), encoding="utf-8")
    profile_system(load_workspace(root), SYSTEM)
    monitor_system(load_workspace(root), SYSTEM, [window])
    committed(root)
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert report["skipped_systems"] == [SYSTEM], report
    window.write_text(window_text(True), encoding="utf-8")
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert report["skipped_systems"] == []
    assert code == 1 and "GATE-MON003" in codes(report)
