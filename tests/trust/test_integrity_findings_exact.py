"""What the integrity rules say, exactly: where a finding points, its message and the hint
that tells the user what to run (each assertion here killed a surviving mutant of
`artifacts_true` or `signoffs_verified`, docs/mutation.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gate.conftest import POLICY

from .conftest import SYSTEM, TODAY, build_workspace, cli, codes, gate_json
from .test_artifacts_verified import sign_all, with_checked_data

EVALUATION = f"systems/{SYSTEM}/evaluation.json"


def _found(report: dict[str, object], code: str) -> list[dict[str, str]]:
    return [f for f in report["findings"] if f["code"] == code]  # type: ignore[union-attr]


def test_an_unreadable_evaluation_artifact_is_named_with_what_to_run(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"edit_after": {EVALUATION: "{not json"}})
    code, report = gate_json(root)
    assert code == 1
    found = _found(report, "GATE-ART001")
    assert len(found) == 1, found
    assert found[0]["path"] == EVALUATION
    assert found[0]["message"].startswith(f"evaluation artifact '{EVALUATION}' "), found
    assert found[0]["hint"] == (
        f"never edit it: run cardgate evaluate {SYSTEM} and commit the result"
    )


def test_an_artifact_outside_the_workspace_is_reported_on_the_card(tmp_path: Path) -> None:
    """The artifact's path escapes the workspace, so it was never read: the finding points
    at the card that names it."""
    card = f"systems/{SYSTEM}/model-card.yaml"
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit_after": {
                card: [("evaluation:\n", "evaluation:\n  artifact: ../../../outside.json\n")]
            }
        },
    )
    code, report = gate_json(root)
    assert code == 1
    found = _found(report, "GATE-ART001")
    assert len(found) == 1, report["findings"]
    assert found[0]["path"] == card
    assert "evaluation artifact '../../../outside.json'" in found[0]["message"]


def test_a_missing_evaluation_is_not_an_integrity_finding(tmp_path: Path) -> None:
    """A missing artifact is a policy matter (the evaluation rule reports it, a waiver can
    cover it); only an artifact that exists and cannot be read breaks integrity."""
    root = build_workspace(tmp_path / "ws", {"edit_after": {EVALUATION: None}})
    code, report = gate_json(root, "--release")
    assert code == 1
    assert "GATE-ART001" not in codes(report)
    missing = _found(report, "GATE-FA001")
    assert missing and missing[0]["message"].endswith(f"'{EVALUATION}' does not exist"), missing


def test_an_unreadable_data_check_is_named_with_what_to_run(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    artifact = with_checked_data(root)
    artifact.write_text("[1, 2")
    code, report = gate_json(root)
    assert code == 1
    found = [f for f in _found(report, "GATE-ART001") if "data-check" in f["message"]]
    assert len(found) == 1, report["findings"]
    assert found[0]["path"] == "datasets/loans/data-check.json"
    assert found[0]["hint"] == "never edit it: run cardgate check-data loans and commit it"


def test_a_forged_sign_off_says_how_to_sign_again(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    sign_all(root)
    signoffs = root / f"systems/{SYSTEM}/signoffs.yaml"
    signoffs.write_text(signoffs.read_text().replace("legal person", "Mallory", 1))
    code, report = gate_json(root, "--release")
    assert code == 1
    found = _found(report, "GATE-SO003")
    assert len(found) == 1, report["findings"]
    assert found[0]["hint"] == (
        f"sign again with your key: cardgate sign {SYSTEM} --role legal --key ~/.ssh/id_ed25519"
    )


def test_verifying_signatures_does_not_depend_on_the_unsigned_rule_running(
    tmp_path: Path,
) -> None:
    """GATE-SO001 (a policy rule) switched off: GATE-SO003 still judges the sign-offs with
    the tier's settings, and an unsigned one is not its business (no crash, no finding)."""
    policy = POLICY + "defaults:\n  rules:\n    GATE-SO001: {level: off}\n"
    root = build_workspace(tmp_path / "ws", {"edit": {"policy.yaml": policy}, "sign": []})
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "risk", "--name", "Risk Person",
        "--today", TODAY.isoformat(), "--acknowledge", "GATE-POL001",
    )  # fmt: skip
    assert code == 0, out  # an unsigned sign-off, which the high tier does not count
    code, report = gate_json(root, "--release")
    found = codes(report)
    assert "GATE-INT001" not in found and "GATE-SO003" not in found, report["findings"]


def _genai_finding(tmp_path: Path, name: str, edits: dict[str, object]) -> dict[str, str]:
    root = build_workspace(tmp_path / "ws", {"genai": True, "edit_after": edits})
    code, report = gate_json(root, "--release")
    assert code == 1
    found = _found(report, "GATE-ART001")
    assert len(found) == 1, report["findings"]
    assert found[0]["path"] == f"systems/{SYSTEM}/{name}"
    return found[0]


