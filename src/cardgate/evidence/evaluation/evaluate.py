"""`cardgate evaluate`: predictions -> sufficient statistics -> metrics, intervals, noise
floors and threshold verdicts -> `evaluation.json` beside the model card.

`evaluate_settings` is the pure core (settings + workspace root -> artifact dict);
`evaluate_system` loads a system's card from a `Workspace`, runs it and writes the
artifact atomically. Threshold failures are results, not errors: the gate decides.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.documents.schemas.evaluation import (
    CLASSIFICATION_DISPARITIES,
    CLASSIFICATION_METRICS,
    DISPARITY_METRICS,
    REGRESSION_DISPARITIES,
    REGRESSION_METRICS,
    SCORE_METRICS,
    EvaluationSettings,
    Threshold,
)
from cardgate.evidence.evaluation import bootstrap as boot
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.stats import FloatArray, SufficientStats

ARTIFACT_KIND = "cardgate-evaluation"
ARTIFACT_SCHEMA_VERSION = 1
ARTIFACT_SCHEMA = Path(__file__).with_name("evaluation-artifact.schema.json")
"""The JSON Schema of `evaluation.json` (shipped; docs/evaluation-artifact.md explains it)."""


@dataclass
class EvaluationRun:
    """The result of evaluating one system: the artifact and where it was written."""

    system: str
    artifact: dict[str, Any]
    path: Path | None = None
    notes: list[str] = field(default_factory=list)


def _number(value: float | None) -> float | None:
    """A JSON number: None for undefined, 12 significant digits (stable across platforms)."""
    if value is None or not np.isfinite(value):
        return None
    return float(f"{float(value):.12g}")


def _interval(low: float, high: float) -> list[float | None] | None:
    a, b = _number(low), _number(high)
    return None if a is None or b is None else [a, b]


def _record(value: float, low: float, high: float, reason: str) -> dict[str, Any]:
    point = _number(value)
    return {
        "value": point,
        "ci": _interval(low, high) if point is not None else None,
        "reason": None if point is not None else reason,
    }


def applicable_metrics(settings: EvaluationSettings) -> list[str]:
    """Per-group metrics the task (and a score column) allow."""
    if settings.task == "regression":
        return list(REGRESSION_METRICS)
    found = list(CLASSIFICATION_METRICS)
    if settings.score_column is not None:
        found += list(SCORE_METRICS)
    return found


def chosen_metrics(settings: EvaluationSettings) -> tuple[list[str], list[str]]:
    """(per-group metrics, disparities) to report: as listed, plus any thresholded."""
    group_ok = applicable_metrics(settings)
    disparity_ok = list(
        REGRESSION_DISPARITIES if settings.task == "regression" else CLASSIFICATION_DISPARITIES
    )
    wanted: list[str] = list(settings.metrics) or [*group_ok, *disparity_ok]
    wanted += [t.metric for t in settings.thresholds]
    groups: list[str] = []
    disparities: list[str] = []
    for name in dict.fromkeys(wanted):
        if name == "count":
            continue
        if name in group_ok:
            groups.append(name)
        elif name in disparity_ok:
            disparities.append(name)
        else:
            raise ConfigurationError(
                f"evaluation: metric '{name}' does not apply to task '{settings.task}'"
                + ("" if settings.score_column else " without a score_column"),
                hint=f"metrics for this task: {', '.join(group_ok + disparity_ok)}",
                at=_metric_path(settings, name),
            )
    order = {name: i for i, name in enumerate(group_ok + disparity_ok)}
    return sorted(groups, key=order.__getitem__), sorted(disparities, key=order.__getitem__)


def _metric_path(settings: EvaluationSettings, name: str) -> tuple[str | int, ...]:
    """Where a metric is named in the settings: `metrics`, else the first threshold."""
    if name in settings.metrics:
        return ("evaluation", "metrics", list(settings.metrics).index(name))
    for index, threshold in enumerate(settings.thresholds):
        if threshold.metric == name:
            return ("evaluation", "thresholds", index, "metric")
    return ("evaluation",)


def check_settings(settings: EvaluationSettings) -> None:
    """Refuse what the schema allows but evaluation cannot do yet."""
    if settings.task == "multiclass-classification":
        raise ConfigurationError(
            "evaluation.task: multiclass-classification is not supported yet",
            hint="evaluate one class against the rest as binary-classification with positive_label",
            at=("evaluation", "task"),
        )
    chosen_metrics(settings)


def feature_sets(settings: EvaluationSettings) -> list[list[str]]:
    """Each sensitive feature alone, then each listed intersection."""
    sets = [[name] for name in settings.sensitive_features]
    sets += [list(combo) for combo in settings.intersections]
    return sets


# -- per-table computation ------------------------------------------------------------
def _point_values(table: M.GroupTable, metrics: Sequence[str]) -> dict[str, FloatArray]:
    """Point estimates per group: fairlearn's where defined (the disparities' inputs too)."""
    values: dict[str, FloatArray] = {}
    if table.cells is not None:
        values.update(M.classification_values(table.cells))
        fair_groups, _ = M.fairlearn_estimates(table, [*metrics, *M.DISPARITY_INPUTS])
        for name, by_group in fair_groups.items():
            fair = np.asarray(by_group, dtype=np.float64)
            values[name] = np.where(np.isfinite(values[name]), fair, np.nan)
    if table.scores is not None:
        values.update(M.score_values(table.scores))
    if table.errors is not None:
        values.update(M.regression_values(table.errors))
    keep = [*metrics, *(M.DISPARITY_INPUTS if table.cells is not None else ())]
    return {name: values[name] for name in keep}


def _intervals(
    table: M.GroupTable,
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


def _regression_moments(errors: FloatArray) -> dict[str, tuple[FloatArray, FloatArray]]:
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


def _regression_scale(metric: str, values: FloatArray) -> FloatArray:
    """A metric from its moment (`_regression_moments`): RMSE is the root of the MSE."""
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
            _regression_scale(metric, estimate - z * error),
            _regression_scale(metric, estimate + z * error),
        )
        for metric, (estimate, error) in _regression_moments(errors).items()
    }


def _regression_disparities(
    table: M.GroupTable,
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
    moments = _regression_moments(errors)
    pooled = _regression_moments(errors.sum(axis=0, keepdims=True))
    replicates = settings.bootstrap.replicates
    out = []
    for name in names:
        metric = name.removesuffix("_difference")
        values = points[metric][keep]
        value = float(values.max() - values.min()) if np.isfinite(values).all() else math.nan
        record = _record(value, math.nan, math.nan, "a compared group has no rows")
        floor = p_value = None
        if replicates and math.isfinite(value):
            estimate, error = moments[metric]
            noise = rng.standard_normal((replicates, len(values))) * error
            spread = _spread(_regression_scale(metric, estimate + noise))
            low, high = boot.percentile_interval(spread, level)
            record["ci"] = _interval(float(low), float(high))
            null = _spread(_regression_scale(metric, pooled[metric][0] + noise))
            floor, p_value = boot.floor_and_p_value(
                null, value, level=level, smaller_is_worse=False
            )
        record.update(
            {
                "metric": name,
                "noise_floor": _number(floor),
                "p_value": _number(p_value),
                "groups_compared": compared,
            }
        )
        out.append(record)
    return out


def _spread(draws: FloatArray) -> FloatArray:
    """Largest minus smallest value of each replicate (row)."""
    result: FloatArray = draws.max(axis=1) - draws.min(axis=1)
    return result


def _reference(table: M.GroupTable, settings: EvaluationSettings, suppressed: list[bool]) -> str:
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


def _feature(
    table: M.GroupTable,
    settings: EvaluationSettings,
    metrics: Sequence[str],
    disparities: Sequence[str],
    rng: np.random.Generator,
) -> dict[str, Any]:
    level = settings.bootstrap.confidence_level
    suppressed = [bool(c < settings.min_group_size) for c in table.counts]
    reference = _reference(table, settings, suppressed)
    ref = table.groups.index(reference)
    points = _point_values(table, metrics)
    intervals, cells_boot = _intervals(table, metrics, settings, rng)
    groups = []
    for g, label in enumerate(table.groups):
        records = {}
        for name in metrics:
            record = _record(
                points[name][g], intervals[name][0][g], intervals[name][1][g], M.UNDEFINED[name]
            )
            value, base = points[name][g], points[name][ref]
            with np.errstate(invalid="ignore", divide="ignore"):
                record["difference_to_reference"] = _number(value - base)
                record["ratio_to_reference"] = _number(value / base) if base != 0 else None
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
    table: M.GroupTable,
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
        record = _record(value, low, high, M.disparity_reason(name))
        floor, p_value = (None, None)
        if replicates:
            floor, p_value = boot.floor_and_p_value(
                null_values[name], value, level=level, smaller_is_worse=name.endswith("_ratio")
            )
        record.update(
            {
                "metric": name,
                "noise_floor": _number(floor),
                "p_value": _number(p_value) if defined else None,
                "groups_compared": compared,
            }
        )
        out.append(record)
    return out


# -- thresholds ------------------------------------------------------------------------
def _verdicts(
    threshold: Threshold,
    value: float | None,
    ci: list[float | None] | None,
    p_value: float | None,
    alpha: float,
) -> dict[str, str]:
    if value is None:
        return {"point": "undefined", "ci-bound": "undefined", "significance": "undefined"}

    def within(x: float) -> bool:
        return (threshold.min is None or x >= threshold.min) and (
            threshold.max is None or x <= threshold.max
        )

    point = within(value)
    verdicts = {"point": "pass" if point else "fail"}
    if ci is None or ci[0] is None or ci[1] is None:
        verdicts["ci-bound"] = "undefined"
    else:
        low, high = ci[0], ci[1]
        pessimistic = (threshold.min is None or low >= threshold.min) and (
            threshold.max is None or high <= threshold.max
        )
        verdicts["ci-bound"] = "pass" if pessimistic else "fail"
    if point:
        verdicts["significance"] = "pass"
    elif p_value is not None:
        verdicts["significance"] = "fail" if p_value < alpha else "pass"
    elif ci is not None and ci[0] is not None and ci[1] is not None:
        # no noise floor for a per-group metric: fail when the whole interval is beyond
        low, high = ci[0], ci[1]
        beyond = (threshold.max is not None and low > threshold.max) or (
            threshold.min is not None and high < threshold.min
        )
        verdicts["significance"] = "fail" if beyond else "pass"
    else:
        verdicts["significance"] = "undefined"
    return verdicts


def threshold_results(
    artifact: dict[str, Any], settings: EvaluationSettings
) -> list[dict[str, Any]]:
    """One record per (threshold, feature, group) it applies to, with every verdict."""
    alpha = 1 - settings.bootstrap.confidence_level
    features = {f["feature"]: f for f in artifact["features"]}
    out: list[dict[str, Any]] = []
    for index, threshold in enumerate(settings.thresholds):
        decide = threshold.decide_on or "point"
        targets: list[tuple[str | None, str | None, dict[str, Any], str | None]] = []
        if threshold.feature is not None and threshold.feature not in features:
            raise ConfigurationError(
                f"evaluation.thresholds: feature '{threshold.feature}' is not evaluated",
                hint=f"features: {', '.join(features)}",
                at=("evaluation", "thresholds", index, "feature"),
            )
        names = [threshold.feature] if threshold.feature is not None else list(features)
        if threshold.metric in DISPARITY_METRICS:
            for name in names:
                for record in features[name]["disparities"]:
                    if record["metric"] == threshold.metric:
                        targets.append((name, None, record, None))
        else:
            if threshold.feature is None:
                targets.append((None, None, artifact["overall"]["metrics"][threshold.metric], None))
            for name in names:
                groups = features[name]["groups"]
                known = [g["group"] for g in groups]
                if threshold.group is not None and threshold.group not in known:
                    raise ConfigurationError(
                        f"evaluation.thresholds: group '{threshold.group}' is not a group of "
                        f"'{name}'",
                        hint=f"groups: {', '.join(known[:20])}",
                        at=("evaluation", "thresholds", index, "group"),
                    )
                for group in groups:
                    if threshold.group in (None, group["group"]):
                        why = None
                        if group["suppressed"]:
                            why = f"group has fewer than {settings.min_group_size} rows"
                        targets.append(
                            (name, group["group"], group["metrics"][threshold.metric], why)
                        )
        for feature, group, record, suppressed in targets:
            value, ci = record.get("value"), record.get("ci")
            p_value = record.get("p_value")
            if suppressed is not None:
                verdicts = dict.fromkeys(("point", "ci-bound", "significance"), "suppressed")
                passed = True
            else:
                verdicts = _verdicts(threshold, value, ci, p_value, alpha)
                passed = verdicts[decide] == "pass"
            out.append(
                {
                    "metric": threshold.metric,
                    "feature": feature,
                    "group": group,
                    "min": threshold.min,
                    "max": threshold.max,
                    "value": value,
                    "ci": ci,
                    "noise_floor": record.get("noise_floor"),
                    "p_value": p_value,
                    "verdicts": verdicts,
                    "decide_on": decide,
                    "passed": passed,
                    "reason": suppressed or record.get("reason"),
                }
            )
    return out


# -- the whole evaluation --------------------------------------------------------------
@functools.cache
def _installed_versions() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import version

    from cardgate import __version__

    return (
        ("cardgate", __version__),
        ("fairlearn", version("fairlearn")),
        ("numpy", version("numpy")),
        ("pandas", version("pandas")),
    )


def versions() -> dict[str, str]:
    """Versions recorded in the artifact (read from package metadata once per process)."""
    return dict(_installed_versions())


def evaluate_statistics(
    stats: SufficientStats, settings: EvaluationSettings, *, source: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(overall, features) of the artifact, computed from sufficient statistics."""
    metrics, disparities = chosen_metrics(settings)
    binary = None
    if settings.task != "regression":
        positive = None if settings.positive_label is None else str(settings.positive_label)
        binary = M.binary_labels(
            stats,
            positive_label=positive,
            label_column=settings.label_column,
            prediction_column=settings.prediction_column,
            source=source,
        )
    tables = [
        M.group_table(stats, columns, binary=binary, max_groups=settings.max_groups, source=source)
        for columns in feature_sets(settings)
    ]
    seeds = np.random.SeedSequence(settings.bootstrap.seed).spawn(len(tables) + 1)
    total = tables[0].total()
    if total.cells is not None:  # MetricFrame.overall of the first feature's frame
        _, fair_overall = M.fairlearn_estimates(tables[0], [*metrics, *M.DISPARITY_INPUTS])
        total.fairlearn = ({m: [v] for m, v in fair_overall.items()}, fair_overall)
    points = _point_values(total, metrics)
    intervals, _ = _intervals(total, metrics, settings, np.random.default_rng(seeds[0]))
    overall = {
        "count": round(float(total.counts[0])),
        "metrics": {
            name: _record(
                points[name][0], intervals[name][0][0], intervals[name][1][0], M.UNDEFINED[name]
            )
            for name in metrics
        },
    }
    features = [
        _feature(table, settings, metrics, disparities, np.random.default_rng(seed))
        for table, seed in zip(tables, seeds[1:], strict=True)
    ]
    return overall, features


