"""Checklist items cardgate answers itself, from the system's own documents.

A checklist definition may say, per item, which check answers it (``answered_by``): owners
named in the model card, an evaluation set up with its artifact written, the sign-offs
recorded and current, and so on. When the system's checklist document gives no answer
for such an item, the check's verdict is its answer — ``done`` with the evidence it used
(``systems/x/model-card.yaml#owners``), or ``not-started`` with what is missing — so the
engineer does not copy into the checklist what the model card already says. A written
answer wins over the automatic one, but not against it: an item answered ``done`` or
``not-applicable`` whose check finds what it checks missing (``signoffs-current`` answered
done beside stale sign-offs, ``monitoring-planned`` not-applicable with no monitoring
section) counts as ``partial`` (`counted_status`), and GATE-CK003 says so: a checklist
could otherwise claim, and count towards coverage and the required items, what the
documents show is not there.

Automatic answers are computed, never written into the checklist: signing off therefore
never changes a document a sign-off covers, and an item answered by the sign-offs
themselves (``signoffs-current``) does not make them stale.

Every check reads documents only (the model card, datasheets, ``signoffs.yaml``, the
evaluation artifact's presence): whether the evaluation's numbers meet its thresholds
stays the gate's decision (GATE-FA001..FA003).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from cardgate.documents.placeholders import is_missing
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.signoffs import (
    artifact_path,
    genai_artifacts,
    read_signoffs,
    signed_documents,
    staleness,
)
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.frameworks.definitions import Definition

AutomaticStatus = Literal["done", "not-started"]


@dataclass(frozen=True)
class AutomaticAnswer:
    """The answer cardgate gives an item from the documents, and what it rests on."""

    item: str
    check: str
    status: AutomaticStatus
    evidence: tuple[str, ...]
    """Workspace-relative paths, with ``#section`` when the evidence is part of a file."""
    reason: str
    """What holds, or what is missing (shown by coverage and status)."""


CLAIMS_COMPLETE = frozenset({"done", "not-applicable"})
"""Written statuses that claim the item needs nothing more."""
CONTRADICTED = "partial"
"""What such a claim counts as where the item's check finds something missing."""


SIGNING_CHECKS = frozenset({"signoffs-current"})
"""Checks whose failure the sign-off rules report (GATE-SO001, SO002), signing settles,
and a contradicted answer need not repeat (it still counts as `CONTRADICTED`)."""


def contradicts(written: str, automatic: AutomaticAnswer | None) -> bool:
    """Whether the item's check finds missing what a written answer claims complete."""
    return automatic is not None and automatic.status != "done" and written in CLAIMS_COMPLETE


def counted_status(written: str | None, automatic: AutomaticAnswer | None) -> str | None:
    """The status an item counts as: its written answer, capped at `CONTRADICTED` where its
    check contradicts it; the automatic answer where none is written (None: neither)."""
    if written is None:
        return automatic.status if automatic is not None else None
    return CONTRADICTED if contradicts(written, automatic) else written


@dataclass(frozen=True)
class _Verdict:
    holds: bool
    evidence: tuple[str, ...]
    reason: str


_Check = Callable[[Workspace, SystemDocs, ModelCard, str], _Verdict]


def automatic_answers(
    workspace: Workspace,
    system: SystemDocs,
    definition: Definition,
    cache: dict[Any, Any] | None = None,
) -> dict[str, AutomaticAnswer]:
    """Item id -> automatic answer, for the items of `definition` with ``answered_by``
    (kept in `cache`, when given, for the rules of one gate run that each need them)."""
    key = f"automatic-answers:{system.id}:{definition.id}"
    if cache is not None and key in cache:
        found: dict[str, AutomaticAnswer] = cache[key]
        return found
    answers = _answers(workspace, system, definition)
    if cache is not None:
        cache[key] = answers
    return answers


def _answers(
    workspace: Workspace, system: SystemDocs, definition: Definition
) -> dict[str, AutomaticAnswer]:
    card = system.model_card
    found: dict[str, AutomaticAnswer] = {}
    verdicts: dict[str, _Verdict] = {}
    for item in definition.model.items:
        check = item.answered_by
        if check is None:
            continue
        verdict = verdicts.get(check)
        if verdict is None:
            if card is None or system.card is None or system.card.loaded is None:
                verdict = _Verdict(False, (), "the model card does not validate")
            else:
                where = workspace.relative(system.card.loaded.path)
                verdict = CHECKS[check](workspace, system, card, where)
            verdicts[check] = verdict
        status: AutomaticStatus = "done" if verdict.holds else "not-started"
        found[item.id] = AutomaticAnswer(item.id, check, status, verdict.evidence, verdict.reason)
    return found


