"""The latest monitored window breaches nothing, or a decision on it is recorded.

Rationale:
``cardgate monitor`` records, per window, every breach the one decider found: a column
that drifted (effect over its threshold and beyond sampling noise after the
Benjamini–Hochberg adjustment across columns), a card threshold whose whole interval is
beyond its limit, a metric worse than the approved evaluation beyond the tolerance, a
broken clause of the data contract. A breach of the latest window blocks the system until
someone accountable records what was done about it in the card's
``monitoring.decisions``: a rollback, a retraining, or a waiver with an expiry date.

A window that ends after today is not yet history (GATE-MON001 does not count it), but
what it recorded is known: its breaches need a decision too. Otherwise a breaching window
monitored early under its period's name (``2026-12.csv.gz`` on 7 December ends
2026-12-31) or with a far ``--end`` hid behind the last month's clean window, and the
release gate passed it.

With ``--changed-since REF``, a window GATE-MON002 judged on REF that breaches its plan
and is gone from the record here, or changed (another entry under its id), still needs
its decision (`cardgate.gate.monitoring_ref`): the record is a file of the change like
any other, and deleting the breaching latest window's entry made the clean window before
it the latest. And a breach first recorded in the change needs its decision wherever its
window falls: ``cardgate monitor --end`` takes any last day, so December's drifting data
recorded as ending 29 November sorted behind November's clean window.

A waiver decision is held to the policy of the system's tier like a waiver of
waivers.yaml: none covers a breach where the policy never waives this rule
(``waivable: false``), and none runs longer than the tier's ``max_waiver_days``.

A window that compared no column with the reference (fewer rows than the plan's
``min_rows``) says nothing of drift: "0 of 0 columns drifted". It does not end the
judgement of the window before it: otherwise five rows of the next day's data, monitored
as a window, made the breaching window before them history, and the gate passed. The
latest window that compared any column is judged, with every one after it.

Fails:
- the latest window of ``monitoring.json`` has a breach and no decision names it;
- the latest window that compared any column has a breach and no decision names it,
  though later windows too small to compare anything (5 rows, ``min_rows`` 30) follow
  it;
- a window that ends after today has a breach and no decision names it (each such
  window is judged, as the latest one is);
- with ``--changed-since REF``: a window judged on REF with a breach is removed from
  ``monitoring.json`` (or replaced under its id) and no decision names it; or a window
  recorded since REF has a breach and no decision names it, though it is not the latest
  (December's drifting data monitored with ``--end 2026-11-29``, behind November's
  clean window);
- its only decision is a waiver that expired, that runs longer than the policy's
  ``max_waiver_days`` (``expires: 2099-12-31``), or that the policy forbids;
- its only decision names no approver (``approver: ""``, ``TODO``, blanks).

Passes:
- the latest window of those ended by today, and every window ending after today, has
  no breach; or a rollback or retrain decision names it; or a waiver that has not expired
  and that the policy allows.

Remediation:
Investigate the breach (the review site shows it), then act and record the decision
under ``monitoring.decisions`` (window, decision, approver, date; ``expires`` for a
waiver); roles sign the card again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.evidence.monitoring.artifact import Window
from cardgate.gate.context import RuleContext
from cardgate.gate.monitoring import covering_decision, monitoring_record
from cardgate.gate.monitoring_ref import judged, unseen_breaches
from cardgate.gate.result import Finding

CODE = "GATE-MON002"
NAME = "monitoring.breach-decided"
SEVERITY = Severity.ERROR
NIST = ["MANAGE 2.4", "MANAGE 4.1", "MEASURE 3.1"]
ALIASES: list[str] = []
TIME_BASED = True
NEEDS_CARD = True
_SHOWN = 3


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or system.card is None:
        return
    read = monitoring_record(ctx, system)
    base = ctx.gate.ref_cards()
    dropped = (
        unseen_breaches(ctx.workspace, system, base, read.artifact, ctx.today)
        if base is not None and read.error in (None, "does not exist")
        else []
    )
    if read.artifact is None and not dropped:
        return  # absent: GATE-MON001; unreadable: GATE-MON003
    latest = read.artifact.latest(ctx.today) if read.artifact is not None else None
    windows = judged(read.artifact, ctx.today) if read.artifact is not None else []
    for window in windows:
        if window is latest:
            which = f"the latest monitored window '{window.id}' ({read.relative})"
        elif window.end > ctx.today:
            which = (
                f"the monitored window '{window.id}' ({read.relative}), which ends "
                f"{window.end.isoformat()}, after today ({ctx.today.isoformat()}),"
            )
        else:
            which = (
                f"the monitored window '{window.id}' ({read.relative}), followed only by "
                "windows that compared no column with the reference (fewer rows than the "
                "plan's min_rows),"
            )
        yield from _undecided(ctx, window, which, ctx.today)
    ref = ctx.gate.base_ref
    for relative, window, how in dropped:
        if how == "added":
            which = (
                f"the monitored window '{window.id}' ({relative}), recorded since {ref} and "
                f"ending {window.end.isoformat()}, before the latest window,"
            )
        else:
            which = (
                f"the monitored window '{window.id}' of {relative} on {ref}, "
                f"{'removed from' if how == 'removed' else 'changed in'} the record since,"
            )
        # a window recorded since: its decision as it stood on the window's last day (an
        # earlier breach's waiver has run out since, as the breach did)
        yield from _undecided(ctx, window, which, window.end if how == "added" else ctx.today)


def _undecided(ctx: RuleContext, window: Window, which: str, on: dt.date) -> Iterator[Finding]:
    """A finding when `window` breaches its plan and no decision in the card covers it
    on the day `on`."""
    system, card = ctx.system, ctx.card
    assert system is not None and card is not None and system.card is not None
    if not window.breaches:
        return
    decision, refused = covering_decision(
        card,
        window.id,
        on,
        waivable=ctx.settings.waivable(ctx.rule),
        max_days=ctx.settings.max_waiver_days,
        tier=ctx.settings.tier,
    )
    if decision is not None:
        return
    shown = "; ".join(f"{b.kind}: {b.subject}" for b in window.breaches[:_SHOWN])
    more = len(window.breaches) - _SHOWN
    if more > 0:
        shown += f"; and {more} more"
    why = f" ({refused})" if refused else ""
    yield ctx.finding(
        system.card,
        f"{which} breaches its plan: {shown}; no decision is recorded{why}",
        path=("monitoring",),
        key=True,
        hint=f"record a decision under monitoring.decisions (window: {window.id}; rollback, "
        "retrain, or waiver with an expiry)",
    )
