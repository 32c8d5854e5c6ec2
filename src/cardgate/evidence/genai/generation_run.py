"""`cardgate evaluate-generation SYSTEM`: read the per-sample scores the card's
`genai.generation_evaluation.sources` name (files written by ragas, deepeval, promptfoo,
inspect_ai or lm-evaluation-harness: `scores`), aggregate each score overall and per slice
with bootstrap intervals and slice spreads with noise floors (`summary`), decide the
card's thresholds, and write `generation.json` beside the card, atomically and
deterministically. The judging itself (the judge model) happens outside cardgate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.core.errors import ConfigurationError
from cardgate.core.paths import PathEscapeError, named_inside
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import (
    BASELINE_CHANGE,
    GenerationBaseline,
    GenerationEvaluation,
    JudgedEvaluation,
    SafetyEvaluation,
)
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.run import system_card
from cardgate.evidence.genai.generation_artifact import (
    ARTIFACT_KIND,
    SCHEMA_VERSION,
    GenerationArtifact,
    is_generation_artifact,
)
from cardgate.evidence.genai.retrieval_run import (
    computed,
    evidence_versions,
    write_evidence,
)
from cardgate.evidence.genai.retrieval_stats import resampled_means
from cardgate.evidence.genai.score_parsing import TOOL_SCALES, ScoredSample, located
from cardgate.evidence.genai.scores import read_scores
from cardgate.evidence.genai.summary import (
    SPREAD,
    UNIT,
    Scale,
    decided,
    overall_summary,
    slice_feature,
    threshold_records,
    unit_interval,
)

_SECTION: DataPath = ("genai", "generation_evaluation")
_WHAT = "a generation artifact"


@dataclass
class GenerationRun:
    """One system's generation evaluation and where it was written."""

    system: str
    artifact: GenerationArtifact
    settings: GenerationEvaluation
    path: Path


def generation_settings(
    workspace: Workspace, system_id: str
) -> tuple[SystemDocs, GenerationEvaluation]:
    """A system's docs and generation settings; ConfigurationError when unusable."""
    system, card = system_card(workspace, system_id)
    if card.genai is None or card.genai.generation_evaluation is None:
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'genai.generation_evaluation:' section",
            hint="name the score files of the system's evaluation tools under "
            "genai.generation_evaluation.sources",
        )
    return system, card.genai.generation_evaluation


