"""What is left before a system may ship, as the pages show it: one action per open
finding of the gate, with who must act, by when, and how.

The findings and their verdicts are the gate's (`GateResult`); this module only says them
in a reader's words: the deciding findings first (the evaluation and the data before the
paperwork), the person from the model card or datasheet whose role fits the rule, the
date a waiver runs out or a review falls due, and the command that clears the finding
(the gate's hint, else the rule's remediation). When `cardgate status` (issue 16) gives
the ordered list of what is left, `system_actions` renders that list instead.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cardgate.documents.schemas.base import Person
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.evaluation.decide import Verdict
from cardgate.gate.result import Finding
from cardgate.gate.rule_meta import RuleMeta
from cardgate.gate.status import OTHER, STEPS, step_of
from cardgate.site.plain_words import finding_verdict, threshold_sentence
from cardgate.site.view_model import SiteModel, SystemView

WAIVER_WARNING_DAYS = 30
"""A waiver that runs out within this many days is flagged on every page that shows it."""


_ROLE = re.compile(r"--role\s+([A-Za-z0-9._-]+)")
_DATASET = re.compile(r"^datasets/([^/]+)/")


@dataclass(frozen=True)
class Action:
    """One thing to do before the system may ship."""

    system: str
    code: str
    rule: str
    what: str
    who: str
    how: str
    where: str
    blocking: bool
    due: dt.date | None = None
    due_note: str = ""
    waived_until: dt.date | None = None
    plain: bool = field(default=False, compare=False)
    """True when `what` was rewritten in plain words from the evaluation's numbers."""


_STEPS = (*STEPS, OTHER)


@functools.lru_cache(maxsize=1024)  # a few dozen codes, sorted by tens of thousands of times
def family_rank(code: str) -> int:
    """The order of `cardgate status` (one order for what is left, in the terminal and on
    the site): documents, model card, data, evaluation, thresholds, checklists, review,
    sign-offs; the measured behaviour and the data before the paperwork."""
    return _STEPS.index(step_of(code))


def system_actions(model: SiteModel, system: SystemView) -> list[Action]:
    """Every open finding of the system as an action: blocking first, deciding first."""
    remediation = _remediations(model)
    names = {rule.code: rule.name for rule in model.gate.rules}
    findings = sorted(
        model.gate.findings(system.id),
        key=lambda f: (not f.blocking, family_rank(f.code), f.code, f.path, f.line, f.message),
    )
    actions = [
        _action(model, system, finding, remediation, names.get(finding.code, finding.name))
        for finding in findings
    ]
    for finding in model.gate.waived(system.id):
        waiver = finding.waiver
        if waiver is None:
            continue
        actions.append(
            Action(
                system=system.id,
                code=finding.code,
                rule=names.get(finding.code, finding.name),
                what=finding.message,
                who=_owner(system.card),
                how=f"fix it before the waiver runs out ({waiver.approver} approved it)",
                where=_where(finding),
                blocking=False,
                due=waiver.expires,
                due_note="waiver expires",
                waived_until=waiver.expires,
            )
        )
    return actions


def _action(
    model: SiteModel,
    system: SystemView,
    finding: Finding,
    remediation: Mapping[str, str],
    rule_name: str,
) -> Action:
    decided = (
        finding_verdict(finding, model.gate.verdict(system.id))
        if finding.code == "GATE-FA003"
        else None
    )
    plain = threshold_sentence(system, decided)
    due, note = _due(model, system, finding)
    who = _who(model, system, finding)
    how = _how(system, finding, remediation, decided)
    named = _named(system, finding)
    if named and '--name "NAME"' in how:
        how = how.replace('--name "NAME"', f'--name "{named}"')
    return Action(
        system=system.id,
        code=finding.code,
        rule=rule_name,
        what=plain or finding.message,
        who=who,
        how=how,
        where=_where(finding),
        blocking=finding.blocking,
        due=due,
        due_note=note,
        plain=plain is not None,
    )


