"""docs/tutorial.md is current: its commands run, in order, and print what it shows.

The tutorial is read as a script: a ```` ```python title="PATH" ```` or
```` ```yaml title="PATH" ```` block is written to PATH (relative to the project folder
the tutorial starts in); in a ```` ```console ```` block each ``$ command`` runs with bash
(``cd`` changes the folder of the next commands) and must print exactly the lines shown
below it. ``pip install`` lines are skipped: the test runs the installed cardgate.

After a change of cardgate's output, rewrite the shown outputs with
``python tests/e2e/test_tutorial.py --write`` and read the diff.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TUTORIAL = REPO / "docs" / "tutorial.md"
TODAY = "2026-12-01"
_FENCE = re.compile(r'^```(\w+)(?: title="([^"]+)")?\s*$')


@dataclass
class Block:
    kind: str
    title: str | None
    start: int
    """Index of the first line inside the fence."""
    lines: list[str]


def blocks(text: str) -> list[Block]:
    found: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            index += 1
            continue
        end = lines.index("```", index + 1)
        found.append(Block(match.group(1), match.group(2), index + 1, lines[index + 1 : end]))
        index = end + 1
    return found


def _environment() -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "CARDGATE_TODAY": TODAY,
        "NO_COLOR": "1",
        "COLUMNS": "120",
    }


def play(project: Path) -> list[tuple[Block, list[str]]]:
    """Run the tutorial in `project`; each console block with the output it printed."""
    cwd = project
    played = []
    for block in blocks(TUTORIAL.read_text(encoding="utf-8")):
        if block.title is not None:
            target = project / block.title
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(block.lines) + "\n", encoding="utf-8")
            continue
        if block.kind != "console":
            continue
        printed: list[str] = []
        for line in block.lines:
            if not line.startswith("$ "):
                continue
            command = line[2:]
            printed.append(line)
            if command.startswith("pip install"):
                continue
            if command.startswith("cd "):
                cwd = (cwd / shlex.split(command)[1]).resolve()
                continue
            done = subprocess.run(
                ["bash", "-c", command],
                cwd=cwd,
                env=_environment(),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            printed.extend((done.stdout + done.stderr).splitlines())
        played.append((block, printed))
    return played


@pytest.mark.slow
def test_the_tutorial_runs_and_shows_current_output(tmp_path: Path) -> None:
    for block, printed in play(tmp_path):
        assert printed == block.lines, (
            f"docs/tutorial.md line {block.start + 1}: the output shown is not current; "
            "run: python tests/e2e/test_tutorial.py --write"
        )
    workspace = tmp_path / "governance"
    assert (workspace / "systems" / "loan-screening" / "evaluation.json").is_file()


def _write() -> None:
    import tempfile

    text = TUTORIAL.read_text(encoding="utf-8").splitlines()
    with tempfile.TemporaryDirectory() as folder:
        played = play(Path(folder))
    for block, printed in reversed(played):
        text[block.start : block.start + len(block.lines)] = printed
    TUTORIAL.write_text("\n".join(text) + "\n", encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        _write()
    else:
        sys.exit("usage: python tests/e2e/test_tutorial.py --write")
