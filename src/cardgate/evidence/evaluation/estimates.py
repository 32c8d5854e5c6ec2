"""Per-group estimates: point values from the group table and their intervals.

* Proportions (selection rate, accuracy, precision, recall / TPR, FPR, FNR): Wilson
  score intervals; balanced accuracy, the mean of TPR and TNR: MOVER from their Wilson
  intervals; F1, a monotone function of a proportion: from the Wilson interval of the
  Jaccard index (`intervals`, `f1_interval`).
* ROC AUC: DeLong's variance (DeLong, DeLong & Clarke-Pearson 1988), computed exactly
  from the score histograms, on the logit scale (`auc_intervals`), widened by the
  histograms' binning bound (`auc_binning_bound`).
* Brier score: the mean of its rows' terms, near misses and misses apart, each
  `intervals.bounded_mean`, summed by MOVER (`brier_interval`); expected calibration error: the
  bootstrap of the distance between the estimated and the true calibration gaps, which
  bounds the error of the biased plug-in ECE (`calibration_interval`).
* Regression, from the exact moments: Student's t for the mean error, and for the MAE on
  the log scale (the unbiased variance), Bonett's interval of the MSE for RMSE
  (`regression_intervals`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cardgate.documents.schemas.evaluation import (
    SCORE_METRICS,
    EvaluationSettings,
)
from cardgate.evidence.evaluation import bootstrap as boot
from cardgate.evidence.evaluation import intervals as I
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.fairlearn_bridge import fairlearn_estimates
from cardgate.evidence.evaluation.group_table import GroupTable
from cardgate.evidence.evaluation.stats import SCORE_BINS, FloatArray

Intervals = dict[str, tuple[FloatArray, FloatArray]]


# -- per-table computation ------------------------------------------------------------
def point_values(table: GroupTable, metrics: Sequence[str]) -> dict[str, FloatArray]:
    """Point estimates per group: fairlearn's where defined (the disparities' inputs too)."""
    values: dict[str, FloatArray] = {}
    if table.cells is not None:
        values.update(M.classification_values(table.cells))
        fair_groups, _ = fairlearn_estimates(table, [*metrics, *M.DISPARITY_INPUTS])
        for name, by_group in fair_groups.items():
            fair = np.asarray(by_group, dtype=np.float64)
            values[name] = np.where(np.isfinite(values[name]), fair, np.nan)
    if table.scores is not None:
        values.update(M.score_values(table.scores))
    if table.errors is not None:
        values.update(M.regression_values(table.errors))
    keep = [*metrics, *(M.DISPARITY_INPUTS if table.cells is not None else ())]
    return {name: values[name] for name in keep}


def proportions(cells: FloatArray) -> dict[str, tuple[FloatArray, FloatArray]]:
    """(successes, trials) of each classification metric that is a proportion, from
    tables `cells[..., truth, prediction]`."""
    tn, fp = cells[..., 0, 0], cells[..., 0, 1]
    fn, tp = cells[..., 1, 0], cells[..., 1, 1]
    positives, negatives = tp + fn, tn + fp
    return {
        "selection_rate": (tp + fp, positives + negatives),
        "accuracy": (tp + tn, positives + negatives),
        "precision": (tp, tp + fp),
        "recall": (tp, positives),
        "true_positive_rate": (tp, positives),
        "false_positive_rate": (fp, negatives),
        "false_negative_rate": (fn, positives),
        "true_negative_rate": (tn, negatives),
    }


def classification_intervals(cells: FloatArray, z: float) -> Intervals:
    """Wilson intervals of every proportion, MOVER for balanced accuracy, at `z`."""
    out: Intervals = {}
    for name, (successes, trials) in proportions(cells).items():
        out[name] = I.wilson(successes, trials, z)
    tp, positives = proportions(cells)["true_positive_rate"]
    tn, negatives = proportions(cells)["true_negative_rate"]
    with np.errstate(invalid="ignore", divide="ignore"):
        tpr, tnr = tp / positives, tn / negatives
    (tpr_low, tpr_high), (tnr_low, tnr_high) = out["true_positive_rate"], out["true_negative_rate"]
    out["balanced_accuracy"] = I.mover_sum(
        [tpr, tnr], [tpr_low, tnr_low], [tpr_high, tnr_high], [0.5, 0.5]
    )
    out["f1"] = f1_interval(cells, z)
    return out


def f1_interval(cells: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """F1 = 2J / (1 + J), increasing in the Jaccard index J = TP / (TP + FP + FN); given
    the rows that are not true negatives, TP is binomial with proportion J, so the Wilson
    interval of J, transformed, is F1's (NaN where TP + FP + FN is 0)."""
    tp, fp, fn = cells[..., 1, 1], cells[..., 0, 1], cells[..., 1, 0]
    low, high = I.wilson(tp, tp + fp + fn, z)
    return 2 * low / (1 + low), 2 * high / (1 + high)


