"""No LL144 impact ratio is conclusively below the policy's minimum.

Rationale:
A NYC Local Law 144 bias audit (the card's ``bias_audit:`` section, ``cardgate export
ll144``) reports impact ratios; the rules set no pass mark, and cardgate's summary judges
no ratio. An organisation may still set one for its releases: this rule's option
``min_impact_ratio`` (off unless set, per risk tier like every rule option). The audit is
computed from the predictions the system's evaluation read, only while they are the bytes
``evaluation.json`` recorded (the same computation as the summary,
``cardgate.evidence.bias_audit_run``), and each ratio of every table (sex,
race/ethnicity, their intersections; not the highest categories, not the categories
excluded for being under 2%) is decided by cardgate's one threshold decider
(``cardgate.evidence.evaluation.decide``) as a ``min`` on the ratio: ``beyond`` (the
whole interval below the minimum, and the ratio below its noise floor: chance alone does
not explain it) blocks; ``within`` (the whole interval at or above it) passes; an
interval that reaches across the minimum, or lies below it with a ratio within its
noise floor, is ``inconclusive`` and does what the option ``inconclusive`` says
(``warn``, the default: reported as a warning; ``block``, ``block-if-evident`` or
``pass``, as for GATE-FA003). Fail closed: with a minimum set, a card with a
``bias_audit:`` section whose audit cannot be computed (no evaluation, an unreadable
artifact, predictions changed since the evaluation, a missing column) blocks. Lowering or
removing a minimum the baseline or the workspace's policy sets is a loosening
(GATE-POL001); with ``--changed-since``, a card's ``bias_audit:`` that reads the ratios
otherwise than on the ref (a value newly read as an unknown category, another column,
small categories newly excluded, the section removed) is GATE-MC005's. Setting it needs
no heavy import unless a system has a bias audit.

Fails:
- ``min_impact_ratio: 0.8`` and a category at 0.40 (95% CI 0.26–0.61, noise floor
  0.69): beyond;
- a minimum set and a card whose ``bias_audit:`` cannot be computed (no
  ``evaluation.json``, predictions changed since it was written);
- no category of a table has anyone selected: the ratios are undefined;
- an inconclusive ratio where ``inconclusive`` is ``block`` (or ``block-if-evident`` and
  the ratio is below the minimum and its noise floor).

Passes:
- no ``min_impact_ratio`` in the policy for the system's tier, or a card without a
  ``bias_audit:`` section;
- every ratio's interval at or above the minimum; an inconclusive one leaves a warning
  under ``inconclusive: warn``.

Remediation:
Look at the categories named, with the audit's summary (``cardgate export ll144
SYSTEM``): change the model or its decision threshold and evaluate again, or, for an
inconclusive ratio, audit more data. Where the organisation accepts the ratio, a
time-limited waiver in waivers.yaml naming this rule and the system, approved by the risk
owner.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.errors import CardgateError
from cardgate.core.problems import Severity
from cardgate.documents.schemas.evaluation import InconclusiveAction
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import ACTIONS, ThresholdPolicy, Verdict, decide
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

if TYPE_CHECKING:
    from cardgate.evidence.bias_audit import AuditResult

CODE = "GATE-BA001"
NAME = "bias-audit.impact-ratios-above-minimum"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.11"]
ALIASES: list[str] = []
NEEDS_CARD = True

METRIC = "impact_ratio"
"""The metric name the decider sees (a ratio: a minimum is guarded by its noise floor)."""
WHERE = ("bias_audit",)


class Options(BaseModel):
    """Options of GATE-BA001."""

    model_config = ConfigDict(extra="forbid")

    min_impact_ratio: Annotated[
        float | None, Field(strict=True, gt=0, le=1, allow_inf_nan=False)
    ] = None
    """The least impact ratio a release accepts (0–1, e.g. 0.8); unset, the rule is off."""
    inconclusive: InconclusiveAction = "warn"
    """What an inconclusive ratio means: block, block-if-evident, warn or pass."""

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Where these options demand less than `floor`'s (GATE-POL001): a minimum
        removed or lowered, or an inconclusive ratio made milder."""
        if not isinstance(floor, Options) or floor.min_impact_ratio is None:
            return []
        found = []
        least = floor.min_impact_ratio
        if self.min_impact_ratio is None:
            found.append(
                ("min_impact_ratio", f"sets no minimum impact ratio (compared policy: {least:g})")
            )
        elif self.min_impact_ratio < least:
            found.append(
                ("min_impact_ratio", f"lowers the minimum impact ratio to "
                 f"{self.min_impact_ratio:g} (compared policy: {least:g})")
            )  # fmt: skip
        if ACTIONS.index(self.inconclusive) < ACTIONS.index(floor.inconclusive):
            found.append(
                ("inconclusive", f"makes an inconclusive ratio '{self.inconclusive}' "
                 f"(compared policy: '{floor.inconclusive}')")
            )  # fmt: skip
        return found


