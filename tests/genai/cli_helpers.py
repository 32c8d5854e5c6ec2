"""What the GenAI command tests share: run a command on a workspace, edit a file once."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app


def run_cli(ws: Path, *args: str) -> tuple[int, str]:
    """Exit code and output of `cardgate ARGS --workspace WS`; a traceback fails the test."""
    result = CliRunner().invoke(app, [*args, "--workspace", str(ws)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def edit_once(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in the file at `path` (which must hold it) by `new`."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
