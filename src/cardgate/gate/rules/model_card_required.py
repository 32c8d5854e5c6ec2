"""Required model-card fields hold real content, not template placeholders.

Rationale:
The schema makes sure required fields are present, but a template filled with ``TODO``
passes the schema. A card whose description, intended uses or owners' names are still
placeholders documents nothing, and reviewers would sign off on an empty page.

Fails:
- ``model_details.description: TODO``;
- ``intended_use.primary_uses: [TBD]`` or an empty list;
- a risk whose ``owner`` is ``"[More Information Needed]"``;
- a leftover ``- TODO`` item in an otherwise filled list.

Passes:
- every required field, at any depth, holds text other than a placeholder.

Remediation:
Replace each placeholder at the line and column given with the real answer. Placeholders
are TODO, TBD, TBA, FIXME, XXX, "[More Information Needed]", empty and whitespace-only text.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-MC001"
NAME = "model-card.required-filled"
SEVERITY = Severity.ERROR
NIST = ["MAP 1.1", "MAP 2.1", "GOVERN 2.1"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    card = ctx.card
    if card is None or ctx.system is None or ctx.system.card is None:
        return  # GATE-DOC001 reports a card that does not validate
    for gap in ctx.gate.unfilled(card, "required", ctx.system.card):
        yield ctx.finding(
            ctx.system.card,
            f"{gap.describe()} (required)",
            path=gap.path,
            key=gap.state != "missing" and not isinstance(gap.path[-1], int),
            hint="replace the placeholder with the real answer",
        )
