"""Null tests of the disparities: what a fair model shows by chance (docs/statistics.md).

The null hypothesis of each disparity is the fairness it measures, with the groups'
sizes and, for error rates, their labels as observed:

* demographic parity — every group has the same selection rate: the predicted positives
  are spread over the groups at random (a permutation of the predictions across rows);
* equal opportunity / equalized odds — within the positives (and, for equalized odds,
  within the negatives) every group has the same rate of positive predictions: the
  predictions are permuted within each label, never across labels, so groups whose base
  rates differ keep them (Hardt, Price & Srebro 2016 define the criteria conditionally
  on the label).

A permutation of counts is one multivariate hypergeometric draw per label stratum, so
`replicates` permutations cost `replicates` draws of G numbers. The noise floor is the
`confidence_level` quantile of the disparity under its null (for a ratio, where small is
unfair, the `1 - confidence_level` quantile); the p-value counts the permutations at
least as extreme as the observed value, plus one (a permutation test is exact: under the
null, P(p <= alpha) <= alpha).
"""

from __future__ import annotations

import numpy as np

from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.stats import FloatArray


def permuted(
    positives: FloatArray, sizes: FloatArray, replicates: int, rng: np.random.Generator
) -> FloatArray:
    """`replicates` permutations of positives among groups of `sizes`: (R, G) counts."""
    colors = np.rint(sizes).astype(np.int64)
    total = int(np.rint(positives.sum()))
    if replicates == 0:
        return np.zeros((0, len(colors)))
    if total == 0 or total == int(colors.sum()):
        return np.broadcast_to(colors * (total > 0), (replicates, len(colors))).astype(np.float64)
    draws = rng.multivariate_hypergeometric(colors, total, size=replicates)
    return np.asarray(draws, dtype=np.float64)


def null_tables(cells: FloatArray, replicates: int, rng: np.random.Generator) -> FloatArray:
    """Tables `(R, G, 2, 2)` with the labels of `cells` (G, 2, 2) kept and the
    predictions permuted within each label (the null of equalized odds)."""
    out = np.zeros((replicates, *cells.shape))
    for truth in (0, 1):
        sizes = cells[:, truth, :].sum(axis=-1)
        predicted = permuted(cells[:, truth, 1], sizes, replicates, rng)
        out[:, :, truth, 1] = predicted
        out[:, :, truth, 0] = sizes - predicted
    return out


def null_selection(cells: FloatArray, replicates: int, rng: np.random.Generator) -> FloatArray:
    """Selection rates `(R, G)` with the positive predictions spread over the groups at
    random (the null of demographic parity)."""
    sizes = cells.sum(axis=(1, 2))
    predicted = permuted(cells[:, :, 1].sum(axis=1), sizes, replicates, rng)
    with np.errstate(invalid="ignore", divide="ignore"):
        rates: FloatArray = predicted / sizes
    return rates


def null_disparities(
    cells: FloatArray, replicates: int, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """Each classification disparity of `cells` (G, 2, 2) under its own null: (R,)."""
    by_label = M.classification_values(null_tables(cells, replicates, rng))
    selection = null_selection(cells, replicates, rng)
    values = {
        "selection_rate": selection,
        "true_positive_rate": by_label["true_positive_rate"],
        "false_positive_rate": by_label["false_positive_rate"],
    }
    return M.disparities_from_groups(values)


def floor_and_p_value(
    null: FloatArray, observed: float, *, level: float, smaller_is_worse: bool
) -> tuple[float | None, float | None]:
    """Noise floor (the `level` quantile of the null, or its 1 - level quantile for a
    ratio) and the p-value of `observed`; (None, None) without a defined null value."""
    values = null[np.isfinite(null)]
    if len(values) == 0:
        return None, None
    if smaller_is_worse:
        floor = float(np.quantile(values, 1 - level))
        extreme = int((values <= observed + 1e-12).sum()) if np.isfinite(observed) else None
    else:
        floor = float(np.quantile(values, level))
        extreme = int((values >= observed - 1e-12).sum()) if np.isfinite(observed) else None
    p_value = None if extreme is None else (1 + extreme) / (1 + len(values))
    return floor, p_value
