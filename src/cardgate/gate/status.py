"""`cardgate status`: what is left before a system can ship, in the order to do it.

The status is the release gate's result (``gate --release``) read as a to-do list: every
blocking finding becomes a step of a fixed sequence — documents that do not validate,
the model card, the data, the evaluation, its thresholds, the checklists, the review
date, the sign-offs — each with the place to edit (``file:line:col``) and the command
that fixes it (the rule's hint). Nothing is decided here: a step is clear exactly when
the gate has no blocking finding for it. For the checklist step, the open items behind
each NIST AI RMF function below the policy's minimum are listed with their position,
from the same coverage computation GATE-CK002 uses.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cardgate.core.paths import display_path
from cardgate.documents.workspace import SystemDocs, Workspace, load_workspace
from cardgate.frameworks.coverage_results import COMPLETE, UNANSWERED, SystemCoverage
from cardgate.frameworks.definitions import workspace_definitions
from cardgate.gate.engine import run_gate
from cardgate.gate.policy import resolve_policy
from cardgate.gate.result import WORKSPACE, Finding, GateResult
from cardgate.gate.rules import RULES
from cardgate.gate.rules.checklists_answered import checklists_required

COVERAGE_RULE = "GATE-CK002"


@dataclass(frozen=True)
class StepKind:
    """One step of the way to a release: the rules whose findings it collects."""

    key: str
    title: str
    prefixes: tuple[str, ...]


STEPS: tuple[StepKind, ...] = (
    StepKind("documents", "Fix the documents that do not load or validate", ("GATE-DOC",)),
    StepKind(
        "policy", "Restore the policy's baseline, or have a named approver waive it", ("GATE-POL",)
    ),
    StepKind("model-card", "Fill in the model card", ("GATE-MC",)),
    StepKind("data", "Complete the datasheets and check the data", ("GATE-DS", "GATE-DC")),
    StepKind(
        "evaluation",
        "Evaluate the model",
        (
            "GATE-FA001",
            "GATE-FA002",
            "GATE-ART",
            "GATE-RAG001",
            "GATE-GEN001",
            "GATE-SAF001",
            "GATE-OPS001",
            "GATE-GAI001",
        ),
    ),
    StepKind(
        "thresholds",
        "Meet the evaluation's thresholds",
        ("GATE-FA", "GATE-RAG", "GATE-GEN", "GATE-BA", "GATE-SAF", "GATE-OPS"),
    ),
    StepKind("checklists", "Answer the checklists", ("GATE-CK",)),
    # monitoring (GATE-MON) is the review of production evidence: windows, decisions
    StepKind("review", "Record the review", ("GATE-FR", "GATE-MON")),
    StepKind("signoffs", "Collect the sign-offs", ("GATE-SO",)),
)
"""The steps every system goes through, in the order to do them."""

OTHER = StepKind("other", "Resolve the other findings", ("GATE-",))
"""Findings of rules no step names (waivers, internal errors, rules added later)."""


def step_of(code: str) -> StepKind:
    """The step a rule's finding belongs to: the longest matching code prefix."""
    best: tuple[int, StepKind] = (0, OTHER)
    for kind in STEPS:
        for prefix in kind.prefixes:
            if code.startswith(prefix) and len(prefix) > best[0]:
                best = (len(prefix), kind)
    return best[1]


@dataclass(frozen=True)
class OpenItem:
    """A checklist item not yet done behind a NIST function below the policy's minimum."""

    checklist: str
    item: str
    status: str
    """The answer's status, or ``unanswered``."""
    path: str
    line: int
    column: int
    question: str


@dataclass(frozen=True)
class FunctionGap:
    """A NIST AI RMF function whose coverage is below the policy's minimum."""

    function: str
    addressed: int
    total: int
    minimum: float
    items: tuple[OpenItem, ...]

    @property
    def needed(self) -> int:
        """How many more subcategories must be addressed to reach the minimum."""
        return max(0, math.ceil(self.minimum * self.total - 1e-9) - self.addressed)


@dataclass(frozen=True)
class Step:
    """One step for one system: clear, or the findings that block it."""

    key: str
    title: str
    findings: tuple[Finding, ...]
    gaps: tuple[FunctionGap, ...] = ()
    checked: bool = True
    """False when the gate could not check the step: the rules behind it read the model
    card, and it does not validate (GATE-DOC003). Such a step is not clear."""

    @property
    def clear(self) -> bool:
        return self.checked and not self.findings


