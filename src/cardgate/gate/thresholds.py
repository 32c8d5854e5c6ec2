"""Threshold verdicts as the gate sees them: the card's thresholds decided on the
system's evaluation artifact by the one decider, under the policy for the system's risk
tier. GATE-FA003 reports them; the engine puts them in the `GateResult` for the reports
and the site.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from cardgate.documents.schemas.evaluation import InconclusiveAction
from cardgate.documents.workspace import SystemDocs
from cardgate.evidence.evaluation.decide import (
    ACTIONS,
    ThresholdPolicy,
    ThresholdVerdicts,
    threshold_verdicts,
)
from cardgate.gate.context import GateContext
from cardgate.gate.policy import TierSettings

RULE = "GATE-FA003"


class ThresholdOptions(BaseModel):
    """Options of GATE-FA003."""

    model_config = ConfigDict(extra="forbid")

    inconclusive: InconclusiveAction = "warn"
    """What an inconclusive threshold means: block, block-if-evident, warn or pass."""
    min_group_size: int = Field(default=1, ge=1)
    """Fewest rows a group needs to be judged; a card cannot set less. Either way from the
    baseline's value is a loosening: fewer rows judge groups too small to judge, more
    leave failing groups inconclusive."""
    max_confidence_level: float = Field(default=0.99, gt=0.5, lt=1.0)
    """The highest confidence level of an evaluation's intervals whose inconclusive
    results the `inconclusive` action may excuse; above it they block (wider intervals
    make breaches inconclusive). Raising it is a loosening."""
    min_confidence_level: float = Field(default=0.95, gt=0.5, lt=1.0)
    """The lowest confidence level of an evaluation's intervals whose results may pass
    or warn; below it every result blocks (narrower intervals make breaches whose
    estimate falls inside the limit `within`). Lowering it is a loosening."""
    min_replicates: int = Field(default=200, ge=0, le=100_000)
    """The fewest bootstrap replicates (null-test draws) an evaluation's results may pass
    or warn with; below it, `replicates: 0` included, every result blocks (a noise floor
    or a bootstrap interval of a few draws is what their seed makes it). Lowering it is a
    loosening."""

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Where these options demand less than the baseline's `floor` (GATE-POL001)."""
        if not isinstance(floor, ThresholdOptions):
            return []
        found = []
        if ACTIONS.index(self.inconclusive) < ACTIONS.index(floor.inconclusive):
            found.append(
                ("inconclusive", f"makes an inconclusive result '{self.inconclusive}' "
                 f"(baseline: '{floor.inconclusive}')")
            )  # fmt: skip
        if self.min_group_size < floor.min_group_size:
            found.append(
                ("min_group_size", f"judges groups from {self.min_group_size} rows "
                 f"(baseline: {floor.min_group_size})")
            )  # fmt: skip
        elif self.min_group_size > floor.min_group_size:
            # a group under the minimum is inconclusive, never beyond: raising it turns
            # failing groups (and, past the data's size, the overall metrics) into warnings
            found.append(
                ("min_group_size", f"leaves groups under {self.min_group_size} rows "
                 f"unjudged (baseline: {floor.min_group_size})")
            )  # fmt: skip
        if self.max_confidence_level > floor.max_confidence_level:
            found.append(
                ("max_confidence_level", f"accepts inconclusive results at up to "
                 f"{self.max_confidence_level:g} confidence (baseline: "
                 f"{floor.max_confidence_level:g})")
            )  # fmt: skip
        if self.min_confidence_level < floor.min_confidence_level:
            found.append(
                ("min_confidence_level", f"lets results pass at only "
                 f"{self.min_confidence_level:g} confidence (baseline: "
                 f"{floor.min_confidence_level:g})")
            )  # fmt: skip
        if self.min_replicates < floor.min_replicates:
            found.append(
                ("min_replicates", f"lets results pass on {self.min_replicates:,} bootstrap "
                 f"replicates (baseline: {floor.min_replicates:,})")
            )  # fmt: skip
        return found


def threshold_policy(settings: TierSettings) -> ThresholdPolicy:
    """The decider's view of GATE-FA003's options for one risk tier."""
    found = settings.options.get(RULE)
    options = found if isinstance(found, ThresholdOptions) else ThresholdOptions()
    return ThresholdPolicy(
        inconclusive=options.inconclusive,
        min_group_size=options.min_group_size,
        max_confidence_level=options.max_confidence_level,
        min_confidence_level=options.min_confidence_level,
        min_replicates=options.min_replicates,
        source=f"the policy (tier '{settings.tier}')",
    )


def system_threshold_verdicts(
    gate: GateContext, system: SystemDocs, settings: TierSettings
) -> list[ThresholdVerdicts] | None:
    """The verdicts of every threshold of the system's card; None when there is nothing
    to decide (no valid card with an evaluation, or no readable artifact)."""
    card = system.model_card
    if card is None or card.evaluation is None:
        return None
    read = gate.artifact(system)
    if read is None or read.artifact is None:
        return None
    key = f"{RULE}:verdicts:{system.id}:{settings.tier}"
    found = gate.cache.get(key)
    if found is None:
        found = gate.cache[key] = threshold_verdicts(
            card.evaluation, read.artifact, threshold_policy(settings)
        )
    verdicts: list[ThresholdVerdicts] = found
    return verdicts


def reported_verdicts(gate: GateContext, system: SystemDocs) -> tuple[ThresholdVerdicts, ...]:
    """The threshold verdicts GATE-FA003 reported for the system (the same call, cached),
    for the `GateResult`; none when the rule is off for its tier or could not run."""
    settings = gate.settings(system)
    rule = next((rule for rule in gate.rules if rule.code == RULE), None)
    if rule is None or settings.level(rule) == "off":
        return ()
    try:
        return tuple(system_threshold_verdicts(gate, system, settings) or ())
    except Exception:  # the rule itself reported the crash (GATE-INT001)
        return ()
