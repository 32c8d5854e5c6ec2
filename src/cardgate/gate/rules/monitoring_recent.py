"""A deployed system has monitoring evidence newer than its plan's cadence.

Rationale:
A card approved once says nothing about the model in the world. When the card's
monitoring plan sets a ``cadence`` (daily, weekly, monthly, quarterly) and the system is
deployed (lifecycle stage ``deployment`` or ``monitoring``), ``cardgate monitor`` must
have recorded a window in ``monitoring.json`` beside the card whose last day is at most
one cadence old (1, 7, 31 or 92 days): monitoring that stopped is not monitoring.

Fails:
- a deployed system with ``cadence: monthly`` and no ``monitoring.json``;
- its latest window ended 2026-09-30 and today is 2026-11-30 (61 days > 31); windows
  that end after today do not count (the gate judges as of its date; GATE-MON002 judges
  their breaches), nor do windows that compared no column with the reference (fewer rows
  than the plan's ``min_rows``: five rows of yesterday's data say nothing of drift).

Passes:
- the latest window ended within one cadence of today; or the plan sets no cadence; or
  the system is not deployed.

Remediation:
Run ``cardgate monitor SYSTEM --window FILE`` on the latest production data and commit
``monitoring.json``.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.schemas.model_card import CADENCE_DAYS
from cardgate.gate.context import RuleContext
from cardgate.gate.monitoring import DEPLOYED, monitoring_record
from cardgate.gate.result import Finding

CODE = "GATE-MON001"
NAME = "monitoring.recent"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.4", "MANAGE 4.1"]
ALIASES: list[str] = []
TIME_BASED = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or system.card is None or card.monitoring is None:
        return
    cadence = card.monitoring.cadence
    if cadence is None or card.lifecycle_stage not in DEPLOYED:
        return
    limit = CADENCE_DAYS[cadence]
    hint = f"run cardgate monitor {system.id} --window FILE and commit monitoring.json"
    read = monitoring_record(ctx, system)
    if read.artifact is None:
        if read.error == "does not exist":
            yield ctx.finding(
                system.card,
                f"deployed with a {cadence} monitoring cadence, but no monitoring evidence "
                f"({read.relative} does not exist)",
                path=("monitoring", "cadence"),
                hint=hint,
            )
        return  # unreadable: GATE-MON003 reports it
    latest = read.artifact.latest(ctx.today, compared=True)
    newest = read.artifact.latest(ctx.today)
    empty = (
        f" ('{newest.id}', after it, compared none: fewer rows than the plan's min_rows)"
        if newest is not None and newest is not latest
        else ""
    )
    if latest is None:
        yield ctx.finding(
            system.card,
            f"deployed with a {cadence} monitoring cadence, but {read.relative} has no window "
            f"that ended by {ctx.today.isoformat()} and compared any column with the "
            f"reference{empty}",
            path=("monitoring", "cadence"),
            hint=hint,
        )
        return
    age = (ctx.today - latest.end).days
    if age > limit:
        which = "latest monitored window" if not empty else "latest window that compared any column"
        yield ctx.finding(
            system.card,
            f"the {which} '{latest.id}' ended {latest.end.isoformat()}, {age} days ago; a "
            f"{cadence} cadence allows {limit}{empty}",
            path=("monitoring", "cadence"),
            hint=hint,
        )
