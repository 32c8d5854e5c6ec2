"""Item 13 of issue #15: every path the workspace configures, or a link in it, stays in it.

A document reached through a link leading out of the workspace is a problem and is not
read (so nothing of what it leads to is echoed); `policy:` and `waivers:` name files of
the workspace; `new checklist --system ../../y` is covered in test_writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SYSTEM, invoke, one_line_error

SECRET = "SECRET-TOKEN-4d1f"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A YAML file outside the workspace whose content would be echoed if read."""
    path = tmp_path / "outside.yaml"
    path.write_text(f"kind: {SECRET}\nschema_version: 1\n", encoding="utf-8")
    return path


def _set(workspace: Path, key: str, value: str) -> None:
    config = workspace / "cardgate.yaml"
    text = config.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith(f"{key}:"))
    config.write_text(text.replace(old, f"{key}: {value}"), encoding="utf-8")


@pytest.mark.parametrize("key", ["policy", "waivers"])
@pytest.mark.parametrize("where", ["../outside.yaml", "{outside}"])
def test_policy_and_waivers_must_be_in_the_workspace(
    workspace: Path, outside: Path, key: str, where: str
) -> None:
    _set(workspace, key, where.format(outside=outside))
    for command in (("validate",), ("gate",)):
        code, out, err = invoke(*command, "-w", workspace)
        assert code == 2, out
        line = one_line_error(err)
        assert f"'{key}'" in line and ("outside the workspace" in line or "absolute" in line)
        assert SECRET not in out + err


def test_a_checklist_linked_from_outside_is_not_read(workspace: Path, outside: Path) -> None:
    link = workspace / "systems" / SYSTEM / "checklist-evil.yaml"
    link.symlink_to(outside)
    code, out, err = invoke("validate", "-w", workspace)
    assert code == 1
    assert f"systems/{SYSTEM}/checklist-evil.yaml:1:1: CG001" in out
    assert "outside the workspace" in out
    assert SECRET not in out + err


def test_a_system_folder_linked_from_outside_is_not_read(
    workspace: Path, outside: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "model-card.yaml").write_text(outside.read_text(encoding="utf-8"), "utf-8")
    (workspace / "systems" / "linked").symlink_to(folder)
    code, out, err = invoke("validate", "-w", workspace)
    assert code == 1
    assert "systems/linked/model-card.yaml:1:1: CG001" in out
    assert SECRET not in out + err


def test_a_checklist_definition_linked_from_outside_is_not_read(
    workspace: Path, outside: Path
) -> None:
    folder = workspace / "checklists"
    folder.mkdir(exist_ok=True)
    (folder / "evil.yaml").symlink_to(outside)
    code, out, err = invoke("validate", "-w", workspace)
    assert code == 1
    assert "checklists/evil.yaml:1:1: CG001" in out, out + err
    assert SECRET not in out + err


def _set_signers(workspace: Path, value: str) -> None:
    config = workspace / "cardgate.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  allowed_signers: allowed_signers\n" in text
    config.write_text(
        text.replace("  allowed_signers: allowed_signers\n", f"  allowed_signers: {value}\n"),
        encoding="utf-8",
    )


@pytest.mark.parametrize("where", ["../outside_signers", "{outside}", "linked_signers"])
def test_allowed_signers_must_be_in_the_workspace(
    workspace: Path, tmp_path: Path, where: str
) -> None:
    """Who may sign is reviewed with the workspace: a file outside it (absolute, ``..``, or
    through a link) would let a change point the gate at keys nobody reviews."""
    outside = tmp_path / "outside_signers"
    outside.write_bytes((workspace / "allowed_signers").read_bytes())
    (workspace / "linked_signers").symlink_to(outside)
    _set_signers(workspace, where.format(outside=outside))
    for command in (("validate",), ("gate",)):
        code, out, err = invoke(*command, "-w", workspace)
        assert code == 2, out
        line = one_line_error(err)
        assert "'signers.allowed_signers'" in line
        assert "outside the workspace" in line or "absolute" in line


def test_an_allowed_signers_file_over_its_limit_is_refused(workspace: Path) -> None:
    """A 3 GB sparse file made every ssh-keygen -Y verify grow to 2 GB, then report a
    signature that 'does not verify'."""
    signers = workspace / "allowed_signers"
    keys = signers.read_bytes()
    with signers.open("r+b") as stream:
        stream.truncate(3 << 30)
        stream.seek(0, 2)
        stream.write(keys)
    for command in (("validate",), ("gate",)):
        code, out, err = invoke(*command, "-w", workspace)
        assert code == 2, out
        line = one_line_error(err)
        assert "'signers.allowed_signers'" in line and "over the limit of 1,048,576" in line
