"""fairlearn computes the point estimates: a `MetricFrame` over the group table's weighted
aggregate rows (one row per cell, weighted by its count) gives every per-group metric and
disparity, equal to fairlearn on the raw rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from cardgate.documents.schemas.evaluation import (
    CLASSIFICATION_DISPARITIES,
    CLASSIFICATION_METRICS,
)
from cardgate.evidence.evaluation.group_table import GroupTable
from cardgate.evidence.evaluation.stats import (
    FloatArray,
)


# -- fairlearn ---------------------------------------------------------------------------
def _weighted_rows(cells: FloatArray, groups: Sequence[str]) -> tuple[Any, Any, Any, Any]:
    import pandas as pd

    index = np.argwhere(cells > 0)
    sensitive = pd.Series(np.array(groups, dtype=object)[index[:, 0]], name="group")
    return index[:, 1], index[:, 2], sensitive, cells[tuple(index.T)]


def _fairlearn_functions() -> dict[str, Any]:
    from fairlearn.metrics import (
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import (
        accuracy_score,
        balanced_accuracy_score,
        f1_score,
        precision_score,
    )

    def precision(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
        return float(precision_score(y_true, y_pred, sample_weight=sample_weight, zero_division=0))

    def f1(y_true: Any, y_pred: Any, sample_weight: Any = None) -> float:
        return float(f1_score(y_true, y_pred, sample_weight=sample_weight, zero_division=0))

    return {
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "precision": precision,
        "recall": true_positive_rate,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "false_negative_rate": false_negative_rate,
        "f1": f1,
        "balanced_accuracy": balanced_accuracy_score,
    }


def fairlearn_estimates(
    table: GroupTable, metrics: Sequence[str]
) -> tuple[dict[str, list[float]], dict[str, float]]:
    """Per-group and overall values of classification `metrics` by fairlearn's MetricFrame
    on the aggregated table (counts as sample_weight). Undefined values are unreliable here:
    callers take definedness from `classification_values`."""
    from fairlearn.metrics import MetricFrame

    assert table.cells is not None
    if table.fairlearn is not None:
        return table.fairlearn
    chosen = [m for m in metrics if m in CLASSIFICATION_METRICS]
    if not chosen:
        return {}, {}
    functions = _fairlearn_functions()
    y_true, y_pred, sensitive, weight = _weighted_rows(table.cells, table.groups)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = MetricFrame(
            metrics={m: functions[m] for m in chosen},
            y_true=y_true,
            y_pred=y_pred,
            sensitive_features=sensitive,
            sample_params={m: {"sample_weight": weight} for m in chosen},
        )
    by_group = frame.by_group
    per_group = {
        m: [
            float(by_group.loc[g, m]) if g in by_group.index else float("nan") for g in table.groups
        ]
        for m in chosen
    }
    overall = {m: float(frame.overall[m]) for m in chosen}
    table.fairlearn = (per_group, overall)
    return per_group, overall


def fairlearn_disparities(table: GroupTable, include: Sequence[bool]) -> dict[str, float]:
    """fairlearn's disparity functions on the aggregated table of the `include`d groups."""
    from fairlearn import metrics as fm

    assert table.cells is not None
    kept = np.asarray(include, dtype=bool)
    cells = table.cells[kept]
    groups = [g for g, k in zip(table.groups, include, strict=True) if k]
    y_true, y_pred, sensitive, weight = _weighted_rows(cells, groups)
    out: dict[str, float] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in CLASSIFICATION_DISPARITIES:
            function = getattr(fm, name)
            out[name] = float(
                function(y_true, y_pred, sensitive_features=sensitive, sample_weight=weight)
            )
    return out
