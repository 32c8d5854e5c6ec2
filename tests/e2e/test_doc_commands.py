"""Commands and snippets the documentation shows, run as written on a copy of governance/.

Only the cheap ones that no other test runs as the page spells them: docs/monitoring.md's
first commands (its window path once named a file the worked example does not have) and
docs/coverage-json.md's Python snippet (it once imported a function from a module it had
left). The README's main loop is tests/e2e/test_worked_example.py, the tutorial
tests/e2e/test_tutorial.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "governance", tmp_path / "governance")
    return tmp_path / "governance"


def blocks(page: str, language: str) -> list[str]:
    """The code blocks of `page` (under docs/) fenced as `language`, in order."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, re.S | re.M)


def cardgate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cardgate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "CARDGATE_TODAY": TODAY},
        check=False,
        timeout=600,
    )


def test_monitoring_first_commands_run_as_written(copy: Path) -> None:
    """`cardgate profile` and `cardgate monitor --window PATH` from the workspace folder:
    the window is one the worked example has (already recorded, so nothing changes)."""
    commands = [
        shlex.split(line.split("#", 1)[0].replace("[--window ...]", ""))
        for line in blocks("monitoring.md", "sh")[0].splitlines()
        if line.startswith(("cardgate profile ", "cardgate monitor "))
    ]
    assert [command[:2] for command in commands] == [
        ["cardgate", "profile"],
        ["cardgate", "monitor"],
    ]
    before = {
        name: (copy / "systems/income-screening" / name).read_bytes()
        for name in ("profile.json", "monitoring.json")
    }
    for command in commands:
        result = cardgate(*command[1:], cwd=copy)
        assert result.returncode == 0, result.stdout + result.stderr
    after = {name: (copy / "systems/income-screening" / name).read_bytes() for name in before}
    assert after == before


def test_coverage_json_snippet_gives_what_the_command_prints(
    copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (snippet,) = blocks("coverage-json.md", "python")
    scope: dict[str, Any] = {}
    monkeypatch.chdir(copy.parent)  # the snippet names the workspace "governance"
    exec(compile(snippet, "docs/coverage-json.md", "exec"), scope)
    printed = cardgate("coverage", "--format", "json", "--crosswalk", "iso-42001", cwd=copy)
    assert printed.returncode == 0, printed.stderr
    assert scope["data"] == json.loads(printed.stdout)
