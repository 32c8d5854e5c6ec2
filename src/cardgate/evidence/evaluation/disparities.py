"""Disparities between the groups of one feature set: their values (fairlearn's
definitions), simultaneous intervals (`intervals`), null tests (`nulls`), and the
feature's record in the artifact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation import intervals as I
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation import nulls
from cardgate.evidence.evaluation.estimates import (
    group_intervals,
    point_values,
    proportions,
    regression_intervals,
    regression_moments,
    regression_scale,
)
from cardgate.evidence.evaluation.group_table import GroupTable
from cardgate.evidence.evaluation.numbers import estimate_record, json_number
from cardgate.evidence.evaluation.stats import FloatArray

Counts = dict[str, tuple[FloatArray, FloatArray]]
"""(successes, trials) of each rate, by name (`estimates.proportions`)."""

RATES = {
    "demographic_parity": ("selection_rate",),
    "equal_opportunity": ("true_positive_rate",),
    "equalized_odds": ("true_positive_rate", "false_positive_rate"),
}
"""The per-group rates each classification disparity compares."""


def _family(metric: str) -> str:
    return metric.removesuffix("_difference").removesuffix("_ratio")


def regression_disparity(
    name: str,
    errors: FloatArray,
    level: float,
    replicates: int,
    rng: np.random.Generator,
) -> tuple[float, float, float, float | None, float | None]:
    """(value, interval low, high, noise floor, p-value) of a regression disparity — the
    largest minus the smallest compared group's MAE, RMSE or mean error — from the
    groups' error sums `errors` (G, 5).

    The interval: the groups' intervals (`estimates.regression_intervals`: Student's t,
    the MAE's on the log scale, Bonett's for RMSE) at the simultaneous level, combined by
    `intervals.spread_interval`. The null test: studentized (`nulls.studentized_null`); the
    noise floor is the disparity at which the test would just reject, the groups'
    deviations from the pooled value shrunk or stretched in the proportions observed, so
    the value is beyond the floor exactly when the studentized statistic is beyond its
    null quantile.
    """
    metric = name.removesuffix("_difference")
    moments = regression_moments(errors)
    estimate, _ = moments[metric]
    values = regression_scale(metric, estimate)
    if not np.isfinite(values).all():
        return math.nan, math.nan, math.nan, None, None
    value = float(values.max() - values.min())
    z = I.sidak_z(level, I.pair_count(len(values)))
    low, high = I.spread_interval(values, *regression_intervals(errors, z)[metric])
    floor = p_value = None
    if replicates:
        rows = errors[:, 0]
        pooled = regression_moments(errors.sum(axis=0, keepdims=True))[metric][0][:1]
        tested, error = _tested_scale(
            metric, estimate, nulls.unbiased_error(rows, moments[metric][1])
        )
        observed = float(nulls.studentized_range(tested[None, :], error[None, :])[0])
        if not math.isnan(observed):
            null = nulls.studentized_null(rows, error, replicates, rng, metric=metric)
            critical, p_value = nulls.floor_and_p_value(
                null, observed, level=level, smaller_is_worse=False
            )
            floor = _floor(
                metric, tested, _tested_scale(metric, pooled, pooled)[0], observed, critical
            )
    return value, float(low), float(high), floor, p_value


def _tested_scale(
    metric: str, estimate: FloatArray, error: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """The scale the null test studentizes on: the moment's, except the MSE's logarithm
    (standard error by the delta method), where the squared errors' skew makes a small
    group's estimate and its standard error rise and fall together."""
    if metric != "root_mean_squared_error":
        return estimate, error
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.log(estimate), error / estimate


