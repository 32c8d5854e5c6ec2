"""`cardgate evaluate-operations SYSTEM`: read the run log the card's
`genai.operations_evaluation` names (`run_log`: one query per line, its latency and its
cost or token counts), compute the latency quantiles p50, p95 and p99 and the mean cost
per query (per 1,000 queries, in the log's or the prices' currency) with intervals
(a quantile's distribution-free, `quantile_interval`; the cost's the percentile bootstrap
over the queries), overall and per slice of the log's queries (with the
spread between slices and its noise floor, as for retrieval: `summary.slice_feature`),
and — when the card names the baseline's log — the
change from the baseline on the same queries with a paired bootstrap (each replicate
draws the same queries from both logs); decide the card's thresholds with the one
decider and write `operations.json` beside the card, atomically and deterministically.
Nothing is run: the log comes from the system's own serving or test harness.

A quantile is numpy's default (`linear`, Hyndman & Fan's type 7: interpolated between
the two order statistics around it). Its interval is two order statistics chosen with the
binomial distribution, undefined for a log too short for one (a p99 at 95% needs 368
queries): the percentile bootstrap it replaced rests on the few largest latencies and
missed a p99 of 124 queries above in 30% of samples. A change in a quantile from the
baseline keeps the paired bootstrap (docs/genai.md)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.errors import ConfigurationError
from cardgate.core.paths import PathEscapeError, named_inside
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import BASELINE_CHANGE, OperationsEvaluation
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.bootstrap import percentile_interval
from cardgate.evidence.evaluation.numbers import estimate_record
from cardgate.evidence.evaluation.run import system_card
from cardgate.evidence.genai.operations_artifact import (
    ARTIFACT_KIND,
    QUANTILES,
    SCHEMA_VERSION,
    OperationsArtifact,
    is_operations_artifact,
)
from cardgate.evidence.genai.quantile_interval import quantile_interval, too_short
from cardgate.evidence.genai.retrieval_metrics import FloatArray
from cardgate.evidence.genai.retrieval_run import computed, evidence_versions, write_evidence
from cardgate.evidence.genai.retrieval_stats import Statistic, replicates_at_once
from cardgate.evidence.genai.run_log import RunLog, paired_positions, read_run_log
from cardgate.evidence.genai.summary import SPREAD, decided, slice_feature, threshold_records

SECTION: DataPath = ("genai", "operations_evaluation")
_WHAT = "an operations artifact"
COST = "cost_per_1k_queries"
QUANTILE_METHOD = "numpy linear (Hyndman & Fan type 7)"
INTERVAL_METHOD = (
    "latency quantiles: distribution-free order-statistic interval; cost and every change "
    "from the baseline: percentile bootstrap over queries (paired for the change)"
)


@dataclass
class OperationsRun:
    """One system's operational evaluation and where it was written."""

    system: str
    artifact: OperationsArtifact
    settings: OperationsEvaluation
    path: Path


def operations_settings(
    workspace: Workspace, system_id: str
) -> tuple[SystemDocs, OperationsEvaluation]:
    """A system's docs and operations settings; ConfigurationError when unusable."""
    system, card = system_card(workspace, system_id)
    if card.genai is None or card.genai.operations_evaluation is None:
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'genai.operations_evaluation:' section",
            hint="name the system's run log under genai.operations_evaluation.log",
        )
    return system, card.genai.operations_evaluation


def operations_systems(workspace: Workspace) -> list[str]:
    """Systems whose valid card has `genai.operations_evaluation`."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if (card := system.model_card) is not None
        and card.genai is not None
        and card.genai.operations_evaluation is not None
    ]


def statistics(latency: FloatArray, cost: FloatArray | None) -> dict[str, FloatArray]:
    """Each metric of the queries along the last axis: latency quantiles and mean cost
    (for an (R, n) array of resampled queries, one value per replicate)."""
    # the three quantiles in one call: one partition of each row of latencies, not three
    quantiles = np.quantile(latency, list(QUANTILES.values()), axis=-1)
    found: dict[str, FloatArray] = {
        name: np.asarray(quantiles[index], dtype=np.float64) for index, name in enumerate(QUANTILES)
    }
    if cost is not None:
        # the mean cost of a query, per 1,000 queries: 0.55 reads, 0.00055 prints as 0.001
        found[COST] = np.asarray(1000 * cost.mean(axis=-1), dtype=np.float64)
    return found


def column_statistic(*, with_cost: bool) -> Statistic:
    """`statistics` of (..., queries, columns) rows — latency, then cost if `with_cost` —
    as (..., metrics), for the slices' bootstrap and null test (`summary.slice_feature`)."""

    def of_rows(rows: FloatArray) -> FloatArray:
        found = statistics(rows[..., 0], rows[..., 1] if with_cost else None)
        return np.stack(list(found.values()), axis=-1)

    return of_rows


