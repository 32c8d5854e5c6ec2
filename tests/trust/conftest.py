"""Shared by the trust tests (issue 12): the passing gate workspace of tests/gate, driven
through the command line as a user (or an adversary) would."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app
from tests.gate.conftest import SYSTEM, TODAY, build_workspace

runner = CliRunner()

__all__ = ["SYSTEM", "TODAY", "build_workspace", "cli", "edit", "gate", "gate_json", "git"]


def cli(*args: str) -> tuple[int, str]:
    """Run `cardgate ARGS` in process; (exit code, stdout and stderr)."""
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def gate(root: Path, *args: str) -> tuple[int, str]:
    return cli("gate", "-w", str(root), "--today", TODAY.isoformat(), *args)


def gate_json(root: Path, *args: str) -> tuple[int, dict[str, object]]:
    code, out = gate(root, "--format", "json", *args)
    assert code in (0, 1), out
    return code, json.loads(out)


def codes(report: dict[str, object], key: str = "findings") -> list[str]:
    found = report[key]
    assert isinstance(found, list)
    return [str(item["code"]) for item in found]


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def edit(path: Path, *replacements: Sequence[str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"{path.name}: {old!r} not found"
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
