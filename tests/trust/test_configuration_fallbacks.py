"""Hole 11: a named file that does not exist is a configuration error; `.yml` documents
are read like `.yaml`, never ignored."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, edit, gate


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
