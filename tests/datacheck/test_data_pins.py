"""A model card's pinned sha256 against the latest data-check artifact, via `cardgate validate`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.digests import file_sha256

if TYPE_CHECKING:
    from conftest import DataWorkspace

OTHER = "ab" * 32


def _card(ws: DataWorkspace, pin: str) -> Path:
    runner = CliRunner()
    result = runner.invoke(app, ["new", "model-card", "demo", "--workspace", str(ws.root)])
    assert result.exit_code == 0, result.output
    card = ws.root / "systems" / "demo" / "model-card.yaml"
    text = card.read_text(encoding="utf-8")
    head, _, tail = text.partition("\ntraining_data:\n")
    assert tail, "the template has a training_data section"
    tail = tail.replace(
        "    - dataset: TODO\n", f"    - dataset: applications\n      sha256: {pin}\n", 1
    )
    text = head + "\ntraining_data:\n" + tail
    card.write_text(text, encoding="utf-8")
    return card


def _validate(ws: DataWorkspace) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws.root)])
    return result.exit_code, result.stdout


def _checked(ws: DataWorkspace) -> str:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer}")
    path = ws.data(pd.DataFrame({"a": [1, 2, 3]}))
    assert ws.check()[0] == 0
    return file_sha256(path)


def _line_of(path: Path, text: str) -> tuple[int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(text)


def test_matching_pin_is_quiet(ws: DataWorkspace) -> None:
    digest = _checked(ws)
    _card(ws, digest)
    _code, out = _validate(ws)
    assert "CG130" not in out, out


def test_mismatched_pin_is_reported_at_the_value(ws: DataWorkspace) -> None:
    digest = _checked(ws)
    card = _card(ws, OTHER)
    code, out = _validate(ws)
    line, column = _line_of(card, OTHER)
    assert code == 1
    assert f"model-card.yaml:{line}:{column}: CG130 pinned sha256 of dataset 'applications'" in out
    assert digest[:12] in out


def test_datasheet_pin_is_compared_too(ws: DataWorkspace) -> None:
    _checked(ws)
    sheet = ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer}", sha256=OTHER)
    _code, out = _validate(ws)
    line, column = _line_of(sheet, OTHER)
    assert f"datasheet.yaml:{line}:{column}: CG130" in out


def test_pin_without_artifact_is_left_to_the_gate(ws: DataWorkspace) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer}")
    _card(ws, OTHER)
    assert "CG130" not in _validate(ws)[1]


def test_validate_with_artifacts_imports_no_pandas(ws: DataWorkspace) -> None:
    _checked(ws)
    _card(ws, OTHER)
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom cardgate.cli import app\n"
        f"result = CliRunner().invoke(app, ['validate', '--workspace', {str(ws.root)!r}])\n"
        "assert 'CG130' in result.stdout, result.output\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'duckdb', 'pyarrow') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
