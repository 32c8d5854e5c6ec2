"""The risk tier a system is gated under: its card's, or, with ``--changed-since REF``, the
stricter tier its card had on REF (a lowered tier counts only once merged).

The risk tier decides what the gate demands — which sign-offs, whether only SSH-signed
ones count, which checklist items, how old a review may be. Lowering it is a one-line
change of the model card: ``risk_tier: limited`` instead of ``high`` drops the legal and
risk sign-offs and lets an unsigned ``cardgate sign --name`` stand in for the owner's. As
with who may sign (`cardgate.gate.signatures`: a signer added in the same change does not
count), the change that lowers a tier is not gated under the tier it sets: with
``--changed-since REF`` a system whose card on REF had a stricter tier is gated under
that tier, and GATE-MC003 says so. The card on REF is looked for under
both its names (``model-card.yaml``, ``.yml``) in the system's folder, and in REF's
``systems_dir`` when the change moved it: renaming the card or the systems' folder does
not shed its tier. A card that REF cannot read (a file that does not parse, a tier that
is not one) was gated as ``high`` there, and is here. A system with no card on REF is new,
or is one renamed (its folder is its id): in a change that also removes systems, a new
system is gated under the strictest tier of the removed ones, since nothing tells a
rename from a removal and an addition (retiring one system and adding another is two
changes). A system new since REF whose id had a card earlier in REF's history, removed
by a change merged before (retired by deleting its folder, then added again under a
lower tier in the next change), is gated under the tier that card had before the
removal (`earlier_cards`): removing a system and adding it back is no way to change its
tier. Nor is copying one: a new system whose card names the outputs of a system on REF
(its predictions file, retrieval run, judged score files or run log: the same file, or a
file with the same bytes) is gated under that system's tier. Any other new system in a
change that removes none sets no floor (a copy whose outputs differ by one byte is one):
without a base, the review of the change is the defence, as for the policy and the
signers (docs/security.md). The ref's cards are listed once per run (`base_cards`, one ``git
ls-tree``) and only a card whose bytes differ from the ref's is read there: a change of
the policy, which gates every system, reads no card (the removed systems' cards, and the
outputs every card names, are read once, and only for a system new since the ref).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from cardgate.documents.schemas.base import RiskTier
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.gate.ref_cards import BaseCards, Earlier, base_card_paths, card_data
from cardgate.gate.tier_history import earlier_cards

ORDER: tuple[str, ...] = get_args(RiskTier)
"""Least to most demanding: minimal, limited, high, unacceptable."""
NEVER_RELEASED = "unacceptable"
"""The tier whose systems are never released (GATE-MC003, in release mode)."""
UNREADABLE = "high"
"""The tier of a card that cannot be read (`cardgate.gate.policy.UNKNOWN_TIER`)."""


@dataclass(frozen=True)
class GatedTier:
    """The tier a system is gated under, and the card's own when that is lower."""

    tier: str | None
    """None: the card does not validate (the policy's unknown tier applies)."""
    written: str | None = None
    """The card's tier when `tier` is the base's stricter one (else None)."""
    removed: tuple[str, ...] = ()
    """The systems on the ref, gone here, whose tier `tier` is: a new system in a change
    that removes one (else empty)."""
    earlier: Earlier | None = None
    """The cards in the ref's history whose tier `tier` is: a new system held to them
    (`earlier_cards`), else None."""


def gated_tier(workspace: Workspace, system: SystemDocs, base: BaseCards | None) -> GatedTier:
    """The tier `system` is gated under, against the cards on ``--changed-since``'s ref."""
    card = system.model_card
    written = card.risk_tier if card is not None else None
    if written is None or base is None:
        return GatedTier(written)
    before = base_tier(workspace, system, base)
    removed: tuple[str, ...] = ()
    earlier = None
    gone = removed_systems(workspace, base) if before is None else {}
    if gone:
        before = max(gone.values(), key=ORDER.index)
        removed = tuple(key for key, tier in gone.items() if tier == before)
    elif before is None:
        earlier = earlier_cards(workspace, system, base)
        if earlier is not None:
            before = _strictest(workspace, base, list(earlier.paths), earlier.revision)
    if before is not None and ORDER.index(before) > ORDER.index(written):
        return GatedTier(before, written, removed, earlier)
    return GatedTier(written)


def removed_systems(workspace: Workspace, base: BaseCards) -> dict[str, str]:
    """System id -> strictest risk tier on the ref, of the systems whose cards are on the
    ref and whose folders are gone here (read once per run)."""
    if base.removed is None:
        base.removed = {
            key: _strictest(workspace, base, paths)
            for key, paths in removed_cards(workspace, base).items()
        }
    return base.removed


def removed_cards(workspace: Workspace, base: BaseCards) -> dict[str, list[str]]:
    """System id -> workspace-relative paths of its cards on the ref, of the systems whose
    folders are gone here."""
    found: dict[str, list[str]] = {}
    for relative in sorted(base.objects):
        parent, _, system_id = relative.rpartition("/")[0].rpartition("/")
        if (parent or ".") in base.folders and system_id not in workspace.systems:
            found.setdefault(system_id, []).append(relative)
    return found


def base_tier(workspace: Workspace, system: SystemDocs, base: BaseCards) -> str | None:
    """The strictest risk tier of the system's card on the ref (under either name, in its
    folder here or in the ref's systems folder); None when there is no card there;
    `UNREADABLE` for a card whose tier cannot be read."""
    paths = base_card_paths(workspace, system, base)
    if paths is None:
        return None
    if not paths:  # the card as it is on the ref: its tier is the card's
        return system.model_card.risk_tier if system.model_card is not None else None
    return _strictest(workspace, base, paths)


def _strictest(
    workspace: Workspace, base: BaseCards, paths: list[str], revision: str | None = None
) -> str:
    """The strictest risk tier of the cards at `paths` on the ref (or at `revision`)."""
    return max(
        (_tier_of(card_data(workspace, base, path, revision)) for path in paths),
        key=ORDER.index,
    )


def _tier_of(data: object) -> str:
    tier = data.get("risk_tier") if isinstance(data, dict) else None
    return tier if isinstance(tier, str) and tier in ORDER else UNREADABLE
