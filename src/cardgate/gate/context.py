"""What a rule reads: the workspace, the policy for the system's tier, and shared caches.

`GateContext` is built once per run and caches what several rules need (problems of the
documents, evaluation artifacts, sign-offs, digests, checklist definitions). The engine
hands each rule a `RuleContext` for one system (or the workspace) whose `finding` method
stamps the rule's code, name, NIST ids and level on what the rule reports.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from cardgate.core.digests import canonical_sha256
from cardgate.core.problems import Problem, Severity, Span
from cardgate.documents.completeness import Unfilled, as_written, gaps
from cardgate.documents.loading import LoadedDocument
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.waivers import Waiver
from cardgate.documents.signoffs import (
    SignoffsDoc,
    artifact_path,
    json_digest,
    read_signoffs,
    signed_documents,
)
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import DatasetDocs, SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import ArtifactError, EvaluationArtifact, read_artifact
from cardgate.gate.policy import ResolvedPolicy, TierSettings
from cardgate.gate.ref_cards import BaseCards, base_cards
from cardgate.gate.result import WORKSPACE, Finding
from cardgate.gate.rule_meta import RuleMeta
from cardgate.gate.tiers import GatedTier, gated_tier, removed_systems

if TYPE_CHECKING:
    from cardgate.frameworks.definitions import DefinitionSet


@dataclass
class ArtifactRead:
    """A system's evaluation artifact as read (or why it could not be)."""

    path: Path | None
    relative: str
    artifact: EvaluationArtifact | None = None
    error: str | None = None


@dataclass(frozen=True)
class NotRun:
    """Why the engine did not run a rule on a system (`GateContext.not_run`)."""

    cause: str
    """``policy`` (off for the system's risk tier), ``unchanged`` (--changed-since found
    the system unchanged: only the time-based rules ran) or ``card`` (the rule reads the
    model card, which is missing or does not validate)."""
    message: str
    """The reason as reports print it."""


