"""The threshold verdicts a system page shows: the gate's (the one decider's), as rows,
and the words a page gives each (state, outcome). Nothing is decided here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cardgate.evidence.evaluation.decide import Verdict
from cardgate.gate.result import SystemVerdict


def threshold_rows(verdict: SystemVerdict | None) -> list[dict[str, Any]]:
    """The thresholds as the gate decided them: one row per target (the decider's
    verdicts, rendered; nothing is decided here), failing first, then the passes that are
    not conclusive, then the solid passes; within each, in the card's order."""
    rows: list[dict[str, Any]] = []
    for decided in verdict.thresholds if verdict is not None else ():
        if not decided.verdicts:
            rows.append(
                no_result_row(
                    decided.threshold,
                    f"threshold on {decided.subject} has no result in the artifact",
                )
            )
        rows.extend(verdict_row(one) for one in decided.verdicts)
    rows.sort(key=lambda row: ROW_ORDER.index(row["css"]))  # stable: the card's order within
    return rows


def no_result_row(threshold: Any, message: str) -> dict[str, Any]:
    """The row of a card threshold the artifact has no result for (the gate blocks it):
    `threshold` is the card's (metric, feature, group, min, max)."""
    return {
        "metric": threshold.metric,
        "feature": threshold.feature or "",
        "group": threshold.group or "",
        "min": threshold.min,
        "max": threshold.max,
        "value": None,
        "ci": None,
        "detectable": None,
        "state": "no result",
        "outcome": "fail",
        "css": "fail",
        "label": "no result: blocks",
        "message": message,
    }


def verdict_row(one: Verdict) -> dict[str, Any]:
    """One verdict of the decider as a page's row (a fairness, retrieval, generation or
    baseline threshold alike)."""
    found = one.result
    css, words = threshold_words(one.state, one.outcome)
    return {
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
        "css": css,
        "label": words,
        "message": one.message,
    }


ROW_ORDER = ("fail", "shaky", "pass")
"""The order of a table of threshold verdicts: what blocks, what passes only on its point
estimate, what passes for certain."""


OUTCOME_BADGES = {"pass": "pass", "warn": "warning", "block": "fail"}

SHAKY = "passes, not conclusively"
"""An inconclusive threshold that the policy lets pass (with or without a warning)."""

_BLOCKING_WORDS = {
    "beyond": "fails",
    "inconclusive": "inconclusive: blocks",
    "undefined": "not computed: blocks",
}


def threshold_words(state: str, outcome: str) -> tuple[str, str]:
    """The decider's state and outcome of one verdict in a page's words: (kind, words),
    kind one of 'pass', 'shaky', 'fail' (the row's class and the badge's colour).

    `within` is a solid pass; a verdict that does not block without being `within`
    (inconclusive where the policy says warn or pass) passes *not conclusively*, told
    apart everywhere verdicts appear; a blocking one says why it blocks.
    """
    if outcome == "block":
        return "fail", _BLOCKING_WORDS.get(state, f"{state}: blocks")
    if state == "within":
        return "pass", "passes"
    return "shaky", SHAKY


def worst_verdict(rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The row of the worst of the gate's verdicts on one disparity (None: no limit)."""
    outcomes, kinds = ("pass", "warning", "fail"), ("pass", "shaky", "fail")
    return max(
        rows,
        key=lambda row: (outcomes.index(str(row["outcome"])), kinds.index(str(row["css"]))),
        default=None,
    )
