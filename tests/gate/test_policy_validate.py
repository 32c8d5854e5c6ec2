"""`cardgate validate` checks the policy's rule settings as the gate does (issue: a bad
rule option passed validate and only `gate` refused it): the same walk and decision
(`gate.policy.policy_problems`, `_resolve_tier`), one problem per mistake at its
position, validate's exit 1 where the gate exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app

from .conftest import TODAY

runner = CliRunner()
HEAD = "kind: policy\nschema_version: 1\nextends: baseline\n"

CASES = [
    (
        "wrong value",
        "defaults:\n  rules:\n    GATE-FA003: {options: {inconclusive: bogus}}\n",
        "policy.yaml:6:28: CG100 rule GATE-FA003 (evaluation.thresholds-met) option "
        "'inconclusive': Input should be",
        "see: cardgate explain GATE-FA003",
    ),
    (
        "unknown option",
        "tiers:\n  high:\n    rules:\n      evaluation.thresholds-met:\n"
        "        options: {inconclusiv: block}\n",
        "policy.yaml:8:19: CG100 rule GATE-FA003 (evaluation.thresholds-met) has no option "
        "'inconclusiv'",
        "did you mean 'inconclusive'?",
    ),
    (
        "unknown rule",
        "defaults:\n  rules:\n    GATE-MC0002: {level: off}\n",
        "policy.yaml:6:5: CG100 unknown rule 'GATE-MC0002'",
        "did you mean 'GATE-MC002'?",
    ),
    (
        "an option of a rule that takes none",
        "defaults:\n  rules:\n    GATE-MC001: {options: {strict: true}}\n",
        "policy.yaml:6:28: CG100 rule GATE-MC001 (model-card.required-filled) has no option "
        "'strict'",
        "this rule takes no options",
    ),
    (
        "wrong type",
        "defaults:\n  rules:\n    GATE-FA003:\n      options:\n        inconclusive: [pass]\n",
        "policy.yaml:8:9: CG100 rule GATE-FA003 (evaluation.thresholds-met) option "
        "'inconclusive': Input should be",
        "see: cardgate explain GATE-FA003",
    ),
]


@pytest.mark.parametrize(
    ("rules", "message", "hint"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_a_bad_rule_setting_is_one_validation_problem_where_the_gate_refuses_it(
    workspace: Path, rules: str, message: str, hint: str
) -> None:
    (workspace / "policy.yaml").write_text(HEAD + rules, encoding="utf-8")
    result = runner.invoke(app, ["validate", "-w", str(workspace)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if "CG100" in line] == [
        line for line in lines if ": CG" in line
    ], result.output  # nothing else is wrong
    (problem,) = [line for line in lines if "CG100" in line]
    assert message in problem, result.output
    assert lines[lines.index(problem) + 1] == f"    hint: {hint}", result.output
    assert "Traceback" not in result.output
    gated = runner.invoke(app, ["gate", "-w", str(workspace), "--today", TODAY.isoformat()])
    assert gated.exit_code == 2, gated.output
    assert problem.split(": ", 1)[1] in gated.output  # the same decision, in the same words
    assert hint in gated.output


def test_every_bad_setting_is_reported_once_not_per_tier(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        HEAD + "defaults:\n  rules:\n    GATE-FA003: {options: {inconclusive: bogus}}\n"
        "    GATE-MC0002: {level: off}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "-w", str(workspace), "--format", "json"])
    assert result.exit_code == 1, result.output
    import json

    found = [(p["line"], p["column"], p["code"]) for p in json.loads(result.output)["problems"]]
    assert found == [(6, 28, "CG100"), (7, 5, "CG100")]


def test_an_unknown_preset_is_a_validation_problem(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: strictest\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", "-w", str(workspace)])
    assert result.exit_code == 1, result.output
    assert "policy.yaml:3:10: CG100 unknown policy preset 'strictest'" in result.output
    assert "hint: did you mean 'strict'?" in result.output


def test_good_rule_settings_validate_clean(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        HEAD + "defaults:\n  rules:\n    GATE-FA003: {waivable: false, options: "
        "{inconclusive: block}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "-w", str(workspace)])
    assert result.exit_code == 0, result.output


def test_the_api_reports_them_too(workspace: Path) -> None:
    from cardgate import api

    (workspace / "policy.yaml").write_text(
        HEAD + "defaults:\n  rules:\n    GATE-FA003: {options: {inconclusive: bogus}}\n",
        encoding="utf-8",
    )
    report = api.validate(workspace)
    assert report.exit_code == 1
    assert [(p.line, p.column, p.code) for p in report.problems] == [(6, 28, "CG100")]
