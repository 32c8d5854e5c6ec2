"""The model card (and dated checklist answers) were reviewed within the policy's age.

Rationale:
Documentation decays: data, users and regulations change. The policy sets, per risk
tier, the largest age of the last review (``max_review_age_days``); the card's
``last_reviewed`` date must be at most that many days before today. Today is the run's
date, or ``--today`` / ``CARDGATE_TODAY`` (YYYY-MM-DD) for reproducible runs and tests.

Fails:
- ``last_reviewed: 2024-01-10``, today 2025-03-01, maximum 180 days;
- no ``last_reviewed`` date while the policy sets a maximum age;
- a ``last_reviewed`` date in the future;
- a checklist whose ``last_reviewed`` is older than the maximum.

Passes:
- every date is within the maximum age (or the policy sets none for the tier).

Remediation:
Review the card with its owners, update what changed, and set ``last_reviewed`` to the
review's date (sign-offs will then need renewing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.validated import ValidatedDocument
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FR001"
NAME = "freshness.review-recent"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.5", "MEASURE 3.1"]
ALIASES: list[str] = []
RELEASE_STRICT = True
TIME_BASED = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    limit = ctx.settings.max_review_age_days
    if system is None or card is None or limit is None or system.card is None:
        return
    tier = ctx.settings.tier
    if card.last_reviewed is None:
        yield ctx.finding(
            system.card,
            f"no 'last_reviewed' date; risk tier '{tier}' needs a review every {limit} days",
            path=("last_reviewed",),
            hint="set last_reviewed: YYYY-MM-DD after reviewing the card",
        )
    else:
        yield from _dated(ctx, system.card, "model card", card.last_reviewed, limit)
    for document in system.checklists:
        model = document.model
        if isinstance(model, Checklist) and model.last_reviewed is not None:
            yield from _dated(
                ctx, document, f"checklist '{model.checklist}'", model.last_reviewed, limit
            )


def _dated(
    ctx: RuleContext, document: ValidatedDocument, what: str, reviewed: dt.date, limit: int
) -> Iterator[Finding]:
    age = (ctx.today - reviewed).days
    if age < 0:
        yield ctx.finding(
            document,
            f"{what} last_reviewed {reviewed.isoformat()} is in the future "
            f"(today is {ctx.today.isoformat()})",
            path=("last_reviewed",),
            hint="write the date the review took place",
        )
    elif age > limit:
        yield ctx.finding(
            document,
            f"{what} last reviewed {reviewed.isoformat()}, {age} days ago; risk tier "
            f"'{ctx.settings.tier}' allows {limit} days",
            path=("last_reviewed",),
            hint="review it and update last_reviewed",
        )
