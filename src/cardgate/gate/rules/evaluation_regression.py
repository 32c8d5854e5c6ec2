"""No thresholded metric is worse than the approved baseline by more than the tolerance.

Rationale:
A model can meet its thresholds and still be worse than the version reviewers approved.
When the card names a baseline artifact (``evaluation.baseline.artifact``, the approved
model's ``evaluation.json``), each thresholded metric may worsen by at most
``evaluation.baseline.tolerance`` (or the policy's ``max_tolerance``, when smaller).
"Worse" follows the threshold: higher for a ``max``, lower for a ``min``.

Fails:
- ``equalized_odds_difference`` for ``sex`` was 0.05 in the baseline and is 0.09 now,
  with tolerance 0.02;
- the baseline artifact named by the card cannot be read (fail closed);
- the baseline has no result for any threshold the evaluation judged (another system's
  evaluation, or one with its thresholds removed): nothing would be compared;
- the baseline is the evaluation's own artifact (the same file, by its path, a link or a
  hard link): every metric is compared with itself, so no regression can ever be found.

Passes:
- no card names a baseline, or every thresholded metric is within tolerance of it (a
  threshold the baseline has no result for, one added since, is not compared).

Remediation:
Investigate the regression before release; if accepted, update the baseline to the new
approved artifact (a sign-off will record the change) or record a waiver.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Severity
from cardgate.documents.workspace import Workspace
from cardgate.evidence.evaluation.decide import matches, subject
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA004"
NAME = "evaluation.no-regression"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.4", "MANAGE 4.2"]
ALIASES: list[str] = []
NEEDS_CARD = True


class Options(BaseModel):
    """Options of GATE-FA004."""

    model_config = ConfigDict(extra="forbid")

    max_tolerance: float | None = Field(default=None, ge=0)


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return
    baseline = card.evaluation.baseline
    if baseline is None or baseline.artifact is None:
        return
    current = ctx.gate.artifact(system)
    if current is None or current.artifact is None:
        return  # GATE-FA001 reports it
    if _same_file(current.path, ctx.gate.workspace, baseline.artifact):
        yield ctx.finding(
            system.card,
            f"the baseline {baseline.artifact} is the evaluation's own artifact: every metric "
            "is compared with itself, and no regression can be found",
            path=("evaluation", "baseline", "artifact"),
            hint="point evaluation.baseline.artifact at a copy of the approved model's "
            "evaluation.json, kept apart from the one cardgate evaluate rewrites",
        )
        return
    old = ctx.gate.read_artifact(baseline.artifact)
    if old.artifact is None:
        yield ctx.finding(
            system.card,
            f"baseline artifact '{old.relative}' {old.error}",
            path=("evaluation", "baseline", "artifact"),
            hint="point evaluation.baseline.artifact at the approved evaluation.json",
        )
        return
    options: Options | None = ctx.options
    tolerance = baseline.tolerance
    if options is not None and options.max_tolerance is not None:
        tolerance = min(tolerance, options.max_tolerance)
    judged = compared = 0
    for index, threshold in enumerate(card.evaluation.thresholds):
        records = [
            record for record in current.artifact.thresholds if matches(threshold, index, record)
        ]
        for record in records:
            before = [
                r
                for r in old.artifact.thresholds
                if (r.metric, r.feature, r.group) == (record.metric, record.feature, record.group)
            ]
            judged += record.value is not None
            if not before or before[0].value is None or record.value is None:
                continue
            compared += 1
            was, now = before[0].value, record.value
            worse = now - was if threshold.max is not None else was - now
            if worse > tolerance + 1e-12:
                yield ctx.finding(
                    system.card,
                    f"{subject(record.metric, record.feature, record.group)} worsened from "
                    f"{was:.3f} to {now:.3f} ({worse:+.3f}, tolerance {tolerance:g}) against "
                    f"the baseline {old.relative}",
                    path=("evaluation", "thresholds", index),
                    hint="investigate the regression; update the baseline once approved",
                )
    if judged and not compared:
        yield ctx.finding(
            system.card,
            f"the baseline {old.relative} has no result for any threshold of the card: "
            "nothing is compared with it",
            path=("evaluation", "baseline", "artifact"),
            hint="point evaluation.baseline.artifact at the approved evaluation.json of this "
            "system's model, evaluated with these thresholds",
        )


def _same_file(own: Path | None, workspace: Workspace, baseline: str) -> bool:
    """Whether the baseline named is the evaluation's artifact `own` itself: the same
    path once resolved (links followed), or the same file under another name (a hard
    link)."""
    if own is None:
        return False
    try:
        path = workspace.resolve(baseline)
    except PathEscapeError:
        return False  # read_artifact reports it
    if os.path.realpath(path) == os.path.realpath(own):
        return True
    try:
        return os.path.samefile(path, own)
    except OSError:
        return False