def evaluate_settings(
    settings: EvaluationSettings,
    *,
    root: Path,
    system: str,
    progress: bool = False,
    artifact_file: str | None = None,
) -> dict[str, Any]:
    """Read the predictions named by `settings` (paths inside `root`) and build the
    artifact (`artifact_file`: its workspace-relative path, never a query's input).
    Raises InputError / ConfigurationError; writes nothing."""
    from cardgate.core.digests import canonical_sha256
    from cardgate.evidence.evaluation.sources import read_statistics

    check_settings(settings)
    exclude = (artifact_file,) if artifact_file is not None else ()
    stats, info = read_statistics(settings, root=root, progress=progress, exclude=exclude)
    overall, features = evaluate_statistics(stats, settings, source=info.display)
    predictions: dict[str, Any] = {
        "path": info.path,
        "sha256": info.sha256,
        "format": settings.predictions.format,
        "rows": stats.rows_read,
        "rows_used": stats.rows_used,
        "dropped": [{"reason": why, "rows": rows} for why, rows in stats.dropped.items()],
    }
    if info.query is not None:
        predictions["query"] = info.query
        predictions["inputs"] = [{"path": path, "sha256": sha} for path, sha in info.inputs]
    artifact: dict[str, Any] = {
        "artifact": ARTIFACT_KIND,
        "schema_version": ARTIFACT_SCHEMA_VERSION,
        "system": system,
        "task": settings.task,
        "provenance": {
            "predictions": predictions,
            "settings_sha256": canonical_sha256(settings),
            "seed": settings.bootstrap.seed,
            "replicates": settings.bootstrap.replicates,
            "confidence_level": settings.bootstrap.confidence_level,
            "min_group_size": settings.min_group_size,
            "versions": versions(),
        },
        "overall": overall,
        "features": features,
    }
    artifact["thresholds"] = threshold_results(artifact, settings)
    return artifact


