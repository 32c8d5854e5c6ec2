"""The verdicts `cardgate evaluate` prints: the card's thresholds decided on the new
artifact under the same policy, and by the same decider, as the gate will decide them."""

from __future__ import annotations

from cardgate.documents.workspace import Workspace
from cardgate.evidence.evaluation.decide import ThresholdVerdicts, threshold_verdicts
from cardgate.evidence.evaluation.run import EvaluationRun
from cardgate.gate.policy import ResolvedPolicy, resolve_policy
from cardgate.gate.rules import RULES
from cardgate.gate.thresholds import RULE, threshold_policy


def workspace_policy(workspace: Workspace) -> ResolvedPolicy:
    """The policy the gate applies to this workspace (ConfigurationError when unusable)."""
    return resolve_policy(workspace, RULES)


def evaluation_verdicts(
    policy: ResolvedPolicy, workspace: Workspace, run: EvaluationRun
) -> tuple[list[ThresholdVerdicts], str]:
    """(the verdicts of the run's thresholds, the policy they were decided under, in
    words) for the risk tier of the system's card."""
    system = workspace.systems.get(run.system)
    card = system.model_card if system is not None else None
    settings = policy.for_tier(card.risk_tier if card is not None else None)
    described = f"{policy.source}, tier '{settings.tier}'"
    rule = next(rule for rule in RULES if rule.code == RULE)
    if settings.level(rule) == "off":
        described += f" ({RULE} is off: the gate does not check them)"
    verdicts = threshold_verdicts(run.settings, run.artifact, threshold_policy(settings))
    return verdicts, described
