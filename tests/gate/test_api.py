"""`cardgate.api`: the objects the command line renders, computed by the same code."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cardgate.api as cg
from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, UsageError
from cardgate.evidence.evaluation.artifact import artifact_data

from .conftest import SYSTEM, TODAY, build_workspace

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_gate_returns_the_result_the_cli_renders(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner"]})
    result = cg.gate(root, release=True, today=TODAY)
    assert isinstance(result, cg.GateResult)
    assert not result.passed and result.exit_code == 1
    assert {f.code for f in result.findings} == {"GATE-SO001"}
    code, out = cli("gate", "-w", str(root), "--release", "--today", TODAY.isoformat())
    assert code == result.exit_code
    assert cg.render(result, "text") == out
    data = json.loads(cg.render(result, "json"))
    assert data["format"] == "cardgate-gate"
    draft = cg.gate(root, release=False, today=TODAY.isoformat())
    assert draft.passed  # missing sign-offs only warn in a draft


def test_status_and_validate(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "legal"]})
    report = cg.status(root, today=TODAY)
    (system,) = report.systems
    assert [step.key for step in system.left] == ["signoffs"]
    code, out = cli("status", "-w", str(root), "--today", TODAY.isoformat())
    assert code == report.exit_code == 1
    assert cg.render(report, "text") == out
    validation = cg.validate(root)
    assert validation.problems == [] and validation.exit_code == 0
    with pytest.raises(UsageError, match="text or json"):
        cg.render(report, "sarif")


def test_arguments_of_the_wrong_kind_raise_the_documented_errors(tmp_path: Path) -> None:
    """An unknown format was a KeyError from the registry, a date given as a number an
    AttributeError from deep in the gate ('int' object has no attribute 'strip');
    each is now the error the command line reports for it, with a hint."""
    root = build_workspace(tmp_path / "ws")
    result = cg.gate(root, today=TODAY)
    with pytest.raises(UsageError, match="output_format: unknown format 'bogus'") as raised:
        cg.render(result, "bogus")
    assert "sarif" in raised.value.hint
    with pytest.raises(UsageError, match="is not a GateResult or a StatusReport"):
        cg.render({"passed": True}, "text")  # type: ignore[arg-type]
    for call in (cg.gate, cg.status):
        with pytest.raises(ConfigurationError, match="today: 20261130 is not a date") as bad:
            call(root, today=20261130)  # type: ignore[operator]
        assert "YYYY-MM-DD" in bad.value.hint
        with pytest.raises(ConfigurationError, match="today: '30/11/2026' is not a date"):
            call(root, today="30/11/2026")  # type: ignore[operator]
    # a datetime is its date
    noon = dt.datetime.combine(TODAY, dt.time(12))
    assert cg.render(cg.gate(root, today=noon), "json") == cg.render(result, "json")


def test_load_workspace_gives_typed_documents(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    workspace = cg.load_workspace(root)
    card = workspace.systems[SYSTEM].model_card
    assert card is not None and card.risk_tier == "high"
    assert cg.gate(workspace, today=TODAY).passed  # a loaded workspace is accepted too


def test_evaluate_system_writes_what_the_cli_writes(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"evaluation": False})
    twin = tmp_path / "twin"
    shutil.copytree(root, twin)
    run = cg.evaluate_system(root, SYSTEM)
    assert run.path is not None and run.path.name == "evaluation.json"
    code, out = cli("evaluate", SYSTEM, "-w", str(twin))
    assert code == 0, out
    written = (root / f"systems/{SYSTEM}/evaluation.json").read_bytes()
    assert written == (twin / f"systems/{SYSTEM}/evaluation.json").read_bytes()
    assert json.loads(written) == artifact_data(run.artifact)


def test_importing_the_api_stays_light() -> None:
    code = (
        "import sys, cardgate.api\n"
        "print(sorted(m for m in ('pandas', 'numpy', 'fairlearn', 'mkdocs', 'duckdb', 'mlflow') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
