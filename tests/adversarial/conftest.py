"""An attacker's workbench: a copy of the worked example to attack, and the CLI to run.

Every hostile fixture (symlinks, FIFOs, /dev/zero links, gzip bombs, hostile names) is
made by the test that needs it, in its own temporary folder; nothing hostile is committed.
Commands run in a subprocess when they could hang or exhaust memory (with a timeout and a
memory cap), otherwise in process through typer's CliRunner.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app

REPO = Path(__file__).resolve().parents[2]
GOVERNANCE = REPO / "governance"
TODAY = "2026-11-30"
SYSTEM = "credit-default"
SIGNED_SYSTEM = "income-screening"
DATASET = "german-credit"

MEMORY_CAP = 2 << 30
"""Address space of a subprocess that reads hostile input: running out is a failure, not
the test machine's problem."""


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the worked example (governance/) to attack."""
    root = tmp_path / "ws"
    shutil.copytree(GOVERNANCE, root, symlinks=True)
    return root


def invoke(*args: str | Path) -> tuple[int, str, str]:
    """Run cardgate in process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    return result.exit_code, result.stdout, result.stderr


def _capped(cap: int) -> Callable[[], None]:
    def cap_memory() -> None:  # pragma: no cover - runs in the child
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return cap_memory


def run_cli(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = 60,
    stdout: int | None = subprocess.PIPE,
    memory: int = MEMORY_CAP,
) -> subprocess.CompletedProcess[str]:
    """Run cardgate in a subprocess with a timeout and a memory cap.

    A hang raises `subprocess.TimeoutExpired` (the test fails); so does running out of the
    capped memory (the exit status then says so).
    """
    env = {**os.environ, "CARDGATE_TODAY": TODAY, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cardgate", *(str(arg) for arg in args)],
        cwd=cwd,
        env=env,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        preexec_fn=_capped(memory),
        check=False,
    )


def one_line_error(stderr: str) -> str:
    """The error line of a failed command: no traceback, no 'internal error'."""
    assert "Traceback" not in stderr, stderr
    assert "internal error" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("cardgate: error:")]
    assert len(lines) == 1, stderr
    return lines[0]
