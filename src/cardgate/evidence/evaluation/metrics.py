"""Metrics from sufficient statistics.

`GroupTable` holds one feature's (or intersection's) tables. Two implementations of the
classification metrics agree (a property test proves it): fairlearn's `MetricFrame` run
on the aggregated table with the counts as `sample_weight` gives the point estimates
(`fairlearn_estimates`), and vectorised numpy formulas (`classification_values`) compute
the same quantities on arrays of tables — thousands of bootstrap replicates at once — and
decide when a metric is undefined (a zero denominator: null with a reason, never 0).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cardgate.core.errors import InputError
from cardgate.documents.schemas.evaluation import (
    CLASSIFICATION_DISPARITIES,
    CLASSIFICATION_METRICS,
)
from cardgate.evidence.evaluation.stats import (
    ECE_BINS,
    SCORE_BINS,
    FloatArray,
    IntArray,
    SufficientStats,
)

UNDEFINED = {
    "selection_rate": "no rows",
    "accuracy": "no rows",
    "precision": "no positive predictions",
    "recall": "no positive labels",
    "true_positive_rate": "no positive labels",
    "false_positive_rate": "no negative labels",
    "false_negative_rate": "no positive labels",
    "f1": "no positive labels or predictions",
    "balanced_accuracy": "needs both positive and negative labels",
    "roc_auc": "needs both positive and negative labels",
    "expected_calibration_error": "no rows with a score",
    "brier_score": "no rows with a score",
    "mean_absolute_error": "no rows",
    "root_mean_squared_error": "no rows",
    "mean_error": "no rows",
}


@dataclass
class GroupTable:
    """One sensitive feature (or intersection): its groups and their tables.

    `cells[g, t, p]`: rows of group g with label t and prediction p (0/1).
    `scores[g, t, b]`: [rows, sum score, sum score²] of group g, label t, score bin b.
    `errors[g]`: [rows, sum e, sum |e|, sum e², sum e⁴].
    """

    name: str
    columns: list[str]
    groups: list[str]
    counts: FloatArray
    cells: FloatArray | None = None
    scores: FloatArray | None = None
    errors: FloatArray | None = None
    fairlearn: tuple[dict[str, list[float]], dict[str, float]] | None = None

    def total(self) -> GroupTable:
        """The table of all rows as one group."""

        def summed(array: FloatArray | None) -> FloatArray | None:
            return None if array is None else array.sum(axis=0, keepdims=True)

        return GroupTable(
            "overall",
            [],
            ["overall"],
            self.counts.sum(keepdims=True),
            summed(self.cells),
            summed(self.scores),
            summed(self.errors),
        )


# -- from statistics to tables -------------------------------------------------------
def binary_labels(
    stats: SufficientStats,
    *,
    positive_label: str | None,
    label_column: str,
    prediction_column: str,
    source: str,
) -> IntArray:
    """Map label codes to 0/1; refuse labels that are not binary and unknown predictions.

    Labels compare as text, with integral numbers in one form: a CSV column of `1` and a
    prediction column of `1.0` name the same class.
    """
    width = len(stats.features)
    present = stats.cells[:, 0] > 0
    labels = [_canonical_label(value) for value in stats.labels]
    truth = sorted({labels[c] for c in stats.cells_keys[present, width].tolist()})
    predicted = sorted({labels[c] for c in stats.cells_keys[present, width + 1].tolist()})
    if positive_label is not None:
        positive_label = _canonical_label(positive_label)
    if len(truth) > 2:
        raise InputError(
            f"{source}: column '{label_column}' has {len(truth)} distinct values "
            f"({_listing(truth)}); binary classification needs two",
            hint="multiclass evaluation is not supported yet",
        )
    if positive_label is None:
        for negative, positive in (("0", "1"), ("False", "True"), ("false", "true")):
            if set(truth) <= {negative, positive}:
                positive_label = positive
                truth = sorted({*truth, negative})
                break
        else:
            raise InputError(
                f"{source}: labels in column '{label_column}' are {_listing(truth)}, "
                "not 0/1 or booleans",
                hint="set evaluation.positive_label in the model card",
            )
    label_set = set(truth) | {positive_label}
    if len(label_set) > 2:
        raise InputError(
            f"{source}: positive_label '{positive_label}' is not one of the labels in column "
            f"'{label_column}' ({_listing(truth)})",
            hint="set evaluation.positive_label to one of the labels",
        )
    if len(label_set) == 1:  # one class in the labels: a prediction may name the other
        others = [value for value in predicted if value not in label_set]
        label_set |= set(others[:1])
    outside = [value for value in predicted if value not in label_set]
    if outside:
        raise InputError(
            f"{source}: column '{prediction_column}' holds {_listing(outside)}, outside the "
            f"label set ({_listing(sorted(label_set))})",
            hint="predictions must use the same values as the labels",
        )
    return np.array([1 if value == positive_label else 0 for value in labels], dtype=np.int64)


def _canonical_label(value: str) -> str:
    """'1.0' and '1' (and '1e0') as '1'; any other text unchanged."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else value


