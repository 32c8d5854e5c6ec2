"""Sufficient statistics: the small tables every metric is computed from.

Rows are reduced, chunk by chunk, to sums keyed by the *joint* sensitive group (the
combination of every sensitive column's value) so that each feature and each
intersection is a marginal of one table:

* `cells`: rows per (joint group, label, prediction) — classification;
* `scores`: rows, sum of scores and sum of squared scores per (joint group, label, score
  bin) — ROC AUC and calibration, with `SCORE_BINS` equal-width bins on [0, 1];
* `errors`: rows and sums of e, |e|, e², e⁴ (e = prediction - label) per joint group —
  regression.

Category values (groups, labels) are kept as text: `1`, `1.0` and `"1"` are the same
label; `True` is `"True"`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import InputError

SCORE_BINS = 1000
"""Fine score bins: AUC treats scores in one bin (width 0.001) as ties."""

ECE_BINS = 10
"""Calibration bins (equal width) for the expected calibration error."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass
class SufficientStats:
    """Everything the metrics need, reduced from the rows by one pass.

    Code columns index `levels[i]` (sensitive feature i) and `labels`. Value columns:
    `cells` -> [rows]; `scores` -> [rows, sum score, sum score²];
    `errors` -> [rows, sum e, sum |e|, sum e², sum e⁴].
    """

    features: list[str]
    levels: list[list[str]]
    labels: list[str]
    cells_keys: IntArray  # (k, F + 2): feature codes..., label code, prediction code
    cells: FloatArray  # (k, 1)
    scores_keys: IntArray  # (s, F + 2): feature codes..., label code, score bin
    scores: FloatArray  # (s, 3)
    errors_keys: IntArray  # (e, F)
    errors: FloatArray  # (e, 5)
    rows_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def rows_used(self) -> int:
        if len(self.errors):
            return round(float(self.errors[:, 0].sum()))
        return round(float(self.cells[:, 0].sum()))


ERROR_COLUMNS = ("error_sum", "abs_error_sum", "sq_error_sum", "quad_error_sum")
COUNTS_COLUMNS_REGRESSION = ("n", *ERROR_COLUMNS)
# optional in a regression counts table: which of label and prediction a row misses
COUNTS_FLAGS_REGRESSION = ("label_missing", "prediction_missing")
COUNTS_COLUMNS_SCORES = ("score_bin", "score_sum", "score_sq_sum")


def check_score_sums(source: str, sums: FloatArray, bins: IntArray) -> None:
    """Refuse score sums that `n` scores in their bin, [bin, bin + 1) / SCORE_BINS,
    cannot add up to (NaN, infinite, or outside that range, for the scores and their
    squares): a counts table's sums feed the score metrics and their intervals."""
    n, total, squares = sums[:, 0], sums[:, 1], sums[:, 2]
    low, high = bins / SCORE_BINS, (bins + 1) / SCORE_BINS
    slack = 1e-6 * np.maximum(n, 1)  # floating-point sums of many scores
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(total) | ~np.isfinite(squares)
        bad |= (total < n * low - slack) | (total > n * high + slack)
        bad |= (squares < n * low * low - slack) | (squares > n * high * high + slack)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{source}: a row of n {n[row]:g} in score_bin {bins[row]} has score_sum "
            f"{total[row]:g} and score_sq_sum {squares[row]:g}: not the sums of "
            f"{n[row]:g} scores between {low[row]:g} and {high[row]:g} and their squares",
            hint="export the counts table again with the query cardgate sql prints, "
            "unchanged (scores in [0, 1])",
        )


def check_error_sums(source: str, sums: FloatArray) -> None:
    """Refuse error sums that `n` errors cannot add up to: infinite, negative where they
    sum absolute values or powers, or apart from each other more than sums of the same
    numbers can be (|Σe| ≤ Σ|e|, (Σ|e|)² ≤ nΣe², (Σe²)² ≤ nΣe⁴): they feed every
    regression metric and its interval."""
    n, total, absolute, squares, fourth = (sums[:, i] for i in range(5))
    slack = 1e-6  # relative: floating-point sums of many errors
    with np.errstate(invalid="ignore", over="ignore"):
        bad = ~np.isfinite(sums).all(axis=1) | (np.minimum.reduce([absolute, squares, fourth]) < 0)
        bad |= np.abs(total) > absolute * (1 + slack) + slack
        bad |= absolute**2 > n * squares * (1 + slack) + slack
        bad |= squares**2 > n * fourth * (1 + slack) + slack
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        shown = ", ".join(f"{name} {sums[row, i + 1]:g}" for i, name in enumerate(ERROR_COLUMNS))
        raise InputError(
            f"{source}: a row of n {n[row]:g} has {shown}: not the sums of {n[row]:g} errors, "
            "their absolute values, squares and fourth powers",
            hint="export the counts table again with the query cardgate sql prints, unchanged",
        )