@dataclass(frozen=True)
class _PolicyLimit:
    """The limit as the decider reads it: the policy's alone (a card sets none)."""

    inconclusive: InconclusiveAction | None = None


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card, options = ctx.system, ctx.card, ctx.options
    if system is None or card is None or card.bias_audit is None:
        return
    if not isinstance(options, Options) or options.min_impact_ratio is None:
        return
    # heavy (pyarrow, numpy): only where a minimum is set and the card has an audit
    from cardgate.evidence.bias_audit_run import audit_predictions, audit_unavailable

    limit = options.min_impact_ratio
    tier = ctx.settings.tier
    why = f"the policy sets a minimum impact ratio of {limit:g} for risk tier '{tier}'"
    read = ctx.gate.artifact(system)
    artifact = read.artifact if read is not None else None
    problem: CardgateError | None = audit_unavailable(system.id, card, artifact)
    if problem is not None and read is not None and read.artifact is None:
        problem = CardgateError(
            f"evaluation artifact '{read.relative}' {read.error}",
            hint=f"run: cardgate evaluate {system.id}",
        )
    if problem is None:
        assert artifact is not None and read is not None
        try:
            result = audit_predictions(
                ctx.gate.root, system.id, card, artifact, evaluation_path=read.relative
            )
        except CardgateError as error:
            problem = error
    if problem is not None:
        yield ctx.finding(
            system.card,
            f"{why}, but the bias audit cannot be computed: {problem.message}",
            path=WHERE,
            key=True,
            hint=problem.hint or f"run: cardgate export ll144 {system.id}",
        )
        return
    policy = ThresholdPolicy(
        inconclusive=options.inconclusive, source=f"the policy (tier '{tier}')"
    )
    for verdict in ratio_verdicts(result, limit, policy):
        if verdict.outcome == "pass":
            continue
        yield ctx.finding(
            system.card,
            f"LL144 {verdict.message}",
            path=WHERE,
            key=True,
            severity=Severity.WARNING if verdict.outcome == "warn" else None,
            hint=f"the audit's summary: cardgate export ll144 {system.id}",
        )


def ratio_verdicts(result: AuditResult, limit: float, policy: ThresholdPolicy) -> list[Verdict]:
    """The decider's verdict on every compared impact ratio of the audit `result`
    against the minimum `limit`; a table without any ratio (nobody selected) gives one
    undefined verdict."""
    level = result.confidence_level
    verdicts = []
    for table in result.tables:
        compared = [row for row in table.categories if not row.excluded]
        if compared and all(row.impact_ratio is None for row in compared):
            undefined = _result(
                table.dimension, None, limit, value=None, reason="no category has anyone selected"
            )
            verdicts.append(_decide(undefined, policy, level))
            continue
        top = max((row.individuals for row in compared if row.highest), default=0)
        for row in compared:
            if row.highest or row.impact_ratio is None:
                continue
            found = _result(
                table.dimension,
                row.category,
                limit,
                value=row.impact_ratio,
                ci=row.ratio_interval,
                noise_floor=row.noise_floor,
                count=min(row.individuals, top) if top else row.individuals,
            )
            verdicts.append(_decide(found, policy, level))
    return verdicts


def _result(
    dimension: str,
    category: str | None,
    limit: float,
    *,
    value: float | None,
    ci: tuple[float, float] | None = None,
    noise_floor: float | None = None,
    count: int | None = None,
    reason: str = "",
) -> ThresholdResult:
    # the decider derives the state from the numbers; `state` is never read here
    return ThresholdResult(
        threshold=0,
        metric=METRIC,
        feature=dimension,
        group=category,
        min=limit,
        value=value,
        ci=ci,
        noise_floor=noise_floor,
        count=count,
        state="undefined" if value is None else "inconclusive",
        reason=reason,
    )


def _decide(result: ThresholdResult, policy: ThresholdPolicy, level: float) -> Verdict:
    return decide(_PolicyLimit(), result, card_min_group_size=1, level=level, policy=policy)
