"""From when each AI Act obligation applies to a system, under a schedule of application
dates (``application_dates`` of the AI Act in ``checklists/frameworks/frameworks.yaml``,
taken from Article 113 as the reference data quotes it).

A high-risk system's obligations apply from the date of its basis (Annex III or Annex I;
the earlier when the profile gives both); an obligation with a date of its own
(``dated_obligations``: Article 50) applies from that date whatever the basis. A
checklist item is dated by the provisions it maps to (``maps_to`` of an AI Act checklist,
``also_maps_to`` of another): the earliest of their dates, so that an item serving an
obligation that applies already is asked for already (fail closed). The gate (GATE-CK001,
GATE-CK004) and ``cardgate status`` decide here what is not yet due. Light: data only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cardgate.documents.schemas.ai_act import AiActProfile
from cardgate.documents.schemas.checklist_definition import ChecklistDefinition, ChecklistItem
from cardgate.frameworks.registry import application_dates, framework_id, framework_index

AI_ACT = "eu-ai-act"
BASES = (("annex-iii", "Annex III"), ("annex-i", "Annex I"))


@dataclass(frozen=True)
class AppliesFrom:
    """The date from which an obligation applies, and what it is, in words."""

    date: dt.date
    obligations: str
    """E.g. "the obligations of an Annex III high-risk system", "the Article 50
    transparency obligations"."""
    schedule: str


def _dated_obligations() -> Mapping[str, Mapping[str, Any]]:
    entry = framework_index()[framework_id(AI_ACT)]
    found: Mapping[str, Mapping[str, Any]] = entry.get("dated_obligations") or {}
    return found


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(str(value))


def basis_applies_from(profile: AiActProfile, schedule: str) -> AppliesFrom | None:
    """From when the obligations of the system's high-risk basis apply under `schedule`
    (its Annex III point, else its Annex I legislation; the earlier when both); None when
    the profile is not high-risk or gives no basis the schedule dates."""
    if not profile.high_risk:
        return None
    dates = application_dates(AI_ACT, schedule)
    given = {"annex-iii": profile.annex_iii, "annex-i": profile.annex_i}
    found = [
        AppliesFrom(_date(dates[key]), f"the obligations of an {label} high-risk system", schedule)
        for key, label in BASES
        if given[key] is not None and key in dates
    ]
    return min(found, key=lambda applies: applies.date) if found else None


def obligation_applies_from(key: str, schedule: str) -> AppliesFrom | None:
    """From when the obligation `key` of ``dated_obligations`` applies (None: undated)."""
    dates = application_dates(AI_ACT, schedule)
    entry = _dated_obligations().get(key)
    if entry is None or key not in dates:
        return None
    return AppliesFrom(_date(dates[key]), str(entry.get("title", key)), schedule)


def _provisions(item: ChecklistItem, definition: ChecklistDefinition) -> list[str]:
    """The AI Act provisions `item` maps to."""
    ai_act = framework_id(AI_ACT)
    found = list(item.maps_to) if definition.framework == ai_act else []
    return found + list((item.also_maps_to or {}).get(ai_act, []))


def _key_of(provision: str) -> str | None:
    for key, entry in _dated_obligations().items():
        for prefix in entry.get("provisions") or []:
            if provision == prefix or provision.startswith(f"{prefix}-"):
                return str(key)
    return None


def item_applies_from(
    item: ChecklistItem, definition: ChecklistDefinition, profile: AiActProfile, schedule: str
) -> AppliesFrom | None:
    """From when `item` applies to a system with this profile under `schedule`; None when
    it is not dated (an item of no AI Act provision, or no basis the schedule dates)."""
    provisions = _provisions(item, definition)
    if not provisions:
        return None
    basis = basis_applies_from(profile, schedule)
    found: list[AppliesFrom] = []
    for provision in provisions:
        key = _key_of(provision)
        dated = obligation_applies_from(key, schedule) if key is not None else basis
        if dated is None:  # an undated provision applies now: so does the item
            return None
        found.append(dated)
    return min(found, key=lambda applies: applies.date)


def pending_items(
    definition: ChecklistDefinition,
    items: tuple[ChecklistItem, ...],
    profile: AiActProfile,
    schedule: str,
    today: dt.date,
) -> dict[str, AppliesFrom]:
    """The `items` of `definition` that do not apply yet on `today`, with their date."""
    pending = {}
    for item in items:
        applies = item_applies_from(item, definition, profile, schedule)
        if applies is not None and applies.date > today:
            pending[item.id] = applies
    return pending
