"""Hole 11: a named file that does not exist is a configuration error; `.yml` documents
are read like `.yaml`, never ignored."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, TODAY, build_workspace, edit, gate


def test_a_misspelt_policy_file_is_a_configuration_error(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "cardgate.yaml").write_text(
        (root / "cardgate.yaml").read_text() + "policy: polcy.yaml\n"
    )
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "polcy.yaml" in out


def test_a_misspelt_waivers_file_is_a_configuration_error(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "cardgate.yaml").write_text(
        (root / "cardgate.yaml").read_text() + "waivers: waiver.yaml\n"
    )
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "waiver.yaml" in out


def test_yml_documents_are_gated_not_ignored(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    folder = root / f"systems/{SYSTEM}"
    (folder / "model-card.yaml").rename(folder / "model-card.yml")
    (folder / "checklist-nist-ai-rmf-core.yaml").rename(folder / "checklist-nist-ai-rmf-core.yml")
    edit(folder / "model-card.yml", ("name: Loan approval\n", "name: Loan approval\nnmae: x\n"))
    code, out = gate(root, "--release")
    assert code == 1, out
    assert "model-card.yml" in out and "GATE-DOC001" in out


STRICTER_POLICY = """\
kind: policy
schema_version: 1
extends: baseline
tiers:
  high:
    required_signoffs: [owner, legal, risk, auditor]
"""


def test_a_policy_yml_is_read_not_ignored(tmp_path: Path) -> None:
    """`policy.yml` at the default name's place is the workspace's policy: ignored, the
    baseline would silently stand in for everything it demands beyond it."""
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").unlink(missing_ok=True)
    (root / "policy.yml").write_text(STRICTER_POLICY, encoding="utf-8")
    code, out = gate(root, "--release")
    assert code == 1, out
    assert "no auditor sign-off" in out


def test_a_waivers_yml_is_read_not_ignored(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "waivers.yaml").unlink(missing_ok=True)
    (root / "waivers.yml").write_text(
        "kind: waivers\nschema_version: 1\nwaivers:\n"
        f"  - {{rule: GATE-FA003, system: {SYSTEM}, justification: j, approver: a, "
        "expires: 2026-12-31}\n",
        encoding="utf-8",
    )
    code, out = gate(root, "--release")
    assert code == 1, out  # a waiver of the system, added after its sign-offs: stale
    assert "waivers.yml" in out, out


def test_a_policy_under_both_names_is_a_configuration_error(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").write_text(STRICTER_POLICY, encoding="utf-8")
    (root / "policy.yml").write_text(STRICTER_POLICY, encoding="utf-8")
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "policy.yml" in out


def test_documents_named_in_another_case_are_a_configuration_error(tmp_path: Path) -> None:
    """`model-card.YAML`, `Checklist-….yaml` are not read on a case-sensitive file system
    (a CI runner) and are on a case-insensitive one (a laptop): ignored, the system would
    vanish from the gate with every finding it has."""
    root = build_workspace(tmp_path / "ws")
    folder = root / f"systems/{SYSTEM}"
    (folder / "model-card.yaml").rename(folder / "model-card.YAML")
    for checklist in folder.glob("checklist*.yaml"):
        checklist.rename(folder / ("C" + checklist.name[1:]))
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "in another case" in out and "rename it checklist-" in out
    for checklist in folder.glob("Checklist*.yaml"):
        checklist.rename(folder / ("c" + checklist.name[1:]))
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "model-card.YAML" in out


def test_a_datasheet_named_in_another_case_is_a_configuration_error(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "datasets/loans/datasheet.yaml").rename(root / "datasets/loans/Datasheet.yaml")
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "Datasheet.yaml" in out


def test_a_policy_named_in_another_case_is_a_configuration_error(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").unlink(missing_ok=True)
    (root / "Policy.yaml").write_text(STRICTER_POLICY, encoding="utf-8")
    code, out = gate(root, "--release")
    assert code == 2, out
    assert "Policy.yaml" in out


def test_a_system_passing_under_the_stand_in_for_an_unreadable_policy_says_so(
    tmp_path: Path,
) -> None:
    """An invalid policy fails the workspace, and the strict preset gates the systems in
    its place; their verdicts say under what (a bare "PASSED loan-approval" beside the
    failure read as if the workspace's own policy had passed it)."""
    root = build_workspace(tmp_path / "ws")
    (root / "policy.yaml").write_text("kind: policy\nschema_version: 1\ndefaults:\n  rules:\n")
    code, out = gate(root)
    assert code == 1, out
    verdicts = out.splitlines()[-1]
    assert verdicts.startswith("FAILED  workspace (1 error)")
    assert f"PASSED  {SYSTEM}" in verdicts
    assert verdicts.endswith(
        "   (systems gated under the preset strict (policy unreadable); "
        f"judged as of {TODAY.isoformat()}, set by --today; artifacts as committed, not "
        "recomputed; draft mode)"
    )
    code, out = gate(build_workspace(tmp_path / "valid"))  # a usable policy: nothing added
    assert code == 0, out
    assert out.splitlines()[-1].endswith(
        f"   (judged as of {TODAY.isoformat()}, set by --today; artifacts as committed, not "
        "recomputed; draft mode)"
    )
