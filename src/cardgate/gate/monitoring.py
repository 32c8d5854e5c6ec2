"""What the monitoring rules (GATE-MON001..003) share: a system's `monitoring.json`, read
once per gate run, and which breaches of a window a recorded decision covers.

Light like the rest of the gate: reads JSON only (no numpy, no pandas, no DuckDB).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cardgate.documents.placeholders import says_something
from cardgate.documents.schemas.model_card import ModelCard, MonitoringDecision
from cardgate.documents.workspace import MONITORING_FILE, SystemDocs
from cardgate.evidence.monitoring.artifact import MonitoringArtifact, load_monitoring

if TYPE_CHECKING:
    from cardgate.gate.context import RuleContext

_CACHE_KEY = "monitoring.records"
DEPLOYED = ("deployment", "monitoring")
"""Lifecycle stages in which a system is watched in production."""


@dataclass(frozen=True)
class MonitoringRead:
    """A system's monitoring.json as read: the model and data, or why it is unusable."""

    path: Path
    relative: str
    artifact: MonitoringArtifact | None
    data: Any
    error: str | None


def monitoring_record(ctx: RuleContext, system: SystemDocs) -> MonitoringRead:
    """The system's monitoring.json (read once per run)."""
    cache: dict[str, MonitoringRead] = ctx.gate.cache.setdefault(_CACHE_KEY, {})
    found = cache.get(system.id)
    if found is None:
        path = system.folder / MONITORING_FILE
        artifact, data, error = load_monitoring(path)
        found = MonitoringRead(path, ctx.gate.relative(path), artifact, data, error)
        cache[system.id] = found
    return found


def covering_decision(
    card: ModelCard,
    window: str,
    today: dt.date,
    *,
    waivable: bool = True,
    max_days: int | None = None,
    tier: str = "",
) -> tuple[MonitoringDecision | None, str]:
    """(the decision that covers `window` today, or None and why a recorded one does not).

    A ``waiver`` decision is a waiver like those of waivers.yaml, held to the policy of the
    system's tier: none covers a breach where the policy never waives GATE-MON002
    (`waivable`), and none runs longer than ``max_waiver_days`` past today (`max_days`).
    A rollback or a retraining covers its window (the next window must not breach). A
    decision whose ``approver`` is blank, a placeholder or invisible covers nothing.
    """  # fmt: skip
    decisions = card.monitoring.decisions if card.monitoring is not None else None
    why = ""
    for decision in decisions or []:
        if decision.window != window:
            continue
        who = f"the {decision.decision} of {decision.approver}"
        if not says_something(decision.approver):
            why = f"the {decision.decision} names no approver ({decision.approver!r})"
            continue
        if decision.expires is not None and decision.expires < today:
            why = f"{who} expired {decision.expires}"
            continue
        if decision.decision == "waiver" and not waivable:
            why = f"the policy never waives GATE-MON002 for risk tier '{tier}'"
            continue
        days = (decision.expires - today).days if decision.expires is not None else None
        if decision.decision == "waiver" and max_days is not None and (days or 0) > max_days:
            why = (
                f"{who} runs to {decision.expires}; the policy allows at most {max_days} days "
                f"for risk tier '{tier}'"
            )
            continue
        return decision, ""
    return None, why