@dataclass(frozen=True)
class SystemStatus:
    """What is left before one system can ship."""

    system: str
    risk_tier: str | None
    steps: tuple[Step, ...]
    """Every standard step, in order, then `OTHER` when it has findings."""
    warnings: int
    waived: int
    items_done: int
    items_total: int
    """Applicable checklist items answered done or not-applicable, and all of them."""

    @property
    def left(self) -> tuple[Step, ...]:
        """The steps with findings to resolve."""
        return tuple(step for step in self.steps if step.findings)

    @property
    def unchecked(self) -> tuple[Step, ...]:
        """The steps the gate could not check (the model card does not validate)."""
        return tuple(step for step in self.steps if not step.checked)

    @property
    def ready(self) -> bool:
        return not self.left and not self.unchecked

    @property
    def blocking(self) -> int:
        return sum(len(step.findings) for step in self.steps)

    def progress(self) -> str:
        """The one-line summary."""
        standard = [step for step in self.steps if step.key != OTHER.key]
        clear = sum(step.clear for step in standard)
        parts = [f"{clear} of {len(standard)} steps clear"]
        if self.unchecked:
            parts.append(f"{len(self.unchecked)} not checked")
        if self.items_total:
            parts.append(f"checklist items {self.items_done}/{self.items_total} done")
            # (the items the policy requires, where it names a subset; else every item)
        if self.ready:
            parts.append("ready to ship")
            if self.warnings:  # what may ship is not all there is to read
                one = self.warnings == 1
                parts.append(
                    f"{self.warnings} warning{'' if one else 's'} "
                    f"(cardgate gate lists {'it' if one else 'them'})"
                )
        else:
            count = self.blocking
            parts.append(f"{count} finding{'s' if count != 1 else ''} left")
        if self.waived:
            parts.append(f"{self.waived} waived")
        return f"{self.system}: " + ", ".join(parts)


@dataclass
class StatusReport:
    """What is left, for each system asked about, and for the workspace as a whole."""

    root: Path
    today: dt.date
    workspace: tuple[Finding, ...]
    """Blocking findings about the workspace itself (policy, waivers, shared documents)."""
    systems: list[SystemStatus] = field(default_factory=list)
    gate: GateResult | None = None

    @property
    def ready(self) -> bool:
        return not self.workspace and all(system.ready for system in self.systems)

    @property
    def exit_code(self) -> int:
        return 0 if self.ready else 1

    def shown(self, path: str) -> str:
        """A workspace-relative path as printed: relative to the current directory."""
        return display_path(self.root / path) if path else display_path(self.root)


def workspace_status(
    workspace: Workspace | Path,
    *,
    systems: Iterable[str] | None = None,
    today: dt.date | None = None,
) -> StatusReport:
    """Run the release gate on `systems` (default: every system) and lay out what is left.

    It does not recompute the artifacts (that needs the heavy engines; `cardgate gate
    --release` does it), so "ready to ship" holds for artifacts taken as committed.
    """
    loaded = workspace if isinstance(workspace, Workspace) else load_workspace(workspace)
    result = run_gate(loaded, release=True, today=today, systems=systems, recompute=False)
    policy = resolve_policy(loaded, RULES)
    report = StatusReport(
        root=loaded.root,
        today=result.today,
        workspace=tuple(f for f in result.findings if f.system == WORKSPACE and f.blocking),
        gate=result,
    )
    definitions = workspace_definitions(loaded)
    for verdict in result.systems:
        system = loaded.systems[verdict.system]
        card = system.model_card
        settings = policy.for_tier(card.risk_tier if card is not None else None)
        mine = [f for f in result.findings if f.system == verdict.system]
        required = checklists_required(settings, card, today=result.today, definitions=definitions)
        coverage = _coverage(loaded, system, required, settings.tier)
        gaps = _gaps(loaded, system, coverage, settings.min_coverage) if coverage else ()
        done, total = _item_counts(coverage, settings.required_items)
        report.systems.append(
            SystemStatus(
                system=verdict.system,
                risk_tier=verdict.risk_tier,
                steps=_steps([f for f in mine if f.blocking], gaps, checkable=card is not None),
                warnings=sum(not f.blocking for f in mine),
                waived=verdict.waived,
                items_done=done,
                items_total=total,
            )
        )
    return report


