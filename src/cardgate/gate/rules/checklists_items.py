"""The checklist items the policy requires for the system's risk tier are answered.

Rationale:
How much of a checklist a release needs depends on the risk: the policy can name, per
risk tier and checklist, the items that must be complete (``required_items``), so that a
low-risk system answers the questions that matter for it instead of all of them. Those
items must be ``done`` (with evidence, GATE-CK003) or ``not-applicable`` with a
justification, and not contradicted by cardgate's own check of the item (GATE-CK003).
For a checklist the policy names no subset of, every item that applies
to the tier needs an answer (``not-started`` is an answer), as coverage is computed from
all of them. Items cardgate answers itself from the documents (``answered_by`` in the
definition: owners named, evaluation present, sign-offs current ...) need no written
answer: their automatic answer counts.
Items of an AI Act checklist whose obligations apply only after the gate's date, under
the policy's schedule (GATE-CK001's ``ai_act_schedule``), are not required before then:
a note names them and the date.

Fails:
- the policy requires ``GOV-01`` for the limited tier and the answer is ``partial``, or
  missing;
- no subset is set and an applicable item has no answer;
- the policy requires an item the checklist definition does not have.

Passes:
- every required item is complete (written or automatic), and, without a subset, every
  applicable item is answered.

Remediation:
Answer the item at the position given; ``cardgate status SYSTEM`` lists what is left and
``cardgate new checklist`` writes each item with its NIST text and suggested evidence
(``--missing`` prints those an existing checklist lacks, e.g. after the risk tier was
raised, to append under its ``items:``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from cardgate.core.problems import Severity
from cardgate.documents.load_limits import clip
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.rules.checklists_answered import pending_items, required_checklists

if TYPE_CHECKING:
    from cardgate.documents.validated import ValidatedDocument
    from cardgate.frameworks.obligation_dates import AppliesFrom

CODE = "GATE-CK004"
NAME = "checklists.required-items"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.3", "GOVERN 1.4"]
ALIASES: list[str] = []
RELEASE_STRICT = True

_SHOWN = 8


def check(ctx: RuleContext) -> Iterator[Finding]:
    from cardgate.frameworks.answers import unanswered_items
    from cardgate.frameworks.automatic import (
        CONTRADICTED,
        automatic_answers,
        contradicts,
        counted_status,
    )
    from cardgate.frameworks.coverage import answered_checklists
    from cardgate.frameworks.coverage_results import COMPLETE
    from cardgate.frameworks.definitions import applies

    system = ctx.system
    if system is None:
        return
    tier = ctx.settings.tier
    documents = answered_checklists(system, set(required_checklists(ctx)))
    for checklist_id, (document, model) in sorted(documents.items()):
        definition = ctx.gate.definitions().get(checklist_id)
        if definition is None:
            continue  # GATE-CK001 / GATE-CK003 report an unknown definition
        automatic = automatic_answers(ctx.workspace, system, definition, ctx.gate.cache)
        subset = ctx.settings.required_items.get(checklist_id)
        pending = pending_items(ctx.settings, ctx.card, definition, ctx.today)
        yield from _pending_note(ctx, document, checklist_id, pending)
        if subset is None:
            missing = [
                item
                for item in unanswered_items(model, definition, tier, automatic=automatic)
                if item not in pending
            ]
            if missing:
                shown = ", ".join(missing[:_SHOWN])
                more = f" and {len(missing) - _SHOWN} more" if len(missing) > _SHOWN else ""
                yield ctx.finding(
                    document,
                    f"{len(missing)} item(s) of '{checklist_id}' for risk tier '{tier}' have "
                    f"no answer: {shown}{more}",
                    path=("items",),
                    key=True,
                    hint="answer each item (status: not-started for work not begun), or let "
                    "the policy require a subset (required_items)",
                )
            continue
        for item_id in subset:
            item = definition.items.get(item_id)
            if item is None:
                yield ctx.finding(
                    document,
                    f"the policy requires item '{item_id}', which '{checklist_id}' does not have",
                    path=("checklist",),
                    hint="fix required_items in the policy",
                )
                continue
            if not applies(item, tier) or item_id in pending:
                continue
            answer = model.items.get(item_id)
            status: str
            hint = "answer it: status done with evidence, or not-applicable with a justification"
            if answer is not None:
                found = automatic.get(item_id)
                if counted_status(answer.status, found) in COMPLETE:
                    continue
                status = answer.status
                if found is not None and contradicts(answer.status, found):
                    status = f"answered {status} but counts as {CONTRADICTED}: {found.reason}"
            elif item_id in automatic:
                if automatic[item_id].status in COMPLETE:
                    continue
                status = f"{automatic[item_id].status} ({automatic[item_id].reason})"
                hint = (
                    "cardgate answers this item from the documents once they show it, or "
                    "write an answer in the checklist"
                )
            else:
                status = "unanswered"
            yield ctx.finding(
                document,
                f"'{item_id}' is {status}; the policy requires it done for risk tier "
                f"'{tier}': “{clip(item.question, 80)}”",
                path=("items", item_id) if answer is not None else ("items",),
                key=True,
                hint=hint,
            )


def _pending_note(
    ctx: RuleContext,
    document: ValidatedDocument,
    checklist_id: str,
    pending: dict[str, AppliesFrom],
) -> Iterator[Finding]:
    """One note per date: the items of the checklist that apply only from then under the
    policy's AI Act schedule (not required before; GATE-CK001 notes a checklist none of
    whose items applies yet)."""
    by_date: dict[tuple[str, str, str], list[str]] = {}
    for item_id, applies in pending.items():
        key = (applies.date.isoformat(), applies.obligations, applies.schedule)
        by_date.setdefault(key, []).append(item_id)
    for (date, obligations, schedule), items in sorted(by_date.items()):
        shown = ", ".join(items[:_SHOWN])
        more = f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else ""
        yield ctx.finding(
            document,
            f"{len(items)} item(s) of '{checklist_id}' apply from {date} ({obligations}, under "
            f"the policy's schedule '{schedule}'; the gate's date: {ctx.today.isoformat()}), "
            f"not required before then: {shown}{more}",
            path=("checklist",),
            severity=Severity.NOTE,
            hint="answer them before then; the schedule is GATE-CK001's option ai_act_schedule",
        )
