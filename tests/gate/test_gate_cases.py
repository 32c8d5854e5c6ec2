"""Rule cases as data: every tests/gate/cases/<CODE>.yaml, one test per case.

Each case edits the passing base workspace (conftest.py) and lists the findings of its
rule it expects as ``path:line:col CODE severity`` (active) and optionally ``waived``,
message fragments (``messages``) and hint fragments (``hints``). A case with ``change``
commits the workspace as built to git, then makes the edits of ``change`` and gates with
``--changed-since`` that commit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cardgate.gate.engine import run_gate
from cardgate.gate.result import Finding
from cardgate.gate.rules import RULES

from .conftest import TODAY, build_workspace, committed_then_changed

CASES_DIR = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    found = []
    for path in sorted(CASES_DIR.glob("GATE-*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            found.append(pytest.param(data["rule"], case, id=f"{data['rule']}: {case['name']}"))
    return found


def _shown(finding: Finding, label: str | None = None) -> str:
    return (
        f"{finding.path}:{finding.line}:{finding.column} {finding.code} "
        f"{label or finding.severity.label}"
    )


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", case)
    # ``change``: the workspace as built is committed, then changed: the gate runs with
    # --changed-since its commit
    ref = committed_then_changed(root, case["change"]) if "change" in case else None
    result = run_gate(root, release=case.get("release", True), today=TODAY, changed_since=ref)
    crashed = [f.message for f in result.findings if f.code == "GATE-INT001"]
    assert not crashed
    active = sorted(_shown(f) for f in result.findings if f.code == code)
    assert active == sorted(case["expect"]), [f.message for f in result.findings if f.code == code]
    if "waived" in case:
        assert sorted(_shown(f, "waived") for f in result.waived) == sorted(case["waived"])
    messages = [f.message for f in result.findings if f.code == code]
    for fragment in case.get("messages", []):
        assert any(fragment in message for message in messages), messages
    hints = [f.hint for f in result.findings if f.code == code]
    for fragment in case.get("hints", []):
        assert any(fragment in hint for hint in hints), hints


def test_every_rule_has_passing_and_failing_cases() -> None:
    by_rule: dict[str, list[dict[str, Any]]] = {}
    for param in _cases():
        code, case = param.values
        by_rule.setdefault(code, []).append(case)
    for rule in RULES:
        cases = by_rule.get(rule.code, [])
        assert any(not c["expect"] for c in cases), f"{rule.code} has no passing case"
        if rule.code != "GATE-INT001":  # crashes are tested end to end (test_gate_cli)
            assert any(c["expect"] for c in cases), f"{rule.code} has no failing case"


def test_base_workspace_passes_every_rule(tmp_path: Path) -> None:
    result = run_gate(build_workspace(tmp_path / "ws"), release=True, today=TODAY)
    assert result.findings == []
    assert result.passed and result.exit_code == 0
    assert [v.system for v in result.systems if v.passed] == ["loan-approval"]