@dataclass
class GateContext:
    """Shared, read-only state of one gate run, with caches filled on first use."""

    workspace: Workspace
    policy: ResolvedPolicy
    release: bool
    today: dt.date
    rules: tuple[RuleMeta, ...] = ()
    selected: frozenset[str] = frozenset()
    """Ids of the systems gated in this run."""
    partial: frozenset[str] = frozenset()
    """Those of `selected` gated only by the time-based rules (--changed-since found them
    unchanged): what the other rules would have found is not known."""
    recompute: bool = False
    """Compute the computed artifacts again and compare (GATE-ART001; --release)."""
    base_ref: str | None = None
    """The git ref of --changed-since: who could sign there is who may sign now."""
    waiver_uses: dict[int, int] = field(default_factory=dict)
    """Index of a waiver in waivers.yaml -> number of findings it waived (filled late)."""
    _problems: dict[str, list[Problem]] | None = None
    _artifacts: dict[str, ArtifactRead] = field(default_factory=dict)
    _signoffs: dict[str, SignoffsDoc] = field(default_factory=dict)
    _digests: dict[str, dict[str, str]] = field(default_factory=dict)
    _artifact_data: dict[str, Any] = field(default_factory=dict)
    _definitions: DefinitionSet | None = None
    _gaps: dict[int, tuple[BaseModel, list[tuple[str, Unfilled]]]] = field(default_factory=dict)
    _relative: dict[str, str] = field(default_factory=dict)
    _tiers: dict[str, GatedTier] = field(default_factory=dict)
    _base_cards: BaseCards | None = None
    _cwd: str = field(default_factory=os.getcwd)
    cache: dict[str, Any] = field(default_factory=dict)
    """Free-form per-run cache for rules (keyed by rule code)."""

    @property
    def root(self) -> Path:
        return self.workspace.root

    def relative(self, path: Path | str) -> str:
        """Workspace-relative POSIX path of a file (display paths are cwd-relative)."""
        key = str(path)
        found = self._relative.get(key)
        if found is None:
            absolute = os.path.normpath(os.path.join(self._cwd, key))
            prefix = str(self.workspace.root) + os.sep
            if absolute.startswith(prefix) and not os.path.islink(absolute):
                found = absolute[len(prefix) :].replace(os.sep, "/")
            else:
                found = self.workspace.relative(Path(absolute))
            self._relative[key] = found
        return found

    def not_run(self, rule: RuleMeta, system: SystemDocs | None) -> NotRun | None:
        """Why the engine does not run `rule` on `system` (the workspace: None), or None
        when it runs it. The one decider of what ran: the engine skips what it names,
        GATE-DOC003 lists the rules a missing card stopped, the reports show them."""
        if self.settings(system).level(rule) == "off":
            return NotRun("policy", "off in the policy")
        if system is None:
            return None
        card = system.model_card
        if system.id in self.partial and not rule.time_based:
            return NotRun(
                "unchanged",
                f"not run: unchanged since {self.base_ref} (only the time-based rules ran)",
            )
        if rule.needs_card and card is None:
            state = "does not validate" if system.card is not None else "is missing"
            return NotRun("card", f"not run: the model card {state} (GATE-DOC003)")
        return None

    def tier(self, system: SystemDocs) -> GatedTier:
        """The risk tier `system` is gated under (`cardgate.gate.tiers`: with
        --changed-since, a tier lowered since its ref counts only once merged)."""
        found = self._tiers.get(system.id)
        if found is None:
            base = self.ref_cards() if system.id not in self.partial else None  # else as there
            found = self._tiers[system.id] = gated_tier(self.workspace, system, base)
        return found

    def removed_systems(self) -> dict[str, str]:
        """With --changed-since: the systems on its ref that are gone here, and their risk
        tiers there (`cardgate.gate.tiers.removed_systems`); else none."""
        base = self.ref_cards()
        return removed_systems(self.workspace, base) if base is not None else {}

    def ref_cards(self) -> BaseCards | None:
        """The model cards on --changed-since's ref (listed once), or None without it."""
        if self.base_ref is not None and self._base_cards is None:
            self._base_cards = base_cards(self.workspace, self.base_ref)
        return self._base_cards

    def settings(self, system: SystemDocs | None) -> TierSettings:
        """The policy for the tier `system` is gated under (the workspace: the unknown
        tier's)."""
        return self.policy.for_tier(self.tier(system).tier if system is not None else None)

    def problems(self) -> dict[str, list[Problem]]:
        """What `cardgate validate` reports, by workspace-relative path (computed once)."""
        if self._problems is None:
            from cardgate.validation.collect import workspace_problems

            grouped: dict[str, list[Problem]] = {}
            # Includes signoffs.yaml problems: validate reports them too.
            for problem in workspace_problems(self.workspace, placeholders=False):
                grouped.setdefault(self.relative(problem.path), []).append(problem)
            self._problems = grouped
        return self._problems

    def definitions(self) -> DefinitionSet:
        if self._definitions is None:
            from cardgate.frameworks.definitions import workspace_definitions

            self._definitions = workspace_definitions(self.workspace)
        return self._definitions

    def unfilled(
        self, model: BaseModel, level: str, document: ValidatedDocument | None = None
    ) -> list[Unfilled]:
        """`completeness.unfilled` of a document's model, from one walk per document; with
        the `document` it was read from, a placeholder the schema read as absent is shown
        as the placeholder (`completeness.as_written`)."""
        found = self._gaps.get(id(model))
        if found is None or found[0] is not model:
            found = self._gaps[id(model)] = (model, gaps(model))
        data = document.loaded.data if document is not None and document.loaded else None
        return [
            gap if data is None else as_written(gap, data)
            for gap_level, gap in found[1]
            if gap_level == level
        ]

    def signoffs(self, system: SystemDocs) -> SignoffsDoc:
        found = self._signoffs.get(system.id)
        if found is None:
            found = self._signoffs[system.id] = read_signoffs(system)
        return found

    def digests(self, system: SystemDocs) -> dict[str, str]:
        found = self._digests.get(system.id)
        if found is None:
            found = self._digests[system.id] = signed_documents(
                self.workspace, system, artifact_digest=self._artifact_digest
            )
        return found

    def _artifact_digest(self, path: Path) -> str:
        """`json_digest` of an artifact, from the JSON `read_artifact` already parsed."""
        data = self._artifact_data.get(str(path))
        return canonical_sha256(data) if data is not None else json_digest(path)

    def artifact_data(self, path: Path) -> Any:
        """The JSON data of an evaluation artifact `read_artifact` already read."""
        return self._artifact_data.get(str(path))

    def artifact(self, system: SystemDocs) -> ArtifactRead | None:
        """The system's evaluation artifact; None when its card has no evaluation section."""
        card = system.model_card
        if card is None or card.evaluation is None:
            return None
        found = self._artifacts.get(system.id)
        if found is None:
            found = self._artifacts[system.id] = self.read_artifact(
                card.evaluation.artifact, base=system.folder
            )
        return found

    def read_artifact(self, relative: str, *, base: Path | None = None) -> ArtifactRead:
        """Read an evaluation artifact named in a document (confined to the workspace)."""
        from cardgate.core.paths import PathEscapeError

        try:
            path = self.workspace.resolve(relative, base=base)
        except PathEscapeError as error:
            return ArtifactRead(None, relative, error=str(error))
        shown = self.relative(path)
        try:
            artifact, data = read_artifact(path)
        except ArtifactError as error:
            return ArtifactRead(path, shown, error=str(error))
        self._artifact_data[str(path)] = data
        return ArtifactRead(path, shown, artifact)

    def artifact_path(self, system: SystemDocs) -> Path | None:
        card = system.model_card
        return artifact_path(self.workspace, system, card) if card is not None else None

    def datasets_of(self, card: ModelCard) -> list[tuple[DataPath, str, DatasetDocs | None]]:
        """(data path in the card, dataset id, its documents or None) for each reference."""
        return [
            ((*where, "dataset"), ref.dataset, self.workspace.datasets.get(ref.dataset))
            for where, ref in card.dataset_references()
        ]

    def waiver_settings(self, waiver: Waiver) -> TierSettings:
        """The policy for the risk tier of a waiver's system (unknown: the strictest)."""
        system = self.workspace.systems.get(waiver.system)
        return self.settings(system) if system is not None else self.policy.for_tier(None)

    def system_of(self, path: str) -> str:
        """The system a workspace-relative path belongs to, or WORKSPACE."""
        systems_dir = self.relative(self.workspace.systems_dir)
        prefix = f"{systems_dir}/" if systems_dir not in {"", "."} else ""
        if path.startswith(prefix):
            head = path[len(prefix) :].split("/", 1)[0]
            if head in self.workspace.systems:
                return head
        return WORKSPACE


