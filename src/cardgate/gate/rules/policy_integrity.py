"""The policy does not try to switch off, lower or waive the gate's integrity rules.

Rationale:
Some rules guard the gate itself: documents found and valid, systems checkable, artifacts
true to their inputs, signatures that verify, internal errors. If a policy could turn
them off, one line of YAML would let an invalid card — and with it every card-based rule
— through. Such settings are ignored (the rule runs as an error) and reported here.

Fails:
- ``rules: {GATE-DOC001: {level: off}}`` or ``{level: warning}``;
- ``rules: {GATE-ART001: {waivable: true}}``.

Passes:
- the policy leaves the integrity rules alone (or sets them to ``error``).

Remediation:
Delete the setting from the policy and fix what the integrity rule reports.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-POL002"
NAME = "policy.integrity-kept"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.4"]
ALIASES: list[str] = []
SCOPE = "workspace"
INTEGRITY = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    for note in ctx.gate.policy.tampering:
        yield ctx.finding(
            note.loaded,
            note.message,
            path=note.path,
            key=True,
            hint="delete this setting: the rule cannot be switched off, lowered or waived",
        )
