"""What an evaluation computes, read from a card's `evaluation:` settings: the metrics that
apply to its task, the feature sets it groups by, and whether the settings can run.
"""

from __future__ import annotations

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import (
    CLASSIFICATION_DISPARITIES,
    CLASSIFICATION_METRICS,
    REGRESSION_DISPARITIES,
    REGRESSION_METRICS,
    SCORE_METRICS,
    EvaluationSettings,
)


def applicable_metrics(settings: EvaluationSettings) -> list[str]:
    """Per-group metrics the task (and a score column) allow."""
    if settings.task == "regression":
        return list(REGRESSION_METRICS)
    found = list(CLASSIFICATION_METRICS)
    if settings.score_column is not None:
        found += list(SCORE_METRICS)
    return found


def chosen_metrics(settings: EvaluationSettings) -> tuple[list[str], list[str]]:
    """(per-group metrics, disparities) to report: as listed, plus any thresholded."""
    group_ok = applicable_metrics(settings)
    disparity_ok = list(
        REGRESSION_DISPARITIES if settings.task == "regression" else CLASSIFICATION_DISPARITIES
    )
    wanted: list[str] = list(settings.metrics) or [*group_ok, *disparity_ok]
    wanted += [t.metric for t in settings.thresholds]
    groups: list[str] = []
    disparities: list[str] = []
    for name in dict.fromkeys(wanted):
        if name == "count":
            continue
        if name in group_ok:
            groups.append(name)
        elif name in disparity_ok:
            disparities.append(name)
        else:
            raise ConfigurationError(
                f"evaluation: metric '{name}' does not apply to task '{settings.task}'"
                + ("" if settings.score_column else " without a score_column"),
                hint=f"metrics for this task: {', '.join(group_ok + disparity_ok)}",
                at=_metric_path(settings, name),
            )
    order = {name: i for i, name in enumerate(group_ok + disparity_ok)}
    return sorted(groups, key=order.__getitem__), sorted(disparities, key=order.__getitem__)


def _metric_path(settings: EvaluationSettings, name: str) -> tuple[str | int, ...]:
    """Where a metric is named in the settings: `metrics`, else the first threshold."""
    if name in settings.metrics:
        return ("evaluation", "metrics", list(settings.metrics).index(name))
    for index, threshold in enumerate(settings.thresholds):
        if threshold.metric == name:
            return ("evaluation", "thresholds", index, "metric")
    return ("evaluation",)


def check_settings(settings: EvaluationSettings) -> None:
    """Refuse what the schema allows but evaluation cannot do yet."""
    if settings.task == "multiclass-classification":
        raise ConfigurationError(
            "evaluation.task: multiclass-classification is not supported yet",
            hint="evaluate one class against the rest as binary-classification with positive_label",
            at=("evaluation", "task"),
        )
    chosen_metrics(settings)


def feature_sets(settings: EvaluationSettings) -> list[list[str]]:
    """Each sensitive feature alone, then each listed intersection."""
    sets = [[name] for name in settings.sensitive_features]
    sets += [list(combo) for combo in settings.intersections]
    return sets
