"""`kind: checklist-definition` — the questions a `checklist` document answers.

Definitions ship in ``checklists/`` (``nist-ai-rmf-core``, ``nist-genai-profile``); a
workspace may add its own in its ``checklists/`` folder. Each item maps to subcategories
of the framework catalog named in ``framework``; those references are checked against the
catalog by `cardgate.frameworks.definitions`, which also reports duplicate item ids.
"""

from __future__ import annotations

import typing
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    RiskTier,
    Section,
    Text,
    optional,
    recommended,
    required,
)

ItemId = Annotated[Text, StringConstraints(pattern=r"^[A-Z][A-Z0-9]*-[0-9]{2,3}$", max_length=40)]
"""A stable item id: upper-case prefix, dash, two or three digits (e.g. `GOV-01`)."""

SubcategoryRef = Annotated[str, StringConstraints(min_length=1, max_length=40)]
"""A reference into a framework catalog: a subcategory id (`GOVERN 1.1`) or, for a
regulation, the id of an article, paragraph or point (`annex-iv-2-d`)."""

AutomaticCheck = Literal[
    "owners-named",
    "inventory-entry",
    "intended-use-documented",
    "limitations-documented",
    "risk-register",
    "evaluation-present",
    "rollback-planned",
    "signoffs-current",
    "system-described",
    "training-data-documented",
    "evaluation-signed",
    "metrics-explained",
    "monitoring-planned",
]
"""Checks cardgate runs on a system's own documents to answer an item itself."""

AUTOMATIC_CHECKS: tuple[str, ...] = typing.get_args(AutomaticCheck)

ActionId = Annotated[str, StringConstraints(pattern=r"^(GV|MP|MS|MG)-[0-9]+\.[0-9]+-[0-9]{3}$")]
"""An NIST AI 600-1 suggested-action id, e.g. `GV-1.1-001`."""


class ChecklistItem(Section):
    """One question of a checklist, mapped to the framework subcategories it serves."""

    id: ItemId = required(
        "Stable id of the item, e.g. 'GOV-01'; answers refer to it. Never reuse a retired id."
    )
    question: Text = required("The question, written so that an ML engineer can answer it.")
    guidance: Text | None = recommended("What good evidence for this item looks like.")
    maps_to: list[SubcategoryRef] = required(
        "What this item serves in the definition's framework: subcategory ids, e.g. "
        "['GOVERN 1.1', 'GOVERN 1.2'], or a regulation's provision ids, e.g. "
        "['annex-iv-2-d', 'art-10-2'] (an article, paragraph or point serves every "
        "provision under it).",
        min_length=1,
    )
    also_maps_to: dict[Identifier, list[SubcategoryRef]] | None = optional(
        "What the item serves in other frameworks, by framework id, e.g. "
        "{eu-ai-act-2024-1689: [art-9-2]}: one answer counts in each framework's coverage."
    )
    applies_to: list[RiskTier] | None = optional(
        "Risk tiers for which the item applies; omit for all tiers.", min_length=1
    )
    evidence_required: bool = Field(
        default=True,
        description="Whether a 'done' answer must list evidence (paths or http(s) URLs).",
    )
    answered_by: AutomaticCheck | None = optional(
        "A check of the system's own documents that answers the item when the checklist "
        "does not: owners-named, inventory-entry, intended-use-documented, "
        "limitations-documented, risk-register, evaluation-present, rollback-planned, "
        "signoffs-current, system-described, training-data-documented, evaluation-signed, "
        "metrics-explained or monitoring-planned. When it holds, the item counts as done "
        "with the evidence it used; a written answer overrides it."
    )
    answered_in: list[Text] | None = optional(
        "Where in cardgate's documents the answer lives, e.g. ['model-card.yaml#intended_use', "
        "'evaluation.json'] (a regulation's technical documentation cites it)."
    )
    sources: list[ActionId] | None = optional(
        "NIST AI 600-1 action ids the item is drawn from; each action's subcategory must be "
        "in maps_to."
    )


class ChecklistDefinition(Document):
    """A checklist: items that map to the subcategories of a framework catalog."""

    kind: Literal["checklist-definition"] = required("Document kind: 'checklist-definition'.")
    id: Identifier = required(
        "Id of the checklist, e.g. 'nist-ai-rmf-core'; answers name it. Unique across "
        "shipped and workspace definitions."
    )
    title: Text = required("Human-readable title.")
    version: Text = required("Version of this definition, e.g. '1.0.0'.")
    framework: Identifier = required(
        "Framework the items' maps_to refers to, e.g. 'nist-ai-rmf-1.0' or "
        "'eu-ai-act-2024-1689' (cardgate coverage --framework lists them)."
    )
    description: Text | None = recommended("What the checklist is for and who answers it.")
    provenance: Text | None = recommended(
        "Where the wording and the mapping come from, with the licence of any text reused."
    )
    items: list[ChecklistItem] = required("The questions.", min_length=1)