def _floor(
    metric: str, tested: FloatArray, pooled: FloatArray, observed: float, critical: float | None
) -> float | None:
    """The disparity, on the metric's scale, of the groups' deviations from the pooled
    value (on the tested scale, `_tested_scale`) scaled by critical / observed: the
    smallest disparity of the shape observed that the test rejects, so the value is
    beyond it exactly when the statistic is beyond the critical value. Without any
    deviation the shape is undefined: None."""
    if critical is None or not math.isfinite(critical) or observed == 0:
        return None
    moved = pooled + (tested - pooled) * (critical / observed)
    moment = np.exp(moved) if metric == "root_mean_squared_error" else moved
    scaled = regression_scale(metric, moment)
    return float(scaled.max() - scaled.min())


def _regression_disparities(
    table: GroupTable,
    points: dict[str, FloatArray],
    keep: npt.NDArray[np.bool_],
    compared: list[str],
    names: Sequence[str],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> tuple[list[dict[str, Any]], dict[str, I.Detection]]:
    """The regression disparities of the compared groups (`regression_disparity`)."""
    assert table.errors is not None
    level = settings.bootstrap.confidence_level
    errors = table.errors[keep]
    moments = regression_moments(errors)
    z = I.sidak_z(level, I.pair_count(len(compared)))
    out, detection = [], {}
    for name in names:
        metric = name.removesuffix("_difference")
        value, low, high, floor, p_value = regression_disparity(
            name, errors, level, settings.bootstrap.replicates, rng
        )
        if math.isfinite(value):  # the value as the per-group table reports it
            values = points[metric][keep]
            value = float(values.max() - values.min())
        record = estimate_record(value, low, high, "a compared group has no rows")
        if math.isfinite(value):
            scale = np.sort(_scale_error(metric, *moments[metric]))[:2]
            margin = float((z + I.power_z()) * np.sqrt((scale**2).sum()))
            detection[name] = I.Detection(margin, log_scale=False)
        record.update(
            {
                "metric": name,
                "noise_floor": json_number(floor),
                "p_value": json_number(p_value),
                "groups_compared": compared,
            }
        )
        out.append(record)
    return out, detection


def _scale_error(metric: str, estimate: FloatArray, error: FloatArray) -> FloatArray:
    """Standard error on the metric's scale (RMSE's by the delta method from the MSE's)."""
    if metric != "root_mean_squared_error":
        return error
    with np.errstate(invalid="ignore", divide="ignore"):
        scaled: FloatArray = error / (2 * np.sqrt(np.maximum(estimate, 0)))
    return scaled


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
) -> tuple[dict[str, Any], dict[str, I.Detection]]:
    """A feature's record in the artifact, and how detectable each disparity is."""
    suppressed = [bool(c < settings.min_group_size) for c in table.counts]
    reference = _reference(table, settings, suppressed)
    ref = table.groups.index(reference)
    points = point_values(table, metrics)
    intervals = group_intervals(table, metrics, settings, rng)
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
    found: list[dict[str, Any]] = []
    detection: dict[str, I.Detection] = {}
    keep = np.asarray(included, dtype=bool)
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
        found, detection = _regression_disparities(
            table, points, keep, compared, disparities, settings, rng
        )
    elif disparities:
        found, detection = _disparities(table, points, keep, compared, disparities, settings, rng)
    record = {
        "feature": table.name,
        "columns": table.columns,
        "reference_group": reference,
        "groups": groups,
        "disparities": found,
    }
    return record, detection