def auc_binning_bound(scores: FloatArray) -> FloatArray:
    """Largest possible error of ROC AUC from score histograms, per group: pairs of a
    positive and a negative whose scores share a bin count one half, where their true
    contribution is 0 or 1, so the error is at most half their share of all pairs."""
    rows = scores[..., 0]
    negatives, positives = rows[..., 0, :], rows[..., 1, :]
    tied = (negatives * positives).sum(axis=-1)
    pairs = negatives.sum(axis=-1) * positives.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bound: FloatArray = np.where(pairs > 0, 0.5 * tied / np.where(pairs > 0, pairs, 1), np.nan)
    return bound


def auc_intervals(scores: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """ROC AUC intervals per group at `z` from histograms `scores[..., truth, bin, 3]`.

    DeLong's structural components from the histograms (a bin's scores are tied, as in
    the AUC itself): each positive's share of negatives ranked below it, each negative's
    share of positives ranked above it; the AUC's variance is the sum of their variances
    over the counts. The interval is taken on the logit scale, which keeps it inside
    (0, 1) (measured coverage: docs/statistics.md). An AUC of 0 or 1 (no
    overlap) has no DeLong variance: its interval is the Wilson interval of a proportion
    0 or 1 on the smaller class's rows, never degenerate.
    """
    rows = scores[..., 0]
    negatives, positives = rows[..., 0, :], rows[..., 1, :]
    n_neg, n_pos = negatives.sum(axis=-1), positives.sum(axis=-1)
    below = np.cumsum(negatives, axis=-1) - negatives
    above = n_pos[..., None] - np.cumsum(positives, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        v10 = (below + 0.5 * negatives) / n_neg[..., None]
        v01 = (above + 0.5 * positives) / n_pos[..., None]
        auc = (positives * v10).sum(axis=-1) / n_pos
        s10 = (positives * (v10 - auc[..., None]) ** 2).sum(axis=-1) / (n_pos - 1)
        s01 = (negatives * (v01 - auc[..., None]) ** 2).sum(axis=-1) / (n_neg - 1)
        error = np.sqrt(s10 / n_pos + s01 / n_neg)
        logit = np.log(auc / (1 - auc))
        half = z * error / (auc * (1 - auc))
        low = 1 / (1 + np.exp(-(logit - half)))
        high = 1 / (1 + np.exp(-(logit + half)))
    smaller = np.minimum(n_pos, n_neg)
    edge_low, _ = I.wilson(smaller, smaller, z)  # for an AUC of 1; mirrored for 0
    at_one, at_zero = auc >= 1, auc <= 0
    low = np.where(at_one, edge_low, np.where(at_zero, 0.0, low))
    high = np.where(at_one, 1.0, np.where(at_zero, 1 - edge_low, high))
    undefined = ~((n_pos > 0) & (n_neg > 0))
    return (
        np.where(undefined, np.nan, low).astype(np.float64),
        np.where(undefined, np.nan, high).astype(np.float64),
    )


def group_intervals(
    table: GroupTable,
    metrics: Sequence[str],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> Intervals:
    """Per-group intervals of every metric (NaN where undefined)."""
    replicates = settings.bootstrap.replicates
    level = settings.bootstrap.confidence_level
    nan = np.full(len(table.groups), np.nan)
    out: Intervals = {m: (nan, nan) for m in metrics}
    if table.cells is not None:
        found = classification_intervals(table.cells, I.z_value(level))
        out.update({m: found[m] for m in metrics if m in found})
    bootstrapped = [m for m in SCORE_METRICS if m in out and m not in ("roc_auc", "brier_score")]
    if table.scores is not None and replicates and bootstrapped:
        # one pass over the bootstrap copies, a batch at a time (all of them at once can
        # take a gigabyte); every copy is drawn before the calibrated ECEs, as always
        gaps = M.calibration_gaps(table.scores)
        distances: list[FloatArray] = []
        for copy in boot.resample_scores(table.scores, replicates, rng):
            if "expected_calibration_error" in bootstrapped:
                distances.append(np.abs(M.calibration_gaps(copy) - gaps).sum(axis=-1))
        if distances:
            calibrated = boot.consistency_ece(table.scores, replicates, rng)
            out["expected_calibration_error"] = calibration_interval(
                gaps, np.concatenate(distances), calibrated, level
            )
    if table.scores is not None and "brier_score" in out:
        out["brier_score"] = brier_interval(table.scores, I.z_value(level))
    if table.scores is not None and "roc_auc" in out:
        bound = auc_binning_bound(table.scores)
        low, high = auc_intervals(table.scores, I.z_value(level))
        out["roc_auc"] = (np.maximum(low - bound, 0.0), np.minimum(high + bound, 1.0))
    if table.errors is not None:
        out.update(
            {k: v for k, v in _regression_intervals(table.errors, level).items() if k in out}
        )
    return out


BRIER_SPLIT = 0.25
"""A row's Brier term (s − y)² at or above it is a miss at 0.5 (|s − y| ≥ 0.5)."""


def brier_interval(scores: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """The Brier score's interval per group at `z` from histograms
    `scores[..., truth, bin, (rows, sum, sum²)]`: the mean of the rows' terms (s − y)² in
    [0, 1], split into the terms under `BRIER_SPLIT` (scaled to [0, 1)) and the misses at
    or above it, each part a mean of values in [0, 1] with its mass at 0 and its interval
    `intervals.bounded_mean`'s, the two summed by MOVER with their correlation (a row is
    in one part: r < 0; `intervals.mover_difference`), as the paired change's gains and
    losses are (`genai.summary.change_limits`).

    A sharp model's terms are nearly all near 0 and a few misses near 1, a rare-event
    mean: the percentile bootstrap used before could not see past the misses a sample
    happened to hold, and its upper end lay under the true Brier score in 23.8% of groups
    of 30 rows (a model of Brier 0.037), 52.2% for one of 0.009 (nominal 2.5%;
    docs/statistics.md, "One side of an interval"). A part with few values off 0 gets
    Wilson's interval with the variance bound (the misses: as if each could be a whole
    point). Each bin's Σ(s − y)⁴ is read from its mean and variance (a bin is 0.001
    wide: the error is far below the interval's)."""
    rows, sums, squares = scores[..., 0], scores[..., 1], scores[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(rows > 0, sums / np.where(rows > 0, rows, 1), 0.0)
        spread = np.where(
            rows > 0, np.maximum(squares / np.where(rows > 0, rows, 1) - mean**2, 0), 0
        )
    distance = np.stack([mean[..., 0, :], 1 - mean[..., 1, :]], axis=-2)  # |s − y|, per bin
    term = rows * (distance**2 + spread)  # Σ (s − y)², exactly
    fourth = rows * (distance**4 + 6 * distance**2 * spread)  # Σ (s − y)⁴, to a bin's width
    bins = np.arange(SCORE_BINS)
    miss = np.stack([bins >= SCORE_BINS // 2, bins < SCORE_BINS // 2])  # |s − y| ≥ 0.5
    n = rows.sum(axis=(-2, -1))
    parts = []
    for mask, scale in ((~miss, BRIER_SPLIT), (miss, 1.0)):
        total = (term * mask).sum(axis=(-2, -1)) / scale
        square = (fourth * mask).sum(axis=(-2, -1)) / scale**2
        off = (rows * mask * (term > 0)).sum(axis=(-2, -1))  # rows whose term is not 0
        with np.errstate(invalid="ignore", divide="ignore"):
            part = total / n
            inside = np.where(part <= 0.5, off, n)
            variance = np.maximum(square - total * part, 0.0) / (n - 1)
        low, high = I.bounded_mean(total, square, n, inside, z)
        parts.append((scale * part, scale * low, scale * high, np.sqrt(variance) * scale))
    (near, near_low, near_high, s_near), (far, far_low, far_high, s_far) = parts
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.where(
            (s_near > 0) & (s_far > 0), -n * near * far / ((n - 1) * s_near * s_far), 0.0
        )
    low, high = I.mover_difference(
        (near, near_low, near_high), (-far, -far_high, -far_low), -correlation
    )
    return np.clip(low, 0.0, 1.0), np.clip(high, 0.0, 1.0)  # a Brier score is in [0, 1]


def calibration_interval(
    gaps: FloatArray, distances: FloatArray, calibrated: FloatArray, level: float
) -> tuple[FloatArray, FloatArray]:
    """The expected calibration error's interval per group, from the calibration `gaps`
    of the score histograms (`metrics.calibration_gaps`), the `distances` Σ|d̂*_b − d̂_b|
    of their bootstrap copies (`bootstrap.resample_scores`) and the ECEs a calibrated
    model with these scores shows by chance (`bootstrap.consistency_ece`).

    The ECE is the sum over calibration bins of |d_b|, d_b the bin's share of labels
    minus scores (`metrics.calibration_gaps`); the estimate d̂ is unbiased, its sum of
    absolute values is not (a calibrated model's is always above 0), so no percentile
    of it covers 0. By the triangle inequality, |Σ|d̂_b| − Σ|d_b|| ≤ Σ|d̂_b − d_b|, and
    the bootstrap estimates the distribution of that distance (a continuous function of
    the asymptotically normal d̂, centred): with c its `level` quantile, [ECE − c,
    ECE + c] holds the true ECE at least as often as the distance is at most c, whatever
    the truth. For a calibrated model the distance is the ECE itself, whose distribution
    given the scores is known exactly: the lower end also reaches down by its `level`
    quantile c₀, so that a calibrated model's interval starts at 0 with probability at
    least `level` at any size (the bootstrap alone undercovers slightly on 100 rows).
    Measured coverage: docs/statistics.md."""
    ece = np.abs(gaps).sum(axis=-1)
    reach, by_chance = (boot.nan_quantiles(d, (level,))[0] for d in (distances, calibrated))
    low = np.maximum(ece - np.fmax(reach, by_chance), 0.0)
    return np.where(np.isfinite(ece), low, np.nan), np.minimum(ece + reach, 1.0)


def regression_moments(errors: FloatArray) -> dict[str, tuple[FloatArray, FloatArray]]:
    """(estimate, standard error) per group of each regression metric's mean, from the
    exact sums: the mean error, the mean absolute error, and the mean squared error (for
    RMSE, whose interval is the square root of the MSE's)."""
    n = errors[:, 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = errors[:, 1] / n
        mae = errors[:, 2] / n
        mse = errors[:, 3] / n
        se_mean = np.sqrt(np.maximum(mse - mean**2, 0) / n)
        se_mae = np.sqrt(np.maximum(mse - mae**2, 0) / n)
        se_mse = np.sqrt(np.maximum(errors[:, 4] / n - mse**2, 0) / n)
    return {
        "mean_error": (mean, se_mean),
        "mean_absolute_error": (mae, se_mae),
        "root_mean_squared_error": (mse, se_mse),
    }


def regression_scale(metric: str, values: FloatArray) -> FloatArray:
    """A metric from its moment (`regression_moments`): RMSE is the root of the MSE."""
    if metric == "mean_error":
        return values
    clipped = np.maximum(values, 0)
    return np.sqrt(clipped) if metric == "root_mean_squared_error" else clipped


def regression_intervals(errors: FloatArray, z: float) -> Intervals:
    """Intervals at `z` from the exact sums (no resampling), each from Student's t
    quantile (n − 1 degrees of freedom) and a standard error from the unbiased variance
    (s/√n, s² over n − 1; the moments' variance over n made the intervals narrower by
    √((n − 1)/n): a mean error's covered 92.7% at 3 rows, 93.2% at 5, 93.9% at 10):

    * the mean error: the mean ± t·s/√n, Student's interval;
    * the MAE: on the log scale, MAE·exp(±t·s/(√n·MAE)). |e| is skewed to the right,
      and the symmetric interval's upper end fell short of the true MAE in 4.7% of
      groups of 30 normal errors (4.1% at 100; nominal 2.5%), so a `max` at the true
      MAE read `within` almost twice as often as the level says; on the log scale
      2.9% and 2.6% (docs/statistics.md);
    * RMSE: the root of Bonett's interval for the mean squared error (`mse_interval`).

    Rows whose errors do not vary (every error the same, every |e| the same, every error
    0) have no interval: their spread is not learnt from them, and the point interval
    they gave ([0, 0] for 30 errors of 0, where 5% of the rows may err by 1) met any
    limit."""
    rows = errors[:, 0]
    t = I.t_value(z, rows - 1)
    unbiased = np.sqrt(rows / np.maximum(rows - 1, 1))
    moments = regression_moments(errors)
    mean, error = moments["mean_error"]
    half = np.where(error > 0, t * unbiased * error, np.nan)
    mae, error = moments["mean_absolute_error"]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where((error > 0) & (mae > 0), t * unbiased * error / mae, np.nan)
    low, high = mse_interval(errors, z)
    return {
        "mean_error": (mean - half, mean + half),
        "mean_absolute_error": (mae * np.exp(-ratio), mae * np.exp(ratio)),
        "root_mean_squared_error": (np.sqrt(low), np.sqrt(high)),
    }


def mse_interval(errors: FloatArray, z: float) -> tuple[FloatArray, FloatArray]:
    """Bonett's interval for a second moment (Bonett 2006, "Approximate confidence interval
    for standard deviation of nonnormal distributions", CSDA 50: 775–782), applied to the
    mean of the squared errors: on the log scale, with the kurtosis k = n·Σe⁴/(Σe²)² read
    from the sums, the standard error c·√((k − (n − 3)/n)/(n − 1)) and the small-sample
    factor c = n/(n − z). The normal approximation it replaces covered 89.6% at 30 rows
    (docs/statistics.md); NaN for fewer than three rows and when every error is 0 (no
    spread to learn from: `regression_intervals`)."""
    n, squares, fourth = errors[:, 0], errors[:, 3], errors[:, 4]
    with np.errstate(invalid="ignore", divide="ignore"):
        mse = squares / n
        kurtosis = n * fourth / (squares * squares)
        c = n / (n - z)
        error = c * np.sqrt(np.maximum(kurtosis - (n - 3) / n, 0) / (n - 1))
        low, high = c * mse * np.exp(-z * error), c * mse * np.exp(z * error)
    usable = (n >= 3) & (squares > 0)
    return np.where(usable, low, np.nan), np.where(usable, high, np.nan)


def _regression_intervals(errors: FloatArray, level: float) -> Intervals:
    return regression_intervals(errors, I.z_value(level))