@pytest.mark.parametrize(
    ("name", "command", "old", "new"),
    [
        ("generation.json", "evaluate-generation", '"value": 0.898305084746', '"value": 0.95'),
        ("retrieval.json", "evaluate-retrieval", '"value": 0.923981246657', '"value": 0.95'),
    ],
)
def test_an_edited_genai_artifact_says_what_to_run(
    tmp_path: Path, name: str, command: str, old: str, new: str
) -> None:
    found = _genai_finding(tmp_path, name, {f"systems/{SYSTEM}/{name}": [(old, new)]})
    assert found["message"].startswith(
        f"systems/{SYSTEM}/{name} differs from what its inputs give (recomputed for --release): "
    ), found
    assert found["hint"] == (
        f"never edit an artifact: run cardgate {command} {SYSTEM}, commit it and sign again"
    )


@pytest.mark.parametrize(
    ("name", "command", "gone"),
    [
        ("generation.json", "evaluate-generation", "ragas.csv"),
        ("retrieval.json", "evaluate-retrieval", "run.trec"),
    ],
)
def test_a_genai_artifact_whose_inputs_are_gone_says_what_to_restore(
    tmp_path: Path, name: str, command: str, gone: str
) -> None:
    found = _genai_finding(tmp_path, name, {f"systems/{SYSTEM}/{gone}": None})
    assert found["message"].startswith(
        f"systems/{SYSTEM}/{name} cannot be recomputed from its inputs: "
    ), found
    assert found["hint"] == (
        f"restore the files the card's genai section names, or re-run cardgate {command}"
    )


CARD = f"systems/{SYSTEM}/model-card.yaml"
NO_RETRIEVAL_EVALUATION = (
    f"  retrieval_evaluation:\n    queries: systems/{SYSTEM}/queries.jsonl\n"
    f"    run: systems/{SYSTEM}/run.trec\n    k: 5\n    slices: [category]\n"
    "    min_group_size: 20\n    bootstrap: {replicates: 200}\n    thresholds:\n"
    "      - metric: ndcg\n        min: 0.5\n",
    "",
)


def _genai_report(tmp_path: Path, case: dict[str, object], *args: str) -> list[dict[str, str]]:
    root = build_workspace(tmp_path / "ws", {"genai": True, **case})
    _, report = gate_json(root, *args)
    return _found(report, "GATE-ART001")


def test_generation_is_checked_when_the_system_evaluates_no_retrieval(tmp_path: Path) -> None:
    """An LLM application without retrieval: its generation artifact is still recomputed."""
    found = _genai_report(
        tmp_path,
        {
            "edit": {CARD: [NO_RETRIEVAL_EVALUATION]},
            "edit_after": {
                f"systems/{SYSTEM}/generation.json": [('"value": 0.898305084746', '"value": 0.95')]
            },
        },
        "--release",
    )
    assert [f["path"] for f in found] == [f"systems/{SYSTEM}/generation.json"], found


def test_a_missing_genai_artifact_is_not_an_integrity_finding(tmp_path: Path) -> None:
    """Missing evidence is a policy matter (GATE-RAG001, GATE-GEN001), not integrity."""
    edits = {f"systems/{SYSTEM}/retrieval.json": None, f"systems/{SYSTEM}/generation.json": None}
    assert _genai_report(tmp_path, {"edit_after": edits}, "--release") == []


def test_an_unreadable_genai_artifact_says_what_to_run(tmp_path: Path) -> None:
    found = _genai_report(
        tmp_path, {"edit_after": {f"systems/{SYSTEM}/generation.json": "{not json"}}
    )
    assert len(found) == 1, found
    assert found[0]["path"] == f"systems/{SYSTEM}/generation.json"
    assert found[0]["message"].startswith(f"artifact 'systems/{SYSTEM}/generation.json' ")
    assert found[0]["hint"] == (
        f"never edit it: run cardgate evaluate-generation {SYSTEM} and commit it"
    )


def test_a_genai_artifact_outside_the_workspace_is_reported_on_the_card(
    tmp_path: Path,
) -> None:
    escape = ("    k: 5\n", "    k: 5\n    artifact: ../../../outside.json\n")
    found = _genai_report(tmp_path, {"edit_after": {CARD: [escape]}})
    assert len(found) == 1, found
    assert found[0]["path"] == CARD
    assert "artifact '../../../outside.json'" in found[0]["message"]


def test_without_release_a_genai_artifact_is_read_not_recomputed(tmp_path: Path) -> None:
    edit = {f"systems/{SYSTEM}/generation.json": [('"value": 0.898305084746', '"value": 0.95')]}
    assert _genai_report(tmp_path, {"edit_after": edit}) == []
