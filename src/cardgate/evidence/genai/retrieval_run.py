"""`cardgate evaluate-retrieval SYSTEM`: read the card's `genai.retrieval_evaluation`,
compute the metrics from the labelled queries and the run, and write `retrieval.json`
beside the card, atomically and deterministically (same inputs and seed, same bytes).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.core.files import UnsafeWriteError, canonical_json, check_target, write_file
from cardgate.core.paths import PathEscapeError, named_inside
from cardgate.documents.located import located
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import RetrievalEvaluation
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.run import system_card
from cardgate.evidence.genai.retrieval_artifact import (
    ARTIFACT_KIND,
    SCHEMA_VERSION,
    RetrievalArtifact,
    is_retrieval_artifact,
)
from cardgate.evidence.genai.retrieval_inputs import read_queries, read_run
from cardgate.evidence.genai.retrieval_metrics import (
    METRICS,
    gain_matrix,
    per_query,
    relevant_counts,
)
from cardgate.evidence.genai.summary import (
    decided,
    overall_summary,
    slice_feature,
    threshold_records,
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


def evidence_versions() -> dict[str, str]:
    """The versions a GenAI artifact records (cardgate's and numpy's)."""
    return dict(_versions())


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
        "versions": evidence_versions(),
    }
    # every metric lies in [0, 1] per query: its mean gets `intervals.bounded_mean`'s
    # interval (Wilson's for hit_rate, 0 or 1), not the bootstrap's
    metric_count = len(METRICS)
    overall = overall_summary(
        METRICS, values, None, level, "queries", bounded=[True] * metric_count
    )
    features = [
        slice_feature(
            feature,
            [q.slices[feature] for q in queries],
            values,
            METRICS,
            min_group_size=settings.min_group_size,
            replicates=replicates,
            level=level,
            rng=rng,
            unit="queries",
            bounded=True,
        )
        for feature in settings.slices
    ]
    data: dict[str, Any] = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
        "system": system.id,
        "provenance": provenance,
        "overall": overall,
        "features": features,
        "baseline": None,
        "thresholds": threshold_records(
            list(enumerate(settings.thresholds)),
            overall,
            features,
            min_group_size=settings.min_group_size,
            level=level,
            replicates=settings.bootstrap.replicates,
            section=_SECTION,
        ),
    }
    if settings.baseline is not None and baseline_run is not None:
        names = list(settings.baseline.metrics)
        width = len(names)
        compared = [METRICS.index(name) for name in names]
        base = per_query(*gain_matrix(queries, baseline_run, k), relevant)[:, compared]
        baseline_means = overall_summary(
            names, base, None, level, "queries", bounded=[True] * width
        )
        # the paired change, candidate minus baseline on the same queries (summary.change_limits)
        differences = overall_summary(
            names, values[:, compared] - base, None, level, "queries", paired=[True] * width
        )["metrics"]
        data["baseline"] = {
            "tolerance": settings.baseline.tolerance,
            "count": len(queries),
            "baseline": baseline_means["metrics"],
            "comparisons": [
                decided(
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
                    replicates=settings.bootstrap.replicates,
                )
                for index, name in enumerate(names)
            ],
        }
    return RetrievalArtifact.model_validate(data).model_dump(mode="json")


def computed(system: SystemDocs, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """`compute()`, its errors located in the system's card (`gate --release`'s
    recompute of a retrieval or generation artifact)."""
    try:
        return compute()
    except CardgateError as error:
        raise located(system.card, error) from error


def write_evidence(
    workspace: Workspace,
    system: SystemDocs,
    *,
    section: DataPath,
    target: Callable[[], Path],
    compute: Callable[[], dict[str, Any]],
    replaceable: Callable[[Path], bool],
    what: str,
) -> tuple[Path, dict[str, Any]]:
    """Compute a retrieval or generation artifact and write it atomically where the card's
    `section` says: the target is checked before any work (a file that is not such an
    artifact is never overwritten), every error is located in the card."""
    try:
        path = target()
        try:
            check_target(path, within=workspace.root, replaceable=replaceable, what=what)
        except UnsafeWriteError as error:
            raise UnsafeWriteError(
                f"artifact: {error.message}", hint=error.hint, at=(*section, "artifact")
            ) from error
        data = compute()
    except CardgateError as error:
        raise located(system.card, error) from error
    write_file(
        path, canonical_json(data), within=workspace.root, replaceable=replaceable, what=what
    )
    return path, data


def recompute_retrieval(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's retrieval artifact computed again in memory (for `gate --release`)."""
    system, settings = retrieval_settings(workspace, system_id)
    return computed(system, lambda: compute_retrieval(workspace, system, settings))


def evaluate_retrieval_system(workspace: Workspace, system_id: str) -> RetrievalRun:
    """Evaluate one system's retrieval and write its artifact atomically."""
    system, settings = retrieval_settings(workspace, system_id)
    target, data = write_evidence(
        workspace,
        system,
        section=_SECTION,
        target=lambda: retrieval_artifact_path(workspace, system, settings),
        compute=lambda: compute_retrieval(workspace, system, settings),
        replaceable=is_retrieval_artifact,
        what=_WHAT,
    )
    return RetrievalRun(system_id, RetrievalArtifact.model_validate(data), settings, target)
