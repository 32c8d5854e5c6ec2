"""A sign-off records the git commit its signed text is in, and no other.

The review site shows what changed since a sign-off as a diff against the commit it
records. A signer who saw uncommitted text signed something the commit does not hold: a
diff against it would show signed lines as changes, or hide changes that were not signed.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .conftest import SYSTEM, build_workspace, cli, edit, git


def _workspace(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _sign(root: Path) -> tuple[int, str, dict[str, object]]:
    code, out = cli(
        "sign", SYSTEM, "--workspace", str(root), "--role", "owner", "--name", "Ada",
        "--today", "2026-11-30",
    )  # fmt: skip
    text = (root / f"systems/{SYSTEM}/signoffs.yaml").read_text(encoding="utf-8")
    return code, out, yaml.safe_load(text)["signoffs"][-1]


def test_a_clean_tree_records_its_commit(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    code, out, signoff = _sign(root)
    assert code == 0, out
    assert signoff["commit"] == git(root, "rev-parse", "HEAD").strip()
    assert "records no commit" not in out


def test_an_uncommitted_change_to_a_covered_file_records_none(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    edit(root / f"systems/{SYSTEM}/model-card.yaml", ("name: ", "name: Renamed "))
    code, out, signoff = _sign(root)
    assert code == 0, out
    assert "commit" not in signoff
    assert "records no commit" in out


def test_an_untracked_covered_file_records_none(tmp_path: Path) -> None:
    root = _workspace(tmp_path)
    git(root, "rm", "-q", "--cached", f"systems/{SYSTEM}/model-card.yaml")
    git(root, "commit", "-qm", "untrack the card")
    code, out, signoff = _sign(root)
    assert code == 0, out
    assert "commit" not in signoff


def test_a_change_elsewhere_keeps_the_commit(tmp_path: Path) -> None:
    """Only what the sign-off covers must be as committed: a scratch file does not matter."""
    root = _workspace(tmp_path)
    (root / "notes.txt").write_text("scratch\n", encoding="utf-8")
    code, out, signoff = _sign(root)
    assert code == 0, out
    assert signoff["commit"] == git(root, "rev-parse", "HEAD").strip()


def test_outside_git_no_commit_and_no_note(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    code, out, signoff = _sign(root)
    assert code == 0, out
    assert "commit" not in signoff
    assert "records no commit" not in out
