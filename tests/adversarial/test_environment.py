"""Item 10 of issue #15: a failing environment gets a one-line message naming the file and
the cause, never "internal error … this is a bug".

Permissions are tested as an unprivileged user (`setpriv`, when the tests run as root,
since root ignores them); a full disk as a file-size limit (RLIMIT_FSIZE: the write fails
with EFBIG as it would with ENOSPC); a full standard output as /dev/full.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import DATASET, SYSTEM, TODAY, one_line_error, run_cli

NOBODY = 65534


@pytest.fixture
def shared(workspace: Path) -> Iterator[Path]:
    """The workspace in a folder an unprivileged user can read (not under pytest's 0700
    temporary folder)."""
    folder = Path(tempfile.mkdtemp(prefix="cardgate-shared-"))
    folder.chmod(0o755)
    root = folder / "ws"
    shutil.copytree(workspace, root, symlinks=True)
    for path in [root, *root.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield root
    for path in [root, *root.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


def _as_user(
    *args: str | Path, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """cardgate as an unprivileged user (as this user when the tests do not run as root)."""
    command = [sys.executable, "-m", "cardgate", *(str(arg) for arg in args)]
    if os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    env = {**os.environ, "CARDGATE_TODAY": TODAY, "CARDGATE_NO_CACHE": "1", "HOME": "/nonexistent"}
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_a_read_only_workspace(shared: Path) -> None:
    folder = shared / "datasets" / DATASET
    (folder / "data-check.json").unlink()
    folder.chmod(0o555)
    done = _as_user("check-data", DATASET, "-w", shared)
    assert done.returncode == 2, done.stdout
    line = one_line_error(done.stderr)
    assert "data-check.json" in line and "Permission denied" in line


def test_an_unreadable_evaluation_artifact(shared: Path) -> None:
    (shared / "systems" / SYSTEM / "evaluation.json").chmod(0o000)
    # --release computes the example's evaluations, data checks and monitoring windows again
    done = _as_user("gate", "-w", shared, "--release", timeout=300)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert f"systems/{SYSTEM}/evaluation.json" in done.stdout
    assert "cannot be read: Permission denied" in done.stdout


def _small_files() -> None:  # pragma: no cover - runs in the child
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def test_a_full_disk(workspace: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cardgate", "check-data", DATASET, "-w", workspace],
        env={**os.environ, "CARDGATE_TODAY": TODAY, "CARDGATE_NO_CACHE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_small_files,
        check=False,
    )
    assert done.returncode == 2, done.stdout
    line = one_line_error(done.stderr)
    assert f"datasets/{DATASET}/data-check.json" in line and "File too large" in line
    leftovers = [p.name for p in (workspace / "datasets" / DATASET).iterdir() if ".tmp" in p.name]
    assert leftovers == []


@pytest.mark.parametrize("command", [("validate",), ("gate",), ("coverage",)])
def test_standard_output_on_a_full_device(workspace: Path, command: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        done = run_cli(*command, "-w", workspace, stdout=full.fileno())
    assert done.returncode == 2
    line = one_line_error(done.stderr)
    assert "cannot write to standard output: No space left on device" in line


def test_a_busy_port_for_serve(workspace: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "-w", workspace, "--port", str(port), timeout=120)
    assert done.returncode == 2
    line = one_line_error(done.stderr)
    assert f"127.0.0.1:{port}" in line and "in use" in line


def test_corrupt_cache_entries_are_ignored(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("CARDGATE_CACHE_DIR", str(cache))
    first = run_cli("validate", "-w", workspace)
    entries = [path for path in cache.rglob("*") if path.is_file()]
    assert entries, "validate filled no cache entry"
    for index, entry in enumerate(entries):
        entry.unlink()
        if index % 3 == 0:
            os.mkfifo(entry)  # a read would block
        elif index % 3 == 1:
            entry.write_bytes(b"\x80garbage\x00" * 10)
        else:
            entry.write_text('{"not": "an entry"}', encoding="utf-8")
    again = run_cli("validate", "-w", workspace, timeout=60)
    assert "internal error" not in again.stderr and "Traceback" not in again.stderr
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
