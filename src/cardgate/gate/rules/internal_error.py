"""A rule crashed; its checks could not be completed.

Rationale:
A bug in a rule, or input it did not expect, must not let a release through: the engine
catches the exception, reports it as this finding naming the rule, and the gate fails.

Fails:
- any exception raised inside a rule's check.

Passes:
- every rule ran to completion.

Remediation:
Report the message to the cardgate maintainers (rerun with CARDGATE_DEBUG=1 for the
traceback). Until fixed, the named rule (unless it guards the gate's integrity) can be set
to ``level: off`` in the policy; that loosening is itself reported (GATE-POL001) until a
named approver waives it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-INT001"
NAME = "internal.rule-crashed"
SEVERITY = Severity.ERROR
NIST: list[str] = []
ALIASES: list[str] = []
SCOPE = "workspace"
INTEGRITY = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Reported by the engine; this rule checks nothing itself."""
    return iter(())