def generation_systems(workspace: Workspace) -> list[str]:
    """Systems whose valid card has `genai.generation_evaluation`."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if (card := system.model_card) is not None
        and card.genai is not None
        and card.genai.generation_evaluation is not None
    ]


def generation_artifact_path(
    workspace: Workspace,
    system: SystemDocs,
    settings: GenerationEvaluation | SafetyEvaluation,
    section: DataPath = _SECTION,
) -> Path:
    """`settings.artifact`, relative to the card, inside the workspace (`section`: where
    the card holds the settings)."""
    try:
        return named_inside(workspace.root, settings.artifact, base=system.folder)
    except PathEscapeError as error:
        raise ConfigurationError(f"artifact: {error}", at=(*section, "artifact")) from error


def read_sources(
    workspace: Workspace,
    settings: JudgedEvaluation | GenerationBaseline,
    section: DataPath = _SECTION,
) -> tuple[list[dict[str, Any]], dict[str, tuple[str, list[ScoredSample], str]]]:
    """What each source file holds, and each score's tool, samples and file by metric name
    (`section`:
    where the card holds the settings: the generation or the safety evaluation)."""
    records: list[dict[str, Any]] = []
    by_metric: dict[str, tuple[str, list[ScoredSample], str]] = {}
    for index, source in enumerate(settings.sources):
        where = (*section, "sources", index, "path")
        try:
            path = workspace.resolve(source.path)
        except PathEscapeError as error:
            raise ConfigurationError(f"path: {error}", at=where) from error
        shown = workspace.relative(path)
        scale = (source.scale.min, source.scale.max) if source.scale is not None else None
        found = read_scores(path, shown, source.tool, scale)
        for sample in found.samples:
            for feature in getattr(settings, "slices", ()):
                if feature not in sample.fields:
                    have = ", ".join(sorted(sample.fields)) or "none"
                    raise located(
                        shown,
                        sample.where,
                        f"sample '{sample.sample_id}' has no slice field '{feature}' "
                        f"(its fields: {have})",
                        f"slice by a field every sample of every source has ({section[-1]}.slices)",
                    )
        records.append(
            {
                "tool": source.tool,
                "path": shown,
                "sha256": file_sha256(path),
                "samples": len(found.samples),
                "missing": found.missing,
                "not_per_sample": list(found.not_per_sample),
            }
        )
        for metric in sorted({name for s in found.samples for name in s.scores}):
            if metric in by_metric:
                raise ConfigurationError(
                    f"score '{metric}' comes from two sources ({by_metric[metric][0]} and "
                    f"{source.tool})",
                    at=(*section, "sources", index),
                    hint="evaluate one system's generation with one file per score",
                )
            samples = [s for s in found.samples if metric in s.scores]
            by_metric[metric] = (source.tool, samples, shown)
    return records, by_metric


def compute_generation(
    workspace: Workspace, system: SystemDocs, settings: GenerationEvaluation
) -> dict[str, Any]:
    """The artifact's JSON data for one system (writes nothing)."""
    records, by_metric = read_sources(workspace, settings)
    rng = np.random.default_rng(settings.bootstrap.seed)
    level = settings.bootstrap.confidence_level
    replicates = settings.bootstrap.replicates
    summaries: dict[str, dict[str, Any]] = {}
    scales = source_scales(workspace, settings)
    for metric, (tool, samples, shown) in sorted(by_metric.items()):
        values = np.array([[s.scores[metric]] for s in samples])
        scale = scales.get(shown)
        bounded = [scale is not None] if scale is not None else unit_interval(values)
        scale = scale or UNIT
        draws = resampled_means(values, np.zeros(len(samples), np.int64), replicates, rng)
        summaries[metric] = {
            "metric": metric,
            "tool": tool,
            "overall": overall_summary(
                [metric], values, draws[:, 0, :], level, "samples", bounded=bounded, scale=scale
            ),
            "features": [
                slice_feature(
                    feature,
                    [s.fields[feature] for s in samples],
                    values,
                    [metric],
                    min_group_size=settings.min_group_size,
                    replicates=replicates,
                    level=level,
                    rng=rng,
                    unit="samples",
                    bounded=bounded,
                    scale=scale,
                )
                for feature in settings.slices
            ],
        }
    baseline = (
        _paired(workspace, settings.baseline, by_metric, scales, rng, level, replicates)
        if settings.baseline is not None
        else None
    )
    thresholds = score_thresholds(settings, summaries, section=_SECTION, baseline=baseline)
    data = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
        "system": system.id,
        "provenance": judged_provenance(records, settings),
        "scores": list(summaries.values()),
        "baseline": baseline,
        "thresholds": thresholds,
    }
    return GenerationArtifact.model_validate(data).model_dump(mode="json")


def source_scales(
    workspace: Workspace, settings: JudgedEvaluation | GenerationBaseline
) -> dict[str, Scale]:
    """The scale each source file's scores lie on, by the file as messages name it: the
    card's ``scale``, else the tool's (`TOOL_SCALES`); a file on neither is left out."""
    found: dict[str, Scale] = {}
    for source in settings.sources:
        scale = (source.scale.min, source.scale.max) if source.scale is not None else None
        scale = scale or TOOL_SCALES.get(source.tool)
        if scale is not None and scale[1] > scale[0]:
            found[workspace.relative(workspace.resolve(source.path))] = scale
    return found


def _paired(
    workspace: Workspace,
    settings: GenerationBaseline,
    by_metric: dict[str, tuple[str, list[ScoredSample], str]],
    scales: dict[str, Scale],
    rng: np.random.Generator,
    level: float,
    replicates: int,
) -> dict[str, Any]:
    """The baseline's mean of each score the candidate also has, and candidate minus
    baseline on the samples both scored: for scores on one known scale (`scales`, the
    candidate's by file; or all in [0, 1]), the interval of a mean on it and of a paired
    change (`summary.change_limits`); otherwise the paired bootstrap, each replicate
    resampling the samples once for both."""
    records, theirs = read_sources(workspace, settings, (*_SECTION, "baseline"))
    their_scales = source_scales(workspace, settings)
    counts: dict[str, int] = {}
    means: dict[str, Any] = {}
    changes: dict[str, Any] = {}
    for metric, (_, samples, shown) in sorted(by_metric.items()):
        if metric not in theirs:
            continue
        # both on one known scale, else (as for scores of no known scale) [0, 1] if the
        # scores all lie in it
        scale = scales.get(shown)
        if scale != their_scales.get(theirs[metric][2]):
            scale = None
        ours = {s.sample_id: s for s in samples}
        base = {s.sample_id: s for s in theirs[metric][1]}
        both = sorted(set(ours) & set(base))
        if not both:
            continue
        for sample_id in both:  # a sample without an id is paired by its row
            asked, before = ours[sample_id].question, base[sample_id].question
            if asked is not None and before is not None and asked != before:
                raise located(
                    shown,
                    ours[sample_id].where,
                    f"sample '{sample_id}' asks {asked[:60]!r}, the baseline's "
                    f"({theirs[metric][2]}) asks {before[:60]!r}: not the same sample",
                    "give both files a sample_id column (ragas rows are otherwise paired by "
                    "their order)",
                )
        pairs = np.array([[ours[i].scores[metric], base[i].scores[metric]] for i in both])
        table = np.stack([pairs[:, 0] - pairs[:, 1], pairs[:, 1]], axis=1)
        # scores in [0, 1]: the change gets summary.change_limits, as a retrieval metric's
        # does; on another scale, the paired bootstrap (one resampling for both columns)
        unit = scale is not None or all(unit_interval(pairs))
        draws = (
            None
            if unit
            else resampled_means(table, np.zeros(len(both), np.int64), replicates, rng)[:, 0, :]
        )
        found = overall_summary(
            ["change", "baseline"],
            table,
            draws,
            level,
            "samples",
            bounded=[False, unit or unit_interval(pairs[:, 1:])[0]],
            paired=[unit, False],
            scale=scale or UNIT,
        )
        counts[metric] = len(both)
        changes[metric] = found["metrics"]["change"]
        means[metric] = found["metrics"]["baseline"]
    return {"sources": records, "count": counts, "baseline": means, "changes": changes}


