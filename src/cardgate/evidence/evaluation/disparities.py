"""Disparities between groups for one feature set: differences and ratios with intervals,
noise floors and p-values, the reference group, and the per-feature record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import (
    EvaluationSettings,
)
from cardgate.evidence.evaluation import bootstrap as boot
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.estimates import (
    group_intervals,
    point_values,
    regression_moments,
    regression_scale,
)
from cardgate.evidence.evaluation.group_table import GroupTable
from cardgate.evidence.evaluation.numbers import estimate_record, json_interval, json_number
from cardgate.evidence.evaluation.stats import FloatArray


def _regression_disparities(
    table: GroupTable,
    points: dict[str, FloatArray],
    keep: npt.NDArray[np.bool_],
    compared: list[str],
    names: Sequence[str],
    settings: EvaluationSettings,
    rng: np.random.Generator,
    level: float,
) -> list[dict[str, Any]]:
    """Largest minus smallest group value of MAE, RMSE or mean error, with uncertainty.

    The interval, noise floor and p-value come from the same normal approximation as the
    per-group intervals: each compared group's metric drawn from its estimate and standard
    error (`replicates` times) gives the interval of the spread; drawn around the pooled
    value of all compared groups instead (no real difference, each group's own noise),
    it gives the spread that chance alone produces.
    """
    assert table.errors is not None
    errors = table.errors[keep]
    moments = regression_moments(errors)
    pooled = regression_moments(errors.sum(axis=0, keepdims=True))
    replicates = settings.bootstrap.replicates
    out = []
    for name in names:
        metric = name.removesuffix("_difference")
        values = points[metric][keep]
        value = float(values.max() - values.min()) if np.isfinite(values).all() else math.nan
        record = estimate_record(value, math.nan, math.nan, "a compared group has no rows")
        floor = p_value = None
        if replicates and math.isfinite(value):
            estimate, error = moments[metric]
            noise = rng.standard_normal((replicates, len(values))) * error
            spread = _spread(regression_scale(metric, estimate + noise))
            low, high = boot.percentile_interval(spread, level)
            record["ci"] = json_interval(float(low), float(high))
            null = _spread(regression_scale(metric, pooled[metric][0] + noise))
            floor, p_value = boot.floor_and_p_value(
                null, value, level=level, smaller_is_worse=False
            )
        record.update(
            {
                "metric": name,
                "noise_floor": json_number(floor),
                "p_value": json_number(p_value),
                "groups_compared": compared,
            }
        )
        out.append(record)
    return out


def _spread(draws: FloatArray) -> FloatArray:
    """Largest minus smallest value of each replicate (row)."""
    result: FloatArray = draws.max(axis=1) - draws.min(axis=1)
    return result


def _reference(table: GroupTable, settings: EvaluationSettings, suppressed: list[bool]) -> str:
    named = settings.reference_groups.get(table.name)
    if named is not None:
        if named not in table.groups:
            raise ConfigurationError(
                f"evaluation.reference_groups: '{named}' is not a group of '{table.name}'",
                hint=f"groups: {', '.join(table.groups[:20])}",
                at=("evaluation", "reference_groups", table.name),
            )
        return named
    candidates = [i for i, s in enumerate(suppressed) if not s] or list(range(len(table.groups)))
    best = max(candidates, key=lambda i: (table.counts[i], -i))
    return table.groups[best]


def feature_record(
    table: GroupTable,
    settings: EvaluationSettings,
    metrics: Sequence[str],
    disparities: Sequence[str],
    rng: np.random.Generator,
) -> dict[str, Any]:
    level = settings.bootstrap.confidence_level
    suppressed = [bool(c < settings.min_group_size) for c in table.counts]
    reference = _reference(table, settings, suppressed)
    ref = table.groups.index(reference)
    points = point_values(table, metrics)
    intervals, cells_boot = group_intervals(table, metrics, settings, rng)
    groups = []
    for g, label in enumerate(table.groups):
        records = {}
        for name in metrics:
            record = estimate_record(
                points[name][g], intervals[name][0][g], intervals[name][1][g], M.UNDEFINED[name]
            )
            value, base = points[name][g], points[name][ref]
            with np.errstate(invalid="ignore", divide="ignore"):
                record["difference_to_reference"] = json_number(value - base)
                record["ratio_to_reference"] = json_number(value / base) if base != 0 else None
            records[name] = record
        groups.append(
            {
                "group": label,
                "count": round(float(table.counts[g])),
                "suppressed": suppressed[g],
                "metrics": records,
            }
        )
    included = [not s for s in suppressed]
    compared = [g for g, keep in zip(table.groups, included, strict=True) if keep]
    found = []
    if disparities and len(compared) < 2:
        found = [
            {
                "metric": name,
                "value": None,
                "ci": None,
                "noise_floor": None,
                "p_value": None,
                "groups_compared": compared,
                "reason": f"fewer than two groups with at least {settings.min_group_size} rows",
            }
            for name in disparities
        ]
    elif disparities and table.errors is not None:
        keep = np.asarray(included, dtype=bool)
        found = _regression_disparities(
            table, points, keep, compared, disparities, settings, rng, level
        )
    elif disparities:
        found = _disparities(
            table, points, included, compared, disparities, cells_boot, settings, rng, level
        )
    return {
        "feature": table.name,
        "columns": table.columns,
        "reference_group": reference,
        "groups": groups,
        "disparities": found,
    }


def _disparities(
    table: GroupTable,
    points: dict[str, FloatArray],
    included: list[bool],
    compared: list[str],
    names: Sequence[str],
    cells_boot: FloatArray | None,
    settings: EvaluationSettings,
    rng: np.random.Generator,
    level: float,
) -> list[dict[str, Any]]:
    assert table.cells is not None
    keep = np.asarray(included, dtype=bool)
    out = []
    numeric = M.disparity_values(table.cells[keep])
    # from fairlearn's per-group rates (MetricFrame.by_group) of the compared groups
    fair = M.disparities_from_groups({m: points[m][keep] for m in M.DISPARITY_INPUTS})
    replicates = settings.bootstrap.replicates
    boot_values = M.disparity_values(cells_boot[:, keep]) if cells_boot is not None else None
    null_values = M.disparity_values(boot.under_null(table.cells[keep], replicates, rng))
    intervals = (
        boot.percentile_intervals({name: boot_values[name] for name in names}, level)
        if boot_values is not None
        else {}
    )
    for name in names:
        defined = bool(np.isfinite(numeric[name]))
        value = float(fair[name]) if defined else float("nan")
        low = high = float("nan")
        if name in intervals:
            lows, highs = intervals[name]
            low, high = float(lows), float(highs)
        record = estimate_record(value, low, high, M.disparity_reason(name))
        floor, p_value = (None, None)
        if replicates:
            floor, p_value = boot.floor_and_p_value(
                null_values[name], value, level=level, smaller_is_worse=name.endswith("_ratio")
            )
        record.update(
            {
                "metric": name,
                "noise_floor": json_number(floor),
                "p_value": json_number(p_value) if defined else None,
                "groups_compared": compared,
            }
        )
        out.append(record)
    return out
