"""The threshold verdicts a system page shows: the gate's (the one decider's), as rows.
Nothing is decided here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cardgate.gate.result import SystemVerdict


def threshold_rows(verdict: SystemVerdict | None) -> list[dict[str, Any]]:
    """The thresholds as the gate decided them: one row per target (the decider's
    verdicts, rendered; nothing is decided here)."""
    rows: list[dict[str, Any]] = []
    for decided in verdict.thresholds if verdict is not None else ():
        if not decided.verdicts:
            rows.append(
                {
                    "metric": decided.threshold.metric,
                    "feature": decided.threshold.feature or "",
                    "group": decided.threshold.group or "",
                    "min": decided.threshold.min,
                    "max": decided.threshold.max,
                    "value": None,
                    "ci": None,
                    "detectable": None,
                    "state": "no result",
                    "outcome": "fail",
                    "message": f"threshold on {decided.subject} has no result in the artifact",
                }
            )
        for one in decided.verdicts:
            found = one.result
            rows.append(
                {
                    "metric": found.metric,
                    "feature": found.feature or "",
                    "group": found.group or "",
                    "min": found.min,
                    "max": found.max,
                    "value": found.value,
                    "ci": list(found.ci) if found.ci is not None else None,
                    "detectable": found.detectable,
                    "state": one.state,
                    "outcome": OUTCOME_BADGES[one.outcome],
                    "message": one.message,
                }
            )
    return rows


OUTCOME_BADGES = {"pass": "pass", "warn": "warning", "block": "fail"}


def worst_outcome(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The worst outcome among the gate's verdicts on one disparity (None: no limit)."""
    order = ("pass", "warning", "fail")
    outcomes = [str(row["outcome"]) for row in rows]
    return max(outcomes, key=order.index) if outcomes else None
