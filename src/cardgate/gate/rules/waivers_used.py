"""Every waiver in force matches at least one finding.

Rationale:
A waiver that matches nothing is either obsolete (the problem was fixed) or mistyped
(wrong system, document or path) — and a mistyped waiver hides the fact that the intended
exception is not applied. Either way it should be removed or corrected. (Waivers of
systems not gated in full in this run — not named, or found unchanged by
``--changed-since`` — are not judged: the rules they waive may not have run.)

Fails:
- a waiver of GATE-FA003 for ``credit-default`` with ``path: evaluation.threshold.0``
  (typo) while the finding is at ``evaluation.thresholds.0``.

Passes:
- each waiver in force waived at least one finding in this run.

Remediation:
Delete waivers whose finding is fixed; correct the system, document or path of the
others (``cardgate gate --format json`` shows each finding's ``location``).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import WORKSPACE, Finding

CODE = "GATE-WV002"
NAME = "waivers.used"
SEVERITY = Severity.WARNING
NIST = ["MANAGE 1.4"]
ALIASES: list[str] = []
SCOPE = "waivers"
WAIVABLE = False


def check(ctx: RuleContext) -> Iterator[Finding]:
    waivers = ctx.workspace.waivers
    document = ctx.workspace.waivers_doc
    if waivers is None or document is None:
        return
    for index, uses in sorted(ctx.gate.waiver_uses.items()):
        waiver = waivers.waivers[index]
        if uses or waiver.system not in ctx.gate.selected or waiver.system in ctx.gate.partial:
            continue
        yield ctx.finding(
            document,
            f"waiver of {waiver.rule} for '{waiver.system}' matches no finding",
            path=("waivers", index),
            system=waiver.system if waiver.system in ctx.workspace.systems else WORKSPACE,
            hint="remove it if the problem is fixed, or correct its system, document or path",
        )
