"""Each declared sensitive feature has at least one fairness threshold, where required.

Rationale:
An evaluation that measures disparities but limits none decides nothing: a high-risk
system would pass its fairness gate with no fairness threshold at all. Where the policy
says ``require_threshold_per_feature`` (the baseline does for risk tier ``high``), every
feature in ``evaluation.sensitive_features`` needs a threshold that applies to it: one
naming the feature, or a disparity threshold without ``feature`` (it applies to all).

Fails:
- ``sensitive_features: [sex, age]`` with thresholds only on ``sex``;
- ``thresholds: []`` on a high-risk card.

Passes:
- every declared sensitive feature is limited by at least one threshold; or the policy
  does not require it for the system's tier.

Remediation:
Add a threshold per feature (e.g. ``metric: demographic_parity_difference``, ``feature:
age``, ``max: 0.1``), re-run ``cardgate evaluate`` and commit the artifact.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.schemas.evaluation import DISPARITY_METRICS
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA005"
NAME = "evaluation.features-thresholded"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.11", "MAP 2.3"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.evaluation is None:
        return  # no evaluation: GATE-FA001 decides whether one is required
    if not ctx.settings.require_threshold_per_feature:
        return
    thresholds = card.evaluation.thresholds
    if any(t.feature is None and t.metric in DISPARITY_METRICS for t in thresholds):
        return
    limited = {t.feature for t in thresholds if t.feature is not None}
    for index, feature in enumerate(card.evaluation.sensitive_features):
        if feature not in limited:
            yield ctx.finding(
                system.card,
                f"sensitive feature '{feature}' has no fairness threshold: risk tier "
                f"'{ctx.settings.tier}' requires one per declared feature",
                path=("evaluation", "sensitive_features", index),
                hint=f"add a threshold with feature: {feature} under evaluation.thresholds",
            )
