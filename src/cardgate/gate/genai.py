"""A GenAI system's computed evidence as the gate reads it (once per run) — the retrieval
artifact (`retrieval.json`), the generation artifact (`generation.json`), the safety
artifact (`safety.json`) and the operations artifact (`operations.json`) — and what
their rules share: the verdicts of the card's thresholds by the one decider
(`evidence.evaluation.decide`) under the policy for the system's tier (GATE-FA003's
options: what an inconclusive result means, the minimum group size). GATE-RAG001–003,
GATE-GEN001–002, GATE-SAF001–002, GATE-OPS001–002 and GATE-ART001 read it (their
freshness checks: `gate.genai_fresh`); light (no numpy)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from cardgate.core.paths import PathEscapeError
from cardgate.core.problems import Severity
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import (
    GenerationEvaluation,
    OperationsEvaluation,
    RetrievalEvaluation,
    SafetyEvaluation,
)
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import ArtifactError, ThresholdResult
from cardgate.evidence.evaluation.decide import Verdict, decide, state_of
from cardgate.evidence.genai.generation_artifact import (
    GenerationArtifact,
    read_generation_artifact,
)
from cardgate.evidence.genai.operations_artifact import (
    OperationsArtifact,
    read_operations_artifact,
)
from cardgate.evidence.genai.retrieval_artifact import (
    RetrievalArtifact,
    read_retrieval_artifact,
)
from cardgate.evidence.genai.safety_artifact import SafetyArtifact, read_safety_artifact
from cardgate.gate.context import GateContext, RuleContext
from cardgate.gate.policy import TierSettings
from cardgate.gate.result import Finding
from cardgate.gate.thresholds import threshold_policy

RETRIEVAL = ("genai", "retrieval_evaluation")
GENERATION = ("genai", "generation_evaluation")
SAFETY = ("genai", "safety_evaluation")
OPERATIONS = ("genai", "operations_evaluation")


class _Limit(Protocol):
    @property
    def metric(self) -> str: ...
    @property
    def feature(self) -> str | None: ...
    @property
    def group(self) -> str | None: ...
    @property
    def min(self) -> float | None: ...
    @property
    def max(self) -> float | None: ...
    @property
    def inconclusive(self) -> Any: ...


class _Bootstrap(Protocol):
    @property
    def replicates(self) -> int: ...


class _Settings(Protocol):
    @property
    def thresholds(self) -> Sequence[_Limit]: ...
    @property
    def min_group_size(self) -> int: ...
    @property
    def bootstrap(self) -> _Bootstrap: ...


class _Provenance(Protocol):
    @property
    def confidence_level(self) -> float: ...
    @property
    def min_group_size(self) -> int: ...
    @property
    def replicates(self) -> int: ...
    @property
    def settings_sha256(self) -> str: ...


class _Artifact(Protocol):
    @property
    def thresholds(self) -> list[ThresholdResult]: ...
    @property
    def provenance(self) -> _Provenance: ...


S = TypeVar("S", RetrievalEvaluation, GenerationEvaluation, SafetyEvaluation, OperationsEvaluation)
A = TypeVar("A", RetrievalArtifact, GenerationArtifact, SafetyArtifact, OperationsArtifact)


@dataclass(frozen=True)
class EvidenceRead(Generic[S, A]):
    """A system's artifact as read, or why it could not be."""

    settings: S
    path: Path | None
    relative: str
    command: str
    """What writes it: ``cardgate evaluate-retrieval SYSTEM``."""
    artifact: A | None = None
    data: Any = None
    error: str | None = None


RetrievalRead = EvidenceRead[RetrievalEvaluation, RetrievalArtifact]
GenerationRead = EvidenceRead[GenerationEvaluation, GenerationArtifact]
SafetyRead = EvidenceRead[SafetyEvaluation, SafetyArtifact]
OperationsRead = EvidenceRead[OperationsEvaluation, OperationsArtifact]


@dataclass(frozen=True)
class GenAIReads:
    """A GenAI system's artifacts as its card names them (None where the card evaluates no
    retrieval, imports no generation scores, counts no red-team outcomes, or aggregates no
    run log)."""

    retrieval: RetrievalRead | None = None
    generation: GenerationRead | None = None
    safety: SafetyRead | None = None
    operations: OperationsRead | None = None

    def all(self) -> list[EvidenceRead[Any, Any]]:
        """The reads there are, in a fixed order."""
        found: list[EvidenceRead[Any, Any] | None] = [
            self.retrieval,
            self.generation,
            self.safety,
            self.operations,
        ]
        return [read for read in found if read is not None]


def read_evidence(
    workspace: Workspace,
    system: SystemDocs,
    settings: S,
    reader: Callable[[Path], tuple[A, Any]],
    command: str,
) -> EvidenceRead[S, A]:
    """A system's retrieval or generation artifact as `settings` name it, read by
    `reader` (the gate's and the site's one way to read it)."""
    try:
        path = workspace.resolve(settings.artifact, base=system.folder)
    except PathEscapeError as error:
        return EvidenceRead(settings, None, settings.artifact, command, error=str(error))
    shown = workspace.relative(path)
    try:
        artifact, data = reader(path)
    except ArtifactError as error:
        return EvidenceRead(settings, path, shown, command, error=str(error))
    return EvidenceRead(settings, path, shown, command, artifact, data)


