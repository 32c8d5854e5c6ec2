"""`cardgate evaluate-retrieval SYSTEM`: read the card's `genai.retrieval_evaluation`,
compute the metrics from the labelled queries and the run, and write `retrieval.json`
beside the card, atomically and deterministically (same inputs and seed, same bytes).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.core.files import UnsafeWriteError, canonical_json, check_target, write_file
from cardgate.core.paths import PathEscapeError, named_inside
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai import RETRIEVAL_SPREADS, RetrievalEvaluation
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.bootstrap import percentile_interval
from cardgate.evidence.evaluation.decide import state_of
from cardgate.evidence.evaluation.numbers import estimate_record, json_interval, json_number
from cardgate.evidence.evaluation.run import system_card
from cardgate.evidence.genai.retrieval_artifact import (
    ARTIFACT_KIND,
    SCHEMA_VERSION,
    RetrievalArtifact,
    is_retrieval_artifact,
)
from cardgate.evidence.genai.retrieval_inputs import LabelledQuery, read_queries, read_run
from cardgate.evidence.genai.retrieval_metrics import (
    METRICS,
    FloatArray,
    gain_matrix,
    per_query,
    relevant_counts,
)
from cardgate.evidence.genai.retrieval_stats import (
    codes,
    resampled_means,
    spreads,
    stratum_means,
)

_SECTION: DataPath = ("genai", "retrieval_evaluation")
_WHAT = "a retrieval artifact"


@dataclass
class RetrievalRun:
    """One system's retrieval evaluation and where it was written."""

    system: str
    artifact: RetrievalArtifact
    settings: RetrievalEvaluation
    path: Path


def retrieval_settings(
    workspace: Workspace, system_id: str
) -> tuple[SystemDocs, RetrievalEvaluation]:
    """A system's docs and retrieval settings; ConfigurationError when unusable."""
    system, card = system_card(workspace, system_id)
    if card.genai is None or card.genai.retrieval_evaluation is None:
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'genai.retrieval_evaluation:' section",
            hint="describe the system under genai: and add its retrieval_evaluation settings",
        )
    return system, card.genai.retrieval_evaluation


