"""The workspace holds at least one system to gate; no system leaves it unnoticed.

Rationale:
A gate that finds nothing to check must not report success: an empty or misconfigured
workspace (a wrong ``systems_dir``, a checkout without the governance folder) would
otherwise let every release through. For the same reason a system whose folder is
deleted drops out of every check, its monitoring included, and the gate of the rest
passes: with ``--changed-since REF``, a system that had a model card on REF and is gone
here is reported, so that the change is reviewed as the removal from the inventory it is.

Fails:
- no ``systems/<id>/model-card.yaml`` or checklist exists under the workspace;
- (a warning) with ``--changed-since REF``: a system with a model card on REF has no
  folder here (deleted, or renamed: the folder is the system's id).

Passes:
- at least one system folder holds a model card or checklist answers, and every system
  of REF is still there.

Remediation:
Check ``systems_dir`` in cardgate.yaml and the ``--workspace`` option; create a card with
``cardgate new model-card ID``. Retire a system by keeping its documents with ``status:
retired`` and ``lifecycle_stage: retired`` rather than deleting them, so the inventory
keeps its record.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-DOC002"
NAME = "documents.found"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.6"]
ALIASES: list[str] = []
SCOPE = "workspace"
INTEGRITY = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.workspace.systems:
        folder = ctx.gate.relative(ctx.workspace.systems_dir)
        yield ctx.finding(
            ctx.workspace.root / "cardgate.yaml",
            f"no documents found: no system folder under '{folder}/' holds a model card",
            hint="create one with: cardgate new model-card ID",
        )
    for system_id, tier in sorted(ctx.gate.removed_systems().items()):
        yield ctx.finding(
            ctx.workspace.root / "cardgate.yaml",
            f"system '{system_id}' (risk tier '{tier}' on {ctx.gate.base_ref}) is gone: "
            "removed from the inventory, it is no longer gated",
            hint="to retire a system, keep its card with status: retired and "
            "lifecycle_stage: retired instead of deleting its folder",
            severity=Severity.WARNING,
        )
