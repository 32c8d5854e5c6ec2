"""Items 1, 6 and 13 of issue #15, item 13 of issue #12: what cardgate writes.

Every artifact and output goes through one function (`cardgate.core.files.write_file`):
no write through a symlink, onto anything but a regular file, outside the workspace (or
the chosen folder), or onto a human-authored document; the umask is respected.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import DATASET, SIGNED_SYSTEM, SYSTEM, TODAY, invoke, one_line_error, run_cli

CARD = f"systems/{SYSTEM}/model-card.yaml"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def _set_artifact(workspace: Path, artifact: str) -> None:
    card = workspace / CARD
    text = card.read_text(encoding="utf-8")
    marker = "  task: binary-classification\n"
    assert marker in text
    card.write_text(text.replace(marker, marker + f"  artifact: {artifact}\n", 1), "utf-8")


def test_evaluate_does_not_write_through_a_symlink_onto_the_card(workspace: Path) -> None:
    folder = workspace / "systems" / SYSTEM
    (folder / "evaluation.json").unlink()
    (folder / "evaluation.json").symlink_to("model-card.yaml")
    before = _snapshot(workspace)
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 2
    line = one_line_error(err)
    assert "evaluation.json" in line and "symbolic link" in line
    assert _snapshot(workspace) == before
    assert (folder / "evaluation.json").is_symlink()


@pytest.mark.parametrize("artifact", ["../../policy.yaml", "../../README.md", "model-card.yaml"])
def test_evaluate_does_not_overwrite_a_human_document(workspace: Path, artifact: str) -> None:
    _set_artifact(workspace, artifact)
    before = _snapshot(workspace)
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 2
    line = one_line_error(err)
    assert f"{CARD}:" in line and "evaluation.artifact" in line
    assert "not an evaluation artifact" in line or "human-authored document" in line
    assert _snapshot(workspace) == before


def test_evaluate_artifact_link_leading_outside_is_refused(workspace: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.json"
    outside.write_text('{"artifact": "cardgate-evaluation"}\n', encoding="utf-8")
    folder = workspace / "systems" / SYSTEM
    (folder / "evaluation.json").unlink()
    (folder / "evaluation.json").symlink_to(outside)
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    line = one_line_error(err)
    assert code == 2 and ("symbolic link" in line or "outside the workspace" in line)
    assert outside.read_text(encoding="utf-8") == '{"artifact": "cardgate-evaluation"}\n'


def test_check_data_does_not_write_through_a_symlink(workspace: Path) -> None:
    folder = workspace / "datasets" / DATASET
    (folder / "data-check.json").unlink()
    (folder / "data-check.json").symlink_to("datasheet.yaml")
    before = _snapshot(workspace)
    code, _, err = invoke("check-data", DATASET, "-w", workspace, "--today", TODAY)
    assert code == 2
    assert "symbolic link" in one_line_error(err)
    assert _snapshot(workspace) == before


def test_check_data_refuses_a_fifo_artifact(workspace: Path) -> None:
    target = workspace / "datasets" / DATASET / "data-check.json"
    target.unlink()
    os.mkfifo(target)
    done = run_cli("check-data", DATASET, "-w", workspace, timeout=60)
    assert done.returncode == 2
    assert "not a regular file" in one_line_error(done.stderr)
    assert stat.S_ISFIFO(target.lstat().st_mode)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    try:  # /dev/null's numbers: harmless if the test ever wrote to it
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (root)")


def _link(path: Path) -> None:
    victim = path.with_name("victim.txt")
    victim.write_text("precious\n", encoding="utf-8")
    path.symlink_to(victim.name)


def _folder(path: Path) -> None:
    path.mkdir()


@pytest.mark.parametrize(
    "make", [_fifo, _device, _link, _folder], ids=["fifo", "device", "symlink", "folder"]
)
def test_gate_output_refuses_what_is_not_a_regular_file(
    workspace: Path, tmp_path: Path, make: Callable[[Path], None]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "gate.sarif"
    make(target)
    before = target.lstat()
    done = run_cli("gate", "-w", workspace, "--output", f"sarif={target}", timeout=60)
    assert done.returncode == 2
    line = one_line_error(done.stderr)
    assert "gate.sarif" in line
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    if (out / "victim.txt").exists():
        assert (out / "victim.txt").read_text(encoding="utf-8") == "precious\n"


def test_gate_output_refuses_a_human_document(workspace: Path) -> None:
    before = _snapshot(workspace)
    code, _, err = invoke("gate", "-w", workspace, "--output", f"json={workspace / CARD}")
    assert code == 2
    assert "human-authored document" in one_line_error(err)
    assert _snapshot(workspace) == before


def test_gate_output_may_replace_its_previous_output(workspace: Path, tmp_path: Path) -> None:
    target = tmp_path / "gate.md"
    for _ in range(2):
        code, _, err = invoke("gate", "-w", workspace, "--output", f"markdown={target}")
        assert code == 1, err
    assert "cardgate gate" in target.read_text(encoding="utf-8")


def test_gate_outputs_to_one_file_are_refused(workspace: Path, tmp_path: Path) -> None:
    """Two formats for one path would leave the last one written, silently."""
    target = tmp_path / "gate.out"
    same = tmp_path / "sub" / ".." / "gate.out"
    (tmp_path / "sub").mkdir()
    code, _, err = invoke(
        "gate", "-w", workspace, "--output", f"json={target}", "--output", f"sarif={same}"
    )
    assert code == 2
    assert "json and sarif" in one_line_error(err) and "gate.out" in one_line_error(err)
    assert not target.exists()


@pytest.mark.parametrize(
    "command",
    [
        ("init", "{blocked}"),
        ("schema", "--out", "{blocked}"),
        ("export", "hf", "--out", "{blocked}"),
        ("gate", "--output", "json={blocked}/gate.json"),
        ("build", "--out", "{blocked}/site"),
    ],
)
def test_a_file_in_the_way_of_an_output_folder_is_named(
    workspace: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    """A file where an output folder (or one above it) must be: one message naming it,
    with a hint, not 'File exists' or 'cannot inspect: Not a directory'."""
    notes = tmp_path / "notes.txt"
    notes.write_text("precious\n", encoding="utf-8")
    blocked = str(notes / "out")
    args = [arg.format(blocked=blocked) for arg in command]
    code, _, err = invoke(*args, *(["-w", str(workspace)] if command[0] != "init" else []))
    assert code == 2, err
    line = one_line_error(err)
    assert "notes.txt is a file, not a folder" in line, err
    assert "hint: name a folder" in err
    assert notes.read_text(encoding="utf-8") == "precious\n"


def test_schema_out_does_not_write_through_links(workspace: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    folder = workspace / ".schemas"
    (folder / "policy.schema.json").unlink()
    (folder / "policy.schema.json").symlink_to(victim)
    code, _, err = invoke("schema", "-w", workspace)
    assert code == 2 and "symbolic link" in one_line_error(err)
    assert victim.read_text(encoding="utf-8") == "precious\n"


def test_init_does_not_write_through_a_dangling_link(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    victim = tmp_path / "victim.yaml"
    (folder / "policy.yaml").symlink_to(victim)
    code, _, err = invoke("init", folder)
    assert code == 2 and "symbolic link" in one_line_error(err)
    assert not victim.exists()


def test_new_checklist_system_is_confined(workspace: Path, tmp_path: Path) -> None:
    code, _, err = invoke("new", "checklist", "x", "--system", "../../y", "-w", workspace)
    assert code == 2
    one_line_error(err)
    assert not list(tmp_path.rglob("checklist-*.yaml")) or all(
        workspace in path.parents for path in tmp_path.rglob("checklist-*.yaml")
    )
    assert not (tmp_path / "y").exists() and not (workspace.parent / "y").exists()


def test_sign_does_not_replace_a_symlinked_signoffs_file(workspace: Path, tmp_path: Path) -> None:
    path = workspace / "systems" / SIGNED_SYSTEM / "signoffs.yaml"
    moved = tmp_path / "elsewhere.yaml"
    path.rename(moved)
    path.symlink_to(moved)
    before = moved.read_bytes()
    code, _, err = invoke("sign", SIGNED_SYSTEM, "--role", "audit", "--name", "A", "-w", workspace)
    assert code == 2 and "symbolic link" in one_line_error(err)
    assert path.is_symlink() and moved.read_bytes() == before


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_022")
def test_files_created_respect_the_umask(workspace: Path, tmp_path: Path) -> None:
    (workspace / "systems" / SYSTEM / "evaluation.json").unlink()
    code, _, err = invoke("check-data", DATASET, "-w", workspace, "--today", TODAY)
    assert code in (0, 1), err
    (workspace / "datasets" / DATASET / "data-check.json").unlink()
    invoke("check-data", DATASET, "-w", workspace, "--today", TODAY)
    report = tmp_path / "gate.sarif"
    invoke("gate", "-w", workspace, "--output", f"sarif={report}")
    fresh = tmp_path / "fresh"
    assert invoke("init", fresh)[0] == 0
    for path in (
        workspace / "datasets" / DATASET / "data-check.json",
        report,
        fresh / "cardgate.yaml",
        fresh / "policy.yaml",
        fresh / ".schemas" / "model-card.schema.json",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


@pytest.mark.usefixtures("umask_022")
def test_a_replaced_file_keeps_its_mode(workspace: Path) -> None:
    path = workspace / "systems" / SIGNED_SYSTEM / "signoffs.yaml"
    path.chmod(0o640)
    code, _, err = invoke("sign", SIGNED_SYSTEM, "--role", "audit", "--name", "A", "-w", workspace)
    assert code == 0, err
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_linked_folder_leading_outside_is_refused(workspace: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (workspace / ".schemas").rename(tmp_path / "old-schemas")
    (workspace / ".schemas").symlink_to(elsewhere)
    code, _, err = invoke("schema", "-w", workspace)
    assert code == 2 and "outside" in one_line_error(err)
    assert not list(elsewhere.iterdir())
