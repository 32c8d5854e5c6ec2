"""Recommended model-card sections are filled in for release.

Rationale:
Mitchell et al.'s model-card sections — factors, metrics, evaluation and training data,
quantitative analyses, ethical considerations, caveats — and the governance sections
(risks, limitations, monitoring) are what product and legal reviewers read. A draft may
leave them open; a release may not, for the tiers where the policy sets this rule to
``error`` (the baseline preset makes it a warning for minimal-risk systems).

Fails:
- ``ethical_considerations`` absent, empty, or still ``- consideration: TODO``;
- ``risks`` given but one risk's ``mitigation`` is ``TBD``;
- ``last_reviewed`` missing.

Passes:
- every recommended field, at any depth, holds content, or is exempted by the policy
  (option ``exempt``: dotted paths such as ``monitoring.plan``).

Remediation:
Fill in the section at the position given (``cardgate new model-card`` shows the template
with guidance). If a section genuinely does not apply to a tier, exempt it in the policy:
``tiers: {minimal: {rules: {GATE-MC002: {options: {exempt: [tradeoffs]}}}}}``. On a tier
where the baseline has this rule block, an exemption is a loosening that GATE-POL001
reports until a named approver waives it, like any waiver of this rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity, Span
from cardgate.documents.placeholders import commented_out
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

SECTION_NIST: dict[str, list[str]] = {
    "model_details": ["MAP 2.1"],
    "intended_use": ["MAP 1.1", "MAP 3.3"],
    "factors": ["MAP 1.1", "MEASURE 2.11"],
    "metrics": ["MEASURE 1.1"],
    "evaluation_data": ["MEASURE 2.1"],
    "training_data": ["MAP 2.3"],
    "quantitative_analyses": ["MEASURE 2.3", "MEASURE 2.11"],
    "ethical_considerations": ["MAP 1.1"],
    "caveats_and_recommendations": ["MAP 2.2"],
    "assumptions": ["MAP 2.2"],
    "limitations": ["MAP 2.2"],
    "tradeoffs": ["MAP 1.1", "MANAGE 1.1"],
    "risks": ["MAP 5.1", "MANAGE 1.2"],
    "monitoring": ["MANAGE 4.1", "MEASURE 2.4"],
    "evaluation": ["MEASURE 2.11"],
    "last_reviewed": ["GOVERN 1.5"],
}

CODE = "GATE-MC002"
NAME = "model-card.recommended-filled"
SEVERITY = Severity.ERROR
NIST = sorted({sub for subs in SECTION_NIST.values() for sub in subs})
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


class Options(BaseModel):
    """Options of GATE-MC002."""

    model_config = ConfigDict(extra="forbid")

    exempt: list[str] = Field(
        default_factory=list,
        description="Dotted paths of recommended fields not demanded, e.g. 'monitoring.plan'.",
    )

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Exempting a field the baseline demands is a loosening (GATE-POL001): the way
        around a waiver's named approver and expiry."""
        if not isinstance(floor, Options):
            return []
        added = [path for path in self.exempt if path not in floor.exempt]
        if not added:
            return []
        return [("exempt", f"exempts {', '.join(added)} (baseline: demanded)")]


def check(ctx: RuleContext) -> Iterator[Finding]:
    card = ctx.card
    if card is None or ctx.system is None or ctx.system.card is None:
        return
    options: Options = ctx.options
    exempt = tuple(options.exempt) if options is not None else ()
    for gap in ctx.gate.unfilled(card, "recommended", ctx.system.card):
        dotted = gap.dotted
        if any(dotted == path or dotted.startswith(path + ".") for path in exempt):
            continue
        hint, span = "fill in this section; the release gate demands it", None
        loaded = ctx.system.card.loaded
        line = None
        if gap.state == "missing" and len(gap.path) == 1 and loaded is not None:
            line = commented_out(loaded.text, str(gap.path[0]))
        if line is not None:  # the template's example, commented out: point at it
            span = Span(line, 1)
            hint = f"uncomment the '{gap.path[0]}:' section the template left here and fill it in"
        yield ctx.finding(
            ctx.system.card,
            gap.describe(),
            path=gap.path,
            key=gap.state != "missing" and not isinstance(gap.path[-1], int),
            nist=SECTION_NIST.get(str(gap.path[0]), NIST),
            hint=hint,
            span=span,
        )
