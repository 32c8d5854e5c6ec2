"""`kind: waivers` — approved exceptions to gate rules, each with an expiry date."""

from __future__ import annotations

from typing import Literal

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    IsoDate,
    Section,
    Text,
    optional,
    required,
)


class Waiver(Section):
    """One exception: findings of `rule` for `system` (optionally one file, one JSON path)."""

    rule: Text = required("Rule code (e.g. GATE-FA003), alias or name it waives.")
    system: Identifier = required("System the waiver applies to.")
    document: Text | None = optional(
        "Only findings in this file (workspace-relative, e.g. systems/x/model-card.yaml)."
    )
    path: Text | None = optional(
        "Only findings at or under this data path, e.g. 'evaluation.thresholds.0'."
    )
    justification: Text = required("Why the exception is acceptable, and until when.")
    approver: Text = required("Who approved the exception.")
    expires: IsoDate = required("Last day the waiver holds (YYYY-MM-DD).")


class Waivers(Document):
    """The workspace's waivers."""

    kind: Literal["waivers"] = required("Always 'waivers'.")
    waivers: list[Waiver] = required("The waivers.")