def score_thresholds(
    settings: GenerationEvaluation | SafetyEvaluation,
    summaries: dict[str, dict[str, Any]],
    *,
    section: DataPath,
    baseline: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The records of the card's thresholds on the summarised scores (or rates), each
    target decided by the one decider — and on a score's change from the baseline
    (`baseline`: `_paired`'s record); a threshold on no score is a ConfigurationError."""
    thresholds: list[dict[str, Any]] = []
    for index, threshold in enumerate(settings.thresholds):
        name = threshold.metric
        if name.endswith(BASELINE_CHANGE) and baseline is not None:
            metric = name.removesuffix(BASELINE_CHANGE)
            change = baseline["changes"].get(metric)
            if change is None:
                raise ConfigurationError(
                    f"'{name}': the baseline's and the candidate's files have no sample "
                    f"with a score '{metric}' in common",
                    at=(*section, "thresholds", index, "metric"),
                    hint="score the same samples (the same ids) of both configurations",
                )
            record = {"threshold": index, "metric": name, "min": threshold.min,
                      "max": threshold.max, "value": change["value"], "ci": change["ci"],
                      "count": baseline["count"][metric]}  # fmt: skip
            thresholds.append(
                decided(
                    record,
                    min_group_size=settings.min_group_size,
                    level=settings.bootstrap.confidence_level,
                    replicates=settings.bootstrap.replicates,
                )
            )
            continue
        summary = summaries.get(name) or summaries.get(name.removesuffix(SPREAD))
        if summary is None:
            raise ConfigurationError(
                f"no source has a score '{name}' (scores: {', '.join(summaries) or 'none'})",
                at=(*section, "thresholds", index, "metric"),
                hint="name a score as the tool writes it, or its spread <score>_difference",
            )
        thresholds += threshold_records(
            [(index, threshold)],
            summary["overall"],
            summary["features"],
            min_group_size=settings.min_group_size,
            level=settings.bootstrap.confidence_level,
            replicates=settings.bootstrap.replicates,
            section=section,
        )
    return thresholds


def judged_provenance(records: list[dict[str, Any]], settings: JudgedEvaluation) -> dict[str, Any]:
    """The provenance of an artifact aggregated from judged files (`read_sources`'s
    records): who judged, the settings' digest, the statistics' settings, the versions."""
    return {
        "sources": records,
        "judged_by": settings.judged_by,
        "settings_sha256": canonical_sha256(settings),
        "seed": settings.bootstrap.seed,
        "replicates": settings.bootstrap.replicates,
        "confidence_level": settings.bootstrap.confidence_level,
        "min_group_size": settings.min_group_size,
        "versions": evidence_versions(),
    }


def recompute_generation(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's generation artifact computed again in memory (`gate --release`)."""
    system, settings = generation_settings(workspace, system_id)
    return computed(system, lambda: compute_generation(workspace, system, settings))


def evaluate_generation_system(workspace: Workspace, system_id: str) -> GenerationRun:
    """Aggregate one system's generation scores and write its artifact atomically."""
    system, settings = generation_settings(workspace, system_id)
    target, data = write_evidence(
        workspace,
        system,
        section=_SECTION,
        target=lambda: generation_artifact_path(workspace, system, settings),
        compute=lambda: compute_generation(workspace, system, settings),
        replaceable=is_generation_artifact,
        what=_WHAT,
    )
    return GenerationRun(system_id, GenerationArtifact.model_validate(data), settings, target)