def _where(finding: Finding) -> str:
    if not finding.path:
        return ""
    where = f"{finding.path}:{finding.line}:{finding.column}"
    return f"{where} ({finding.location})" if finding.location else where


def _remediations(model: SiteModel) -> dict[str, str]:
    """Rule code -> the first sentence of its documented remediation."""
    return _remediation_map(tuple(model.gate.rules))


@functools.lru_cache(maxsize=4)
def _remediation_map(rules: tuple[RuleMeta, ...]) -> dict[str, str]:
    found = {}
    for rule in rules:
        text = rule.sections().get("Remediation", "").strip()
        if text:
            first = re.split(r"(?<=\.)\s|;\s+or\b", text, maxsplit=1)[0].rstrip(";.")
            found[rule.code] = first.replace("``", "") + "."
    return found


_MORE_DATA = (
    "Evaluate on more data: the interval straddles the limit, or a group is smaller than "
    "the minimum group size."
)


def _how(
    system: SystemView,
    finding: Finding,
    remediation: Mapping[str, str],
    decided: Verdict | None = None,
) -> str:
    if finding.hint and decided is None:  # a threshold's verdict: the plainer words below
        return finding.hint
    advice = remediation.get(finding.code, "")
    if decided is not None and decided.state == "inconclusive":
        advice = _MORE_DATA
    elif decided is not None:  # its remediation's first clause: what to do when beyond
        advice = advice.split("; ", 1)[0].rstrip(".") + "."
    if finding.code.startswith("GATE-FA"):
        command = f"cardgate evaluate {system.id}"
        return f"{advice} Then run: {command}" if advice else f"re-run: {command}"
    return advice


# --- who ----------------------------------------------------------------------------------------


def _person(person: Person) -> str:
    return f"{person.name}, {person.role}" if person.role else person.name


def _owner(card: ModelCard | None) -> str:
    """The system's model owner: the owner whose role says so, else the first owner."""
    if card is None or not card.owners:
        return "the system's owner (the model card cannot be read)"
    for person in card.owners:
        if person.role and "owner" in person.role.lower() and "risk" not in person.role.lower():
            return _person(person)
    return _person(card.owners[0])


def role_holder(card: ModelCard | None, role: str) -> str:
    """The person of the model card whose role names `role` (legal, risk, owner...)."""
    if role == "owner":
        return _owner(card)
    for person in card.owners if card is not None else []:
        if person.role and role.lower() in person.role.lower():
            return _person(person)
    return f"whoever signs as {role} (no owner with that role on the model card)"


def _named(system: SystemView, finding: Finding) -> str:
    """The name to sign with, when the model card names the person holding the role."""
    role = _ROLE.search(finding.hint or "")
    if role is None or system.card is None:
        return ""
    wanted = role.group(1).lower()
    for person in system.card.owners:
        words = (person.role or "").lower()
        if wanted in words and (wanted != "owner" or "risk" not in words):
            return person.name
    return ""


def _who(model: SiteModel, system: SystemView, finding: Finding) -> str:
    card = system.card
    if finding.code.startswith("GATE-SO"):
        role = _ROLE.search(finding.hint or "")
        if role is not None:
            return role_holder(card, role.group(1))
    if finding.code.startswith(("GATE-DC", "GATE-DS")):
        match = _DATASET.match(finding.path)
        if match is not None:
            for dataset in model.datasets:
                if dataset.id == match.group(1) and dataset.sheet is not None:
                    return "; ".join(_person(p) for p in dataset.sheet.owners)
    if finding.code.startswith("GATE-SO") or finding.code.startswith("GATE-WV"):
        return role_holder(card, "risk")
    return _owner(card)


# --- when ---------------------------------------------------------------------------------------


_LAST = dt.date.max.toordinal()
"""A review dated near 9999-12-31 (GATE-FR001: in the future) has no due date after it."""


