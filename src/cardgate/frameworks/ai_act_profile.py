"""A model card's EU AI Act profile (`ai_act:`) checked against the AI Act catalog cardgate
ships and against the card's risk tier: CG140 in `cardgate validate`, blocking through
GATE-DOC001.

- the Annex III point must be a point of the catalog (`5(b)`), and a lettered one where
  the area has lettered points (`5` alone does not say which);
- a high-risk profile with a risk tier below ``high`` contradicts itself: the tier decides
  what the release policy demands.
"""

from __future__ import annotations

import re

from cardgate.core.problems import Problem
from cardgate.documents.schemas.ai_act import AiActProfile
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import Catalog
from cardgate.frameworks.registry import load_framework

AI_ACT_PROFILE = "CG140"
"""A model card's AI Act profile names a point the catalog lacks, or contradicts the tier."""

AI_ACT_FRAMEWORK = "eu-ai-act-2024-1689"
LOW_TIERS = frozenset({"minimal", "limited"})
"""Risk tiers below `high`: a high-risk profile at these tiers is a contradiction."""


def annex_iii_id(point: str) -> str:
    """The catalog id of an Annex III point as cited: '5(b)' -> 'annex-iii-5-b'."""
    found = re.fullmatch(r"(\d+)(?:\(([a-z])\))?", point.strip())
    if found is None:
        return "annex-iii-" + point
    number, letter = found.groups()
    return f"annex-iii-{number}" + (f"-{letter}" if letter else "")


def annex_iii_points(catalog: Catalog) -> list[str]:
    """Every Annex III point a profile may name, as cited ('2', '5(b)'), in catalog order."""
    points: list[str] = []
    for entry in catalog.provisions.values():
        if entry.parent == "annex-iii" and entry.level == "point":
            number = entry.label.strip().rstrip(".")
            letters = [
                child.label.strip()
                for child in catalog.provisions.values()
                if child.parent == entry.id and child.level == "subpoint"
            ]
            points.extend([f"{number}{letter}" for letter in letters] if letters else [number])
    return points


def profile_basis(profile: AiActProfile) -> str:
    """Why the profile is (or is not) high-risk, as cited: 'Annex III, point 5(b)'."""
    if profile.derogation is not None:
        return (
            f"Annex III, point {profile.annex_iii}; Article 6(3) derogation, "
            f"point ({profile.derogation.condition})"
        )
    if profile.annex_iii is not None:
        return f"Annex III, point {profile.annex_iii}"
    if profile.annex_i is not None:
        return f"Annex I: {profile.annex_i}"
    return "not high-risk"


def ai_act_profile_problems(workspace: Workspace) -> list[Problem]:
    """A problem at each Annex III point the catalog does not have and at each risk tier
    below `high` of a high-risk profile."""
    problems: list[Problem] = []
    points: list[str] | None = None
    for system in workspace.systems.values():
        card = system.model_card
        loaded = system.card.loaded if system.card is not None else None
        if card is None or loaded is None or card.ai_act is None:
            continue
        profile = card.ai_act
        if profile.annex_iii is not None:
            if points is None:
                points = annex_iii_points(load_framework(AI_ACT_FRAMEWORK))
            if profile.annex_iii not in points:
                under = [p for p in points if p.startswith(profile.annex_iii + "(")]
                problems.append(
                    Problem.at(
                        loaded.display,
                        loaded.positions.value(("ai_act", "annex_iii")),
                        AI_ACT_PROFILE,
                        f"Annex III has no point '{profile.annex_iii}'"
                        + (" without its letter" if under else ""),
                        hint=(
                            "name the lettered point: " + ", ".join(under)
                            if under
                            else "the points of Annex III: " + ", ".join(points)
                        ),
                    )
                )
        if profile.high_risk and card.risk_tier in LOW_TIERS:
            problems.append(
                Problem.at(
                    loaded.display,
                    loaded.positions.value(("risk_tier",)),
                    AI_ACT_PROFILE,
                    f"risk tier '{card.risk_tier}' for a system the AI Act profile says is "
                    f"high-risk ({profile_basis(profile)})",
                    hint="set risk_tier: high, or correct the profile under ai_act:",
                )
            )
    return problems
