"""Checklist answers fit their definition and carry the evidence it requires.

Rationale:
A ``done`` answer is a claim; the definition says which claims need evidence (workspace
paths or https URLs). Evidence that does not exist, answers to items the definition does
not have, and ``not-applicable`` without a justification make the
checklist unreliable. These are the answer checks of ``cardgate validate`` (CL1xx),
gated here; and so is a claim the documents contradict: an item cardgate checks itself
answered complete where its check finds something missing.

Fails:
- ``status: done`` with no evidence for an item with ``evidence_required: true`` (CL103);
- evidence ``docs/review.pdf`` that does not exist in the workspace (CL104);
- ``not-applicable`` without justification (CL106); evidence
  ``model-card.yaml#monitoring`` naming a section the card does not fill in (CL110).
  (Which items need an answer at all is GATE-CK004's concern.)
- an item cardgate answers itself from the documents (``answered_by`` in the
  definition) answered ``done`` or ``not-applicable`` where its check finds what it
  checks missing: ``GOV-07`` (owners named) answered done beside an owner without a
  role. The answer counts as ``partial`` (coverage, required items); so does ``GOV-09``
  (sign-offs current) beside a stale sign-off, which the sign-off rules report.

Passes:
- every answer of the system's checklists passes the answer checks.

Remediation:
Fix the answer at the position given: add the evidence file or URL, answer the item, or
justify ``not-applicable``; for a contradicted answer, supply what the check finds
missing (``cardgate status SYSTEM``), or answer the item as it stands.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity, Span
from cardgate.documents.workspace import SystemDocs
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
    yield from _contradicted(ctx, system)


def _contradicted(ctx: RuleContext, system: SystemDocs) -> Iterator[Finding]:
    """Answers claiming complete an item whose automatic check finds something missing."""
    from cardgate.frameworks.automatic import (
        CONTRADICTED,
        SIGNING_CHECKS,
        automatic_answers,
        contradicts,
    )
    from cardgate.frameworks.coverage import answered_checklists

    for checklist_id, (document, model) in sorted(answered_checklists(system).items()):
        definition = ctx.gate.definitions().get(checklist_id)
        if definition is None:
            continue  # the CL checks report an unknown definition
        automatic = automatic_answers(ctx.workspace, system, definition, ctx.gate.cache)
        for item_id, answer in model.items.items():
            found = automatic.get(item_id)
            if found is None or not contradicts(answer.status, found):
                continue
            if found.check in SIGNING_CHECKS:
                continue  # the sign-off rules report it; signing settles it
            yield ctx.finding(
                document,
                f"'{item_id}' is answered {answer.status}, but cardgate's check "
                f"'{found.check}' finds otherwise: {found.reason}; it counts as {CONTRADICTED}",
                path=("items", item_id, "status"),
                hint=f"supply what is missing (cardgate status {system.id}), or answer the "
                "item as it stands",
            )
