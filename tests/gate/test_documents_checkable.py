"""GATE-DOC003 names the rules that did not run for want of a valid card — exactly those,
as the engine decided (`GateContext.not_run`): not itself, not the workspace's, not the
rules that check without the card (sign-offs, checklists) — on the card's path, with the
way out."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cardgate.core.problems import Severity
from cardgate.documents.workspace import load_workspace
from cardgate.gate.context import GateContext, RuleContext
from cardgate.gate.engine import run_gate
from cardgate.gate.policy import resolve_policy
from cardgate.gate.result import Finding
from cardgate.gate.rule import Rule
from cardgate.gate.rules import RULES

from .conftest import SYSTEM, TODAY, build_workspace

TYPO = [["name: Loan approval\n", "name: Loan approval\nnmae: typo\n"]]


def _recording(rule: Rule, ran: set[str]) -> Rule:
    check = rule.check

    def recorded(ctx: RuleContext) -> Iterator[Finding]:
        if ctx.system is not None:
            ran.add(rule.code)
        return check(ctx)

    wrapped: Callable[[RuleContext], Iterator[Finding]] = recorded
    return dataclasses.replace(rule, check=wrapped)


def test_the_finding_lists_exactly_the_rules_that_did_not_run(tmp_path: Path) -> None:
    # evaluated and signed, then the card breaks: what can still be checked is
    case: dict[str, Any] = {"edit_after": {f"systems/{SYSTEM}/model-card.yaml": TYPO}}
    ran: set[str] = set()
    rules = tuple(_recording(rule, ran) for rule in RULES)
    root = build_workspace(tmp_path / "ws", case)
    result = run_gate(root, release=True, today=TODAY, rules=rules)
    (found,) = [f for f in result.findings if f.code == "GATE-DOC003"]
    not_run = [r.code for r in RULES if r.scope == "system" and r.code not in ran]
    assert not_run and {"GATE-FA003", "GATE-MC001", "GATE-ART001"} <= set(not_run)
    assert {"GATE-SO001", "GATE-SO002", "GATE-SO003", "GATE-CK001"} <= ran  # they did run
    # and found what they find without the card: the sign-offs no longer match it
    assert "GATE-SO002" in {f.code for f in result.findings}
    assert found.path == f"systems/{SYSTEM}/model-card.yaml"
    assert found.message == (
        f"system '{SYSTEM}' cannot be checked: its model card does not validate, so the rules "
        f"that read it did not run ({', '.join(not_run)})"
    )
    assert found.hint == "fix the card's problems (cardgate validate) and gate again"


def test_a_rule_the_engine_skips_without_a_card_finds_nothing_without_one(
    tmp_path: Path,
) -> None:
    """NEEDS_CARD is a promise: run anyway on a system whose card does not validate,
    every such rule finds nothing (skipping it loses no finding)."""
    case: dict[str, Any] = {"edit_after": {f"systems/{SYSTEM}/model-card.yaml": TYPO}}
    workspace = load_workspace(build_workspace(tmp_path / "ws", case))
    policy = resolve_policy(workspace, RULES)
    gate = GateContext(workspace, policy, True, TODAY, rules=RULES, selected=frozenset({SYSTEM}))
    system = workspace.systems[SYSTEM]
    assert system.model_card is None and system.card is not None
    needing = [rule for rule in RULES if rule.needs_card]
    assert needing
    for rule in needing:
        assert rule.scope == "system", rule.code
        ctx = RuleContext(gate, rule, system, policy.for_tier(None), Severity.ERROR)
        assert list(rule.check(ctx)) == [], rule.code


def test_a_missing_card_is_written_not_fixed(tmp_path: Path) -> None:
    case = {"edit": {f"systems/{SYSTEM}/model-card.yaml": None}, "evaluation": False, "sign": []}
    result = run_gate(build_workspace(tmp_path / "ws", case), release=True, today=TODAY)
    (found,) = [f for f in result.findings if f.code == "GATE-DOC003"]
    assert "its model card is missing" in found.message
    assert found.hint == f"write its model card: cardgate new model-card {SYSTEM}"
