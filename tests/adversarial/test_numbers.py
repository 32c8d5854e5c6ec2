"""Item 11 of issue #15: a threshold that is not a finite number is refused at validation,
with its position (it used to pass `validate` and crash `evaluate`)."""

from __future__ import annotations

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
