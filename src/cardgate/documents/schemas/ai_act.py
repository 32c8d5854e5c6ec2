"""The `ai_act:` section of a model card: the system's profile under the EU AI Act
(Regulation (EU) 2024/1689).

The profile records what the organisation decided, not what cardgate infers: its role for
this system, whether the system is high-risk and on which basis (a point of Annex III, the
Union harmonisation legislation of Annex I, or the Article 6(3) derogation with its
justification), whether it is a general-purpose AI model, and which paragraphs of
Article 50 (transparency) apply. The points it names are those of the catalog cardgate
ships (`checklists/frameworks/eu-ai-act-2024-1689.yaml`): `cardgate validate` checks them
and the profile against the card's risk tier (CG140). docs/regulation.md explains each
field; the text of the Regulation is in the catalog, never here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from cardgate.documents.schemas.base import (
    PointLabel,
    Section,
    Text,
    optional,
    recommended,
    required,
)

AiActRole = Literal["provider", "deployer", "importer", "distributor"]
"""The organisation's roles for the system, as the Regulation names them."""

TransparencyParagraph = Literal["50(1)", "50(2)", "50(3)", "50(4)"]
"""The paragraphs of Article 50 that lay a duty on a provider or a deployer."""

DerogationCondition = Literal["a", "b", "c", "d"]
"""The condition of Article 6(3), second subparagraph, that the derogation relies on."""


class Derogation(Section):
    """The Article 6(3) derogation: an Annex III system the provider considers not
    high-risk, with the condition relied on and the documented assessment."""

    condition: DerogationCondition = required(
        "The point of Article 6(3), second subparagraph, relied on: a, b, c or d."
    )
    justification: Text = required(
        "Why the system does not pose a significant risk of harm (the provider's documented "
        "assessment)."
    )
    assessment: Text | None = recommended(
        "Workspace-relative path or URL of the full assessment document."
    )


class TransparencyDuty(Section):
    """One Article 50 duty that applies to the system."""

    paragraph: TransparencyParagraph = required(
        "The paragraph of Article 50: 50(1), 50(2), 50(3) or 50(4)."
    )
    measure: Text | None = recommended("How the duty is met (what people are told, how).")


class AiActProfile(Section):
    """The system's profile under the EU AI Act (docs/regulation.md)."""

    roles: list[AiActRole] = required(
        "The organisation's roles for this system: provider, deployer, importer, distributor.",
        min_length=1,
        examples=[["provider"]],
    )
    high_risk: bool = required(
        "Whether the system is high-risk; if so, annex_iii or annex_i says why."
    )
    annex_iii: PointLabel | None = optional(
        "The point of Annex III the system falls under, e.g. '5(b)' (a point of the "
        "catalog shipped with cardgate; CG140).",
        examples=["5(b)"],
    )
    annex_i: Text | None = optional(
        "For a safety component or product under Annex I: the Union harmonisation "
        "legislation listed there."
    )
    derogation: Derogation | None = optional(
        "For an Annex III system the provider considers not high-risk: the Article 6(3) "
        "condition and its justification."
    )
    reason: Text | None = recommended("Why the classification holds, in the organisation's words.")
    general_purpose_model: bool = required("Whether the system is a general-purpose AI model.")
    transparency: list[TransparencyDuty] | None = optional(
        "The Article 50 duties that apply (absent or empty: none applies)."
    )

    @model_validator(mode="after")
    def _basis(self) -> AiActProfile:
        if len(set(self.roles)) != len(self.roles):
            raise ValueError("a role is listed twice in 'roles'")
        if self.high_risk:
            if self.derogation is not None:
                raise ValueError(
                    "a high-risk system has no Article 6(3) derogation: remove 'derogation' "
                    "or set high_risk: false"
                )
            if self.annex_iii is None and self.annex_i is None:
                raise ValueError(
                    "a high-risk system says why: its Annex III point ('annex_iii') or its "
                    "Annex I legislation ('annex_i')"
                )
        elif self.derogation is not None and self.annex_iii is None:
            raise ValueError(
                "the Article 6(3) derogation applies to an Annex III system: name its point "
                "in 'annex_iii'"
            )
        elif self.annex_iii is not None and self.derogation is None:
            raise ValueError(
                "an Annex III system that is not high-risk relies on the Article 6(3) "
                "derogation: record it under 'derogation', or set high_risk: true"
            )
        paragraphs = [duty.paragraph for duty in self.transparency or ()]
        if len(set(paragraphs)) != len(paragraphs):
            raise ValueError("an Article 50 paragraph is listed twice in 'transparency'")
        return self
