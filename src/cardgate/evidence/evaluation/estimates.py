"""Per-group estimates: point values from the group table and their bootstrap (or, for
regression, normal-approximation) intervals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from cardgate.documents.schemas.evaluation import (
    SCORE_METRICS,
    EvaluationSettings,
)
from cardgate.evidence.evaluation import bootstrap as boot
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.fairlearn_bridge import fairlearn_estimates
from cardgate.evidence.evaluation.group_table import GroupTable
from cardgate.evidence.evaluation.stats import FloatArray


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


def group_intervals(
    table: GroupTable,
    metrics: Sequence[str],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> tuple[dict[str, tuple[FloatArray, FloatArray]], FloatArray | None]:
    """Per-group intervals of every metric, and the bootstrap tables of cells."""
    replicates = settings.bootstrap.replicates
    level = settings.bootstrap.confidence_level
    nan = np.full(len(table.groups), np.nan)
    out: dict[str, tuple[FloatArray, FloatArray]] = {m: (nan, nan) for m in metrics}
    if replicates == 0:
        return out, None
    cells_boot: FloatArray | None = None
    if table.cells is not None:
        cells_boot = boot.resample(table.cells, replicates, rng)
        values = M.classification_values(cells_boot)
        out.update(boot.percentile_intervals({m: values[m] for m in metrics if m in values}, level))
    if table.scores is not None and any(m in SCORE_METRICS for m in metrics):
        batches = [M.score_values(b) for b in boot.resample_scores(table.scores, replicates, rng)]
        for name in SCORE_METRICS:
            if name in out:
                out[name] = boot.percentile_interval(
                    np.concatenate([b[name] for b in batches]), level
                )
    if table.errors is not None:
        out.update(
            {k: v for k, v in _regression_intervals(table.errors, level).items() if k in out}
        )
    return out, cells_boot


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


def _regression_intervals(
    errors: FloatArray, level: float
) -> dict[str, tuple[FloatArray, FloatArray]]:
    """Normal-approximation intervals from the moments (exact sums, no resampling)."""
    z = boot.normal_quantile(level)
    return {
        metric: (
            regression_scale(metric, estimate - z * error),
            regression_scale(metric, estimate + z * error),
        )
        for metric, (estimate, error) in regression_moments(errors).items()
    }
