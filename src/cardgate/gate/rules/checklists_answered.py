"""The system answers every checklist the policy requires for its risk tier.

Rationale:
The policy names, per risk tier, the checklist definitions a system must answer (for
example the NIST AI RMF core checklist); generative systems also answer the NIST AI 600-1
GenAI profile checklist. Without the answers there is no evidence that the risk
management activities took place.

Fails:
- the policy requires ``nist-ai-rmf-core`` and ``systems/<id>/`` has no
  ``checklist*.yaml`` whose ``checklist:`` is ``nist-ai-rmf-core``;
- a ``generative: true`` card, or one with a ``genai:`` section, without answers to
  ``nist-genai-profile``;
- with the options ``ai_act_provider_checklist`` / ``ai_act_deployer_checklist`` set (the
  ``eu-ai-act-high-risk`` preset sets them), a card whose ``ai_act:`` profile is
  high-risk with the role provider (deployer) without answers to that checklist;
- the policy requires a checklist definition that does not exist.

Passes:
- a checklist document answers each required definition.

Remediation:
Scaffold the answers with ``cardgate new checklist ID --checklist DEFINITION`` and answer
each item with its status and evidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.gate.context import RuleContext
from cardgate.gate.policy import TierSettings
from cardgate.gate.result import Finding

CODE = "GATE-CK001"
NAME = "references.checklists-answered"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.3", "GOVERN 1.4"]
ALIASES: list[str] = []
RELEASE_STRICT = True


class Options(BaseModel):
    """Options of GATE-CK001."""

    model_config = ConfigDict(extra="forbid")

    generative_checklist: str | None = Field(
        default="nist-genai-profile",
        description="Checklist also required of generative systems (null: none).",
    )
    ai_act_provider_checklist: str | None = Field(
        default=None,
        description="Checklist also required of a system whose ai_act: profile is "
        "high-risk with the role provider (null: none; the eu-ai-act-high-risk preset: "
        "eu-ai-act-provider).",
    )
    ai_act_deployer_checklist: str | None = Field(
        default=None,
        description="Checklist also required of a system whose ai_act: profile is "
        "high-risk with the role deployer (null: none; the eu-ai-act-high-risk preset: "
        "eu-ai-act-deployer).",
    )


def required_checklists(ctx: RuleContext) -> list[str]:
    """The checklist definitions the policy requires of this system."""
    return checklists_required(ctx.settings, ctx.card)


def checklists_required(settings: TierSettings, card: ModelCard | None) -> list[str]:
    """The checklist definitions a policy tier requires of a system with this card."""
    wanted = list(settings.required_checklists)
    options = settings.options.get(CODE)
    if not isinstance(options, Options):
        options = Options()
    generative = options.generative_checklist
    # a card with a genai: section describes a generative system, whatever its flag says
    is_generative = card is not None and (card.generative or card.genai is not None)
    if is_generative and generative and generative not in wanted:
        wanted.append(generative)
    profile = card.ai_act if card is not None else None
    if profile is not None and profile.high_risk:
        for role, checklist in (
            ("provider", options.ai_act_provider_checklist),
            ("deployer", options.ai_act_deployer_checklist),
        ):
            if role in profile.roles and checklist and checklist not in wanted:
                wanted.append(checklist)
    return wanted


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    if system is None:
        return
    answered = {
        doc.model.checklist for doc in system.checklists if isinstance(doc.model, Checklist)
    }
    unreadable = [doc for doc in system.checklists if doc.model is None]
    definitions = ctx.gate.definitions()
    tier = ctx.settings.tier
    for checklist_id in required_checklists(ctx):
        if checklist_id in answered:
            continue
        if definitions.get(checklist_id) is None:
            yield ctx.finding(
                system.card,
                f"the policy requires checklist '{checklist_id}', which is not defined",
                hint="fix required_checklists in the policy, or add the definition to "
                "the workspace's checklists folder",
            )
            continue
        note = " (a checklist document here does not validate)" if unreadable else ""
        yield ctx.finding(
            system.card,
            f"no answers to checklist '{checklist_id}', required for risk tier '{tier}'{note}",
            hint=f"cardgate new checklist {system.id} --checklist {checklist_id}",
        )
