"""A system of risk tier 'unacceptable' is not released; a lowered tier counts once merged.

Rationale:
The organisation's tiering process puts systems whose risks cannot be brought to a
tolerable level (for example practices prohibited by the EU AI Act) in the
``unacceptable`` tier. The decision not to proceed must hold at release time: no waiver
accepts it and no policy lowers this rule (the tier's policy is the defaults', an
unsigned owner sign-off: with a waiver of this finding, ``risk_tier: unacceptable``
written over ``high`` shipped on less than ``high`` demands).
The tier decides what the gate demands: a card changed from ``risk_tier: high`` to
``limited`` no longer needs the legal and risk sign-offs, and counts an unsigned owner
sign-off anyone can append. With ``--changed-since REF``, a system whose card on REF had
a stricter tier is gated under that tier (`cardgate.gate.tiers`), as a signer added in the
same change does not count: the lowering is reported here, as a warning, and counts once
merged. Renaming the system's folder gives it a new id; so a new system in a change that
removes systems is gated under the removed ones' strictest tier. Deleting the folder in
one change and adding it back under a lower tier in the next is a lowering too: a system
new since REF whose id had a card in REF's history is gated under the tier that card had
before it was deleted, and a system folder copied under a new id (the copy evaluates the
same outputs) under the tier of the system it copies.

Fails:
- ``risk_tier: unacceptable`` in the model card, with ``--release``;
- with ``--changed-since REF``: ``risk_tier: unacceptable`` on REF, whatever the card
  says now;
- (a warning) with ``--changed-since REF``: the card's tier is lower than on REF; the
  system is gated under REF's tier;
- (a warning) with ``--changed-since REF``: a system new since REF, in a change that
  removes systems, has a lower tier than the removed ones; it is gated under theirs (its
  folder may be a removed one renamed: the folder is the system's id).
- (a warning) with ``--changed-since REF``: a system new since REF whose id had a card
  earlier in REF's history (its folder deleted by a change merged before) has a lower
  tier than that card had before the deletion; it is gated under that tier;
- (a warning) with ``--changed-since REF``: a system new since REF evaluating the outputs
  of a system on REF (its card names that system's predictions file, retrieval run,
  judged score files or run log, or a file with the same bytes: a system folder copied
  under a new id) has a lower tier than that system; it is gated under that tier.

Passes:
- any other risk tier, the same as on REF or higher.

Remediation:
Do not release the system. If the tier was assigned in error, re-run the tiering process
and record the new tier and its rationale in the card (a sign-off will be needed again);
the lowered tier applies once that change is merged. Retire a system and add another in
two changes.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.tiers import NEVER_RELEASED

CODE = "GATE-MC003"
NAME = "model-card.risk-tier-releasable"
SEVERITY = Severity.ERROR
NIST = ["MANAGE 1.1", "MAP 1.5"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True
WAIVABLE = False  # an unacceptable system never ships: no waiver accepts it
LOCKED = True  # nor may the policy lower this rule


def check(ctx: RuleContext) -> Iterator[Finding]:
    card, system = ctx.card, ctx.system
    if card is None or system is None:
        return
    gated = ctx.gate.tier(system)
    if gated.removed:
        removed = ", ".join(f"'{name}'" for name in gated.removed)
        yield ctx.finding(
            system.card,
            f"new since {ctx.gate.base_ref}, in a change that removes {removed} (risk tier "
            f"'{gated.tier}' there): gated as '{gated.tier}', not '{gated.written}' (a "
            "renamed system keeps its tier until the change is merged)",
            path=("risk_tier",),
            hint=f"merge the removal of {removed} on its own, reviewed, before adding this "
            "system under a lower tier",
            severity=Severity.WARNING,
        )
    elif gated.earlier is not None:
        yield ctx.finding(
            system.card,
            f"{gated.earlier.describe(str(ctx.gate.base_ref))} (risk tier '{gated.tier}' "
            f"there): gated as '{gated.tier}', not '{gated.written}' ({gated.earlier.keeps} "
            "keeps its tier until the change is merged)",
            path=("risk_tier",),
            hint=f"add it as '{gated.tier}' ({gated.earlier.remedy}), then lower its tier in "
            "a change of its own, reviewed",
            severity=Severity.WARNING,
        )
    elif gated.written is not None:
        yield ctx.finding(
            system.card,
            f"risk tier lowered from '{gated.tier}' on {ctx.gate.base_ref} to "
            f"'{gated.written}': gated as '{gated.tier}' (a lowered tier counts once merged)",
            path=("risk_tier",),
            hint="merge the change of tier on its own, reviewed, before releasing under it",
            severity=Severity.WARNING,
        )
    if gated.tier == NEVER_RELEASED:
        yield ctx.finding(
            system.card,
            f"risk tier is '{NEVER_RELEASED}': the system may not be released"
            + (f" (on {ctx.gate.base_ref})" if gated.written is not None else ""),
            path=("risk_tier",),
            hint="re-run the risk tiering process if the tier was assigned in error",
        )