def _disparities(
    table: GroupTable,
    points: dict[str, FloatArray],
    keep: npt.NDArray[np.bool_],
    compared: list[str],
    names: Sequence[str],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> tuple[list[dict[str, Any]], dict[str, I.Detection]]:
    """Classification disparities of the compared groups: value (fairlearn's, from the
    per-group rates of its MetricFrame), simultaneous interval, null test."""
    assert table.cells is not None
    level = settings.bootstrap.confidence_level
    cells = table.cells[keep]
    numeric = M.disparity_values(cells)
    fair = M.disparities_from_groups({m: points[m][keep] for m in M.DISPARITY_INPUTS})
    replicates = settings.bootstrap.replicates
    null = nulls.null_disparities(cells, replicates, rng) if replicates else {}
    counts = proportions(cells)
    out, detection = [], {}
    for name in names:
        defined = bool(np.isfinite(numeric[name]))
        value = float(fair[name]) if defined else math.nan
        low = high = math.nan
        if defined:
            lows, highs = disparity_interval(name, counts, level)
            low, high = float(lows), float(highs)
            detection[name] = detection_of(name, counts, level)
        record = estimate_record(value, low, high, _undefined(name, counts))
        floor = p_value = None
        if name in null:
            floor, p_value = nulls.floor_and_p_value(
                null[name], value, level=level, smaller_is_worse=name.endswith("_ratio")
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
    return out, detection


def simultaneous_z(name: str, groups: int, level: float) -> float:
    """The critical value of each pairwise interval of a disparity between `groups`
    groups: Šidák over every pair of every rate it compares."""
    return I.sidak_z(level, len(RATES[_family(name)]) * I.pair_count(groups))


def disparity_interval(name: str, counts: Counts, level: float) -> tuple[FloatArray, FloatArray]:
    """The interval of a classification disparity from the compared groups' counts
    (`estimates.proportions`; leading axes are independent tables): each compared rate's
    interval, combined as the disparity combines them (equalized odds: the larger
    difference, the smaller ratio)."""
    rates = RATES[_family(name)]
    z = simultaneous_z(name, counts[rates[0]][1].shape[-1], level)
    lows, highs = [], []
    for rate in rates:
        successes, trials = counts[rate]
        low, high = I.wilson(successes, trials, z)
        with np.errstate(invalid="ignore", divide="ignore"):
            values = successes / trials
        found = (
            I.log_ratio_interval(values, low, high)
            if name.endswith("_ratio")
            else I.spread_interval(values, low, high)
        )
        lows.append(found[0])
        highs.append(found[1])
    combine = np.minimum if name.endswith("_ratio") else np.maximum
    return combine.reduce(lows), combine.reduce(highs)


def detection_of(name: str, counts: Counts, level: float) -> I.Detection:
    """How far beyond a limit a disparity must be for these data to find it `beyond` with
    80% power. A difference: one of the largest groups apart from all the others at the
    pooled rate, judged by the simultaneous intervals actually used (`I.GapDesign`; the
    best case: a gap of a smaller group needs more); for equalized odds, the rate that
    shows it more easily. A ratio: the two largest groups, their rates averaging to the
    pooled rate, the delta method on the log scale (`I.RatioDesign`)."""
    rates = RATES[_family(name)]
    z = simultaneous_z(name, counts[rates[0]][1].shape[-1], level)
    gaps, ratios = [], []
    for rate in rates:
        successes, trials = counts[rate]
        total = float(trials.sum())
        pooled = float(successes.sum()) / total if total > 0 else math.nan
        sizes = tuple(float(n) for n in trials)
        gaps.append(I.GapDesign(sizes, pooled, z))
        ratios.append(I.RatioDesign(sizes, pooled, z))
    if name.endswith("_ratio"):
        return I.Detection(math.nan, log_scale=True, ratios=tuple(ratios))
    return I.Detection(math.nan, log_scale=False, gaps=tuple(gaps))


def _undefined(name: str, counts: Counts) -> str:
    """Why a disparity has no value, in the data's own terms."""
    labels = {"true_positive_rate": "positive", "false_positive_rate": "negative"}
    for rate in RATES[_family(name)]:
        successes, trials = counts[rate]
        if (trials <= 0).any() and rate in labels:
            return f"a compared group has no {labels[rate]} labels"
        if name.endswith("_ratio") and (successes <= 0).all():
            shown = rate.replace("_", " ")
            return f"every compared group's {shown} is 0: the ratio 0 / 0 is undefined"
    return M.disparity_reason(name)