def read_genai(workspace: Workspace, system: SystemDocs) -> GenAIReads:
    """A GenAI system's retrieval, generation and safety artifacts as its card names them:
    what the gate's rules and the site's page both read."""
    card = system.model_card
    genai = card.genai if card is not None else None
    if genai is None:
        return GenAIReads()
    retrieval: RetrievalRead | None = None
    generation: GenerationRead | None = None
    safety: SafetyRead | None = None
    operations: OperationsRead | None = None
    if genai.retrieval_evaluation is not None:
        command = f"cardgate evaluate-retrieval {system.id}"
        retrieval = read_evidence(
            workspace, system, genai.retrieval_evaluation, read_retrieval_artifact, command
        )
    if genai.generation_evaluation is not None:
        command = f"cardgate evaluate-generation {system.id}"
        generation = read_evidence(
            workspace, system, genai.generation_evaluation, read_generation_artifact, command
        )
    if genai.safety_evaluation is not None:
        command = f"cardgate evaluate-safety {system.id}"
        safety = read_evidence(
            workspace, system, genai.safety_evaluation, read_safety_artifact, command
        )
    if genai.operations_evaluation is not None:
        command = f"cardgate evaluate-operations {system.id}"
        operations = read_evidence(
            workspace, system, genai.operations_evaluation, read_operations_artifact, command
        )
    return GenAIReads(retrieval, generation, safety, operations)


def read_once(gate: GateContext, system: SystemDocs) -> GenAIReads:
    """The system's GenAI artifacts, read once per gate run."""
    cache: dict[str, GenAIReads] = gate.cache.setdefault("genai", {})
    if system.id not in cache:
        cache[system.id] = read_genai(gate.workspace, system)
    return cache[system.id]


def read_retrieval(gate: GateContext, system: SystemDocs) -> RetrievalRead | None:
    """The system's retrieval artifact, read once per gate run (None: its card evaluates
    no retrieval)."""
    return read_once(gate, system).retrieval


def read_generation(gate: GateContext, system: SystemDocs) -> GenerationRead | None:
    """The system's generation artifact, read once per gate run (None: its card imports
    no generation scores)."""
    return read_once(gate, system).generation


def read_operations(gate: GateContext, system: SystemDocs) -> OperationsRead | None:
    """The system's operations artifact, read once per gate run (None: its card aggregates
    no run log)."""
    return read_once(gate, system).operations


def read_safety(gate: GateContext, system: SystemDocs) -> SafetyRead | None:
    """The system's safety artifact, read once per gate run (None: its card counts no
    red-team outcomes)."""
    return read_once(gate, system).safety


def threshold_verdicts(
    read: EvidenceRead[Any, Any], tier: TierSettings
) -> list[tuple[int, list[Verdict]]]:
    """Each card threshold (by index) and the verdicts on the artifact's records for it
    as the card states it now (none: the artifact has no record of it)."""
    assert read.artifact is not None  # callers check it
    settings: _Settings = read.settings
    artifact: _Artifact = read.artifact
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
                replicates=settings.bootstrap.replicates,
            )
            for result in records
        ]
        out.append((index, verdicts))
    return out


def threshold_findings(
    ctx: RuleContext,
    read: EvidenceRead[Any, Any],
    section: DataPath,
    advice: str,
    *,
    about: Callable[[int], str] | None = None,
) -> Iterator[Finding]:
    """Every threshold verdict that blocks or warns, every threshold the artifact has no
    record of, and every recorded state that its own numbers contradict (`about`: what a
    finding on the threshold of that index says first, e.g. the risk a rate evidences)."""
    card = ctx.system.card if ctx.system is not None else None
    if card is None or read.artifact is None:
        return
    artifact: _Artifact = read.artifact  # checked above
    provenance = artifact.provenance
    for result in artifact.thresholds:
        state, _ = state_of(
            result,
            min_group_size=provenance.min_group_size,
            level=provenance.confidence_level,
            replicates=provenance.replicates,
        )
        if state != result.state:
            yield ctx.finding(
                read.relative,
                f"{read.relative} records '{result.state}' for {result.metric}, but its own "
                f"numbers give '{state}' (a hand edit?)",
                hint=f"never edit an artifact: {read.command}",
            )
    for index, verdicts in threshold_verdicts(read, ctx.settings):
        where = (*section, "thresholds", index)
        if not verdicts:
            yield ctx.finding(
                card,
                f"{read.relative} has no result for this threshold as the card states it",
                path=where,
                hint=f"run {read.command}",
            )
            continue
        for verdict in verdicts:
            if verdict.outcome == "pass":
                continue
            yield ctx.finding(
                card,
                (about(index) if about is not None else "") + verdict.message,
                path=where,
                hint=f"{advice}; then {read.command}",
                severity=Severity.WARNING if verdict.outcome == "warn" else None,
            )


def baseline_verdicts(read: RetrievalRead, tier: TierSettings) -> list[tuple[str, Verdict | None]]:
    """Each metric the card compares with its retrieval baseline and the verdict on the
    artifact's paired difference (None: no comparison as the card states it)."""
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
            decide(
                baseline,
                result,
                card_min_group_size=1,
                level=level,
                policy=policy,
                replicates=read.settings.bootstrap.replicates,
            )
            if result is not None
            else None
        )
        out.append((metric, verdict))
    return out
