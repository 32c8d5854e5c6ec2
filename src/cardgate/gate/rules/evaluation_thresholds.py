"""Every threshold of the card is met by the evaluation's recorded values.

Rationale:
The card's ``evaluation.thresholds`` are the organisation's limits on performance and
fairness (e.g. ``equalized_odds_difference`` at most 0.10 for every sensitive feature).
The gate re-decides each one from the values, confidence intervals and noise floors the
artifact recorded — it does not trust the artifact's own ``passed`` — using the decision
mode the policy demands: ``point`` (the estimate), ``ci-bound`` (the pessimistic end of
the confidence interval) or ``significance`` (only a breach beyond the noise floor). The
stricter of the card's ``decide_on`` and the policy's option wins.

Fails:
- ``equalized_odds_difference`` 0.142 for ``race`` with ``max: 0.10``;
- with ``decide_on: ci-bound``, a point estimate of 0.09 whose interval reaches 0.12;
- a threshold the artifact has no record of, or whose value could not be computed.

Passes:
- every matching record satisfies ``min`` and ``max`` under the decision mode.

Remediation:
Improve the model (re-weighting, threshold tuning, more representative data) and
re-evaluate; or, with the approval of the risk owner, record a time-limited waiver in
waivers.yaml naming this rule, the system and the threshold's path.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from cardgate.core.problems import Severity
from cardgate.documents.positions import source_text
from cardgate.documents.schemas.evaluation import DISPARITY_METRICS, Threshold
from cardgate.evidence.evaluation.artifact import ThresholdRecord
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA003"
NAME = "evaluation.thresholds-met"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.11", "MEASURE 2.3"]
ALIASES: list[str] = []

Mode = Literal["significance", "point", "ci-bound"]
_STRICTNESS: dict[str, int] = {"significance": 0, "point": 1, "ci-bound": 2}


class Options(BaseModel):
    """Options of GATE-FA003."""

    model_config = ConfigDict(extra="forbid")

    decide_on: Mode = "point"


def matching(threshold: Threshold, records: list[ThresholdRecord]) -> list[ThresholdRecord]:
    """The artifact's records of one card threshold (same metric, feature, group)."""
    return [
        record
        for record in records
        if record.metric == threshold.metric
        and (threshold.feature is None or record.feature == threshold.feature)
        and (threshold.group is None or record.group == threshold.group)
    ]


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return
    read = ctx.gate.artifact(system)
    if read is None or read.artifact is None:
        return  # GATE-FA001 reports it
    options: Options | None = ctx.options
    policy_mode: str = options.decide_on if options is not None else "point"
    level = read.artifact.provenance.confidence_level
    for index, threshold in enumerate(card.evaluation.thresholds):
        where = ("evaluation", "thresholds", index)
        mode = max(threshold.decide_on or policy_mode, policy_mode, key=_STRICTNESS.__getitem__)
        nist = ["MEASURE 2.11"] if _is_fairness(threshold) else ["MEASURE 2.3"]
        records = matching(threshold, read.artifact.thresholds)
        if not records:
            yield ctx.finding(
                system.card,
                f"threshold on {_subject(threshold.metric, threshold.feature, threshold.group)}"
                f" has no result in {read.relative}",
                path=where,
                nist=nist,
                hint=f"re-run: cardgate evaluate {system.id}",
            )
            continue
        for record in records:
            problem = breach(threshold, record, mode, level)
            if problem is not None:
                yield ctx.finding(system.card, problem, path=where, nist=nist)


def breach(threshold: Threshold, record: ThresholdRecord, mode: str, level: float) -> str | None:
    """Why the record breaks the threshold under `mode`, or None when it holds."""
    subject = _subject(record.metric, record.feature, record.group)
    value = record.value
    if value is None:
        reason = f": {record.reason}" if record.reason else ""
        return f"{subject} could not be computed{reason}"
    ci = record.ci if record.ci and len(record.ci) == 2 else None
    interval = (
        f" ({level:.0%} CI {ci[0]:.3f}–{ci[1]:.3f})"
        if ci is not None and ci[0] is not None and ci[1] is not None
        else ""
    )
    floor = record.noise_floor or 0.0
    for bound, limit in (("max", threshold.max), ("min", threshold.min)):
        if limit is None:
            continue

        def too_far(x: float, bound: str = bound, limit: float = limit) -> bool:
            return x > limit if bound == "max" else x < limit

        sign = ">" if bound == "max" else "<"
        shown_limit = _number(limit)
        if mode == "ci-bound":
            edge = (ci[1] if bound == "max" else ci[0]) if ci is not None else None
            if edge is None:
                if too_far(value):
                    return f"{subject} {value:.3f} {sign} {bound} {shown_limit} (no interval)"
                return f"{subject}: no confidence interval recorded for a ci-bound decision"
            if too_far(edge):
                side = "upper" if bound == "max" else "lower"
                return (
                    f"{subject} {side} {level:.0%} CI bound {edge:.3f} {sign} {bound} "
                    f"{shown_limit} (point {value:.3f})"
                )
        elif mode == "significance":
            excess = value - limit if bound == "max" else limit - value
            if excess > floor:
                return (
                    f"{subject} {value:.3f} {sign} {bound} {shown_limit}, beyond the noise "
                    f"floor {floor:.3f}{interval}"
                )
        elif too_far(value):
            return f"{subject} {value:.3f} {sign} {bound} {shown_limit}{interval}"
    return None


def _subject(metric: str, feature: str | None, group: str | None) -> str:
    if group is not None and feature is not None:
        return f"{metric} for group '{group}' of '{feature}'"
    if feature is not None:
        return f"{metric} for '{feature}'"
    return metric


def _is_fairness(threshold: Threshold) -> bool:
    return threshold.metric in DISPARITY_METRICS or threshold.feature is not None


def _number(value: float) -> str:
    return source_text(value) or f"{value:g}"
