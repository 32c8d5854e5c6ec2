"""What an exporter reads: one system's or one dataset's validated documents and evidence.

`export_source` loads it once for a run of `cardgate export` (or `api.export`, or the site's
download links): the workspace, the release gate's `GateResult` for it, and, on demand,
a `SystemSource` or `DatasetSource` per target. Exporters are pure functions of these
records; they read no file and decide nothing (the gate decided; `verdict` and
`findings` say what).

Exporting fails closed, as the gate does: a document that does not validate, or an
evidence artifact that exists but cannot be read, is an `InputError` at its file (exit 1),
never an export without it. A model card without an ``evaluation:`` section exports
without computed results; one with it needs its ``evaluation.json``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from cardgate.core.errors import InputError, UsageError
from cardgate.core.paths import display_path
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.signoffs import Signoffs
from cardgate.documents.signoffs import artifact_path, read_signoffs
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import DatasetDocs, SystemDocs, Workspace
from cardgate.evidence.datacheck.artifact import DataCheckArtifact, load_artifact
from cardgate.evidence.datacheck.artifact import artifact_path as data_check_path
from cardgate.evidence.evaluation.artifact import ArtifactError, EvaluationArtifact, read_artifact
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.operations_artifact import OperationsArtifact
from cardgate.evidence.genai.retrieval_artifact import RetrievalArtifact
from cardgate.evidence.genai.safety_artifact import SafetyArtifact
from cardgate.frameworks.coverage_results import PortfolioCoverage, SystemCoverage
from cardgate.frameworks.definitions import Definition, workspace_definitions
from cardgate.gate.genai import GenAIReads, read_genai
from cardgate.gate.result import Finding, GateResult, SystemVerdict


@dataclass(frozen=True, eq=False)
class DatasetSource:
    """One dataset: its validated datasheet and its last data check (if any)."""

    id: str
    datasheet: Datasheet
    document: ValidatedDocument
    """The datasheet as loaded: positions of its fields (`document.loaded.positions`)."""
    path: str
    """The datasheet's workspace-relative path."""
    folder: Path
    data_check: DataCheckArtifact | None
    """`data-check.json` beside the datasheet; None when `cardgate check-data` never ran."""
    workspace: Workspace | None = None
    """The loaded workspace (what the SPDX and Croissant exports place the data file by)."""


@dataclass(frozen=True, eq=False)
class SystemSource:
    """One AI system: its validated model card and checklists, its evaluation artifact,
    its sign-offs, the datasheets its card references, and the gate's verdict on it."""

    id: str
    card: ModelCard
    document: ValidatedDocument
    """The card as loaded: positions of its fields (`document.loaded.positions`)."""
    path: str
    """The card's workspace-relative path."""
    checklists: tuple[Checklist, ...]
    evaluation: EvaluationArtifact | None
    """The artifact `cardgate evaluate` wrote; None when the card has no evaluation."""
    evaluation_path: str | None
    signoffs: Signoffs | None
    datasets: tuple[DatasetSource, ...]
    """The workspace's datasheets the card references (training first, each once)."""
    verdict: SystemVerdict | None
    """The release gate's verdict on the system (None when the gate did not judge it)."""
    findings: tuple[Finding, ...]
    """The gate's findings on the system (waived ones are not among them)."""
    waived: tuple[Finding, ...]
    """The gate's waived findings on the system."""
    today: dt.date
    """The date the gate judged by (`gate --release --today`)."""
    workspace: Workspace | None = None
    gate: GateResult | None = None
    """The workspace and the gate's whole result: the CycloneDX export's declarations read
    the checklist definitions, the coverage, the sign-offs' currency and the rules run."""
    retrieval: RetrievalArtifact | None = None
    """A GenAI system's retrieval.json (None when its card evaluates no retrieval)."""
    generation: GenerationArtifact | None = None
    """A GenAI system's generation.json (None when its card imports no scores)."""
    safety: SafetyArtifact | None = None
    """A GenAI system's safety.json (None when its card counts no red-team outcomes)."""
    operations: OperationsArtifact | None = None
    """A GenAI system's operations.json (None when its card aggregates no run log)."""
    coverage: SystemCoverage | None = None
    """Its NIST AI RMF coverage when the caller computed it already for the same workspace
    (the site, for its pages); None: the CycloneDX export works it out."""
    definitions: Mapping[str, Definition] | None = None
    """The checklist definitions in force (shipped and the workspace's), read once per
    export run; None: read again."""


