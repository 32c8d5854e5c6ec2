"""The workspace holds at least one system to gate.

Rationale:
A gate that finds nothing to check must not report success: an empty or misconfigured
workspace (a wrong ``systems_dir``, a checkout without the governance folder) would
otherwise let every release through.

Fails:
- no ``systems/<id>/model-card.yaml`` or checklist exists under the workspace.

Passes:
- at least one system folder holds a model card or checklist answers.

Remediation:
Check ``systems_dir`` in cardgate.yaml and the ``--workspace`` option; create a card with
``cardgate new model-card ID``.
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
