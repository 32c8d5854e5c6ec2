"""The site's view model: what the pages show, as plain typed values (`gather` builds it).

Every input that is missing or unreadable is an explicit `Unavailable` with a reason,
and, when it is a document's fault, a `BuildProblem` naming the document and field
(`cardgate build --strict` fails on those).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cardgate.core.problems import Problem, Severity
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.signoffs import distinguished
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.monitoring.artifact import MonitoringArtifact
from cardgate.frameworks.coverage_results import PortfolioCoverage, SystemCoverage
from cardgate.gate.genai import GenerationRead, OperationsRead, RetrievalRead, SafetyRead
from cardgate.gate.policy import ResolvedPolicy
from cardgate.gate.result import WORKSPACE, Finding, GateResult, SystemVerdict
from cardgate.gate.rule_meta import RuleMeta
from cardgate.interop.source import ExportSource

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

    result: GateResult | None
    reason: str = ""
    rules: list[RuleMeta] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._verdicts: dict[str, SystemVerdict] = {}
        self._findings: dict[str, list[Finding]] = {}
        self._waived: dict[str, list[Finding]] = {}
        if self.result is not None:
            self._verdicts = {verdict.system: verdict for verdict in self.result.systems}
            for finding in self.result.findings:
                self._findings.setdefault(finding.system, []).append(finding)
            for finding in self.result.waived:
                self._waived.setdefault(finding.system, []).append(finding)

    def verdict(self, system_id: str) -> SystemVerdict | None:
        return self._verdicts.get(system_id)

    def findings(self, system_id: str) -> list[Finding]:
        return list(self._findings.get(system_id, []))

    def workspace_errors(self) -> int:
        """Errors of the workspace itself (policy, waivers, datasets, configuration): the
        gate's exit code is 1, so they block every system's release."""
        return sum(f.severity is Severity.ERROR for f in self._findings.get(WORKSPACE, []))

    def waived(self, system_id: str) -> list[Finding]:
        return list(self._waived.get(system_id, []))


@dataclass
class SignoffView:
    """One sign-off, what it approved, and whether it still holds."""

    role: str
    name: str
    date: dt.date
    note: str
    commit: str
    stale: bool
    changed: list[str]
    """Documents changed, removed or added since this sign-off (paths)."""
    documents: dict[str, str] = field(default_factory=dict)
    """Workspace-relative path -> the digest this sign-off approved."""
    current: dict[str, str] = field(default_factory=dict)
    """Path -> the digest of the document now (what the gate compares with)."""
    number: int = 0
    """1-based position in signoffs.yaml (oldest first)."""
    superseded_by: int | None = None
    """Number of the later sign-off of the same role that replaced this one."""
    verification: str = ""
    """Whether it counts, as the gate decided: 'verified', 'unsigned' (allowed unsigned),
    'refused' (unsigned where signatures are required), 'invalid'; '' when not gated."""
    identity: str = ""
    """The principal of the SSH key that signed ('' when unsigned)."""
    problem: str = ""
    """Why the gate does not count it ('' when it does)."""


@dataclass
class ChangeView:
    """One signed document that changed since the latest sign-off."""

    document: str
    signed: str
    """Digest approved at the sign-off ('' when the document was added since)."""
    now: str
    """Digest now ('' when the document was removed since)."""
    diff: str = ""
    """Unified diff against the signed commit, when git could show the old content."""
    note: str = ""
    """Why there is no diff, when there is none."""

    @property
    def shown(self) -> tuple[str, str]:
        """The two digests shortened, still visibly different where they differ."""
        return distinguished(self.signed, self.now)


@dataclass(frozen=True)
class Download:
    """One exported file offered on a page (`site.downloads`)."""

    format: str
    title: str
    name: str
    """The file's own name (what the browser saves it as)."""
    path: str
    """Its path in the site."""


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
    coverage: SystemCoverage | None
    changes: list[ChangeView] = field(default_factory=list)
    """The signed documents changed since the latest sign-off, with diffs where known."""
    downloads: list[Download] = field(default_factory=list)
    """Its exports, offered for download (filled by `site.downloads`)."""
    downloads_reason: str = ""
    """Why it has none, when its documents could not be exported."""
    monitoring: MonitoringArtifact | None = None
    """Its monitoring.json as `cardgate monitor` wrote it (None: absent or unusable)."""
    retrieval: RetrievalRead | None = None
    """A GenAI system's retrieval.json as read (None: its card evaluates no retrieval)."""
    generation: GenerationRead | None = None
    """A GenAI system's generation.json as read (None: its card imports no scores)."""
    safety: SafetyRead | None = None
    """A GenAI system's safety.json as read (None: its card counts no red-team outcomes)."""
    operations: OperationsRead | None = None
    """A GenAI system's operations.json as read (None: its card aggregates no run log)."""

    @property
    def name(self) -> str:
        return self.card.name if self.card is not None else self.id


