"""The risk tier a system is gated under: its card's, or, with ``--changed-since REF``, the
stricter tier its card had on REF (a lowered tier counts only once merged).

The risk tier decides what the gate demands — which sign-offs, whether only SSH-signed
ones count, which checklist items, how old a review may be. Lowering it is a one-line
change of the model card: ``risk_tier: limited`` instead of ``high`` drops the legal and
risk sign-offs and lets an unsigned ``cardgate sign --name`` stand in for the owner's. As
with who may sign (`cardgate.gate.signatures`: a signer added in the same change does not
count), the change that lowers a tier is not gated under the tier it sets: with
``--changed-since REF`` a system whose card on REF (at the same path) had a stricter tier
is gated under that tier, and GATE-MC003 says so. A card that REF cannot read (a file
that does not parse, a tier that is not one) was gated as ``high`` there, and is here.
No card on REF (a new system, a moved folder) sets no floor: without a base, the review
of the change is the defence, as for the policy and the signers (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from cardgate.core.git import git_blob
from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import parse_text
from cardgate.documents.schemas.base import RiskTier
from cardgate.documents.workspace import SystemDocs, Workspace

ORDER: tuple[str, ...] = get_args(RiskTier)
"""Least to most demanding: minimal, limited, high, unacceptable."""
UNREADABLE = "high"
"""The tier of a card that cannot be read (`cardgate.gate.policy.UNKNOWN_TIER`)."""


@dataclass(frozen=True)
class GatedTier:
    """The tier a system is gated under, and the card's own when that is lower."""

    tier: str | None
    """None: the card does not validate (the policy's unknown tier applies)."""
    written: str | None = None
    """The card's tier when `tier` is the base's stricter one (else None)."""


def gated_tier(workspace: Workspace, system: SystemDocs, base_ref: str | None) -> GatedTier:
    """The tier `system` is gated under in a run with `base_ref` (``--changed-since``)."""
    card = system.model_card
    written = card.risk_tier if card is not None else None
    if written is None or base_ref is None or system.card is None or system.card.loaded is None:
        return GatedTier(written)
    before = base_tier(workspace, workspace.relative(system.card.loaded.path), base_ref)
    if before is not None and ORDER.index(before) > ORDER.index(written):
        return GatedTier(before, written)
    return GatedTier(written)


def base_tier(workspace: Workspace, relative: str, ref: str) -> str | None:
    """The risk tier of the card at `relative` on `ref`; None when there is no card there;
    `UNREADABLE` when there is one whose tier cannot be read."""
    try:
        raw = git_blob(workspace.root, ref, relative, limit=DOCUMENT_BYTES)
    except UnreadableFile:
        return UNREADABLE
    if raw is None:
        return None
    try:
        data = parse_text(raw.decode("utf-8-sig"), display=relative).data
    except (DocumentLoadError, UnicodeDecodeError):
        return UNREADABLE
    tier = data.get("risk_tier")
    return tier if isinstance(tier, str) and tier in ORDER else UNREADABLE
