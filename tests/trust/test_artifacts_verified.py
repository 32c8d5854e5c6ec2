"""Hole 3: data-check.json is read against its model, its verdict recomputed and its
binding to data and contract checked; computed artifacts are covered by sign-offs.
Hole 10: in release mode the gate recomputes every computed artifact and blocks on any
difference (a hand-edited artifact does not pass once signed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json

DATA = "sex\nF\nM\nF\nM\n"


def with_checked_data(root: Path) -> Path:
    """The base workspace, its dataset's contract naming a file, checked by check-data."""
    (root / "datasets/loans/loans.csv").write_text(DATA)
    edit(root / "datasets/loans/datasheet.yaml", ("contract:\n", "contract:\n  path: loans.csv\n"))
    code, out = cli("check-data", "loans", "-w", str(root), "--today", "2026-11-30")
    assert code == 0, out
    return root / "datasets/loans/data-check.json"


@pytest.fixture
def checked(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    build_workspace(root, {"edit": {}, "sign": []})
    with_checked_data(root)
    return root


def sign_all(root: Path, *extra: str) -> None:
    from tests.gate.conftest import TODAY, key

    for role in ("owner", "legal", "risk"):
        code, out = cli(
            "sign", SYSTEM, "-w", str(root), "--role", role, "--name", f"{role} person",
            "--key", str(key(role)), "--today", TODAY.isoformat(), *extra,
        )  # fmt: skip
        assert code == 0, out


def rewrite(path: Path, **changes: object) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def test_a_data_check_that_failed_with_no_violations_blocks(checked: Path) -> None:
    artifact = checked / "datasets/loans/data-check.json"
    rewrite(artifact, passed=False)
    # sign refuses it; acknowledged, it is signed, and the gate still blocks (integrity)
    sign_all(checked, "--acknowledge", "GATE-ART001")
    code, report = gate_json(checked, "--release")
    assert code == 1
    assert "GATE-ART001" in codes(report)


def test_a_data_check_missing_fields_of_its_model_blocks(checked: Path) -> None:
    artifact = checked / "datasets/loans/data-check.json"
    data = json.loads(artifact.read_text())
    del data["profile"]
    artifact.write_text(json.dumps(data))
    sign_all(checked, "--acknowledge", "GATE-ART001")
    code, report = gate_json(checked, "--release")
    assert code == 1 and "GATE-ART001" in codes(report)


def test_the_data_check_is_covered_by_sign_offs(checked: Path) -> None:
    sign_all(checked)
    signoffs = (checked / f"systems/{SYSTEM}/signoffs.yaml").read_text()
    assert "datasets/loans/data-check.json" in signoffs


def test_a_hand_edited_data_check_fails_in_release_mode(checked: Path) -> None:
    artifact = checked / "datasets/loans/data-check.json"
    data = json.loads(artifact.read_text())
    data["profile"]["sex"]["nulls"] = 3
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True))
    sign_all(checked)
    assert gate_json(checked)[0] == 0  # without --release the record is taken as written
    code, report = gate_json(checked, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and "data-check.json" in found[0]["path"]
    # the finding names the edited field, recorded and recomputed, and nothing else
    assert "profile.sex.nulls: 3, recomputed 0" in found[0]["message"], found
    assert "recomputed None" not in found[0]["message"]
    assert "cardgate check-data loans" in found[0]["hint"]


def test_a_true_data_check_recomputes_identically_as_of_its_own_date(tmp_path: Path) -> None:
    """Checked on 2026-11-30 against a freshness clause and gated months later: recomputed
    as of the date it records (freshness judged then), not as of the gate's date."""
    root = build_workspace(tmp_path / "ws", {"edit": {}, "sign": []})
    (root / "datasets/loans/loans.csv").write_text("sex,day\nF,2026-11-20\nM,2026-11-21\n")
    edit(
        root / "datasets/loans/datasheet.yaml",
        (
            "contract:\n",
            "contract:\n  path: loans.csv\n  freshness: {column: day, max_age_days: 30}\n",
        ),
        ("      type: string\n", "      type: string\n    - name: day\n      type: date\n"),
    )
    code, out = cli("check-data", "loans", "-w", str(root), "--today", "2026-11-30")
    assert code == 0, out
    artifact = json.loads((root / "datasets/loans/data-check.json").read_text())
    assert artifact["reference_date"] == "2026-11-30" and artifact["passed"] is True
    sign_all(root)
    _, report = gate_json(root, "--release", "--today", "2027-03-01")
    assert "GATE-ART001" not in codes(report), report
    assert "GATE-INT001" not in codes(report), report


def test_a_data_check_whose_data_file_is_gone_cannot_be_certified(checked: Path) -> None:
    sign_all(checked)
    (checked / "datasets/loans/loans.csv").unlink()
    code, report = gate_json(checked, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and "cannot be recomputed from its inputs" in found[0]["message"], report
    assert found[0]["hint"] == (
        "commit the data file the contract names, or re-run cardgate check-data"
    )


def test_a_data_check_of_a_file_outside_the_workspace_says_how_to_certify_it(
    tmp_path: Path,
) -> None:
    """`new datasheet --from ../data/loans.csv` (the README's first steps) says to check
    a file outside the workspace with `check-data --data`; gate --release cannot read it
    again, and its hint was 'commit the data file the contract names' (it names none) 'or
    re-run cardgate check-data' (which changes nothing). It now says what certifies it."""
    root = build_workspace(tmp_path / "ws", {"edit": {}, "sign": []})
    outside = tmp_path / "export.csv"
    outside.write_text(DATA)
    code, out = cli(
        "check-data", "loans", "-w", str(root), "--today", "2026-11-30", "--data", str(outside)
    )
    assert code == 0 and (root / "datasets/loans/data-check.json").is_file(), out
    sign_all(root)
    code, report = gate_json(root, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert [f["hint"] for f in found] == [
        "the check read a file outside the workspace (check-data --data), which the gate "
        "cannot read again: copy the file into the workspace, set contract.path in "
        "datasets/loans/datasheet.yaml and run cardgate check-data loans"
    ], found


def test_a_hand_edited_evaluation_fails_in_release_mode(tmp_path: Path) -> None:
    """The issue's story: edit the failing value, sign it, and the gate still blocks."""
    root = build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})
    code, out = cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 0, out
    artifact = root / f"systems/{SYSTEM}/evaluation.json"
    data = json.loads(artifact.read_text())
    data["thresholds"][0]["value"] = 0.01
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True))
    sign_all(root)
    code, report = gate_json(root, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and found[0]["path"] == f"systems/{SYSTEM}/evaluation.json"
    assert found[0]["hint"] == (
        f"never edit an artifact: run cardgate evaluate {SYSTEM}, commit it and sign again"
    )


def test_an_evaluation_whose_predictions_are_gone_cannot_be_certified(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    sign_all(root)
    (root / f"systems/{SYSTEM}/predictions.csv").unlink()
    code, report = gate_json(root, "--release")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert len(found) == 1, found
    assert found[0]["path"] == f"systems/{SYSTEM}/evaluation.json"
    assert found[0]["message"].startswith(
        f"systems/{SYSTEM}/evaluation.json cannot be recomputed from its inputs: "
    ), found
    assert found[0]["hint"] == (
        "restore the predictions the card names, or re-run cardgate evaluate"
    )


def test_a_data_check_of_another_file_is_recomputed_from_that_file(checked: Path) -> None:
    """An artifact that records another file than the contract's (`check-data --data PATH
    --out FILE`, put in place by hand, or written by a cardgate before bb343ba): the gate
    recomputes from the file the artifact records, not from the contract's own (which holds
    different rows), so a true artifact is not called untrue; whether it is the right file
    is GATE-DC002's question."""
    (checked / "datasets/loans/extract.csv").write_text("sex\nF\nF\nF\n")
    elsewhere = checked.parent / "extract-check.json"
    code, out = cli(
        "check-data", "loans", "-w", str(checked), "--today", "2026-11-30",
        "--data", str(checked / "datasets/loans/extract.csv"), "--out", str(elsewhere),
    )  # fmt: skip
    assert code == 0, out
    elsewhere.replace(checked / "datasets/loans/data-check.json")
    artifact = json.loads((checked / "datasets/loans/data-check.json").read_text())
    assert artifact["data"]["path"].endswith("extract.csv"), artifact["data"]
    sign_all(checked, "--acknowledge", "GATE-DC002")  # not the contract's file: stale
    _, report = gate_json(checked, "--release")
    assert "GATE-ART001" not in codes(report), report
    # the artifact of the other file, edited, is still caught
    rewrite(checked / "datasets/loans/data-check.json", rows=4)
    _, report = gate_json(checked, "--release")
    assert "GATE-ART001" in codes(report), report
    # and with that file gone, the finding says so (not a comparison with loans.csv)
    (checked / "datasets/loans/extract.csv").unlink()
    _, report = gate_json(checked, "--release")
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert len(found) == 1 and "cannot be recomputed" in found[0]["message"], found
    assert "extract.csv" in found[0]["message"], found


def test_an_artifact_edited_in_many_places_shows_the_first_three(checked: Path) -> None:
    """The finding quotes the first three differences in document order, joined by "; ",
    so it stays one readable line however much was edited."""
    artifact = checked / "datasets/loans/data-check.json"
    true = json.loads(artifact.read_text())
    edited = {**true["profile"]["sex"], "distinct": 9, "null_rate": 0.5, "nulls": 7}
    rewrite(artifact, profile={"sex": edited}, rows=99)
    sign_all(checked, "--acknowledge", "GATE-ART001")
    _, report = gate_json(checked, "--release")
    (found,) = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    was = true["profile"]["sex"]
    assert found["message"].endswith(
        "(recomputed for --release): "
        f"profile.sex.distinct: 9, recomputed {was['distinct']!r}; "
        f"profile.sex.null_rate: 0.5, recomputed {was['null_rate']!r}; "
        f"profile.sex.nulls: 7, recomputed {was['nulls']!r}"
    ), found  # rows=99, the fourth difference, is not listed


def _committed(root: Path) -> Path:
    from .conftest import git

    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


@pytest.mark.parametrize("also", [{}, {"seed": 7}, {"replicates": 999}])
def test_an_evaluation_edited_since_the_ref_is_recomputed_by_changed_since(
    tmp_path: Path, also: dict[str, int]
) -> None:
    """Without --release the gate read the artifacts as committed: a value edited in a
    pull request (and signed again) passed gate --changed-since. Its recorded inputs (the
    digests of its predictions and of the card's settings) are the ref's, its results
    are not: it was not computed from them, so it is computed again (a seed edited beside
    it is no input: the card's decides)."""
    root = _committed(build_workspace(tmp_path / "ws"))
    artifact = root / f"systems/{SYSTEM}/evaluation.json"
    data = json.loads(artifact.read_text())
    data["thresholds"][0]["value"] = 0.01
    data["provenance"].update(also)
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True))
    sign_all(root)
    assert gate_json(root)[0] == 0  # plain gate: as committed (its verdict says so)
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    found = [f for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert [f["severity"] for f in found] == ["error"], found
    assert found[0]["message"].startswith(
        f"systems/{SYSTEM}/evaluation.json differs from what its inputs give (recomputed: it "
        f"records the inputs systems/{SYSTEM}/evaluation.json recorded on HEAD, with other "
        "results): "
    ), found
    assert "thresholds.0.value: 0.01, recomputed " in found[0]["message"], found


def test_an_edited_evaluation_moved_elsewhere_is_recomputed_too(tmp_path: Path) -> None:
    root = _committed(build_workspace(tmp_path / "ws"))
    folder = root / f"systems/{SYSTEM}"
    data = json.loads((folder / "evaluation.json").read_text())
    data["thresholds"][0]["value"] = 0.01
    (folder / "evaluation-2.json").write_text(json.dumps(data, indent=2, sort_keys=True))
    (folder / "evaluation.json").unlink()
    edit(
        folder / "model-card.yaml",
        (
            "  sensitive_features: [sex]\n",
            "  sensitive_features: [sex]\n  artifact: evaluation-2.json\n",
        ),
    )
    code, report = gate_json(root, "--changed-since", "HEAD")
    found = [f["message"] for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and "differs from what its inputs give (recomputed: " in found[0], report
    assert code == 1


def test_an_evaluation_computed_again_from_new_inputs_is_not_recomputed(tmp_path: Path) -> None:
    """Its inputs changed: the usual change, read as committed (--release recomputes it)."""
    root = _committed(build_workspace(tmp_path / "ws"))
    predictions = root / f"systems/{SYSTEM}/predictions.csv"
    predictions.write_text(predictions.read_text() + "1,1,F\n0,0,M\n")
    assert cli("evaluate", SYSTEM, "-w", str(root))[0] == 0
    sign_all(root)
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert "GATE-ART001" not in codes(report), report
    assert code == 0, report


def test_a_data_check_edited_since_the_ref_is_recomputed_by_changed_since(
    checked: Path,
) -> None:
    _committed(checked)
    rewrite(checked / "datasets/loans/data-check.json", rows=99)
    code, report = gate_json(checked, "--changed-since", "HEAD")
    found = [f["message"] for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and "(recomputed: it records the inputs datasets/loans/data-check.json" in found[0]
    assert code == 1, report


def test_a_retrieval_evaluation_edited_since_the_ref_is_recomputed(tmp_path: Path) -> None:
    root = _committed(build_workspace(tmp_path / "ws", {"genai": True}))
    artifact = root / f"systems/{SYSTEM}/retrieval.json"
    data = json.loads(artifact.read_text())
    data["overall"]["count"] += 1
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True))
    code, report = gate_json(root, "--changed-since", "HEAD")
    found = [f["message"] for f in report["findings"] if f["code"] == "GATE-ART001"]  # type: ignore[union-attr]
    assert found and found[0].startswith(
        f"systems/{SYSTEM}/retrieval.json differs from what its inputs give (recomputed: "
    ), report
    assert code == 1
