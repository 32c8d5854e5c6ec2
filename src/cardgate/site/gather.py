"""What the site shows, gathered once from the loaded `Workspace` into the view model.

The site reads the same `Workspace` object as the gate, runs the gate on it (so the
dashboard shows the gate's verdict, not a second opinion), computes NIST AI RMF coverage,
and reads the generated artifacts (`evaluation.json`, `data-check.json`) and sign-offs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from cardgate.core.problems import Problem, Severity
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import MONITORING_FILE, SystemDocs, Workspace
from cardgate.evidence.monitoring.artifact import MonitoringArtifact, load_monitoring
from cardgate.frameworks.coverage_results import PortfolioCoverage, SystemCoverage
from cardgate.gate.genai import read_genai
from cardgate.gate.policy import ResolvedPolicy
from cardgate.gate.result import SystemVerdict
from cardgate.gate.rule_meta import RuleMeta
from cardgate.site.view_inputs import changes_since, json_artifact, signoff_views, verified
from cardgate.site.view_model import (
    BuildProblem,
    DatasetView,
    GateView,
    SiteModel,
    SystemView,
    Unavailable,
    slugs,
)


def gather(
    workspace: Workspace, *, today: dt.date, run_gate: bool = True, recompute: bool = False
) -> SiteModel:
    """Read everything the site needs from a loaded workspace.

    The gate runs in release mode; `recompute` also computes every evaluation and data
    check again and compares it with the committed artifact, as `gate --release` does.
    """
    problems: list[BuildProblem] = []
    gate = (
        _gate(workspace, today=today, recompute=recompute)
        if run_gate
        else GateView(None, "gate not run")
    )
    coverage, coverage_reason = _coverage(workspace)
    by_system = {c.system: c for c in coverage.systems} if coverage is not None else {}
    system_slugs = slugs(docs.id for docs in workspace.systems.values())
    systems = [
        _system(
            workspace,
            docs,
            system_slugs[docs.id],
            by_system.get(docs.id),
            problems,
            gate.verdict(docs.id),
        )
        for docs in workspace.systems.values()
    ]
    used: dict[str, list[str]] = {}
    for system in systems:
        for dataset_id in _dataset_ids(system.card):
            used.setdefault(dataset_id, []).append(system.id)
    dataset_slugs = slugs(dataset.id for dataset in workspace.datasets.values())
    datasets = []
    for dataset in workspace.datasets.values():
        sheet_path = workspace.relative(dataset.folder / "datasheet.yaml")
        datasets.append(
            DatasetView(
                id=dataset.id,
                slug=dataset_slugs[dataset.id],
                sheet_path=sheet_path,
                sheet=dataset.datasheet,
                problems=list(dataset.sheet.problems) if dataset.sheet else [],
                data_check=json_artifact(
                    workspace,
                    dataset.folder / "data-check.json",
                    problems,
                    "data check",
                    kind="data-check",
                ),
                used_by=sorted(set(used.get(dataset.id, []))),
            )
        )
        if dataset.datasheet is None:
            problems.extend(_document_problems(sheet_path, datasets[-1].problems))
    if gate.result is None and run_gate:
        problems.append(BuildProblem("(gate)", "", f"gate verdict not available: {gate.reason}"))
    policy, policy_reason = _policy(workspace, gate)
    return SiteModel(
        workspace=workspace,
        title=workspace.config.site.title,
        today=today,
        gate=gate,
        systems=systems,
        datasets=datasets,
        coverage=coverage,
        coverage_reason=coverage_reason,
        problems=sorted(set(problems)),
        policy=policy,
        policy_reason=policy_reason,
    )


def _dataset_ids(card: ModelCard | None) -> list[str]:
    if card is None:
        return []
    return list(dict.fromkeys(ref.dataset for _, ref in card.dataset_references()))


def _document_problems(document: str, problems: Sequence[Problem]) -> list[BuildProblem]:
    errors = [p for p in problems if p.severity is Severity.ERROR] or list(problems)
    if not errors:
        return [BuildProblem(document, "", "document could not be read")]
    return [
        BuildProblem(document, f"line {p.line}:{p.column}", f"{p.code} {p.message}") for p in errors
    ]


def _gate(workspace: Workspace, *, today: dt.date, recompute: bool) -> GateView:
    try:
        from cardgate.gate.engine import run_gate  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return GateView(None, "the release gate is not installed in this version of cardgate")
    rules: list[RuleMeta] = []
    try:
        from cardgate.gate.rules import RULES  # type: ignore[attr-defined, unused-ignore]

        rules = sorted(RULES, key=lambda rule: rule.code)
    except ImportError:
        pass
    from cardgate.core.errors import CardgateError

    try:
        # By default the artifacts as committed (the pages say so): recomputing them is
        # `cardgate gate --release`'s job, and `cardgate build --recompute`'s.
        result = run_gate(workspace, release=True, today=today, recompute=recompute)
    except CardgateError as error:
        return GateView(None, error.message, rules)
    return GateView(result, "", rules)


def _policy(workspace: Workspace, gate: GateView) -> tuple[ResolvedPolicy | None, str]:
    """The policy in force, resolved as the gate resolves it (for the policy page)."""
    from cardgate.core.errors import CardgateError
    from cardgate.gate.policy import resolve_policy

    if not gate.rules:
        return None, gate.reason or "the gate's rules are not available"
    try:
        return resolve_policy(workspace, gate.rules), ""
    except CardgateError as error:
        return None, error.message


def _coverage(workspace: Workspace) -> tuple[PortfolioCoverage | None, str]:
    from cardgate.core.errors import CardgateError
    from cardgate.frameworks.coverage import workspace_coverage

    try:
        return workspace_coverage(workspace), ""
    except CardgateError as error:
        return None, error.message


def _system(
    workspace: Workspace,
    docs: SystemDocs,
    page_slug: str,
    system_coverage: SystemCoverage | None,
    problems: list[BuildProblem],
    verdict: SystemVerdict | None,
) -> SystemView:
    card_path = workspace.relative(docs.folder / "model-card.yaml")
    card = docs.model_card
    own_problems = [p for doc in ([docs.card] if docs.card else []) for p in doc.problems]
    if card is None:
        problems.extend(
            _document_problems(card_path, own_problems)
            if docs.card is not None
            else [BuildProblem(card_path, "", "model card is missing")]
        )
    artifact_name = "evaluation.json"
    if card is not None and card.evaluation is not None:
        artifact_name = card.evaluation.artifact
    evaluation: dict[str, Any] | Unavailable
    if card is not None and card.evaluation is None and card.genai is not None:
        evaluation = Unavailable(
            "a GenAI system has no predictions to evaluate: its retrieval and generation "
            "evaluations are in the GenAI section above"
        )
    elif card is not None and card.evaluation is None:
        evaluation = Unavailable("the model card has no evaluation settings")
    else:
        evaluation = json_artifact(
            workspace, docs.folder / artifact_name, problems, "evaluation", kind="evaluation"
        )
    signoffs = signoff_views(workspace, docs, problems)
    if isinstance(signoffs, list):
        verified(signoffs, verdict)
    view = SystemView(
        id=docs.id,
        slug=page_slug,
        docs=docs,
        card_path=card_path,
        card=card,
        problems=own_problems,
        evaluation=evaluation,
        signoffs=signoffs,
        coverage=system_coverage,
    )
    if isinstance(signoffs, list) and signoffs:
        view.changes = changes_since(workspace, signoffs[-1])
    view.monitoring = _monitoring(workspace, docs, problems)
    reads = read_genai(workspace, docs)
    view.retrieval, view.generation = reads.retrieval, reads.generation
    view.safety, view.operations = reads.safety, reads.operations
    for read in reads.all():
        if read is not None and read.error not in (None, "does not exist"):
            problems.append(BuildProblem(read.relative, "", str(read.error)))
    return view


def _monitoring(
    workspace: Workspace, docs: SystemDocs, problems: list[BuildProblem]
) -> MonitoringArtifact | None:
    """The system's monitoring.json (absent: None; unusable: a build problem too)."""
    path = docs.folder / MONITORING_FILE
    artifact, _, error = load_monitoring(path)
    if artifact is None and error != "does not exist":
        problems.append(BuildProblem(workspace.relative(path), "", str(error)))
    return artifact