@dataclass(frozen=True, eq=False)
class ExportSource:
    """A workspace ready to export: its documents and the release gate's result."""

    workspace: Workspace
    gate: GateResult
    coverage: PortfolioCoverage | None = None
    """The workspace's coverage when the caller has computed it (`cardgate build`):
    each system's export then reuses it instead of working it out again."""

    @functools.cached_property
    def definitions(self) -> Mapping[str, Definition]:
        """The checklist definitions in force (read once: every system's export uses them)."""
        return dict(workspace_definitions(self.workspace).definitions)

    @functools.cached_property
    def _coverages(self) -> dict[str, SystemCoverage]:
        return {c.system: c for c in self.coverage.systems} if self.coverage is not None else {}

    @functools.cached_property
    def _findings(self) -> dict[str, tuple[list[Finding], list[Finding]]]:
        """Each system's findings and waived findings, in the gate's order (indexed once:
        the site exports every system of a portfolio)."""
        index: dict[str, tuple[list[Finding], list[Finding]]] = {}
        for found, kept in ((self.gate.findings, 0), (self.gate.waived, 1)):
            for finding in found:
                index.setdefault(finding.system, ([], []))[kept].append(finding)
        return index

    @functools.cached_property
    def _verdicts(self) -> dict[str, SystemVerdict]:
        """The gate's verdict on each system, by id (the first, as a scan would find)."""
        found: dict[str, SystemVerdict] = {}
        for verdict in self.gate.systems:
            found.setdefault(verdict.system, verdict)
        return found

    def verdict_of(self, system_id: str) -> SystemVerdict | None:
        """The gate's verdict on `system_id` (None when the gate did not judge it)."""
        return self._verdicts.get(system_id)

    def findings_of(self, system_id: str) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
        """The gate's findings on `system_id`, and its waived findings."""
        found, waived = self._findings.get(system_id, ([], []))
        return tuple(found), tuple(waived)

    def system(self, system_id: str) -> SystemSource:
        """The system `system_id`; `UsageError` when the workspace has none of that id,
        `InputError` when its documents or artifacts cannot be used."""
        loaded = self._systems.get(system_id)
        if loaded is not None:
            return loaded
        docs = self.workspace.systems.get(system_id)
        if docs is None:
            raise UsageError(
                f"no system '{system_id}' in {display_path(self.workspace.systems_dir)}",
                hint="systems: " + (", ".join(sorted(self.workspace.systems)) or "(none)"),
            )
        loaded = self._systems[system_id] = _system(self, docs)
        return loaded

    @functools.cached_property
    def _systems(self) -> dict[str, SystemSource]:
        """The systems loaded so far (the site reads each for its downloads and again for
        its regulation pages; the workspace and the gate's result do not change)."""
        return {}

    def dataset(self, dataset_id: str) -> DatasetSource:
        """The dataset `dataset_id` (errors as for `system`)."""
        docs = self.workspace.datasets.get(dataset_id)
        if docs is None:
            raise UsageError(
                f"no dataset '{dataset_id}' in {display_path(self.workspace.datasets_dir)}",
                hint="datasets: " + (", ".join(sorted(self.workspace.datasets)) or "(none)"),
            )
        return _dataset(self.workspace, docs)


def export_source(workspace: Workspace, *, today: dt.date, recompute: bool = False) -> ExportSource:
    """The workspace with the release gate's result (`gate --release`, judged on `today`;
    with `recompute`, the evaluations and data checks computed again and compared)."""
    from cardgate.gate.engine import run_gate

    result = run_gate(workspace, release=True, today=today, recompute=recompute)
    return ExportSource(workspace, result)


def _valid(document: ValidatedDocument | None, what: str, fallback: Path) -> ValidatedDocument:
    if document is None or document.model is None:
        problem = document.problems[0] if document is not None and document.problems else None
        where = problem.format() if problem is not None else display_path(fallback)
        raise InputError(
            where,
            details=(f"cannot export {what}: an export reads validated documents only",),
            hint="fix what 'cardgate validate' reports first",
        )
    return document


