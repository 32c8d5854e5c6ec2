"""A system of risk tier 'unacceptable' is not released.

Rationale:
The organisation's tiering process puts systems whose risks cannot be brought to a
tolerable level (for example practices prohibited by the EU AI Act) in the
``unacceptable`` tier. The decision not to proceed must hold at release time.

Fails:
- ``risk_tier: unacceptable`` in the model card, with ``--release``.

Passes:
- any other risk tier.

Remediation:
Do not release the system. If the tier was assigned in error, re-run the tiering process
and record the new tier and its rationale in the card (a sign-off will be needed again).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-MC003"
NAME = "model-card.risk-tier-releasable"
SEVERITY = Severity.ERROR
NIST = ["MANAGE 1.1", "MAP 1.5"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    card = ctx.card
    if card is not None and ctx.system is not None and card.risk_tier == "unacceptable":
        yield ctx.finding(
            ctx.system.card,
            "risk tier is 'unacceptable': the system may not be released",
            path=("risk_tier",),
            hint="re-run the risk tiering process if the tier was assigned in error",
        )