def _listing(values: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def group_table(
    stats: SufficientStats,
    columns: Sequence[str],
    *,
    binary: IntArray | None,
    max_groups: int,
    source: str,
) -> GroupTable:
    """The marginal table of `columns` (one feature, or an intersection)."""
    index = [stats.features.index(c) for c in columns]
    name = ",".join(columns)
    regression = binary is None
    keys_source = stats.errors_keys if regression else stats.cells_keys
    label_of: dict[tuple[int, ...], str] = {}
    for row in np.unique(keys_source[:, index], axis=0).tolist():
        label_of[tuple(row)] = ",".join(stats.levels[i][c] for i, c in zip(index, row, strict=True))
    groups = sorted(set(label_of.values()))
    if len(groups) > max_groups:
        raise InputError(
            f"{source}: '{name}' has {len(groups)} groups, more than max_groups ({max_groups})",
            hint="a sensitive feature should have few groups (raise evaluation.max_groups "
            "if this is intended)",
        )
    position = {g: i for i, g in enumerate(groups)}

    def group_index(keys: IntArray) -> IntArray:
        rows = [position[label_of[tuple(r)]] for r in keys[:, index].tolist()]
        return np.asarray(rows, dtype=np.int64)

    size = len(groups)
    if regression:
        errors = np.zeros((size, 5))
        np.add.at(errors, group_index(stats.errors_keys), stats.errors)
        return GroupTable(name, list(columns), groups, errors[:, 0].copy(), errors=errors)
    assert binary is not None
    width = len(stats.features)
    cells = np.zeros((size, 2, 2))
    truth = binary[stats.cells_keys[:, width]]
    predicted = binary[stats.cells_keys[:, width + 1]]
    np.add.at(cells, (group_index(stats.cells_keys), truth, predicted), stats.cells[:, 0])
    scores: FloatArray | None = None
    if len(stats.scores_keys):
        scores = np.zeros((size, 2, SCORE_BINS, 3))
        np.add.at(
            scores,
            (
                group_index(stats.scores_keys),
                binary[stats.scores_keys[:, width]],
                stats.scores_keys[:, width + 1],
            ),
            stats.scores,
        )
    return GroupTable(
        name, list(columns), groups, cells.sum(axis=(1, 2)), cells=cells, scores=scores
    )


# -- vectorised formulas ---------------------------------------------------------------
def _ratio(numerator: FloatArray, denominator: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )
    return np.asarray(out, dtype=np.float64)


def classification_values(cells: FloatArray) -> dict[str, FloatArray]:
    """Every classification metric of tables `cells[..., truth, prediction]` (NaN: undefined)."""
    tn, fp = cells[..., 0, 0], cells[..., 0, 1]
    fn, tp = cells[..., 1, 0], cells[..., 1, 1]
    n = tn + fp + fn + tp
    positives, negatives = tp + fn, tn + fp
    tpr = _ratio(tp, positives)
    tnr = _ratio(tn, negatives)
    balanced = np.where((positives > 0) & (negatives > 0), (tpr + tnr) / 2, np.nan)
    return {
        "selection_rate": _ratio(tp + fp, n),
        "accuracy": _ratio(tp + tn, n),
        "precision": _ratio(tp, tp + fp),
        "recall": tpr,
        "true_positive_rate": tpr,
        "false_positive_rate": _ratio(fp, negatives),
        "false_negative_rate": _ratio(fn, positives),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "balanced_accuracy": np.asarray(balanced, dtype=np.float64),
    }


def score_values(scores: FloatArray) -> dict[str, FloatArray]:
    """ROC AUC (ties within a bin count half), ECE (10 bins) and Brier score from
    histograms `scores[..., truth, bin, (rows, sum, sum²)]`."""
    rows = scores[..., 0]
    negatives, positives = rows[..., 0, :], rows[..., 1, :]
    below = np.cumsum(negatives, axis=-1) - negatives
    pairs = (positives * (below + 0.5 * negatives)).sum(axis=-1)
    n_pos, n_neg = positives.sum(axis=-1), negatives.sum(axis=-1)
    auc = _ratio(pairs, n_pos * n_neg)
    total = n_pos + n_neg
    sums, squares = scores[..., 1], scores[..., 2]
    brier_sum = squares.sum(axis=(-2, -1)) - 2 * sums[..., 1, :].sum(axis=-1) + n_pos
    shape = (*rows.shape[:-2], ECE_BINS, SCORE_BINS // ECE_BINS)
    coarse_labels = positives.reshape(shape).sum(axis=-1)
    coarse_scores = sums.sum(axis=-2).reshape(shape).sum(axis=-1)
    ece = _ratio(np.abs(coarse_labels - coarse_scores).sum(axis=-1), total)
    return {
        "roc_auc": auc,
        "expected_calibration_error": ece,
        "brier_score": _ratio(brier_sum, total),
    }


def regression_values(errors: FloatArray) -> dict[str, FloatArray]:
    """MAE, RMSE and mean error (prediction - label) from `errors[..., 5]` sums."""
    n = errors[..., 0]
    return {
        "mean_absolute_error": _ratio(errors[..., 2], n),
        "root_mean_squared_error": np.sqrt(_ratio(errors[..., 3], n)),
        "mean_error": _ratio(errors[..., 1], n),
    }


def _spread(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """max - min and min / max over the last axis (groups); NaN if any group is undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        high, low = values.max(axis=-1), values.min(axis=-1)
        ratio = np.where(high > 0, low / np.where(high > 0, high, 1), np.nan)
    return high - low, np.asarray(ratio, dtype=np.float64)


def disparity_values(cells: FloatArray) -> dict[str, FloatArray]:
    """fairlearn's between-groups disparities of tables `cells[..., group, truth, prediction]`."""
    return disparities_from_groups(classification_values(cells))


DISPARITY_INPUTS = ("selection_rate", "true_positive_rate", "false_positive_rate")


def disparities_from_groups(values: dict[str, FloatArray]) -> dict[str, FloatArray]:
    """Disparities from per-group rates (last axis: groups), as fairlearn defines them:
    max - min (difference) and min / max (ratio); equalized odds takes the worse of the
    TPR and FPR ones."""
    dp_diff, dp_ratio = _spread(values["selection_rate"])
    tpr_diff, tpr_ratio = _spread(values["true_positive_rate"])
    fpr_diff, fpr_ratio = _spread(values["false_positive_rate"])
    return {
        "demographic_parity_difference": dp_diff,
        "demographic_parity_ratio": dp_ratio,
        "equalized_odds_difference": np.maximum(tpr_diff, fpr_diff),
        "equalized_odds_ratio": np.minimum(tpr_ratio, fpr_ratio),
        "equal_opportunity_difference": tpr_diff,
        "equal_opportunity_ratio": tpr_ratio,
    }


DISPARITY_UNDEFINED = {
    "demographic_parity": "fewer than two groups to compare",
    "equalized_odds": "a compared group has no positive or no negative labels, or all rates are 0",
    "equal_opportunity": "a compared group has no positive labels, or all rates are 0",
}


def disparity_reason(metric: str) -> str:
    for prefix, reason in DISPARITY_UNDEFINED.items():
        if metric.startswith(prefix):
            return reason
    return "undefined"


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
