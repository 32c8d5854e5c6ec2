"""Validation codes (CG…, CL…) are explained like gate rules."""

from __future__ import annotations

import pytest

from .conftest import cli


@pytest.mark.parametrize("code", ["CG107", "CG005", "CL101"])
def test_explain_a_validation_code(code: str) -> None:
    exit_code, out = cli("explain", code)
    assert exit_code == 0, out
    assert code in out and "Remediation:" in out


def test_rules_lists_validation_codes_too() -> None:
    exit_code, out = cli("rules", "--codes", "--format", "json")
    assert exit_code == 0
    assert '"CG107"' in out


def test_every_code_the_source_emits_is_registered_and_no_other() -> None:
    import re
    from pathlib import Path

    from cardgate.validation.codes import CODES

    source = Path(__file__).resolve().parents[2] / "src" / "cardgate"
    emitted = {
        match
        for path in source.rglob("*.py")
        if path.name != "codes.py"
        for match in re.findall(r"\"((?:CG|CL)[0-9]{3})\"", path.read_text(encoding="utf-8"))
    }
    assert emitted - set(CODES) == set(), "register these in cardgate.validation.codes"
    assert set(CODES) - emitted == set(), "these codes are registered but never emitted"