def retrievable_systems(workspace: Workspace) -> list[str]:
    """Systems whose valid card has `genai.retrieval_evaluation`."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if (card := system.model_card) is not None
        and card.genai is not None
        and card.genai.retrieval_evaluation is not None
    ]


def retrieval_artifact_path(
    workspace: Workspace, system: SystemDocs, settings: RetrievalEvaluation
) -> Path:
    """`settings.artifact`, relative to the card, inside the workspace."""
    try:
        return named_inside(workspace.root, settings.artifact, base=system.folder)
    except PathEscapeError as error:
        raise ConfigurationError(f"artifact: {error}", at=(*_SECTION, "artifact")) from error


def _input(workspace: Workspace, relative: str, at: DataPath) -> tuple[Path, str]:
    try:
        path = workspace.resolve(relative)
    except PathEscapeError as error:
        raise ConfigurationError(f"{at[-1]}: {error}", at=at) from error
    return path, workspace.relative(path)


@functools.cache
def _versions() -> tuple[tuple[str, str], ...]:
    from importlib.metadata import version

    from cardgate import __version__

    return (("cardgate", __version__), ("numpy", version("numpy")))


def compute_retrieval(
    workspace: Workspace, system: SystemDocs, settings: RetrievalEvaluation
) -> dict[str, Any]:
    """The artifact's JSON data for one system (writes nothing). Raises `InputError` at
    the input's file:line:col, `ConfigurationError` at the card's data path."""
    queries_path, queries_shown = _input(workspace, settings.queries, (*_SECTION, "queries"))
    run_path, run_shown = _input(workspace, settings.run, (*_SECTION, "run"))
    queries = read_queries(queries_path, queries_shown, list(settings.slices))
    run = read_run(run_path, run_shown)
    baseline_file = None
    baseline_run = None
    if settings.baseline is not None:
        where = (*_SECTION, "baseline", "run")
        baseline_path, baseline_shown = _input(workspace, settings.baseline.run, where)
        baseline_run = read_run(baseline_path, baseline_shown)
        baseline_file = {"path": baseline_shown, "sha256": file_sha256(baseline_path)}
    rng = np.random.default_rng(settings.bootstrap.seed)
    level = settings.bootstrap.confidence_level
    replicates = settings.bootstrap.replicates
    k = settings.k
    relevant = relevant_counts(queries)
    values = per_query(*gain_matrix(queries, run, k), relevant)
    labelled = {q.query_id for q in queries}
    provenance = {
        "queries": {"path": queries_shown, "sha256": file_sha256(queries_path)},
        "run": {"path": run_shown, "sha256": file_sha256(run_path)},
        "baseline_run": baseline_file,
        "settings_sha256": canonical_sha256(settings),
        "seed": settings.bootstrap.seed,
        "replicates": replicates,
        "confidence_level": level,
        "min_group_size": settings.min_group_size,
        "k": k,
        "queries_without_results": sum(1 for q in queries if q.query_id not in run),
        "unlabelled_queries_ignored": sum(1 for q in run if q not in labelled),
        "versions": dict(_versions()),
    }
    # one resampling of the queries for the candidate, the baseline and their differences:
    # the comparison is paired
    compared: list[int] = []
    columns = [values]
    if settings.baseline is not None and baseline_run is not None:
        compared = [METRICS.index(name) for name in settings.baseline.metrics]
        base = per_query(*gain_matrix(queries, baseline_run, k), relevant)[:, compared]
        columns += [base, values[:, compared] - base]
    joined = np.concatenate(columns, axis=1)
    draws = resampled_means(joined, np.zeros(len(queries), np.int64), replicates, rng)[:, 0, :]
    means = joined.mean(axis=0)
    low, high = percentile_interval(draws, level)
    metric_count = len(METRICS)
    overall = {
        "count": len(queries),
        "metrics": _estimates(METRICS, means, low, high, slice(0, metric_count)),
    }
    features = [
        _feature(feature, queries, values, settings, rng, level) for feature in settings.slices
    ]
    data: dict[str, Any] = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
        "system": system.id,
        "provenance": provenance,
        "overall": overall,
        "features": features,
        "baseline": None,
        "thresholds": _thresholds(settings, overall, features, level),
    }
    if settings.baseline is not None:
        names = list(settings.baseline.metrics)
        base_part = slice(metric_count, metric_count + len(names))
        diff_part = slice(metric_count + len(names), metric_count + 2 * len(names))
        differences = _estimates(names, means, low, high, diff_part)
        data["baseline"] = {
            "tolerance": settings.baseline.tolerance,
            "count": len(queries),
            "baseline": _estimates(names, means, low, high, base_part),
            "comparisons": [
                _decided(
                    {
                        "threshold": index,
                        "metric": f"{name}_change_from_baseline",
                        "min": -settings.baseline.tolerance,
                        "value": differences[name]["value"],
                        "ci": differences[name]["ci"],
                        "count": len(queries),
                    },
                    min_group_size=1,
                    level=level,
                )
                for index, name in enumerate(names)
            ],
        }
    return RetrievalArtifact.model_validate(data).model_dump(mode="json")


def _estimates(
    names: Any, means: FloatArray, low: FloatArray, high: FloatArray, part: slice
) -> dict[str, dict[str, Any]]:
    return {
        name: estimate_record(float(m), float(lo), float(hi), "no queries")
        for name, m, lo, hi in zip(names, means[part], low[part], high[part], strict=True)
    }


def _feature(
    feature: str,
    queries: list[LabelledQuery],
    values: FloatArray,
    settings: RetrievalEvaluation,
    rng: np.random.Generator,
    level: float,
) -> dict[str, Any]:
    """A slice feature: each slice's metrics with intervals, and the spread of each
    metric over the compared slices with its null test."""
    names, strata = codes([q.slices[feature] for q in queries])
    replicates = settings.bootstrap.replicates
    draws = resampled_means(values, strata, replicates, rng)
    means = stratum_means(values, strata, len(names))
    low, high = percentile_interval(draws, level)
    sizes = np.bincount(strata, minlength=len(names))
    suppressed = sizes < settings.min_group_size
    slices = [
        {
            "slice": name,
            "count": int(sizes[i]),
            "suppressed": bool(suppressed[i]),
            "metrics": _estimates(METRICS, means[i], low[i], high[i], slice(None)),
        }
        for i, name in enumerate(names)
    ]
    kept = np.flatnonzero(~suppressed)
    compared = [names[i] for i in kept]
    differences: list[dict[str, Any]] = []
    if len(kept) >= 2:
        keep = np.isin(strata, kept)
        remap = np.full(len(names), -1, np.int64)
        remap[kept] = np.arange(len(kept))
        found = spreads(
            values[keep],
            remap[strata[keep]],
            draws[:, kept, :],
            level=level,
            null_replicates=replicates,
            rng=rng,
        )
        for name, spread in zip(METRICS, found, strict=True):
            differences.append(
                {
                    "metric": f"{name}_difference",
                    "value": json_number(spread.value),
                    "ci": json_interval(spread.low, spread.high),
                    "reason": None,
                    "noise_floor": json_number(spread.noise_floor),
                    "p_value": json_number(spread.p_value),
                    "groups_compared": compared,
                }
            )
    else:
        why = f"fewer than two slices of '{feature}' have {settings.min_group_size} queries or more"
        differences = [
            {"metric": f"{name}_difference", "value": None, "ci": None, "reason": why,
             "noise_floor": None, "p_value": None, "groups_compared": compared}
            for name in METRICS
        ]  # fmt: skip
    return {"feature": feature, "slices": slices, "differences": differences}


def _decided(record: dict[str, Any], *, min_group_size: int, level: float) -> dict[str, Any]:
    """A threshold record with the state the one decider gives its numbers."""
    result = ThresholdResult.model_validate({**record, "state": "undefined", "reason": ""})
    state, reason = state_of(result, min_group_size=min_group_size, level=level)
    return {**result.model_dump(mode="json"), "state": state, "reason": reason}


def _thresholds(
    settings: RetrievalEvaluation,
    overall: dict[str, Any],
    features: list[dict[str, Any]],
    level: float,
) -> list[dict[str, Any]]:
    """The evidence for each of the card's thresholds on each of its targets."""
    by_feature = {feature["feature"]: feature for feature in features}
    out = []
    for index, threshold in enumerate(settings.thresholds):
        base = {"threshold": index, "metric": threshold.metric, "min": threshold.min,
                "max": threshold.max}  # fmt: skip
        if threshold.feature is None:
            estimate = overall["metrics"][threshold.metric]
            targets = [{**base, "value": estimate["value"], "ci": estimate["ci"],
                        "count": overall["count"], "reason": estimate["reason"]}]  # fmt: skip
        else:
            feature = by_feature.get(threshold.feature)
            if feature is None:
                raise ConfigurationError(
                    f"threshold on feature '{threshold.feature}', which is not one of the "
                    f"slices ({', '.join(settings.slices) or 'none'})",
                    at=(*_SECTION, "thresholds", index, "feature"),
                    hint="add it to retrieval_evaluation.slices, or fix the feature",
                )
            targets = _feature_targets(threshold.metric, threshold.group, feature, base)
        for target in targets:
            reason = target.pop("reason", None)
            decided = _decided(target, min_group_size=settings.min_group_size, level=level)
            if target["value"] is None and reason:
                decided["reason"] = f"{decided['reason']} ({reason})"
            out.append(decided)
    return out


