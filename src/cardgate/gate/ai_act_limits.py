"""A card's EU AI Act profile against the card on ``--changed-since``'s ref (GATE-MC005),
where the policy requires the AI Act checklists of a high-risk system (GATE-CK001's
``ai_act_provider_checklist`` / ``ai_act_deployer_checklist``: the
``eu-ai-act-high-risk`` preset sets them).

The card's ``ai_act:`` section decides which of those checklists the gate asks for:
``high_risk: true`` and a role (provider, deployer) name them, and the high-risk basis
(an Annex III point, Annex I legislation) dates when their obligations apply under the
policy's schedule (before then the checklist is not yet due). A change can therefore
drop them without touching the policy or the risk tier: the section removed,
``high_risk: false`` (with an Article 6(3) derogation), the provider role dropped, or an
Annex III point replaced by Annex I legislation, whose obligations apply a year later.
Each demands less than the card the classification was reviewed under, as a lowered risk
tier does (GATE-MC003); a stricter profile is no finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.ai_act import AiActProfile

WHERE: DataPath = ("ai_act",)
ROLES = ("provider", "deployer")
"""The roles whose AI Act checklist the policy may require."""


def ai_act_loosened(
    floors: Iterable[AiActProfile | None],
    now: AiActProfile | None,
    ref: str,
    *,
    checklists: dict[str, str],
    schedule: str | None,
) -> list[tuple[DataPath, str]]:
    """(where, message) for each way the profile `now` asks for fewer AI Act checklists,
    or later, than a high-risk profile of a card on `ref` (`floors`). `checklists`: the
    policy's checklist per role; `schedule`: its AI Act schedule (None: not dated)."""
    high = [floor for floor in floors if floor is not None and floor.high_risk]
    if not high or not checklists:
        return []
    if now is None or not now.high_risk:
        said = "has no ai_act: section" if now is None else "says high_risk: false"
        message = (
            f"ai_act: the card on {ref} classifies the system as high-risk under the AI Act, "
            f"this one {said}: the AI Act checklists the policy requires of a high-risk "
            "system are no longer asked for (AI Act profile lowered)"
        )
        return [(WHERE, message)]
    found: list[tuple[DataPath, str]] = []
    dropped = [
        role
        for role in ROLES
        if role in checklists and role not in now.roles and any(role in f.roles for f in high)
    ]
    for role in dropped:
        message = (
            f"ai_act.roles: '{role}' on {ref}, not here: the checklist "
            f"'{checklists[role]}' the policy requires of a high-risk system's {role} is no "
            "longer asked for (role dropped)"
        )
        found.append(((*WHERE, "roles"), message))
    if schedule is not None:
        was = _applies_from(high, schedule)
        is_now = _applies_from([now], schedule)
        if was is not None and (is_now is None or is_now > was):
            when = "no date" if is_now is None else f"{is_now.isoformat()} here"
            message = (
                f"ai_act: the obligations of the system's high-risk basis apply from "
                f"{was.isoformat()} on {ref}, {when} under the policy's schedule "
                f"'{schedule}': its AI Act checklists are due later (basis changed)"
            )
            found.append((WHERE, message))
    return found


def _applies_from(profiles: Iterable[AiActProfile], schedule: str) -> dt.date | None:
    """The earliest date the obligations of the profiles' high-risk bases apply from."""
    from cardgate.frameworks.obligation_dates import basis_applies_from

    dates = [
        applies.date
        for profile in profiles
        if (applies := basis_applies_from(profile, schedule)) is not None
    ]
    return min(dates, default=None)