def bootstrap(
    logs: list[tuple[FloatArray, FloatArray | None]], replicates: int, rng: np.random.Generator
) -> list[dict[str, FloatArray]]:
    """Replicates (R,) of each log's metrics, every replicate drawing the same queries
    (by position) from every log: for one log the bootstrap, for two aligned logs the
    paired bootstrap."""
    size = len(logs[0][0])
    out: list[dict[str, list[FloatArray]]] = [{} for _ in logs]
    done = 0
    while done < replicates:
        count = min(replicates_at_once(size), replicates - done)
        picks = rng.integers(0, size, (count, size))
        for found, (latency, cost) in zip(out, logs, strict=True):
            drawn = statistics(latency[picks], cost[picks] if cost is not None else None)
            for name, values in drawn.items():
                found.setdefault(name, []).append(values)
        done += count
    return [{name: np.concatenate(parts) for name, parts in found.items()} for found in out]


def _costs(log: RunLog, settings: OperationsEvaluation, where: DataPath) -> FloatArray | None:
    if log.cost is not None:
        return log.cost
    if log.tokens is not None:
        if settings.prices is None:
            raise ConfigurationError(
                "the run log gives token counts: the card needs their 'prices' for the cost "
                "per query",
                at=where,
                hint="add prices: {input_per_1k_tokens: ..., output_per_1k_tokens: ...}",
            )
        prices = settings.prices
        # the operations a query's cost took in Python, one column at a time: the same floats
        priced: FloatArray = (
            log.tokens[:, 0] * prices.input_per_1k_tokens
            + log.tokens[:, 1] * prices.output_per_1k_tokens
        ) / 1000
        return priced
    return None


def _estimates(
    values: dict[str, FloatArray],
    draws: dict[str, FloatArray],
    level: float,
    latency: FloatArray | None = None,
) -> dict[str, dict[str, Any]]:
    """Each metric's estimate: the percentile interval of its bootstrap `draws`, or for a
    latency quantile of the queries' `latency` (given: not a change) the distribution-free
    order-statistic interval (`quantile_interval`)."""
    out = {}
    for name, value in values.items():
        quantile = QUANTILES.get(name) if latency is not None else None
        if quantile is not None and latency is not None:
            low, high = quantile_interval(latency, quantile, level)
            record = estimate_record(float(value), low, high, "no queries")
            if record["ci"] is None and record["value"] is not None:
                record["reason"] = too_short(len(latency), (0, quantile), level, "queries")
            out[name] = record
            continue
        low_, high_ = percentile_interval(draws[name][:, None], level) if len(draws[name]) else (
            np.array([np.nan]), np.array([np.nan])
        )  # fmt: skip
        out[name] = estimate_record(float(value), float(low_[0]), float(high_[0]), "no queries")
    return out


def _read(
    workspace: Workspace, relative: str, at: DataPath, slices: list[str] | None = None
) -> tuple[RunLog, dict[str, Any]]:
    try:
        path = workspace.resolve(relative)
    except PathEscapeError as error:
        raise ConfigurationError(f"{at[-1]}: {error}", at=at) from error
    shown = workspace.relative(path)
    log = read_run_log(path, shown, slices or ())
    record = {
        "path": shown,
        "sha256": file_sha256(path),
        "queries": len(log),
        "gives": log.gives,
    }
    return log, record


