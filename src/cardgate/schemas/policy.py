"""`kind: policy` — what the release gate demands, per risk tier."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from cardgate.schemas.base import Document, Section, Text, optional, required

RuleLevel = Literal["error", "warning", "off"]


class RuleSetting(Section):
    """How one rule applies."""

    level: RuleLevel | None = optional("error, warning or off.")
    options: dict[str, Any] = Field(default_factory=dict, description="Rule-specific options.")


class TierPolicy(Section):
    """What a release of a system of this risk tier needs."""

    required_checklists: list[Text] | None = optional("Checklist definitions to answer.")
    min_coverage: dict[str, float] | None = optional(
        "Least coverage (0–1) of the required checklists per NIST function."
    )
    require_evaluation: bool | None = optional("Whether an evaluation artifact is required.")
    required_signoffs: list[Text] | None = optional("Roles that must sign off.")
    max_review_age_days: int | None = optional("Largest age of the last review, in days.")
    rules: dict[str, RuleSetting] = Field(
        default_factory=dict, description="Per-rule overrides, keyed by rule code or name."
    )


class Policy(Document):
    """The workspace's release policy."""

    kind: Literal["policy"] = required("Always 'policy'.")
    extends: Text | None = optional("Shipped preset to start from: 'baseline' or 'strict'.")
    defaults: TierPolicy = Field(
        default_factory=TierPolicy, description="Settings for every tier unless overridden."
    )
    tiers: dict[Literal["minimal", "limited", "high", "unacceptable"], TierPolicy] = Field(
        default_factory=dict, description="Overrides per risk tier."
    )
