"""A GenAI system's retrieval artifact as the gate reads it (once per run), and the
verdicts of its thresholds and baseline comparisons by the one decider
(`evidence.evaluation.decide`) under the policy for the system's tier (GATE-FA003's
options: what an inconclusive result means, the minimum group size). GATE-RAG001 to
RAG003 and GATE-ART001 read it; light (no numpy)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.paths import PathEscapeError
from cardgate.documents.schemas.genai import RetrievalEvaluation
from cardgate.documents.workspace import SystemDocs
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import Verdict, decide
from cardgate.evidence.genai.retrieval_artifact import (
    RetrievalArtifact,
    RetrievalArtifactError,
    read_retrieval_artifact,
)
from cardgate.gate.context import GateContext
from cardgate.gate.policy import TierSettings
from cardgate.gate.thresholds import threshold_policy

SECTION = ("genai", "retrieval_evaluation")
_CACHE = "retrieval:artifacts"


@dataclass(frozen=True)
class RetrievalRead:
    """A system's retrieval artifact as read, or why it could not be."""

    settings: RetrievalEvaluation
    path: Path | None
    relative: str
    artifact: RetrievalArtifact | None = None
    data: Any = None
    error: str | None = None


def retrieval_settings(system: SystemDocs) -> RetrievalEvaluation | None:
    card = system.model_card
    if card is None or card.genai is None:
        return None
    return card.genai.retrieval_evaluation


def read_retrieval(gate: GateContext, system: SystemDocs) -> RetrievalRead | None:
    """The system's retrieval artifact (None: its card evaluates no retrieval)."""
    settings = retrieval_settings(system)
    if settings is None:
        return None
    cache: dict[str, RetrievalRead] = gate.cache.setdefault(_CACHE, {})
    found = cache.get(system.id)
    if found is None:
        found = cache[system.id] = _read(gate, system, settings)
    return found


def _read(gate: GateContext, system: SystemDocs, settings: RetrievalEvaluation) -> RetrievalRead:
    try:
        path = gate.workspace.resolve(settings.artifact, base=system.folder)
    except PathEscapeError as error:
        return RetrievalRead(settings, None, settings.artifact, error=str(error))
    shown = gate.relative(path)
    try:
        artifact, data = read_retrieval_artifact(path)
    except RetrievalArtifactError as error:
        return RetrievalRead(settings, path, shown, error=str(error))
    return RetrievalRead(settings, path, shown, artifact, data)


def threshold_verdicts(read: RetrievalRead, tier: TierSettings) -> list[tuple[int, list[Verdict]]]:
    """Each card threshold (by index) and the verdicts on the artifact's records for it
    as the card states it now (none: the artifact has no record of it)."""
    assert read.artifact is not None
    settings, artifact = read.settings, read.artifact
    policy = threshold_policy(tier)
    level = artifact.provenance.confidence_level
    out = []
    for index, threshold in enumerate(settings.thresholds):
        records = [
            result
            for result in artifact.thresholds
            if result.threshold == index
            and result.metric == threshold.metric
            and result.feature == threshold.feature
            and (threshold.group is None or result.group == threshold.group)
            and result.min == threshold.min
            and result.max == threshold.max
        ]
        verdicts = [
            decide(
                threshold,
                result,
                card_min_group_size=settings.min_group_size,
                level=level,
                policy=policy,
            )
            for result in records
        ]
        out.append((index, verdicts))
    return out


def baseline_verdicts(read: RetrievalRead, tier: TierSettings) -> list[tuple[str, Verdict | None]]:
    """Each metric the card compares with its baseline and the verdict on the artifact's
    paired difference (None: the artifact has no comparison as the card states it)."""
    assert read.artifact is not None
    baseline = read.settings.baseline
    if baseline is None:
        return []
    recorded = read.artifact.baseline
    level = read.artifact.provenance.confidence_level
    policy = threshold_policy(tier)
    out: list[tuple[str, Verdict | None]] = []
    for index, metric in enumerate(baseline.metrics):
        result: ThresholdResult | None = None
        if recorded is not None:
            result = next(
                (
                    r
                    for r in recorded.comparisons
                    if r.threshold == index
                    and r.metric == f"{metric}_change_from_baseline"
                    and r.min == -baseline.tolerance
                ),
                None,
            )
        verdict = (
            decide(baseline, result, card_min_group_size=1, level=level, policy=policy)
            if result is not None
            else None
        )
        out.append((metric, verdict))
    return out
