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
- a checklist document answers each required definition;
- with the option ``ai_act_schedule`` set (the ``eu-ai-act-high-risk`` preset:
  ``regulation-2024``), an AI Act checklist of a high-risk system whose obligations do not
  apply yet on the gate's date (``--today``): the application date of its basis (Annex III
  or Annex I) under that schedule of ``checklists/frameworks/frameworks.yaml`` is later.
  It is reported as not yet due (a note), and its items are not required (GATE-CK004).

Remediation:
Scaffold the answers with ``cardgate new checklist ID --checklist DEFINITION`` and answer
each item with its status and evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cardgate.core.errors import UsageError
from cardgate.core.problems import Severity
from cardgate.documents.schemas.ai_act import AiActProfile
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
AI_ACT = "eu-ai-act"


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
    ai_act_schedule: str | None = Field(
        default=None,
        description="Application dates of the AI Act obligations: a schedule of "
        "checklists/frameworks/frameworks.yaml (regulation-2024: the published text; "
        "digital-omnibus-reported: the reported 2026 amendment, not verified). The AI Act "
        "checklists are not due before the date from which a high-risk system's obligations "
        "apply (null: always due; the eu-ai-act-high-risk preset: regulation-2024).",
    )

    @field_validator("ai_act_schedule")
    @classmethod
    def _known_schedule(cls, value: str | None) -> str | None:
        from cardgate.frameworks.registry import application_dates

        if value is not None:
            try:
                application_dates(AI_ACT, value)
            except UsageError as error:
                raise ValueError(f"{error} ({error.hint})") from error
        return value


def ai_act_applies_from(profile: AiActProfile, schedule: str) -> tuple[str, dt.date] | None:
    """(basis, date) from which the obligations of a high-risk system apply under
    `schedule`: its Annex III point, else its Annex I legislation (the earlier date when
    both); None when the profile gives no basis the schedule dates."""
    from cardgate.frameworks.registry import application_dates

    dates = application_dates(AI_ACT, schedule)
    bases = [
        (label, dt.date.fromisoformat(dates[key]))
        for key, label, given in (
            ("annex-iii", "Annex III", profile.annex_iii),
            ("annex-i", "Annex I", profile.annex_i),
        )
        if given is not None and key in dates
    ]
    return min(bases, key=lambda basis: basis[1]) if bases else None


def _options(settings: TierSettings) -> Options:
    options = settings.options.get(CODE)
    return options if isinstance(options, Options) else Options()


def not_yet_due(
    settings: TierSettings, card: ModelCard | None, today: dt.date
) -> tuple[str, dt.date] | None:
    """(basis, date) when the policy's AI Act schedule says the obligations of this
    high-risk system apply only after `today`; None when they apply (or no schedule)."""
    schedule = _options(settings).ai_act_schedule
    profile = card.ai_act if card is not None else None
    if schedule is None or profile is None or not profile.high_risk:
        return None
    applies = ai_act_applies_from(profile, schedule)
    return applies if applies is not None and applies[1] > today else None


def required_checklists(ctx: RuleContext) -> list[str]:
    """The checklist definitions the policy requires of this system on the gate's date."""
    return checklists_required(ctx.settings, ctx.card, today=ctx.today)


def checklists_required(
    settings: TierSettings, card: ModelCard | None, *, today: dt.date | None = None
) -> list[str]:
    """The checklist definitions a policy tier requires of a system with this card (on
    `today`: the AI Act checklists only once the obligations apply, when the policy sets
    a schedule)."""
    wanted = list(settings.required_checklists)
    options = _options(settings)
    generative = options.generative_checklist
    # a card with a genai: section describes a generative system, whatever its flag says
    is_generative = card is not None and (card.generative or card.genai is not None)
    if is_generative and generative and generative not in wanted:
        wanted.append(generative)
    profile = card.ai_act if card is not None else None
    pending = today is not None and not_yet_due(settings, card, today) is not None
    if profile is not None and profile.high_risk and not pending:
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
    yield from _not_yet_due(ctx)
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


def _not_yet_due(ctx: RuleContext) -> Iterator[Finding]:
    """A note per AI Act checklist the policy asks for but whose obligations do not apply
    yet on the gate's date."""
    pending = not_yet_due(ctx.settings, ctx.card, ctx.today)
    if pending is None or ctx.system is None:
        return
    basis, start = pending
    options = _options(ctx.settings)
    full = checklists_required(ctx.settings, ctx.card)
    for checklist_id in (options.ai_act_provider_checklist, options.ai_act_deployer_checklist):
        if checklist_id and checklist_id in full:
            yield ctx.finding(
                ctx.system.card,
                f"checklist '{checklist_id}' is not yet due: the obligations of an {basis} "
                f"high-risk system apply from {start.isoformat()} under the policy's "
                f"schedule '{options.ai_act_schedule}' (the gate's date: "
                f"{ctx.today.isoformat()})",
                path=("ai_act",),
                severity=Severity.NOTE,
                hint="answer it before then; the schedule is GATE-CK001's option ai_act_schedule",
            )
