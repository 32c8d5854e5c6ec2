"""`cardgate evaluate-safety SYSTEM`: read the judged red-team outcomes the card's
`genai.safety_evaluation.sources` name (the same files and readers as generation scores:
`scores`), count each outcome of `rates` as a rate — the share of the samples judged on it
where it happened — overall and per slice with Wilson intervals (a rate is a proportion:
`evaluation.intervals.wilson`, as for the fairness rates), the spread between slices with
its Šidák-level interval and permutation noise floor (`summary`), map each rate to the AI
600-1 risk it is evidence for (its id; `cardgate validate` checks it against the catalog:
CG132), decide the card's thresholds with the one decider, and
write `safety.json` beside the card, atomically and deterministically. The red-teaming
and its judging happen outside cardgate.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from cardgate.core.errors import ConfigurationError, InputError
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import SafetyEvaluation
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.run import system_card
from cardgate.evidence.genai.generation_run import (
    generation_artifact_path,
    judged_provenance,
    read_sources,
    score_thresholds,
)
from cardgate.evidence.genai.retrieval_run import computed, write_evidence
from cardgate.evidence.genai.safety_artifact import (
    ARTIFACT_KIND,
    SCHEMA_VERSION,
    SafetyArtifact,
    is_safety_artifact,
)
from cardgate.evidence.genai.summary import proportion_summary, slice_feature

SECTION: DataPath = ("genai", "safety_evaluation")
_WHAT = "a safety artifact"


@dataclass
class SafetyRun:
    """One system's safety evaluation and where it was written."""

    system: str
    artifact: SafetyArtifact
    settings: SafetyEvaluation
    path: Path


def safety_settings(workspace: Workspace, system_id: str) -> tuple[SystemDocs, SafetyEvaluation]:
    """A system's docs and safety settings; ConfigurationError when unusable."""
    system, card = system_card(workspace, system_id)
    if card.genai is None or card.genai.safety_evaluation is None:
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'genai.safety_evaluation:' section",
            hint="name the judged red-team files under genai.safety_evaluation.sources and "
            "the outcomes counted as rates under genai.safety_evaluation.rates",
        )
    return system, card.genai.safety_evaluation


def safety_systems(workspace: Workspace) -> list[str]:
    """Systems whose valid card has `genai.safety_evaluation`."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if (card := system.model_card) is not None
        and card.genai is not None
        and card.genai.safety_evaluation is not None
    ]


def compute_safety(
    workspace: Workspace, system: SystemDocs, settings: SafetyEvaluation
) -> dict[str, Any]:
    """The artifact's JSON data for one system (writes nothing)."""
    records, by_metric = read_sources(workspace, settings, SECTION)
    rng = np.random.default_rng(settings.bootstrap.seed)
    level = settings.bootstrap.confidence_level
    summaries: dict[str, dict[str, Any]] = {}
    for index, rate in enumerate(settings.rates):
        if rate.outcome not in by_metric:
            raise ConfigurationError(
                f"no source has an outcome '{rate.outcome}' "
                f"(scores: {', '.join(sorted(by_metric)) or 'none'})",
                at=(*SECTION, "rates", index, "outcome"),
                hint="name the outcome as the tool writes it (a promptfoo named score, ...)",
            )
        tool, samples, shown = by_metric[rate.outcome]
        for sample in samples:
            value = sample.scores[rate.outcome]
            if value not in (0.0, 1.0):
                raise InputError(
                    f"{shown}:{sample.where}: sample '{sample.sample_id}': outcome "
                    f"'{rate.outcome}' is "
                    f"{value:g}, not 0 or 1",
                    hint="a rate counts judged outcomes: 1 where it happened, 0 where not "
                    "(a graded score belongs in generation_evaluation)",
                )
        values = np.array([[sample.scores[rate.outcome]] for sample in samples])
        summaries[rate.outcome] = {
            "outcome": rate.outcome,
            "tool": tool,
            "risk": rate.risk,
            "worse": rate.worse,
            "overall": proportion_summary([rate.outcome], values, level, "samples"),
            "features": [
                slice_feature(
                    feature,
                    [sample.fields[feature] for sample in samples],
                    values,
                    [rate.outcome],
                    min_group_size=settings.min_group_size,
                    replicates=settings.bootstrap.replicates,
                    level=level,
                    rng=rng,
                    unit="samples",
                    bounded=True,
                )
                for feature in settings.slices
            ],
        }
    data = {
        "artifact": ARTIFACT_KIND,
        "schema_version": SCHEMA_VERSION,
        "system": system.id,
        "provenance": judged_provenance(records, settings),
        "rates": list(summaries.values()),
        "thresholds": score_thresholds(settings, summaries, section=SECTION),
    }
    return SafetyArtifact.model_validate(data).model_dump(mode="json")


def recompute_safety(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's safety artifact computed again in memory (`gate --release`)."""
    system, settings = safety_settings(workspace, system_id)
    return computed(system, lambda: compute_safety(workspace, system, settings))


def evaluate_safety_system(workspace: Workspace, system_id: str) -> SafetyRun:
    """Count one system's judged red-team outcomes as rates and write its artifact."""
    system, settings = safety_settings(workspace, system_id)
    target, data = write_evidence(
        workspace,
        system,
        section=SECTION,
        target=lambda: generation_artifact_path(workspace, system, settings, SECTION),
        compute=lambda: compute_safety(workspace, system, settings),
        replaceable=is_safety_artifact,
        what=_WHAT,
    )
    return SafetyRun(system_id, SafetyArtifact.model_validate(data), settings, target)