def _due(model: SiteModel, system: SystemView, finding: Finding) -> tuple[dt.date | None, str]:
    if finding.code == "GATE-FR001" and system.card is not None and model.policy is not None:
        limit = model.policy.for_tier(system.card.risk_tier).max_review_age_days
        reviewed = system.card.last_reviewed
        if limit is not None and reviewed is not None and reviewed.toordinal() + limit <= _LAST:
            return reviewed + dt.timedelta(days=limit), "review was due"
    if finding.blocking:
        return None, "before release"
    return None, ""


def expiry_note(expires: dt.date, today: dt.date) -> tuple[str, str]:
    """('expired' | 'soon' | 'ok', words) for a waiver's expiry date seen on `today`."""
    days = (expires - today).days
    if days < 0:
        return "expired", f"expired {-days} day{'s' if days != -1 else ''} ago"
    if days <= WAIVER_WARNING_DAYS:
        return "soon", f"expires in {days} day{'s' if days != 1 else ''}"
    return "ok", f"{days} days left"


def portfolio_actions(
    model: SiteModel, by_system: Mapping[str, Sequence[Action]] | None = None
) -> list[Action]:
    """Every system's actions, blocking ones first, then by due date and system."""
    if by_system is None:
        by_system = {system.id: system_actions(model, system) for system in model.systems}
    actions = [action for found in by_system.values() for action in found]
    return sorted(
        actions,
        key=lambda a: (not a.blocking, a.due or dt.date.max, family_rank(a.code), a.system),
    )


_TITLES = {
    "GATE-FA003": "Fairness or performance limit not met",
    "GATE-FA004": "Worse than the approved baseline",
    "GATE-FA001": "Evaluation missing",
    "GATE-FA002": "Evaluation out of date",
    "GATE-DC001": "Data not checked",
    "GATE-DC002": "Data check out of date",
    "GATE-DC003": "Data breaks its contract",
    "GATE-DC004": "Data version differs from the pinned one",
    "GATE-DS001": "Datasheet incomplete",
    "GATE-MC001": "Model card not filled in",
    "GATE-MC002": "Model card sections missing",
    "GATE-MC003": "Risk tier does not allow release",
    "GATE-FR001": "Review overdue",
    "GATE-SO001": "Sign-offs missing",
    "GATE-SO002": "Sign-offs out of date",
    "GATE-CK001": "Checklist not answered",
    "GATE-CK002": "NIST AI RMF coverage below the policy's minimum",
    "GATE-CK003": "Checklist answers incomplete or without evidence",
    "GATE-DOC001": "Documents invalid",
    "GATE-DOC002": "No documents found",
    "GATE-DOC003": "Model card cannot be read",
    "GATE-MC004": "Documents not yet at the required status",
    "GATE-FA005": "Sensitive features without a threshold",
    "GATE-CK004": "Required checklist items not answered",
    "GATE-ART001": "Artifact does not match its inputs",
    "GATE-SO003": "Sign-offs not verified",
    "GATE-POL001": "Policy weaker than the baseline",
    "GATE-POL002": "Policy tries to weaken an integrity rule",
    "GATE-WV001": "Waiver invalid or expired",
    "GATE-WV002": "Waiver matches nothing",
    "GATE-INT001": "A gate rule crashed",
}


def deciding_groups(actions: Sequence[Action], *, per_group: int = 2) -> list[dict[str, Any]]:
    """The blocking actions by rule, deciding rule first, each with its first entries."""
    groups: dict[str, dict[str, Any]] = {}
    for action in actions:
        if not action.blocking:
            continue
        group = groups.setdefault(
            action.code,
            {
                "code": action.code,
                "title": _TITLES.get(action.code, action.rule or action.code),
                "entries": [],
                "count": 0,
            },
        )
        group["count"] += 1
        if len(group["entries"]) < per_group:
            group["entries"].append(action)
    return list(groups.values())
