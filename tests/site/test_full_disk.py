"""`cardgate build` on a full disk: one message, exit 2, the output folder as it was.

A full disk cannot be mounted portably in a test: it is simulated by MkDocs's copy
raising ENOSPC midway (in this process), and by a file size limit (RLIMIT_FSIZE, EFBIG)
on the command and its MkDocs worker.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import cardgate
from cardgate.core.files import WriteError
from cardgate.documents.workspace import load_workspace
from cardgate.site.build import build_site
from tests.site.test_build import _tree

TODAY = dt.date(2026, 11, 30)


def test_a_full_disk_during_mkdocs_leaves_the_previous_site_whole(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mkdocs.commands.build

    monkeypatch.setenv("CARDGATE_JOBS", "1")  # MkDocs in this process
    out = workspace_root / "public"
    build_site(load_workspace(workspace_root), today=TODAY, out=out)
    before = _tree(out)
    real_build = mkdocs.commands.build.build

    def full_disk(config: Any, **options: Any) -> None:
        site = Path(config["site_dir"])
        site.mkdir(parents=True, exist_ok=True)
        (site / "index.html").write_text("half a page", "utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(site / "big.js.map"))

    monkeypatch.setattr(mkdocs.commands.build, "build", full_disk)
    with pytest.raises(WriteError) as raised:
        build_site(load_workspace(workspace_root), today=TODAY, out=out)
    assert raised.value.message == f"{out}: cannot write: No space left on device"
    assert _tree(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".public")) == []
    monkeypatch.setattr(mkdocs.commands.build, "build", real_build)
    left = workspace_root / ".public.build-x1y2" / "public"  # what a killed build leaves
    left.mkdir(parents=True)
    build_site(load_workspace(workspace_root), today=TODAY, out=out)  # replaced when it works
    assert _tree(out) == before
    assert not left.parent.exists()


def test_a_full_disk_in_a_fresh_folder_leaves_no_site(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mkdocs.commands.build

    monkeypatch.setenv("CARDGATE_JOBS", "1")

    def full_disk(config: Any, **options: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "x", None, config["site_dir"])

    monkeypatch.setattr(mkdocs.commands.build, "build", full_disk)
    parent = workspace_root / "fresh"
    parent.mkdir()
    with pytest.raises(WriteError, match="cannot write: No space left on device"):
        build_site(load_workspace(workspace_root), today=TODAY, out=parent / "out")
    assert list(parent.iterdir()) == []


def _limited() -> None:  # in the child: files of at most 60 KB, EFBIG instead of a signal
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (60_000, 60_000))


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="no RLIMIT_FSIZE")
def test_cli_build_that_cannot_write_says_so_once_and_keeps_the_site(
    workspace_root: Path,
) -> None:
    out = workspace_root / "public"
    package = str(Path(cardgate.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": package, "CARDGATE_JOBS": "2"}
    command = [sys.executable, "-m", "cardgate", "build", "--out", str(out)]
    first = subprocess.run(
        command, cwd=workspace_root, env=env, capture_output=True, text=True, check=False
    )
    assert first.returncode == 0, first.stderr
    before = _tree(out)
    limited = subprocess.run(
        command,
        cwd=workspace_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_limited,
    )
    assert limited.returncode == 2
    assert limited.stderr == (
        "cardgate: error: public: cannot write: File too large\n"
        "  hint: check that the folder and its parent are writable and the disk has room\n"
    )
    assert _tree(out) == before
    assert [p.name for p in workspace_root.iterdir() if p.name.startswith(".public")] == []
