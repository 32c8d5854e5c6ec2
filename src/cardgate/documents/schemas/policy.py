"""`kind: policy` — what the release gate demands, per risk tier.

A workspace policy always starts from a shipped preset: ``baseline`` unless it says
``extends: strict``. It overrides it: ``defaults`` apply to every tier, ``tiers.<tier>``
to one risk tier. A value left out (null) inherits; ``rules`` entries merge per rule (a
``level`` replaces, ``options`` merge key by key). Loosening a baseline floor (a role, a
checklist, a coverage minimum, a rule level, a waiver limit) is allowed but reported by
the gate on every run (GATE-POL001) until a named approver waives it; the rules that
guard the gate's own integrity cannot be loosened at all (GATE-POL002). Rule options are
validated against the rule's own options model by the gate (`cardgate.gate.policy`),
which names the rule and the option of any mistake; `cardgate validate` reports the same
mistakes by the same check (`gate.policy.policy_problems`), as CG100.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    RiskTier,
    Section,
    Text,
    optional,
    required,
)
from cardgate.documents.schemas.checklist_definition import ItemId

RuleLevel = Literal["error", "warning", "off"]
DocumentStatus = Literal["draft", "review", "approved"]
NistFunction = Literal["GOVERN", "MAP", "MEASURE", "MANAGE"]


class RuleSetting(Section):
    """How one rule applies: its level and its options."""

    level: RuleLevel | None = optional("error, warning or off; omit to keep the inherited level.")
    options: dict[str, Any] = Field(
        default_factory=dict, description="Rule-specific options (see `cardgate explain CODE`)."
    )
    waivable: bool | None = optional(
        "false: no waiver matches this rule's findings (e.g. fairness failures are never "
        "waived); omit to keep the inherited setting."
    )


class TierPolicy(Section):
    """What a release of a system of this risk tier needs; omitted values are inherited."""

    required_checklists: list[Identifier] | None = optional(
        "Checklist definitions the system must answer, e.g. ['nist-ai-rmf-core']."
    )
    min_coverage: dict[NistFunction, float] | None = optional(
        "Least share (0–1) of each NIST AI RMF function's subcategories addressed by the "
        "required checklists, e.g. {GOVERN: 0.8, MAP: 0.8, MEASURE: 0.8, MANAGE: 0.8}."
    )
    required_items: dict[Identifier, list[ItemId]] | None = optional(
        "Per checklist definition, the items a release needs done (or not-applicable with a "
        "justification); the others may be left unanswered. Omit a checklist to ask for an "
        "answer to each of its items, e.g. {nist-ai-rmf-core: [GOV-01, GOV-03, MAP-01]}."
    )
    require_evaluation: bool | None = optional(
        "Whether an evaluation artifact (cardgate evaluate) is required."
    )
    required_signoffs: list[Identifier] | None = optional(
        "Roles that must sign off (cardgate sign), e.g. ['owner', 'legal', 'risk']."
    )
    max_review_age_days: int | None = optional(
        "Largest age, in days, of the model card's last_reviewed date.", ge=0
    )
    max_waiver_days: int | None = optional(
        "Longest a waiver may run: its expiry at most this many days after the gate's date.",
        ge=0,
    )
    allow_unsigned_signoffs: bool | None = optional(
        "Whether sign-offs without an SSH signature (cardgate sign without --key) count."
    )
    require_threshold_per_feature: bool | None = optional(
        "Whether the evaluation must set at least one threshold on each declared sensitive feature."
    )
    min_document_status: DocumentStatus | None = optional(
        "Least status of the system's documents (draft < review < approved), e.g. 'review'."
    )
    rules: dict[str, RuleSetting] = Field(
        default_factory=dict,
        description="Per-rule settings, keyed by rule code (GATE-MC002) or name.",
    )


class Policy(Document):
    """The workspace's release policy."""

    kind: Literal["policy"] = required("Always 'policy'.")
    extends: Text | None = optional(
        "Shipped preset to start from: 'baseline', 'strict' or 'eu-ai-act-high-risk'; "
        "omitted, 'baseline'."
    )
    description: Text | None = optional("What this policy is for and who owns it.")
    defaults: TierPolicy = Field(
        default_factory=TierPolicy, description="Settings for every tier unless overridden."
    )
    tiers: dict[RiskTier, TierPolicy] = Field(
        default_factory=dict, description="Overrides per risk tier."
    )
