"""Metrics from sufficient statistics.

`GroupTable` holds one feature's (or intersection's) tables. Two implementations of the
classification metrics agree (a property test proves it): fairlearn's `MetricFrame` run
on the aggregated table with the counts as `sample_weight` gives the point estimates
(`fairlearn_estimates`), and vectorised numpy formulas (`classification_values`) compute
the same quantities on arrays of tables — thousands of bootstrap replicates at once — and
decide when a metric is undefined (a zero denominator: null with a reason, never 0)."""

from __future__ import annotations

import numpy as np

from cardgate.evidence.evaluation.stats import (
    ECE_BINS,
    SCORE_BINS,
    FloatArray,
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
    ece = np.abs(calibration_gaps(scores)).sum(axis=-1)
    return {
        "roc_auc": auc,
        "expected_calibration_error": ece,
        "brier_score": brier_values(scores),
    }


def brier_values(scores: FloatArray) -> FloatArray:
    """The Brier score from histograms `scores[..., truth, bin, (rows, sum, sum²)]`:
    Σ (score − label)² / rows = (Σ score² − 2 Σ_positives score + positives) / rows."""
    rows = scores[..., 0]
    n_pos, n_neg = rows[..., 1, :].sum(axis=-1), rows[..., 0, :].sum(axis=-1)
    sums, squares = scores[..., 1], scores[..., 2]
    brier_sum = squares.sum(axis=(-2, -1)) - 2 * sums[..., 1, :].sum(axis=-1) + n_pos
    return _ratio(brier_sum, n_pos + n_neg)


def calibration_gaps(scores: FloatArray) -> FloatArray:
    """Per calibration bin (`ECE_BINS` equal-width bins on [0, 1]): the bin's positive
    labels minus the sum of its scores, over all rows — `(..., ECE_BINS)`; the expected
    calibration error is the sum of their absolute values (NaN without rows)."""
    rows = scores[..., 0]
    total = rows.sum(axis=(-2, -1))
    shape = (*rows.shape[:-2], ECE_BINS, SCORE_BINS // ECE_BINS)
    coarse_labels = rows[..., 1, :].reshape(shape).sum(axis=-1)
    coarse_scores = scores[..., 1].sum(axis=-2).reshape(shape).sum(axis=-1)
    return _ratio(coarse_labels - coarse_scores, total[..., None])


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
