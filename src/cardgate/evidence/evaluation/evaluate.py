"""`cardgate evaluate`'s core: settings and sufficient statistics -> the artifact's data.

`evaluate_settings` is the pure core (settings + workspace root -> artifact dict); the
workspace glue that finds a system's card and writes the artifact is `run`. Per-group
estimates are `estimates`, disparities `disparities`, threshold verdicts `verdicts`.
Threshold failures are results, not errors: the gate decides.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from cardgate.core.errors import InputError
from cardgate.documents.schemas.evaluation import (
    EvaluationSettings,
)
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.artifact import (
    ARTIFACT_KIND,
    SCHEMA_VERSION,
    EvaluationArtifact,
    build_artifact,
)
from cardgate.evidence.evaluation.disparities import feature_record
from cardgate.evidence.evaluation.estimates import group_intervals, point_values
from cardgate.evidence.evaluation.fairlearn_bridge import fairlearn_estimates
from cardgate.evidence.evaluation.group_table import binary_labels, group_table
from cardgate.evidence.evaluation.intervals import Detection
from cardgate.evidence.evaluation.numbers import estimate_record
from cardgate.evidence.evaluation.settings import check_settings, chosen_metrics, feature_sets
from cardgate.evidence.evaluation.stats import SufficientStats
from cardgate.evidence.evaluation.verdicts import threshold_results

if TYPE_CHECKING:
    from cardgate.evidence.evaluation.sources import SourceInfo

ARTIFACT_SCHEMA = Path(__file__).with_name("evaluation-artifact.schema.json")
"""The JSON Schema of `evaluation.json` (shipped; docs/evaluation-artifact.md explains it)."""


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
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Detection]]]:
    """(overall, features, how detectable each feature's disparities are) of the
    artifact, computed from sufficient statistics."""
    metrics, disparities = chosen_metrics(settings)
    binary = None
    if settings.task != "regression":
        positive = None if settings.positive_label is None else str(settings.positive_label)
        binary = binary_labels(
            stats,
            positive_label=positive,
            label_column=settings.label_column,
            prediction_column=settings.prediction_column,
            source=source,
        )
    tables = [
        group_table(stats, columns, binary=binary, max_groups=settings.max_groups, source=source)
        for columns in feature_sets(settings)
    ]
    seeds = np.random.SeedSequence(settings.bootstrap.seed).spawn(len(tables) + 1)
    total = tables[0].total()
    if total.cells is not None:  # MetricFrame.overall of the first feature's frame
        _, fair_overall = fairlearn_estimates(tables[0], [*metrics, *M.DISPARITY_INPUTS])
        total.fairlearn = ({m: [v] for m, v in fair_overall.items()}, fair_overall)
    points = point_values(total, metrics)
    intervals = group_intervals(total, metrics, settings, np.random.default_rng(seeds[0]))
    overall = {
        "count": round(float(total.counts[0])),
        "metrics": {
            name: estimate_record(
                points[name][0], intervals[name][0][0], intervals[name][1][0], M.UNDEFINED[name]
            )
            for name in metrics
        },
    }
    features, detections = [], {}
    for table, seed in zip(tables, seeds[1:], strict=True):
        record, detection = feature_record(
            table, settings, metrics, disparities, np.random.default_rng(seed)
        )
        features.append(record)
        detections[table.name] = detection
    return overall, features, detections


def evaluate_settings(
    settings: EvaluationSettings,
    *,
    root: Path,
    system: str,
    progress: bool = False,
    artifact_file: str | None = None,
    columns: SufficientStats | None = None,
    engine: str = "auto",
    master: str | None = None,
    held_label: int | str | None = None,
) -> EvaluationArtifact:
    """Read the predictions named by `settings` (paths inside `root`) and build the
    artifact (`artifact_file`: its workspace-relative path, never a query's input).
    `columns`: the same predictions given in memory (`columns.column_statistics`), which
    must be what the source holds. `engine`, `master`, `held_label`:
    `sources.read_statistics`.
    Raises InputError / ConfigurationError; writes nothing."""
    from cardgate.evidence.evaluation.sources import read_statistics

    check_settings(settings)
    exclude = (artifact_file,) if artifact_file is not None else ()
    stats, info = read_statistics(
        settings,
        root=root,
        progress=progress,
        exclude=exclude,
        engine=engine,
        master=master,
        held_label=held_label,
    )
    if columns is not None:
        from cardgate.evidence.evaluation.columns import same_predictions

        difference = same_predictions(columns, stats)
        if difference is not None:
            raise InputError(
                f"the columns given are not the predictions in {info.display}: {difference}",
                hint="write the predictions where the card's evaluation.predictions says "
                "before evaluating them, or evaluate without the card",
            )
    return artifact_of(stats, info, settings, system=system)


def artifact_of(
    stats: SufficientStats, info: SourceInfo, settings: EvaluationSettings, *, system: str
) -> EvaluationArtifact:
    """The artifact of predictions reduced to `stats`, read from the source `info`
    describes (its provenance), under `settings` (checked by `check_settings`)."""
    from cardgate.core.digests import canonical_sha256

    overall, features, detections = evaluate_statistics(stats, settings, source=info.display)
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
    if info.computed_by is not None:
        predictions["computed_by"] = info.computed_by
    if info.table is not None:
        predictions["table"] = info.table
    artifact: dict[str, Any] = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
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
            **({"engine": info.engine} if info.engine is not None else {}),
        },
        "overall": overall,
        "features": features,
    }
    artifact["thresholds"] = threshold_results(artifact, settings, detections)
    return build_artifact(artifact)