@dataclass
class DatasetView:
    """One dataset as the pages show it."""

    id: str
    slug: str
    sheet_path: str
    sheet: Datasheet | None
    problems: list[Problem]
    data_check: dict[str, Any] | Unavailable
    used_by: list[str]
    downloads: list[Download] = field(default_factory=list)
    """Its exports, offered for download (filled by `site.downloads`)."""
    downloads_reason: str = ""
    """Why it has none, when its documents could not be exported."""


@dataclass(frozen=True)
class Page:
    """A generated page: its path under docs_dir, its Markdown, the document behind it.

    A file that is not a page (evidence copied as it is) has `data` instead of text. A
    page already `written` into the docs folder by the worker that rendered it
    (`site.docs_folder`) keeps its path and source only: its text stays in the file."""

    path: str
    text: str
    source: str
    data: bytes | None = None
    written: bool = False

    @property
    def content(self) -> bytes:
        """Its bytes as written to the docs folder."""
        return self.data if self.data is not None else self.text.encode("utf-8")

    @property
    def markdown(self) -> bool:
        """A Markdown page (the others are files beside it, such as chart images)."""
        return self.path.endswith(".md")


@dataclass
class SiteModel:
    """Everything the page builders read."""

    workspace: Workspace
    title: str
    today: dt.date
    gate: GateView
    systems: list[SystemView]
    datasets: list[DatasetView]
    coverage: PortfolioCoverage | None
    coverage_reason: str
    problems: list[BuildProblem]
    policy: ResolvedPolicy | None = None
    """The release policy in force (per risk tier), as the gate resolves it."""
    policy_reason: str = ""
    pdf: bool = False
    """True when the build prints a PDF of each system page (the pages link it)."""
    today_set_by: str | None = None
    """What chose `today` when it is not the system date (CARDGATE_TODAY): the dashboard
    says the gate judged as of a chosen date."""

    @functools.cached_property
    def export_source(self) -> ExportSource | None:
        """The workspace and the gate's result as the exporters read them; None without
        the gate's result. One for the build: the downloads and the regulation pages share
        its per-system index of the findings and the systems it has loaded (a source per
        page rebuilt the index from every finding of the portfolio: O(systems²))."""
        result = self.gate.result
        return None if result is None else ExportSource(self.workspace, result, self.coverage)


def slug(name: str) -> str:
    """A safe file/URL name for a folder name (ids already are); not unique: see `slugs`."""
    cleaned = _SLUG.sub("-", name.lower()).strip("-.")
    return cleaned or "unnamed"


def slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct `slug` for each folder name, so that no two systems (or datasets) share
    a page: a name that is its own slug keeps it, and another whose slug is taken
    (`Credit-Default` beside `credit-default`, `a b` beside `a-b`) is numbered (`-2`, `-3`
    ...), in sorted order, past every name taken: the same names give the same pages."""
    ordered = sorted(set(names))
    chosen = {name: name for name in ordered if slug(name) == name}
    taken = set(chosen)
    for name in ordered:
        if name in chosen:
            continue
        base = candidate = slug(name)
        number = 2
        while candidate in taken:
            candidate, number = f"{base}-{number}", number + 1
        chosen[name] = candidate
        taken.add(candidate)
    return chosen
