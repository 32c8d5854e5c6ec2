"""Threshold verdicts: each threshold of the card decided on the evaluation's values."""

from __future__ import annotations

from typing import Any

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import (
    DISPARITY_METRICS,
    EvaluationSettings,
    Threshold,
)


# -- thresholds ------------------------------------------------------------------------
def _verdicts(
    threshold: Threshold,
    value: float | None,
    ci: list[float | None] | None,
    p_value: float | None,
    alpha: float,
) -> dict[str, str]:
    if value is None:
        return {"point": "undefined", "ci-bound": "undefined", "significance": "undefined"}

    def within(x: float) -> bool:
        return (threshold.min is None or x >= threshold.min) and (
            threshold.max is None or x <= threshold.max
        )

    point = within(value)
    verdicts = {"point": "pass" if point else "fail"}
    if ci is None or ci[0] is None or ci[1] is None:
        verdicts["ci-bound"] = "undefined"
    else:
        low, high = ci[0], ci[1]
        pessimistic = (threshold.min is None or low >= threshold.min) and (
            threshold.max is None or high <= threshold.max
        )
        verdicts["ci-bound"] = "pass" if pessimistic else "fail"
    if point:
        verdicts["significance"] = "pass"
    elif p_value is not None:
        verdicts["significance"] = "fail" if p_value < alpha else "pass"
    elif ci is not None and ci[0] is not None and ci[1] is not None:
        # no noise floor for a per-group metric: fail when the whole interval is beyond
        low, high = ci[0], ci[1]
        beyond = (threshold.max is not None and low > threshold.max) or (
            threshold.min is not None and high < threshold.min
        )
        verdicts["significance"] = "fail" if beyond else "pass"
    else:
        verdicts["significance"] = "undefined"
    return verdicts


def threshold_results(
    artifact: dict[str, Any], settings: EvaluationSettings
) -> list[dict[str, Any]]:
    """One record per (threshold, feature, group) it applies to, with every verdict."""
    alpha = 1 - settings.bootstrap.confidence_level
    features = {f["feature"]: f for f in artifact["features"]}
    out: list[dict[str, Any]] = []
    for index, threshold in enumerate(settings.thresholds):
        decide = threshold.decide_on or "point"
        targets: list[tuple[str | None, str | None, dict[str, Any], str | None]] = []
        if threshold.feature is not None and threshold.feature not in features:
            raise ConfigurationError(
                f"evaluation.thresholds: feature '{threshold.feature}' is not evaluated",
                hint=f"features: {', '.join(features)}",
                at=("evaluation", "thresholds", index, "feature"),
            )
        names = [threshold.feature] if threshold.feature is not None else list(features)
        if threshold.metric in DISPARITY_METRICS:
            for name in names:
                for record in features[name]["disparities"]:
                    if record["metric"] == threshold.metric:
                        targets.append((name, None, record, None))
        else:
            if threshold.feature is None:
                targets.append((None, None, artifact["overall"]["metrics"][threshold.metric], None))
            for name in names:
                groups = features[name]["groups"]
                known = [g["group"] for g in groups]
                if threshold.group is not None and threshold.group not in known:
                    raise ConfigurationError(
                        f"evaluation.thresholds: group '{threshold.group}' is not a group of "
                        f"'{name}'",
                        hint=f"groups: {', '.join(known[:20])}",
                        at=("evaluation", "thresholds", index, "group"),
                    )
                for group in groups:
                    if threshold.group in (None, group["group"]):
                        why = None
                        if group["suppressed"]:
                            why = f"group has fewer than {settings.min_group_size} rows"
                        targets.append(
                            (name, group["group"], group["metrics"][threshold.metric], why)
                        )
        for feature, group, record, suppressed in targets:
            value, ci = record.get("value"), record.get("ci")
            p_value = record.get("p_value")
            if suppressed is not None:
                verdicts = dict.fromkeys(("point", "ci-bound", "significance"), "suppressed")
                passed = True
            else:
                verdicts = _verdicts(threshold, value, ci, p_value, alpha)
                passed = verdicts[decide] == "pass"
            out.append(
                {
                    "metric": threshold.metric,
                    "feature": feature,
                    "group": group,
                    "min": threshold.min,
                    "max": threshold.max,
                    "value": value,
                    "ci": ci,
                    "noise_floor": record.get("noise_floor"),
                    "p_value": p_value,
                    "verdicts": verdicts,
                    "decide_on": decide,
                    "passed": passed,
                    "reason": suppressed or record.get("reason"),
                }
            )
    return out
