"""The limits of a system's card on ``--changed-since``'s ref: the floor GATE-MC005 holds
its card's limits here to (`cardgate.gate.card_limits.loosenings`). The card on the ref
is found as its risk tier is (`cardgate.gate.tiers`); a system new since the ref is held
to the removed systems' cards in a change that removes some, else to the cards of the
ref's history it came from (`cardgate.gate.tier_history.earlier_cards`).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.gate.card_limits import CardLimits, card_limits
from cardgate.gate.ref_cards import BaseCards, Earlier, base_card_paths, card_data
from cardgate.gate.tier_history import earlier_cards
from cardgate.gate.tiers import removed_cards


@dataclass(frozen=True)
class BaseLimits:
    """The limits of a system's card on the ref, as far as they can be read."""

    cards: tuple[CardLimits, ...] = ()
    unreadable: tuple[str, ...] = ()
    """Workspace-relative paths of its cards on the ref that do not validate there."""
    removed: tuple[str, ...] = ()
    """For a system new since the ref: the removed systems whose cards are its floor."""
    earlier: Earlier | None = None
    """For a system new since the ref in a change that removes none: the cards of the
    ref's history that are its floor (`cardgate.gate.tier_history.earlier_cards`)."""


def base_limits(workspace: Workspace, system: SystemDocs, base: BaseCards) -> BaseLimits:
    """The limits of the system's card on the ref: the floor of its card's here."""
    paths = base_card_paths(workspace, system, base)
    removed: tuple[str, ...] = ()
    earlier = None
    revision = None
    if paths is None:  # new since the ref, or one of the removed systems renamed
        gone = removed_cards(workspace, base)
        removed = tuple(gone)
        paths = [path for found in gone.values() for path in found]
        earlier = earlier_cards(workspace, system, base) if not gone else None
        if earlier is not None:
            paths, revision = list(earlier.paths), earlier.revision
    cards: list[CardLimits] = []
    unreadable: list[str] = []
    for relative in paths:
        data = card_data(workspace, base, relative, revision)
        try:
            cards.append(card_limits(ModelCard.model_validate(data)))
        except ValidationError:
            unreadable.append(relative)
    return BaseLimits(tuple(cards), tuple(unreadable), removed, earlier)
