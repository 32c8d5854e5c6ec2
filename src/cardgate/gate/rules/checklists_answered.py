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
  ``regulation-2024``), an AI Act checklist of a high-risk system none of whose items
  applies yet on the gate's date (``--today``). Each item applies from the date of the
  obligations it maps to under that schedule of ``checklists/frameworks/frameworks.yaml``:
  Article 50's date for the Article 50 items, the date of the system's basis (Annex III or
  Annex I) for the others. It is reported as not yet due (a note); once some of its items
  apply it is required, and the items that do not apply yet are not (GATE-CK004 notes
  them). A card whose profile is a general-purpose AI model gets a note with the date of
  Chapter V's obligations, which no shipped checklist covers.

Choosing a schedule that postpones an obligation against the published one (the reported
``digital-omnibus-reported`` dates), or dropping an AI Act checklist that the compared
policy asks for, is a loosening (GATE-POL001).

Remediation:
Scaffold the answers with ``cardgate new checklist ID --checklist DEFINITION`` and answer
each item with its status and evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cardgate.core.errors import UsageError
from cardgate.core.problems import Severity
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.gate.context import RuleContext
from cardgate.gate.policy import TierSettings
from cardgate.gate.result import Finding

if TYPE_CHECKING:
    from cardgate.frameworks.definitions import Definition, DefinitionSet
    from cardgate.frameworks.obligation_dates import AppliesFrom

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

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Where these options demand less than `floor`'s (GATE-POL001): an AI Act
        checklist dropped, or a schedule that postpones an obligation — against the
        floor's schedule, or the published one (regulation-2024) where the floor sets
        none (always due is stricter than any schedule)."""
        if not isinstance(floor, Options):
            return []
        found = []
        for name in ("ai_act_provider_checklist", "ai_act_deployer_checklist"):
            least = getattr(floor, name)
            if least is not None and getattr(self, name) != least:
                found.append(
                    (name, f"sets {name} {getattr(self, name)} (compared policy: {least})")
                )
        requires = self.ai_act_provider_checklist or self.ai_act_deployer_checklist
        if self.ai_act_schedule is not None and requires:
            later = _postponed(self.ai_act_schedule, floor.ai_act_schedule)
            if later:
                found.append(("ai_act_schedule", later))
        return found


def _postponed(schedule: str, floor: str | None) -> str:
    """What `schedule` postpones against `floor` (the published schedule when None), in
    words; "" when it postpones nothing."""
    from cardgate.frameworks.registry import application_dates, framework_id, framework_index

    schedules = framework_index()[framework_id(AI_ACT)].get("application_dates") or {}
    compared = floor if floor is not None else next(iter(schedules))
    given, least = application_dates(AI_ACT, schedule), application_dates(AI_ACT, compared)
    later = [
        f"{key} {given[key]} (was {least[key]})"
        for key in least
        if key in given and given[key] > least[key]
    ]
    if not later:
        return ""
    status = str(schedules.get(schedule, {}).get("status", "")).split(":")[0].strip()
    return (
        f"sets ai_act_schedule '{schedule}', which postpones AI Act obligations against "
        f"'{compared}': {', '.join(later)}" + (f"; its status: {status}" if status else "")
    )


def _options(settings: TierSettings) -> Options:
    options = settings.options.get(CODE)
    return options if isinstance(options, Options) else Options()


def pending_items(
    settings: TierSettings,
    card: ModelCard | None,
    definition: Definition | None,
    today: dt.date,
) -> dict[str, AppliesFrom]:
    """The items of `definition`, applicable to the card's tier, whose obligations do not
    apply yet on `today` under the policy's AI Act schedule (none without a schedule, a
    high-risk profile or the definition)."""
    from cardgate.frameworks.obligation_dates import pending_items as pending

    schedule = _options(settings).ai_act_schedule
    profile = card.ai_act if card is not None else None
    if schedule is None or profile is None or not profile.high_risk or definition is None:
        return {}
    items = definition.applicable_items(settings.tier)
    return pending(definition.model, items, profile, schedule, today)


def _not_yet_due(
    settings: TierSettings,
    card: ModelCard | None,
    definition: Definition | None,
    today: dt.date,
) -> AppliesFrom | None:
    """The earliest date of a checklist none of whose items applies yet on `today` (it
    is not required before then); None when some item applies."""
    if definition is None:
        return None
    pending = pending_items(settings, card, definition, today)
    items = definition.applicable_items(settings.tier)
    if not pending or len(pending) < len(items):
        return None
    return min(pending.values(), key=lambda applies: applies.date)


def required_checklists(ctx: RuleContext) -> list[str]:
    """The checklist definitions the policy requires of this system on the gate's date."""
    return checklists_required(
        ctx.settings, ctx.card, today=ctx.today, definitions=ctx.gate.definitions()
    )


def checklists_required(
    settings: TierSettings,
    card: ModelCard | None,
    *,
    today: dt.date | None = None,
    definitions: DefinitionSet | None = None,
) -> list[str]:
    """The checklist definitions a policy tier requires of a system with this card (on
    `today`, with the workspace's `definitions`: an AI Act checklist only once one of its
    items applies, when the policy sets a schedule)."""
    wanted = list(settings.required_checklists)
    options = _options(settings)
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
            if role not in profile.roles or not checklist or checklist in wanted:
                continue
            definition = definitions.get(checklist) if definitions is not None else None
            if today is not None and _not_yet_due(settings, card, definition, today):
                continue
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
    yield from _pending_notes(ctx)
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


def _pending_notes(ctx: RuleContext) -> Iterator[Finding]:
    """A note per AI Act checklist the policy asks for but none of whose obligations
    apply yet on the gate's date, and one on a general-purpose AI model's obligations
    (which cardgate's checklists do not cover)."""
    card, system = ctx.card, ctx.system
    schedule = _options(ctx.settings).ai_act_schedule
    if card is None or system is None or card.ai_act is None or schedule is None:
        return
    if card.ai_act.general_purpose_model:
        from cardgate.frameworks.obligation_dates import obligation_applies_from

        model = obligation_applies_from("chapter-v", schedule)
        if model is not None:
            verb = "apply from" if model.date > ctx.today else "have applied since"
            yield ctx.finding(
                system.card,
                f"{model.obligations} {verb} {model.date.isoformat()} under the policy's "
                f"schedule '{schedule}' (the gate's date: {ctx.today.isoformat()})",
                path=("ai_act", "general_purpose_model"),
                severity=Severity.NOTE,
                hint="cardgate records this date; answer those obligations outside cardgate",
            )
    options = _options(ctx.settings)
    full = checklists_required(ctx.settings, card)
    for checklist_id in (options.ai_act_provider_checklist, options.ai_act_deployer_checklist):
        if not checklist_id or checklist_id not in full:
            continue
        definition = ctx.gate.definitions().get(checklist_id)
        pending = _not_yet_due(ctx.settings, card, definition, ctx.today)
        if pending is None:
            continue
        yield ctx.finding(
            system.card,
            f"checklist '{checklist_id}' is not yet due: {pending.obligations} apply from "
            f"{pending.date.isoformat()} under the policy's schedule '{schedule}' (the "
            f"gate's date: {ctx.today.isoformat()})",
            path=("ai_act",),
            severity=Severity.NOTE,
            hint="answer it before then; the schedule is GATE-CK001's option ai_act_schedule",
        )
