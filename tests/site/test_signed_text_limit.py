"""The site's "what changed since the sign-off" reads the signed text from git within the
document size limit, as it reads today's file: a huge blob at the signed commit is a
note, not the machine's memory."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest

from cardgate.site.view_inputs import changes_since
from cardgate.site.view_model import SignoffView


class _Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root

    def resolve(self, relative: str) -> Path:
        return self.root / relative


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _signoff(commit: str, *paths: str) -> SignoffView:
    return SignoffView(
        role="legal",
        name="L",
        date=dt.date(2026, 11, 30),
        note="",
        commit=commit,
        stale=True,
        changed=list(paths),
        documents={path: "a" * 64 for path in paths},
        current={path: "b" * 64 for path in paths},
    )


def test_a_signed_text_over_the_document_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    card = root / "model-card.yaml"
    card.write_text("name: x\n" + "# padding\n" * 200, encoding="utf-8")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "signed")
    commit = _git(root, "rev-parse", "HEAD")
    card.write_text("name: y\n", encoding="utf-8")
    signoff = _signoff(commit, "model-card.yaml")
    workspace = _Workspace(root)
    (shown,) = changes_since(workspace, signoff)  # type: ignore[arg-type]
    assert shown.diff and "-name: x" in shown.diff
    monkeypatch.setenv("CARDGATE_MAX_DOCUMENT_BYTES", "1K")
    (refused,) = changes_since(workspace, signoff)  # type: ignore[arg-type]
    assert not refused.diff
    assert f"the text at commit {commit[:12]} is 2,008 bytes, over the limit of 1,024" in (
        refused.note
    )
    assert "the digests prove it changed" in refused.note


def test_changed_evidence_folders_and_binary_files_get_a_note_not_a_garbled_diff(
    tmp_path: Path,
) -> None:
    """Evidence a sign-off covers can be a folder or a PDF: the site says what changed and
    how to see it, rather than "commit not available" or a diff of replacement characters."""
    root = tmp_path / "ws"
    (root / "reports").mkdir(parents=True)
    (root / "reports/a.md").write_text("A\n", encoding="utf-8")
    (root / "review.pdf").write_bytes(b"%PDF-1.7\n\0\x01\x02binary")
    _git(root, "init", "-q")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "signed")
    commit = _git(root, "rev-parse", "HEAD")
    (root / "reports/a.md").write_text("B\n", encoding="utf-8")
    (root / "review.pdf").write_bytes(b"%PDF-1.7\n\0\x03\x04other")
    folder, pdf = changes_since(_Workspace(root), _signoff(commit, "reports", "review.pdf"))  # type: ignore[arg-type]
    assert not folder.diff and f"git diff {commit[:12]} -- reports shows which" in folder.note
    assert not pdf.diff and pdf.note == "a binary file: the digests prove it changed"
