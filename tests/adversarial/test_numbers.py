"""Item 11 of issue #15: a threshold that is not a finite number is refused at validation,
with its position (it used to pass `validate` and crash `evaluate`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import SYSTEM, invoke, one_line_error

CARD = f"systems/{SYSTEM}/model-card.yaml"


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_a_non_finite_threshold_is_a_positioned_problem(workspace: Path, value: str) -> None:
    card = workspace / CARD
    lines = card.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.strip() == "max: 0.10")
    lines[number] = lines[number].replace("0.10", value)
    card.write_text("".join(lines), encoding="utf-8")
    code, out, _ = invoke("validate", "-w", workspace)
    assert code == 1
    column = lines[number].index(value) + 1
    assert f"{CARD}:{number + 1}:{column}:" in out
    assert "finite" in out
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    assert code == 2
    assert "does not validate" in one_line_error(err)


def test_an_integer_too_long_to_convert_is_one_malformed_artifact_finding(
    workspace: Path,
) -> None:
    """A 5,000-digit count crashed every rule that reads the artifact (GATE-INT001 …
    'Exceeds the limit (4300 digits)'): it is one finding naming the file."""
    artifact = workspace / f"systems/{SYSTEM}/evaluation.json"
    text = artifact.read_text(encoding="utf-8")
    assert '"count": 46' in text
    artifact.write_text(text.replace('"count": 46', '"count": ' + "7" * 5000, 1), "utf-8")
    code, out, _ = invoke("gate", "-w", workspace, "--format", "json")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert not [f for f in findings if f["code"] == "GATE-INT001"]
    about = [f for f in findings if f["path"] == f"systems/{SYSTEM}/evaluation.json"]
    assert [f["code"] for f in about] == ["GATE-ART001"]
    assert "integer of more than 4300 digits" in about[0]["message"]