def artifact_path(workspace: Any, system: Any, settings: EvaluationSettings) -> Path:
    """Where a system's artifact goes: `settings.artifact` relative to its card, inside
    the workspace."""
    from cardgate.core.paths import PathEscapeError

    try:
        path: Path = workspace.resolve(settings.artifact, base=system.folder)
    except PathEscapeError as error:
        raise ConfigurationError(
            f"evaluation.artifact: {error}", at=("evaluation", "artifact")
        ) from error
    return path


def system_settings(workspace: Any, system_id: str) -> tuple[Any, EvaluationSettings]:
    """A system's docs and evaluation settings; ConfigurationError when unusable."""
    system = workspace.systems.get(system_id)
    if system is None:
        known = ", ".join(sorted(workspace.systems)) or "none"
        raise ConfigurationError(f"no system '{system_id}' in the workspace (systems: {known})")
    if system.card is None:
        raise ConfigurationError(f"system '{system_id}' has no model card")
    card = system.model_card
    if card is None:
        first = min(system.card.problems, key=lambda p: (-p.severity, p.order()), default=None)
        raise ConfigurationError(
            f"the model card of '{system_id}' does not validate"
            + (f": {first.format()}" if first is not None else ""),
            hint="run 'cardgate validate' to see all its problems, and fix them first",
        )
    if card.evaluation is None:
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'evaluation:' section",
            hint="add evaluation settings (predictions, task, columns, sensitive_features)",
        )
    return system, card.evaluation


def evaluable_systems(workspace: Any) -> list[str]:
    """Systems whose valid model card has an `evaluation:` section."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if system.model_card is not None and system.model_card.evaluation is not None
    ]


def evaluate_system(workspace: Any, system_id: str, *, progress: bool = False) -> EvaluationRun:
    """Evaluate one system of a loaded `Workspace` and write its artifact atomically."""
    from cardgate.core.files import write_json_atomic

    system, settings = system_settings(workspace, system_id)
    try:
        target = artifact_path(workspace, system, settings)
        artifact = evaluate_settings(
            settings,
            root=workspace.root,
            system=system_id,
            progress=progress,
            artifact_file=workspace.relative(target),
        )
    except CardgateError as error:
        if not error.at or system.card.loaded is None:
            raise
        span = system.card.loaded.positions.value(error.at)
        raise error.located(f"{system.card.loaded.display}:{span.line}:{span.column}") from error
    write_json_atomic(target, artifact)
    return EvaluationRun(system_id, artifact, target)
