"""Every threshold of the card is met by the evaluation.

Rationale:
The card's ``evaluation.thresholds`` are the organisation's limits on performance and
fairness (e.g. ``equalized_odds_difference`` at most 0.10 for every sensitive feature).
Each threshold is decided by cardgate's one decider
(``cardgate.evidence.evaluation.decide``) from the numbers the artifact recorded — its
value, confidence interval, noise floor and group sizes — never from a verdict stored in
the artifact: ``within`` (the whole interval meets the limit) passes; ``beyond`` (the
whole interval breaks it, and a disparity is also beyond the noise floor a fair model
shows by chance) blocks; ``inconclusive`` (the interval straddles the limit, or a group is
smaller than the minimum group size) does what the stricter of the card's
``inconclusive:`` and this rule's ``inconclusive`` option says: ``block`` (an error:
more data needed), ``block-if-evident`` (an error where the evidence points to a breach —
a disparity whose estimate is beyond the limit and beyond its noise floor — a warning
otherwise; the baseline's default for the high risk tier), ``warn`` (a warning) or
``pass``. The policy's ``min_group_size``
is a floor the card's ``min_group_size`` cannot go below; a disparity without its null
test (the card's ``bootstrap.replicates: 0``) whose estimate is beyond the limit is
evident, so switching the test off cannot turn that block into a warning; a card's larger one leaves
small groups inconclusive, but a group the policy's minimum judges beyond the limit (or
evidently so) is judged so all the same. Nor can the card's ``bootstrap.confidence_level``
widen the intervals until breaches read inconclusive: above the policy's
``max_confidence_level`` (0.99 unless the policy says otherwise) an inconclusive result
blocks; nor lower it until intervals hug the estimate and a breach whose estimate falls
inside the limit reads ``within``: under the policy's ``min_confidence_level`` (0.95
unless the policy says otherwise) every result blocks. Nor can it pick a handful of
``bootstrap.replicates`` and a ``seed`` until the noise floor (a quantile of the null
draws) reaches a breach's estimate, or a bootstrap interval shrinks inside the limit:
under the policy's ``min_replicates`` (200 unless the policy says otherwise; ``0``
included) every result blocks; and above it, a value counts as within its noise floor
only when the floor's Monte-Carlo error cannot have put it there (its permutation p-value
surely at least 0.05: 16 of 200 draws as extreme, 62 of 1,000). ``cardgate evaluate``,
the reports and the site show the same verdicts.

Fails:
- ``demographic_parity_difference`` for ``age_group`` 0.291 (95% CI 0.142–0.437) with
  ``max: 0.10``: beyond;
- an inconclusive result where the policy (or the card) says ``inconclusive: block``,
  or ``block-if-evident`` and the estimate is beyond the limit and its noise floor;
- a group smaller than the card's ``min_group_size`` but not than the policy's, beyond
  the limit (``min_group_size: 50`` in a card whose failing group has 46 rows);
- an inconclusive result of an evaluation at ``confidence_level: 0.9999``, above the
  policy's ``max_confidence_level``;
- any result of an evaluation at ``confidence_level: 0.51``, under the policy's
  ``min_confidence_level``;
- any result of an evaluation with ``replicates: 5`` (or ``0``), under the policy's
  ``min_replicates``;
- under ``block-if-evident``, an inconclusive disparity whose estimate is beyond the
  limit in an evaluation with ``replicates: 0`` (no null test), where the policy's
  ``min_replicates`` is 0;
- under ``block-if-evident``, an inconclusive disparity whose estimate is beyond the
  limit and within a noise floor of 200 draws of which 15 are as extreme (p = 0.080:
  the floor's Monte-Carlo error could have put it there);
- a threshold the artifact has no record of, a value that could not be computed, or a
  recorded state that its own numbers contradict (a hand edit).

Passes:
- every target of every threshold is within its limits, or inconclusive where the
  policy allows it (``warn`` leaves a warning).

Remediation:
Improve the model (re-weighting, threshold tuning, more representative data) and
re-evaluate; for an inconclusive result, evaluate on more data (the verdict says the
smallest gap the data could detect). With the approval of the risk owner, a
time-limited waiver in waivers.yaml naming this rule, the system and the threshold's path.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.schemas.evaluation import DISPARITY_METRICS, Threshold
from cardgate.evidence.evaluation.decide import recorded_state_differs, subject
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.thresholds import ThresholdOptions, system_threshold_verdicts

CODE = "GATE-FA003"
NAME = "evaluation.thresholds-met"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.11", "MEASURE 2.3"]
ALIASES: list[str] = []
NEEDS_CARD = True


Options = ThresholdOptions


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return
    read = ctx.gate.artifact(system)
    if read is None or read.artifact is None:
        return  # GATE-FA001 reports it
    for index, state in recorded_state_differs(read.artifact):
        result = read.artifact.thresholds[index]
        yield ctx.finding(
            read.relative,
            f"{subject(result.metric, result.feature, result.group)}: the artifact records "
            f"'{result.state}', but its own numbers give '{state}'; the artifact was edited",
            path=("thresholds", index, "state"),
            hint=f"re-run: cardgate evaluate {system.id}",
        )
    for decided in system_threshold_verdicts(ctx.gate, system, ctx.settings) or []:
        where = ("evaluation", "thresholds", decided.index)
        nist = ["MEASURE 2.11"] if _is_fairness(decided.threshold) else ["MEASURE 2.3"]
        if not decided.verdicts:
            yield ctx.finding(
                system.card,
                f"threshold on {decided.subject} has no result in {read.relative}",
                path=where,
                nist=nist,
                hint=f"re-run: cardgate evaluate {system.id}",
            )
            continue
        for verdict in decided.verdicts:
            if verdict.outcome == "pass":
                continue
            yield ctx.finding(
                system.card,
                verdict.message,
                path=where,
                nist=nist,
                hint=_remedy(verdict.state, system.id),
                severity=Severity.WARNING if verdict.outcome == "warn" else None,
            )


def _remedy(state: str, system_id: str) -> str:
    """What to do about a threshold that is not met: the Remediation above, in a line."""
    if state == "inconclusive":
        return f"evaluate on more data, then cardgate evaluate {system_id}"
    if state == "undefined":
        return f"remove what keeps it from being computed, then cardgate evaluate {system_id}"
    return (
        "improve the model (re-weighting, threshold tuning, more representative data), then "
        f"cardgate evaluate {system_id} (cardgate explain {CODE})"
    )


def _is_fairness(threshold: Threshold) -> bool:
    return threshold.metric in DISPARITY_METRICS or threshold.feature is not None
