"""ROC AUC from score histograms: its distance from the exact AUC (from sorted scores) is
never more than the binning bound the evaluation adds to the interval; its DeLong
interval equals a plain pairwise computation on the rows."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cardgate.evidence.evaluation import intervals as I
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.estimates import auc_binning_bound, auc_intervals
from cardgate.evidence.evaluation.stats import SCORE_BINS


def _exact_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney: the share of (positive, negative) pairs ranked right, ties half."""
    positives, negatives = scores[labels == 1], scores[labels == 0]
    above = (positives[:, None] > negatives[None, :]).sum()
    ties = (positives[:, None] == negatives[None, :]).sum()
    return float((above + 0.5 * ties) / (len(positives) * len(negatives)))


def _histogram(scores: np.ndarray, labels: np.ndarray) -> np.ndarray:
    table = np.zeros((2, SCORE_BINS, 3))
    bins = np.minimum((scores * SCORE_BINS).astype(int), SCORE_BINS - 1)
    np.add.at(table, (labels, bins), np.stack([np.ones(len(scores)), scores, scores**2], 1))
    return table


def test_the_histogram_auc_is_within_its_bound_of_the_exact_auc() -> None:
    rng = np.random.default_rng(12)
    worst = 0.0
    for case in range(200):
        rows = int(rng.integers(20, 600))
        labels = (rng.random(rows) < rng.uniform(0.1, 0.9)).astype(int)
        if labels.min() == labels.max():
            continue
        raw = rng.normal(labels * rng.uniform(0, 2), 1.0)
        scores = 1 / (1 + np.exp(-raw))
        if case % 3 == 0:  # scores crowded into few bins: many shared bins
            scores = 0.5 + (scores - 0.5) * 0.01
        table = _histogram(scores, labels)
        binned = float(M.score_values(table)["roc_auc"])
        bound = float(auc_binning_bound(table))
        error = abs(binned - _exact_auc(scores, labels))
        assert error <= bound + 1e-12, (case, error, bound)
        worst = max(worst, error)
    assert worst > 1e-4  # the old documentation's 1e-4 was not a bound


def test_the_bound_is_small_for_spread_scores() -> None:
    rng = np.random.default_rng(5)
    labels = (rng.random(5000) < 0.3).astype(int)
    scores = rng.uniform(0, 1, 5000)
    assert float(auc_binning_bound(_histogram(scores, labels))) < 2e-3


def _delong_plain(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """DeLong et al. (1988) on the rows, written out over every (positive, negative)
    pair, with scores that share a histogram bin tied: (AUC, standard error)."""
    bins = np.minimum((scores * SCORE_BINS).astype(int), SCORE_BINS - 1)
    positives, negatives = bins[labels == 1], bins[labels == 0]
    kernel = (positives[:, None] > negatives[None, :]) + 0.5 * (
        positives[:, None] == negatives[None, :]
    )
    auc = float(kernel.mean())
    v10, v01 = kernel.mean(axis=1), kernel.mean(axis=0)
    variance = v10.var(ddof=1) / len(v10) + v01.var(ddof=1) / len(v01)
    return auc, float(np.sqrt(variance))


def test_auc_interval_is_delongs_on_the_logit_scale() -> None:
    rng = np.random.default_rng(21)
    z = I.z_value(0.95)
    for rows in (40, 300, 2000):
        labels = (rng.random(rows) < 0.35).astype(int)
        scores = 1 / (1 + np.exp(-rng.normal(labels * 1.2, 1.0)))
        table = _histogram(scores, labels)
        low, high = auc_intervals(table[None], z)
        auc, error = _delong_plain(scores, labels)
        logit, half = math.log(auc / (1 - auc)), z * error / (auc * (1 - auc))
        expected = (1 / (1 + math.exp(half - logit)), 1 / (1 + math.exp(-logit - half)))
        assert (float(low[0]), float(high[0])) == pytest.approx(expected, abs=1e-12)


def test_a_perfect_auc_has_a_real_interval() -> None:
    labels = np.array([0] * 20 + [1] * 8)
    scores = np.where(labels == 1, 0.9, 0.1)
    low, high = auc_intervals(_histogram(scores, labels)[None], I.z_value(0.95))
    assert float(high[0]) == 1.0 and 0.6 < float(low[0]) < 0.8  # Wilson's for 8 of 8
