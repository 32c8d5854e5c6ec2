"""Every document loads and validates against its schema.

Rationale:
The gate can only vouch for what it can read. A model card, checklist, datasheet, policy,
waivers or sign-off file that does not parse or does not fit its schema is a blocking
finding, never silently skipped (fail closed). The problems are exactly those of
`cardgate validate`: YAML errors, unknown keys, wrong types, unknown references.

Fails:
- a model card with a duplicate key, a YAML syntax error or a misspelt field;
- a checklist or datasheet naming an id that does not exist;
- a signoffs.yaml edited by hand into an invalid state.

Passes:
- every document under the workspace validates (``cardgate validate`` prints ok).

Remediation:
Run ``cardgate validate`` and fix each problem at the position it names; the code in the
message (CG1xx, CL0xx) is the validator's own.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity, Span
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-DOC001"
NAME = "documents.valid"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.4", "GOVERN 4.2"]
ALIASES: list[str] = []
SCOPE = "workspace"
INTEGRITY = True

OWNED_ELSEWHERE = ("CG107", "CL1")
"""Recommended-section warnings (GATE-MC002/DS001) and answer checks (GATE-CK003)."""


def check(ctx: RuleContext) -> Iterator[Finding]:
    for path, problems in sorted(ctx.gate.problems().items()):
        system = ctx.gate.system_of(path)
        for problem in problems:
            if problem.code.startswith(OWNED_ELSEWHERE):
                continue
            yield ctx.finding(
                path,
                f"{problem.code} {problem.message}",
                span=Span(problem.line, problem.column),
                severity=problem.severity,
                hint=problem.hint,
                system=system,
            )
