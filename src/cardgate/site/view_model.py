"""What the site shows, gathered once from the loaded `Workspace`.

The site reads the same `Workspace` object as the gate, runs the gate on it (so the
dashboard shows the gate's verdict, not a second opinion), computes NIST AI RMF coverage,
and reads the generated artifacts (`evaluation.json`, `data-check.json`) and sign-offs.
Every input that is missing or unreadable becomes an explicit "not available" state with
a reason, and, when it is a document's fault, a `BuildProblem` naming the document and
field (`cardgate build --strict` fails on those).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgate.core.git import git
from cardgate.core.problems import Problem, Severity
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace

_SLUG = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True, order=True)
class BuildProblem:
    """Something the site could not render or link, named by document and field."""

    document: str
    field: str
    message: str

    def format(self) -> str:
        where = f"{self.document}: {self.field}" if self.field else self.document
        return f"{where}: {self.message}"


@dataclass
class Unavailable:
    """An input the site could not use, and why (shown on the page)."""

    reason: str


@dataclass
class GateView:
    """The gate's verdict for the portfolio, or why there is none."""

    result: Any | None  # cardgate.gate.result.GateResult
    reason: str = ""
    rules: list[Any] = field(default_factory=list)  # cardgate.gate.rule.Rule

    def __post_init__(self) -> None:
        self._verdicts: dict[str, Any] = {}
        self._findings: dict[str, list[Any]] = {}
        self._waived: dict[str, list[Any]] = {}
        if self.result is not None:
            self._verdicts = {verdict.system: verdict for verdict in self.result.systems}
            for finding in self.result.findings:
                self._findings.setdefault(finding.system, []).append(finding)
            for finding in self.result.waived:
                self._waived.setdefault(finding.system, []).append(finding)

    def verdict(self, system_id: str) -> Any | None:
        return self._verdicts.get(system_id)

    def findings(self, system_id: str) -> list[Any]:
        return list(self._findings.get(system_id, []))

    def waived(self, system_id: str) -> list[Any]:
        return list(self._waived.get(system_id, []))


@dataclass
class SignoffView:
    """One sign-off and whether it still holds."""

    role: str
    name: str
    date: dt.date
    note: str
    commit: str
    stale: bool
    changed: list[str]


@dataclass
class SystemView:
    """One AI system as the pages show it."""

    id: str
    slug: str
    docs: SystemDocs
    card_path: str
    card: ModelCard | None
    problems: list[Problem]
    evaluation: dict[str, Any] | Unavailable
    signoffs: list[SignoffView] | Unavailable
    coverage: Any | None  # cardgate.frameworks.coverage.SystemCoverage
    changes: list[tuple[str, str]] = field(default_factory=list)
    """(document path, unified diff) since the last sign-off's commit."""

    @property
    def name(self) -> str:
        return self.card.name if self.card is not None else self.id


@dataclass
class DatasetView:
    """One dataset as the pages show it."""

    id: str
    slug: str
    sheet_path: str
    sheet: Any | None  # Datasheet
    problems: list[Problem]
    data_check: dict[str, Any] | Unavailable
    used_by: list[str]


@dataclass
class SiteModel:
    """Everything the page builders read."""

    workspace: Workspace
    title: str
    today: dt.date
    gate: GateView
    systems: list[SystemView]
    datasets: list[DatasetView]
    coverage: Any | None  # PortfolioCoverage
    coverage_reason: str
    problems: list[BuildProblem]


def slug(name: str) -> str:
    """A safe file/URL name for a folder name (ids already are)."""
    cleaned = _SLUG.sub("-", name.lower()).strip("-.")
    return cleaned or "unnamed"