def _feature_targets(
    metric: str, group: str | None, feature: dict[str, Any], base: dict[str, Any]
) -> list[dict[str, Any]]:
    name = feature["feature"]
    if metric in RETRIEVAL_SPREADS:
        spread = next(d for d in feature["differences"] if d["metric"] == metric)
        counts = [s["count"] for s in feature["slices"] if not s["suppressed"]]
        return [{**base, "feature": name, "value": spread["value"], "ci": spread["ci"],
                 "noise_floor": spread["noise_floor"], "p_value": spread["p_value"],
                 "count": min(counts) if len(counts) >= 2 else
                 min((s["count"] for s in feature["slices"]), default=0),
                 "reason": spread["reason"]}]  # fmt: skip
    slices = [s for s in feature["slices"] if group is None or s["slice"] == group]
    if not slices:
        return [{**base, "feature": name, "group": group, "value": None, "ci": None,
                 "count": 0, "reason": f"no query is in slice '{group}'"}]  # fmt: skip
    return [
        {**base, "feature": name, "group": s["slice"], "value": s["metrics"][metric]["value"],
         "ci": s["metrics"][metric]["ci"], "count": s["count"],
         "reason": s["metrics"][metric]["reason"]}
        for s in slices
    ]  # fmt: skip


def _located(system: SystemDocs, error: CardgateError) -> CardgateError:
    loaded = system.card.loaded if system.card is not None else None
    if not error.at or loaded is None:
        return error
    span = loaded.positions.value(error.at)
    return error.located(f"{loaded.display}:{span.line}:{span.column}")


def recompute_retrieval(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's retrieval artifact computed again in memory (for `gate --release`)."""
    system, settings = retrieval_settings(workspace, system_id)
    try:
        return compute_retrieval(workspace, system, settings)
    except CardgateError as error:
        raise _located(system, error) from error


def evaluate_retrieval_system(workspace: Workspace, system_id: str) -> RetrievalRun:
    """Evaluate one system's retrieval and write its artifact atomically."""
    system, settings = retrieval_settings(workspace, system_id)
    try:
        target = retrieval_artifact_path(workspace, system, settings)
        try:
            check_target(
                target, within=workspace.root, replaceable=is_retrieval_artifact, what=_WHAT
            )
        except UnsafeWriteError as error:
            raise UnsafeWriteError(
                f"artifact: {error.message}", hint=error.hint, at=(*_SECTION, "artifact")
            ) from error
        data = compute_retrieval(workspace, system, settings)
    except CardgateError as error:
        raise _located(system, error) from error
    write_file(
        target,
        canonical_json(data),
        within=workspace.root,
        replaceable=is_retrieval_artifact,
        what=_WHAT,
    )
    return RetrievalRun(system_id, RetrievalArtifact.model_validate(data), settings, target)
