"""Every gated system has a model card the gate can read.

Rationale:
Most rules read the model card: its risk tier, evaluation settings, thresholds, review
date, datasets. When the card is missing or does not validate, those rules cannot run —
and a rule that cannot run must say so, never pass by saying nothing. This finding names
the system and the rules that could not check it, beside the document problems
GATE-DOC001 reports.

Fails:
- ``systems/<id>/`` holds checklist answers but no model card;
- the model card does not validate (a misspelt key, a wrong type).

Passes:
- every gated system's model card validates.

Remediation:
Fix the card's problems (``cardgate validate``), or create it with
``cardgate new model-card ID``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import NotRun, RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-DOC003"
NAME = "documents.checkable"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.4"]
ALIASES: list[str] = []
INTEGRITY = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None or ctx.card is not None:
        return
    state = "does not validate" if system.card is not None else "is missing"
    skipped = [
        rule.code
        for rule in ctx.gate.rules
        if rule.scope == "system" and _stopped_by_card(ctx.gate.not_run(rule, system))
    ]
    yield ctx.finding(
        system.card,
        f"system '{system.id}' cannot be checked: its model card {state}, so the rules that "
        f"read it did not run ({', '.join(skipped)})",
        hint="fix the card's problems (cardgate validate) and gate again"
        if system.card is not None
        else f"write its model card: cardgate new model-card {system.id}",
    )


def _stopped_by_card(reason: NotRun | None) -> bool:
    return reason is not None and reason.cause == "card"