def _system(source: ExportSource, docs: SystemDocs) -> SystemSource:
    workspace = source.workspace
    document = _valid(docs.card, f"system '{docs.id}'", docs.folder / "model-card.yaml")
    card = docs.model_card
    assert card is not None and document.loaded is not None
    evaluation, evaluation_path = None, None
    if card.evaluation is not None:
        path = artifact_path(workspace, docs, card)
        if path is None:
            raise InputError(
                f"cannot export system '{docs.id}': evaluation.artifact "
                f"'{card.evaluation.artifact}' leads outside the workspace"
            )
        try:
            evaluation, _ = read_artifact(path)
        except ArtifactError as error:
            raise InputError(
                f"{display_path(path)}: {error}",
                hint=f"run 'cardgate evaluate {docs.id}' first; an export carries the "
                "computed results",
            ) from error
        evaluation_path = workspace.relative(path)
    reads = _genai_artifacts(workspace, docs)
    for checklist in docs.checklists:
        _valid(checklist, f"system '{docs.id}'", docs.folder)
    signoffs_doc = read_signoffs(docs)
    if signoffs_doc.problems:
        raise InputError(
            signoffs_doc.problems[0].format(),
            details=(f"cannot export system '{docs.id}' until its sign-offs can be read",),
            hint="fix what 'cardgate validate' reports first",
        )
    datasets: list[DatasetSource] = []
    for _, ref in card.dataset_references():
        found = workspace.datasets.get(ref.dataset)
        if found is not None and all(d.id != found.id for d in datasets):
            datasets.append(_dataset(workspace, found))
    verdict = source.verdict_of(docs.id)
    findings, waived = source.findings_of(docs.id)
    return SystemSource(
        id=docs.id,
        card=card,
        document=document,
        path=workspace.relative(document.loaded.path),
        checklists=tuple(docs.checklist_models()),
        evaluation=evaluation,
        evaluation_path=evaluation_path,
        signoffs=signoffs_doc.model,
        datasets=tuple(datasets),
        verdict=verdict,
        findings=findings,
        waived=waived,
        today=source.gate.today,
        workspace=workspace,
        gate=source.gate,
        retrieval=reads.retrieval.artifact if reads.retrieval is not None else None,
        generation=reads.generation.artifact if reads.generation is not None else None,
        safety=reads.safety.artifact if reads.safety is not None else None,
        operations=reads.operations.artifact if reads.operations is not None else None,
        coverage=source._coverages.get(docs.id),
        definitions=source.definitions,
    )


def _genai_artifacts(workspace: Workspace, docs: SystemDocs) -> GenAIReads:
    """A GenAI system's artifacts, read as the gate reads them; `InputError` when the card
    names one that cannot be read (an export carries the computed results, as for
    evaluation.json)."""
    reads = read_genai(workspace, docs)
    for read in reads.all():
        if read.artifact is None:
            raise InputError(
                f"{read.relative}: {read.error}",
                hint=f"run '{read.command}' first; an export carries the computed results",
            )
    return reads


def _dataset(workspace: Workspace, docs: DatasetDocs) -> DatasetSource:
    document = _valid(docs.sheet, f"dataset '{docs.id}'", docs.folder / "datasheet.yaml")
    sheet = docs.datasheet
    assert sheet is not None and document.loaded is not None
    check_path = data_check_path(docs.folder)
    data_check = None
    if check_path.exists():
        data, problem = load_artifact(check_path)
        if data is None:
            raise InputError(
                f"{display_path(check_path)}: {problem}",
                hint=f"run 'cardgate check-data {docs.id}' again",
            )
        data_check = DataCheckArtifact.model_validate(data)
    return DatasetSource(
        id=docs.id,
        datasheet=sheet,
        document=document,
        path=workspace.relative(document.loaded.path),
        folder=docs.folder,
        data_check=data_check,
        workspace=workspace,
    )


def policy_options(system: SystemSource, code: str) -> BaseModel | None:
    """The options of rule `code` under the workspace's policy for the system's risk
    tier (what an export shows beside its numbers, e.g. a minimum impact ratio, an AI
    Act schedule); None when the rule has none or the policy cannot be resolved (the
    gate reports the policy's mistakes)."""
    from cardgate.core.errors import CardgateError
    from cardgate.gate.policy import resolve_policy
    from cardgate.gate.rules import RULES

    if system.workspace is None:
        return None
    try:
        settings = resolve_policy(system.workspace, RULES).for_tier(system.card.risk_tier)
    except CardgateError:
        return None
    return settings.options.get(code)