def _filled(value: Any) -> bool:
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True)
    return not is_missing(value)


def _owners_named(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    named = [o for o in card.owners if _filled(o.name) and _filled(o.role)]
    if named and len(named) == len(card.owners):
        roles = "; ".join(f"{owner.name} ({owner.role})" for owner in named)
        return _Verdict(True, (f"{where}#owners",), f"owners named with their roles: {roles}")
    return _Verdict(False, (), "the model card's owners are not all named with a role")


def _sections(card: ModelCard, where: str, names: tuple[str, ...], what: str) -> _Verdict:
    missing = [name for name in names if not _filled(_value(card, name))]
    if missing:
        return _Verdict(False, (), f"{', '.join(missing)} not filled in on the model card")
    return _Verdict(True, tuple(f"{where}#{name}" for name in names), f"{what} in the model card")


def _value(model: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        model = getattr(model, part, None)
    return model


def _intended_use(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    names = (
        "intended_use.primary_uses",
        "intended_use.primary_users",
        "intended_use.out_of_scope_uses",
    )
    return _sections(card, where, names, "intended uses, users and out-of-scope uses")


def _limitations(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    return _sections(card, where, ("assumptions", "limitations"), "assumptions and limitations")


def _rollback(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    return _sections(card, where, ("monitoring.rollback",), "a rollback plan")


def _risk_register(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    risks = card.risks or []
    if not risks:
        return _Verdict(False, (), "the model card has no risk register")
    open_ = [r.id for r in risks if not (_filled(r.owner) and _filled(r.mitigation))]
    if open_:
        return _Verdict(False, (), f"risks without owner or mitigation: {', '.join(open_)}")
    return _Verdict(True, (f"{where}#risks",), f"{len(risks)} risks with owners and mitigations")


def _inventory(ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    evidence = [f"{where}#owners", f"{where}#risk_tier", f"{where}#lifecycle_stage"]
    if not all(_filled(owner.name) for owner in card.owners):
        return _Verdict(False, (), "the model card's owners are not all named")
    for section in (card.training_data, card.evaluation_data):
        for ref in section.datasets if section is not None else ():
            dataset = ws.datasets.get(ref.dataset)
            sheet = dataset.sheet if dataset is not None else None
            if sheet is None or sheet.loaded is None or dataset is None or not dataset.datasheet:
                return _Verdict(False, (), f"dataset '{ref.dataset}' has no valid datasheet")
            shown = ws.relative(sheet.loaded.path)
            if shown not in evidence:
                evidence.append(shown)
    return _Verdict(True, tuple(evidence), "owner, risk tier, lifecycle stage and datasheets")


def _evaluation(ws: Workspace, system: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    settings = card.evaluation
    if settings is None and card.genai is not None and card.genai.evaluated():
        return _genai_evaluation(ws, system, card, where)
    if settings is None:
        return _Verdict(False, (), "the model card has no evaluation section")
    if not settings.thresholds:
        return _Verdict(False, (), "the evaluation section sets no thresholds")
    artifact = artifact_path(ws, system, card)
    if artifact is None or not artifact.is_file():
        return _Verdict(False, (), f"no evaluation artifact yet: cardgate evaluate {system.id}")
    return _Verdict(
        True,
        (f"{where}#evaluation", ws.relative(artifact)),
        f"evaluated by {', '.join(settings.feature_names())} against "
        f"{len(settings.thresholds)} thresholds",
    )


def _genai_evaluation(ws: Workspace, system: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    """A GenAI system's evaluation is its retrieval and generation evaluations (as for
    GATE-FA001), and the safety and operations evaluations its card has: each with its
    artifact written, and thresholds on at least one."""
    evaluations = genai_artifacts(ws, system, card)
    if not any(settings.thresholds for _, settings, _ in evaluations):
        return _Verdict(False, (), "the GenAI evaluations set no thresholds")
    missing = [
        (name, settings.artifact)
        for name, settings, path in evaluations
        if path is None or not path.is_file()
    ]
    if missing:
        files = " or ".join(artifact for _, artifact in missing)
        commands = "; ".join(f"cardgate evaluate-{name} {system.id}" for name, _ in missing)
        return _Verdict(False, (), f"no {files} yet: {commands}")
    names = [name for name, _, _ in evaluations]
    count = sum(len(settings.thresholds) for _, settings, _ in evaluations)
    shown = ", ".join(names[:-1]) + f" and {names[-1]}" if len(names) > 1 else names[0]
    return _Verdict(
        True,
        (
            *(f"{where}#genai.{name}_evaluation" for name in names),
            *(ws.relative(path) for _, _, path in evaluations if path is not None),
        ),
        f"evaluated by {shown} against {count} thresholds",
    )


def _signoffs(ws: Workspace, system: SystemDocs, _card: ModelCard, _where: str) -> _Verdict:
    document = read_signoffs(system)
    model = document.model
    if model is None or not model.signoffs:
        return _Verdict(False, (), f"no sign-off recorded yet: cardgate sign {system.id}")
    latest = {signoff.role: signoff for signoff in model.signoffs}
    current = signed_documents(ws, system)
    stale = sorted(role for role, s in latest.items() if staleness(s, current).stale)
    if stale:
        roles = ", ".join(stale)
        return _Verdict(False, (), f"the {roles} sign-off is stale: cardgate sign {system.id}")
    shown = ws.relative(document.path)
    return _Verdict(
        True,
        tuple(f"{shown}#{role}" for role in sorted(latest)),
        f"signed off by {', '.join(sorted(latest))}, covering the documents as they are",
    )


def _described(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    names = (
        "model_details.description",
        "model_details.developers",
        "model_details.model_version",
        "intended_use.primary_uses",
    )
    return _sections(card, where, names, "purpose, provider and version")


def _metrics(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    names = ("metrics.performance_measures", "metrics.decision_thresholds")
    return _sections(card, where, names, "the performance measures and thresholds, with reasons")


def _training_data(ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    refs = [ref for _, ref in card.dataset_references()]
    if not refs:
        return _Verdict(False, (), "the model card names no training or evaluation data")
    evidence = [f"{where}#training_data"] if card.training_data is not None else []
    for ref in refs:
        dataset = ws.datasets.get(ref.dataset)
        sheet = dataset.sheet if dataset is not None else None
        if dataset is None or sheet is None or sheet.loaded is None or not dataset.datasheet:
            return _Verdict(False, (), f"dataset '{ref.dataset}' has no valid datasheet")
        if dataset.datasheet.contract is None:
            return _Verdict(False, (), f"the datasheet of '{ref.dataset}' has no data contract")
        shown = ws.relative(sheet.loaded.path)
        if shown not in evidence:
            evidence.append(shown)
    if card.training_data is None:
        return _Verdict(False, (), "the model card has no training_data section")
    return _Verdict(True, tuple(evidence), "every dataset has a datasheet with a data contract")


def _evaluation_signed(ws: Workspace, system: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    evaluated = _evaluation(ws, system, card, where)
    if not evaluated.holds:
        return evaluated
    signed = _signoffs(ws, system, card, where)
    if not signed.holds:
        return signed
    return _Verdict(
        True, evaluated.evidence + signed.evidence, f"{evaluated.reason}; {signed.reason}"
    )


def _monitoring(_ws: Workspace, _sys: SystemDocs, card: ModelCard, where: str) -> _Verdict:
    names = ("monitoring.metrics", "monitoring.owner", "monitoring.rollback")
    return _sections(card, where, names, "monitored metrics with thresholds, an owner and rollback")


CHECKS: dict[str, _Check] = {
    "owners-named": _owners_named,
    "inventory-entry": _inventory,
    "intended-use-documented": _intended_use,
    "limitations-documented": _limitations,
    "risk-register": _risk_register,
    "evaluation-present": _evaluation,
    "rollback-planned": _rollback,
    "signoffs-current": _signoffs,
    "system-described": _described,
    "training-data-documented": _training_data,
    "evaluation-signed": _evaluation_signed,
    "metrics-explained": _metrics,
    "monitoring-planned": _monitoring,
}
"""Every automatic check by the name a definition's ``answered_by`` gives."""