def _steps(
    findings: list[Finding], gaps: tuple[FunctionGap, ...], *, checkable: bool
) -> tuple[Step, ...]:
    """The steps with their findings; without a valid card (`checkable` false) every
    step but the documents' is unchecked: the rules behind them did not run."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(step_of(finding.code).key, []).append(finding)
    steps = []
    for kind in (*STEPS, OTHER):
        found = tuple(sorted(grouped.get(kind.key, ()), key=lambda f: _order(f, gaps)))
        if kind is OTHER and not found:
            continue
        shown_gaps = gaps if kind.key == "checklists" else ()
        if shown_gaps:
            short = {_function(f) for f in found}
            shown_gaps = tuple(gap for gap in gaps if gap.function in short)
        checked = checkable or kind.key in (STEPS[0].key, OTHER.key)
        steps.append(Step(kind.key, kind.title, found, shown_gaps, checked=checked))
    return tuple(steps)


def _function(finding: Finding) -> str | None:
    """The NIST function a GATE-CK002 finding is about (the rule tags it first)."""
    if finding.code == COVERAGE_RULE and finding.nist:
        return finding.nist[0]
    return None


def _order(finding: Finding, gaps: tuple[FunctionGap, ...]) -> tuple[object, ...]:
    """Findings in file order; coverage findings in the catalog's order of functions."""
    functions = [gap.function for gap in gaps]
    function = _function(finding)
    rank = functions.index(function) if function in functions else -1
    return (*finding.order()[:4], rank, *finding.order()[4:])


def _coverage(
    workspace: Workspace, system: SystemDocs, wanted: list[str], tier: str
) -> SystemCoverage | None:
    from cardgate.frameworks.catalog import load_catalog
    from cardgate.frameworks.coverage import answers_of, compute_system_coverage
    from cardgate.frameworks.definitions import workspace_definitions

    definitions = workspace_definitions(workspace).definitions
    answers = answers_of(workspace, system, tier, definitions, set(wanted))
    if not answers.answers:
        return None
    return compute_system_coverage(load_catalog(), definitions, answers)


def _item_counts(
    coverage: SystemCoverage | None, required: Mapping[str, tuple[str, ...]]
) -> tuple[int, int]:
    """Items done (or not applicable) and items counted: those the policy requires where it
    names a subset of a checklist, else every applicable item."""
    if coverage is None:
        return 0, 0
    states = {
        (s.checklist, s.item): s.status
        for sub in coverage.subcategories
        for s in sub.items
        if s.checklist not in required or s.item in required[s.checklist]
    }
    return sum(status in COMPLETE for status in states.values()), len(states)


def _gaps(
    workspace: Workspace,
    system: SystemDocs,
    coverage: SystemCoverage,
    least: Mapping[str, float],
) -> tuple[FunctionGap, ...]:
    from cardgate.frameworks.automatic import AutomaticAnswer, automatic_answers
    from cardgate.frameworks.coverage import answered_checklists
    from cardgate.frameworks.definitions import workspace_definitions

    documents = answered_checklists(system, set(coverage.checklists))
    definitions = workspace_definitions(workspace)
    automatic: dict[str, dict[str, AutomaticAnswer]] = {}
    gaps = []
    for function in coverage.functions:
        share = least.get(function.id, 0.0)
        if share <= 0 or not function.total or function.addressed / function.total >= share:
            continue
        items: dict[tuple[str, str], OpenItem] = {}
        for sub in coverage.subcategories:
            if sub.function != function.id or sub.status == "addressed":
                continue
            for state in sub.items:
                key = (state.checklist, state.item)
                if state.status in COMPLETE or key in items:
                    continue
                document, model = documents[state.checklist]
                definition = definitions.get(state.checklist)
                question = ""
                if definition is not None and state.item in definition.items:
                    question = " ".join(definition.items[state.item].question.split())
                loaded = document.loaded
                assert loaded is not None  # answered_checklists returns valid documents
                written = state.item in model.items
                span = loaded.positions.key(("items", state.item) if written else ("items",))
                status = state.status if written else UNANSWERED
                if not written and definition is not None:
                    found = automatic.get(state.checklist)
                    if found is None:
                        found = automatic[state.checklist] = automatic_answers(
                            workspace, system, definition
                        )
                    if state.item in found:  # say what cardgate's own answer is missing
                        status = f"automatic: {found[state.item].reason}"
                items[key] = OpenItem(
                    state.checklist,
                    state.item,
                    status,
                    workspace.relative(loaded.path),
                    span.line,
                    span.column,
                    question,
                )
        # Partial answers first (the closest to done), then in the order of the file.
        ordered_items = sorted(items.values(), key=lambda i: (i.status != "partial", i.line))
        gaps.append(
            FunctionGap(
                function.id, function.addressed, function.total, share, tuple(ordered_items)
            )
        )
    return tuple(gaps)
