"""Checklist answers fit their definition and carry the evidence it requires.

Rationale:
A ``done`` answer is a claim; the definition says which claims need evidence (workspace
paths or https URLs). Evidence that does not exist, answers to items the definition does
not have, and ``not-applicable`` without a justification make the
checklist unreliable. These are the answer checks of ``cardgate validate`` (CL1xx),
gated here.

Fails:
- ``status: done`` with no evidence for an item with ``evidence_required: true`` (CL103);
- evidence ``docs/review.pdf`` that does not exist in the workspace (CL104);
- ``not-applicable`` without justification (CL106); evidence
  ``model-card.yaml#monitoring`` naming a section the card does not fill in (CL110).
  (Which items need an answer at all is GATE-CK004's concern.)

Passes:
- every answer of the system's checklists passes the answer checks.

Remediation:
Fix the answer at the position given: add the evidence file or URL, answer the item, or
justify ``not-applicable``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity, Span
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-CK003"
NAME = "checklists.answers-evidenced"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "GOVERN 4.2"]
ALIASES: list[str] = []
RELEASE_STRICT = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None:
        return
    problems = ctx.gate.problems()
    for document in system.checklists:
        if document.loaded is None:
            continue
        path = ctx.gate.relative(document.loaded.path)
        for problem in problems.get(path, ()):
            if problem.code.startswith("CL1"):
                yield ctx.finding(
                    path,
                    f"{problem.code} {problem.message}",
                    span=Span(problem.line, problem.column),
                    severity=problem.severity,
                    hint=problem.hint,
                )
