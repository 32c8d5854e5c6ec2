"""The evidence for each threshold of the card: one record per (threshold, target) with
the numbers `decide` needs and the state it finds from them (the card alone; the policy
is applied by whoever renders the verdict: `cardgate evaluate`, the gate, the site).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import (
    DISPARITY_METRICS,
    EvaluationSettings,
    Threshold,
)
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import state_of
from cardgate.evidence.evaluation.detectable import detectable_value
from cardgate.evidence.evaluation.intervals import Detection
from cardgate.evidence.evaluation.numbers import json_number

Target = tuple[str | None, str | None, dict[str, Any], int | None, dict[str, Any]]
"""(feature, group, the metric's record, rows behind it, the records of the same group's
other metrics — none for a disparity)."""


def _targets(
    index: int, threshold: Threshold, artifact: dict[str, Any], settings: EvaluationSettings
) -> list[Target]:
    """What one threshold applies to: a feature's disparity, every group (or one group)
    of a feature, or the overall value."""
    features = {f["feature"]: f for f in artifact["features"]}
    if threshold.feature is not None and threshold.feature not in features:
        raise ConfigurationError(
            f"evaluation.thresholds: feature '{threshold.feature}' is not evaluated",
            hint=f"features: {', '.join(features)}",
            at=("evaluation", "thresholds", index, "feature"),
        )
    names = [threshold.feature] if threshold.feature is not None else list(features)
    targets: list[Target] = []
    if threshold.metric in DISPARITY_METRICS:
        for name in names:
            counts = {g["group"]: g["count"] for g in features[name]["groups"]}
            for record in features[name]["disparities"]:
                if record["metric"] == threshold.metric:
                    compared = [counts[g] for g in record["groups_compared"]]
                    targets.append((name, None, record, min(compared, default=None), {}))
        return targets
    if threshold.feature is None:
        overall = artifact["overall"]
        metrics = overall["metrics"]
        targets.append((None, None, metrics[threshold.metric], overall["count"], metrics))
    for name in names:
        groups = features[name]["groups"]
        known = [g["group"] for g in groups]
        if threshold.group is not None and threshold.group not in known:
            raise ConfigurationError(
                f"evaluation.thresholds: group '{threshold.group}' is not a group of '{name}'",
                hint=f"groups: {', '.join(known[:20])}",
                at=("evaluation", "thresholds", index, "group"),
            )
        for group in groups:
            if threshold.group in (None, group["group"]):
                record = group["metrics"][threshold.metric]
                targets.append((name, group["group"], record, group["count"], group["metrics"]))
    return targets


def _detectable(
    threshold: Threshold,
    feature: str | None,
    record: dict[str, Any],
    detections: Mapping[str, Mapping[str, Detection]],
    level: float,
    metrics: Mapping[str, Any],
) -> float | None:
    """The value these data would find beyond the threshold's limit 80% of the time
    (`metrics`: the same group's records, where an AUC's class sizes are read)."""
    bound, limit = ("max", threshold.max) if threshold.max is not None else ("min", threshold.min)
    assert limit is not None
    if threshold.metric in DISPARITY_METRICS:
        found = detections.get(feature or "", {}).get(threshold.metric)
        return json_number(found.detectable(bound, limit)) if found is not None else None
    value, ci = record.get("value"), record.get("ci")
    if value is None or ci is None:
        return None
    return json_number(
        detectable_value(
            threshold.metric,
            value,
            (ci[0], ci[1]),
            bound=bound,
            limit=limit,
            level=level,
            related={
                name: (r.get("value"), tuple(r["ci"]) if r.get("ci") else None)
                for name, r in metrics.items()
                if isinstance(r, dict)
            },
        )
    )


def threshold_results(
    artifact: dict[str, Any],
    settings: EvaluationSettings,
    detections: Mapping[str, Mapping[str, Detection]],
) -> list[dict[str, Any]]:
    """One record per (threshold, feature, group) it applies to, with its state;
    `detections`: per feature and disparity, how far beyond a limit is detectable."""
    level = settings.bootstrap.confidence_level
    out: list[dict[str, Any]] = []
    for index, threshold in enumerate(settings.thresholds):
        for feature, group, record, count, metrics in _targets(
            index, threshold, artifact, settings
        ):
            evidence = {
                "threshold": index,
                "metric": threshold.metric,
                "feature": feature,
                "group": group,
                "min": threshold.min,
                "max": threshold.max,
                "value": record.get("value"),
                "ci": record.get("ci"),
                "noise_floor": record.get("noise_floor"),
                "p_value": record.get("p_value"),
                "detectable": _detectable(threshold, feature, record, detections, level, metrics),
                "count": count,
                "state": "undefined",
                "reason": record.get("reason") or "",
            }
            state, reason = state_of(
                ThresholdResult.model_validate(evidence),
                min_group_size=settings.min_group_size,
                level=level,
                replicates=settings.bootstrap.replicates,
            )
            out.append({**evidence, "state": state, "reason": reason})
    return out