def gather(workspace: Workspace, *, today: dt.date, run_gate: bool = True) -> SiteModel:
    """Read everything the site needs from a loaded workspace."""
    problems: list[BuildProblem] = []
    gate = _gate(workspace, today=today) if run_gate else GateView(None, "gate not run")
    coverage, coverage_reason = _coverage(workspace)
    by_system = {c.system: c for c in coverage.systems} if coverage is not None else {}
    systems = [
        _system(workspace, docs, by_system.get(docs.id), problems)
        for docs in workspace.systems.values()
    ]
    used: dict[str, list[str]] = {}
    for system in systems:
        for dataset_id in _dataset_ids(system.card):
            used.setdefault(dataset_id, []).append(system.id)
    datasets = []
    for dataset in workspace.datasets.values():
        sheet_path = workspace.relative(dataset.folder / "datasheet.yaml")
        datasets.append(
            DatasetView(
                id=dataset.id,
                slug=slug(dataset.id),
                sheet_path=sheet_path,
                sheet=dataset.datasheet,
                problems=list(dataset.sheet.problems) if dataset.sheet else [],
                data_check=_json_artifact(
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
    )


def _dataset_ids(card: ModelCard | None) -> list[str]:
    if card is None:
        return []
    found: list[str] = []
    for section in (card.training_data, card.evaluation_data):
        if section is not None:
            found.extend(ref.dataset for ref in section.datasets)
    return list(dict.fromkeys(found))


def _document_problems(document: str, problems: Sequence[Problem]) -> list[BuildProblem]:
    errors = [p for p in problems if p.severity is Severity.ERROR] or list(problems)
    if not errors:
        return [BuildProblem(document, "", "document could not be read")]
    return [
        BuildProblem(document, f"line {p.line}:{p.column}", f"{p.code} {p.message}") for p in errors
    ]


def _gate(workspace: Workspace, *, today: dt.date) -> GateView:
    try:
        from cardgate.gate.engine import run_gate  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return GateView(None, "the release gate is not installed in this version of cardgate")
    rules: list[Any] = []
    try:
        from cardgate.gate.rules import RULES  # type: ignore[attr-defined, unused-ignore]

        rules = sorted(RULES, key=lambda rule: rule.code)
    except ImportError:
        pass
    from cardgate.core.errors import CardgateError

    try:
        result = run_gate(workspace, release=True, today=today)
    except CardgateError as error:
        return GateView(None, error.message, rules)
    return GateView(result, "", rules)


def _coverage(workspace: Workspace) -> tuple[Any | None, str]:
    from cardgate.core.errors import CardgateError
    from cardgate.frameworks.coverage import workspace_coverage

    try:
        return workspace_coverage(workspace), ""
    except CardgateError as error:
        return None, error.message


def _system(
    workspace: Workspace,
    docs: SystemDocs,
    system_coverage: Any | None,
    problems: list[BuildProblem],
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
    if card is not None and card.evaluation is None:
        evaluation = Unavailable("the model card has no evaluation settings")
    else:
        evaluation = _json_artifact(
            workspace, docs.folder / artifact_name, problems, "evaluation", kind="evaluation"
        )
    signoffs = _signoffs(workspace, docs, problems)
    view = SystemView(
        id=docs.id,
        slug=slug(docs.id),
        docs=docs,
        card_path=card_path,
        card=card,
        problems=own_problems,
        evaluation=evaluation,
        signoffs=signoffs,
        coverage=system_coverage,
    )
    if isinstance(signoffs, list) and signoffs:
        view.changes = _changes_since(workspace, signoffs[-1])
    return view


def _json_artifact(
    workspace: Workspace,
    path: Path,
    problems: list[BuildProblem],
    label: str,
    *,
    kind: str = "",
) -> dict[str, Any] | Unavailable:
    shown = workspace.relative(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Unavailable(f"no {label} artifact ({shown}) yet")
    except OSError as error:
        problems.append(BuildProblem(shown, "", f"cannot read: {error.strerror or error}"))
        return Unavailable(f"{shown} cannot be read")
    try:
        data = json.loads(text)
    except ValueError as error:
        problems.append(BuildProblem(shown, "", f"not valid JSON: {error}"))
        return Unavailable(f"{shown} is not valid JSON")
    if not isinstance(data, dict):
        problems.append(BuildProblem(shown, "", "top level is not an object"))
        return Unavailable(f"{shown} is not an artifact")
    if kind:
        reason = _evaluation_shape(data) if kind == "evaluation" else _data_check_shape(data)
        if reason:
            problems.append(BuildProblem(shown, reason[0], reason[1]))
            return Unavailable(f"{shown} cannot be shown: {reason[0]}: {reason[1]}")
    return data


def _evaluation_shape(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first field of an evaluation artifact that the pages cannot use, if any."""
    if data.get("artifact") != "cardgate-evaluation":
        return "artifact", "is not 'cardgate-evaluation'"
    if data.get("schema_version") != 1:
        return "schema_version", "unsupported version (this cardgate reads 1)"
    for key, kind in (("overall", dict), ("features", list), ("thresholds", list)):
        if not isinstance(data.get(key, kind()), kind):
            return key, f"should be a {kind.__name__}"
    for index, feature in enumerate(data.get("features", [])):
        if not isinstance(feature, dict) or not isinstance(feature.get("groups", []), list):
            return f"features[{index}]", "should be an object with a list of groups"
        for g_index, group in enumerate(feature.get("groups", [])):
            if not isinstance(group, dict) or not isinstance(group.get("metrics", {}), dict):
                return f"features[{index}].groups[{g_index}]", "should have a metrics object"
    return None


def _data_check_shape(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """The first field of a data-check artifact (docs/data-check-artifact.md) the pages
    cannot use, if any."""
    if data.get("kind") != "data-check":
        return "kind", "is not 'data-check'"
    if data.get("schema_version") != 1:
        return "schema_version", "unsupported version (this cardgate reads 1)"
    if not isinstance(data.get("passed"), bool):
        return "passed", "should be true or false"
    for key, kind in (("data", dict), ("profile", dict), ("violations", list)):
        if not isinstance(data.get(key, kind()), kind):
            return key, f"should be a {kind.__name__}"
    for index, violation in enumerate(data.get("violations", [])):
        if not isinstance(violation, dict):
            return f"violations[{index}]", "should be an object"
        if not isinstance(violation.get("examples", []), list):
            return f"violations[{index}].examples", "should be a list"
    for column, profile in data.get("profile", {}).items():
        if not isinstance(profile, dict):
            return f"profile.{column}", "should be an object"
    return None


def _signoffs(
    workspace: Workspace, docs: SystemDocs, problems: list[BuildProblem]
) -> list[SignoffView] | Unavailable:
    """The system's sign-offs, judged stale exactly as the gate judges them."""
    try:
        from cardgate.documents.signoffs import read_signoffs, signed_documents, staleness
    except ImportError:  # pragma: no cover - the gate ships with cardgate
        return Unavailable("this version of cardgate cannot read sign-offs")
    document = read_signoffs(docs)
    if not document.exists:
        return []
    shown = workspace.relative(document.path)
    if document.model is None:
        first = document.problems[0] if document.problems else None
        message = first.message if first else "cannot be read"
        where = f"line {first.line}:{first.column}" if first else ""
        problems.append(BuildProblem(shown, where, message))
        return Unavailable(f"{shown} cannot be read: {message}")
    current = signed_documents(workspace, docs)
    views = []
    for signoff in document.model.signoffs:
        state = staleness(signoff, current)
        views.append(
            SignoffView(
                role=signoff.role,
                name=signoff.name,
                date=signoff.date,
                note=signoff.note or "",
                commit=signoff.commit or "",
                stale=state.stale,
                changed=sorted(
                    {*(path for path, _, _ in state.changed), *state.removed, *state.added}
                ),
            )
        )
    return views


def _changes_since(workspace: Workspace, signoff: SignoffView) -> list[tuple[str, str]]:
    """Unified diffs of the signed documents between the signed commit and now."""
    if not signoff.commit or not signoff.changed:
        return []
    import difflib

    diffs = []
    for document in signoff.changed:
        before = git(workspace.root, "show", f"{signoff.commit}:./{document}", timeout=10)
        if before is None:
            continue
        try:
            now = (workspace.root / document).read_text(encoding="utf-8")
        except OSError:
            now = ""
        diff = "".join(
            difflib.unified_diff(
                before.splitlines(keepends=True),
                now.splitlines(keepends=True),
                fromfile=f"{document} @ {signoff.commit[:12]}",
                tofile=f"{document} (now)",
                n=2,
            )
        )
        if diff:
            diffs.append((document, diff))
    return diffs