def compute_operations(
    workspace: Workspace, system: SystemDocs, settings: OperationsEvaluation
) -> dict[str, Any]:
    """The artifact's JSON data for one system (writes nothing)."""
    log, log_record = _read(workspace, settings.log, (*SECTION, "log"), settings.slices)
    latency = log.latency
    cost = _costs(log, settings, (*SECTION, "log"))
    rng = np.random.default_rng(settings.bootstrap.seed)
    level = settings.bootstrap.confidence_level
    replicates = settings.bootstrap.replicates
    values = statistics(latency, cost)
    (draws,) = bootstrap([(latency, cost)], replicates, rng)
    metrics = _estimates(values, draws, level, latency)
    baseline: dict[str, Any] | None = None
    baseline_record: dict[str, Any] | None = None
    if settings.baseline_log is not None:
        where = (*SECTION, "baseline_log")
        other, baseline_record = _read(workspace, settings.baseline_log, where)
        baseline = _paired(log, cost, other, _costs(other, settings, where), rng, settings)
    tokens = log.gives == "tokens" or (baseline_record or {}).get("gives") == "tokens"
    if settings.prices is not None and not tokens:
        raise ConfigurationError(
            "no run log gives token counts: 'prices' would not be used",
            at=(*SECTION, "prices"),
            hint="remove prices (the logs give each query's cost), or log token counts",
        )
    table = np.column_stack([latency] if cost is None else [latency, cost])
    features = [
        slice_feature(
            feature,
            log.slices[feature].labels(),
            table,
            list(metrics),
            min_group_size=settings.min_group_size,
            replicates=replicates,
            level=level,
            rng=rng,
            unit="queries",
            statistic=column_statistic(with_cost=cost is not None),
            quantiles=[(0, quantile) for quantile in QUANTILES.values()],
        )
        for feature in settings.slices
    ]
    overall = {"count": len(latency), "metrics": metrics}
    thresholds: list[dict[str, Any]] = []
    for index, threshold in enumerate(settings.thresholds):
        name = threshold.metric
        change = name.endswith(BASELINE_CHANGE)
        found = (baseline or {}).get("changes", {}) if change else metrics
        estimate = found.get(name.removesuffix(BASELINE_CHANGE).removesuffix(SPREAD))
        if estimate is None:
            raise ConfigurationError(
                f"'{name}' cannot be computed: the run log{'s give' if change else ' gives'} "
                "no cost or token counts",
                at=(*SECTION, "thresholds", index, "metric"),
                hint="log each query's cost or its token counts, or remove the threshold",
            )
        if not change:
            thresholds += threshold_records(
                [(index, threshold)],
                overall,
                features,
                min_group_size=settings.min_group_size,
                level=level,
                replicates=settings.bootstrap.replicates,
                section=SECTION,
            )
            continue
        record = {
            "threshold": index,
            "metric": name,
            "min": threshold.min,
            "max": threshold.max,
            "value": estimate["value"],
            "ci": estimate["ci"],
            "count": baseline["count"] if baseline is not None else 0,
        }
        thresholds.append(
            decided(
                record,
                min_group_size=settings.min_group_size,
                level=level,
                replicates=settings.bootstrap.replicates,
            )
        )
    data = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
        "system": system.id,
        "provenance": {
            "log": log_record,
            "baseline_log": baseline_record,
            "settings_sha256": canonical_sha256(settings),
            "seed": settings.bootstrap.seed,
            "replicates": replicates,
            "confidence_level": level,
            "min_group_size": settings.min_group_size,
            "quantiles": QUANTILE_METHOD,
            "interval": INTERVAL_METHOD,
            "currency": settings.prices.currency if settings.prices is not None else None,
            "versions": evidence_versions(),
        },
        "count": len(latency),
        "metrics": metrics,
        "features": features,
        "baseline": baseline,
        "thresholds": thresholds,
    }
    return OperationsArtifact.model_validate(data).model_dump(mode="json")


def _paired(
    log: RunLog,
    cost: FloatArray | None,
    other: RunLog,
    other_cost: FloatArray | None,
    rng: np.random.Generator,
    settings: OperationsEvaluation,
) -> dict[str, Any]:
    """The baseline's metrics and candidate minus baseline on the queries in both logs,
    with the paired bootstrap."""
    mine, theirs = paired_positions(log.keys, other.keys)
    if not len(mine):
        raise ConfigurationError(
            "the baseline's run log has none of the run log's queries",
            at=(*SECTION, "baseline_log"),
            hint="log both configurations on the same queries (the same query_id)",
        )
    unmatched = len(log) + len(other) - 2 * len(mine)
    latency = log.latency[mine]
    base_latency = other.latency[theirs]
    both_cost = cost is not None and other_cost is not None
    cand_cost = cost[mine] if both_cost and cost is not None else None
    base_cost = other_cost[theirs] if both_cost and other_cost is not None else None
    level = settings.bootstrap.confidence_level
    ours = statistics(latency, cand_cost)
    base = statistics(base_latency, base_cost)
    cand_draws, base_draws = bootstrap(
        [(latency, cand_cost), (base_latency, base_cost)], settings.bootstrap.replicates, rng
    )
    changes = {name: ours[name] - base[name] for name in ours}
    change_draws = {name: cand_draws[name] - base_draws[name] for name in ours}
    return {
        "count": len(mine),
        "unmatched": unmatched,
        "baseline": _estimates(base, base_draws, level, base_latency),
        "changes": _estimates(changes, change_draws, level),
    }


def operations_artifact_path(
    workspace: Workspace, system: SystemDocs, settings: OperationsEvaluation
) -> Path:
    """`settings.artifact`, relative to the card, inside the workspace."""
    try:
        return named_inside(workspace.root, settings.artifact, base=system.folder)
    except PathEscapeError as error:
        raise ConfigurationError(f"artifact: {error}", at=(*SECTION, "artifact")) from error


def recompute_operations(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's operations artifact computed again in memory (`gate --release`)."""
    system, settings = operations_settings(workspace, system_id)
    return computed(system, lambda: compute_operations(workspace, system, settings))


def evaluate_operations_system(workspace: Workspace, system_id: str) -> OperationsRun:
    """Aggregate one system's run log and write its artifact atomically."""
    system, settings = operations_settings(workspace, system_id)
    target, data = write_evidence(
        workspace,
        system,
        section=SECTION,
        target=lambda: operations_artifact_path(workspace, system, settings),
        compute=lambda: compute_operations(workspace, system, settings),
        replaceable=is_operations_artifact,
        what=_WHAT,
    )
    return OperationsRun(system_id, OperationsArtifact.model_validate(data), settings, target)