@dataclass
class RuleContext:
    """What one rule sees for one system (``system`` is None for workspace rules)."""

    gate: GateContext
    rule: RuleMeta
    system: SystemDocs | None
    settings: TierSettings
    level: Severity

    @property
    def workspace(self) -> Workspace:
        return self.gate.workspace

    @property
    def release(self) -> bool:
        return self.gate.release

    @property
    def today(self) -> dt.date:
        return self.gate.today

    @property
    def card(self) -> ModelCard | None:
        return self.system.model_card if self.system is not None else None

    @property
    def options(self) -> Any:
        """The rule's validated options (its `Options` model), or None."""
        found: BaseModel | None = self.settings.options.get(self.rule.code)
        return found

    @property
    def system_id(self) -> str:
        return self.system.id if self.system is not None else WORKSPACE

    def finding(
        self,
        where: ValidatedDocument | LoadedDocument | Path | str | None,
        message: str,
        *,
        path: DataPath = (),
        key: bool = False,
        hint: str = "",
        severity: Severity | None = None,
        nist: Iterable[str] | None = None,
        system: str | None = None,
        span: Span | None = None,
        waivable: bool = True,
    ) -> Finding:
        """A finding of this rule at `where` (a document, a file, or the system's card).

        `path` is the data path inside the document (its position is looked up; with
        `key`, the key's position rather than the value's). `severity` can only lower the
        level the policy gave the rule.
        """
        loaded = _loaded(where)
        if loaded is not None:
            file = self.gate.relative(loaded.path)
            if loaded.display.startswith("<cardgate>/"):  # a shipped preset (gate --policy)
                file = loaded.display
            position = span or (loaded.positions.key(path) if key else loaded.positions.value(path))
        else:
            target: Path | str | None = None
            if isinstance(where, ValidatedDocument):  # it did not load: point at its file
                target = Path(where.problems[0].path) if where.problems else None
            elif isinstance(where, Path | str):
                target = where
            if target is None:
                target = self._default_file()
            file = target if isinstance(target, str) else self.gate.relative(target)
            position = span or Span(1, 1)
        level = self.level if severity is None else min(severity, self.level)
        return Finding(
            path=file,
            line=position.line,
            column=position.column,
            code=self.rule.code,
            message=message,
            severity=level,
            system=system if system is not None else self.system_id,
            name=self.rule.name,
            nist=tuple(nist) if nist is not None else self.rule.nist,
            hint=hint,
            location=".".join(str(part) for part in path),
            waivable=waivable,
        )

    def _default_file(self) -> Path:
        if self.system is not None:
            if self.system.card is not None and self.system.card.loaded is not None:
                return self.system.card.loaded.path
            return self.system.folder / "model-card.yaml"
        return self.workspace.root / "cardgate.yaml"


def _loaded(where: object) -> LoadedDocument | None:
    if isinstance(where, LoadedDocument):
        return where
    if isinstance(where, ValidatedDocument):
        return where.loaded
    return None
