"""Every waiver names a known, waivable rule, has not expired and keeps the policy's limits.

Rationale:
A waiver is a risk accepted by a named approver until a date. An expired waiver no
longer waives anything — the finding it covered blocks again — and is itself reported so
that the exception is renewed or the problem fixed. A waiver naming a rule that does not
exist (a typo, a retired code with no alias) would silently waive nothing. The policy
limits waivers per risk tier: ``max_waiver_days`` (the longest a waiver may still run) and
``waivable: false`` on a rule (e.g. fairness failures are never waived). A waiver beyond
those limits waives nothing and is reported. Waivers expiring soon are announced as
warnings (option ``warn_days``, default 14).

Fails:
- ``expires: 2025-01-31`` when today is 2025-02-01;
- ``rule: GATE-FA033`` (no such rule), or a rule that cannot be waived (an integrity
  rule, or one the policy says is never waived);
- ``expires: 9999-12-31`` where the policy allows at most 180 days;
- ``approver: ""`` (or blank, ``TODO``, a zero-width space) or such a ``justification``:
  an exception nobody accepted, or for no reason, waives nothing.

Passes:
- every waiver names a known rule and is in force.

Remediation:
Renew the waiver with a new expiry within the policy's limit and the approver's consent,
or fix the underlying finding and delete the waiver.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import WORKSPACE, Finding
from cardgate.gate.waivers import refusals

CODE = "GATE-WV001"
NAME = "waivers.valid"
SEVERITY = Severity.ERROR
NIST = ["MANAGE 1.4", "GOVERN 1.4"]
ALIASES: list[str] = []
SCOPE = "workspace"
WAIVABLE = False


class Options(BaseModel):
    """Options of GATE-WV001."""

    model_config = ConfigDict(extra="forbid")

    warn_days: int = Field(default=14, ge=0)


def check(ctx: RuleContext) -> Iterator[Finding]:
    waivers = ctx.workspace.waivers
    document = ctx.workspace.waivers_doc
    if waivers is None or document is None:
        return
    selectors = {sel: rule for rule in ctx.gate.rules for sel in rule.selectors()}
    options: Options | None = ctx.options
    warn_days = options.warn_days if options is not None else 14
    for index, waiver in enumerate(waivers.waivers):
        system = waiver.system if waiver.system in ctx.workspace.systems else WORKSPACE
        rule = selectors.get(waiver.rule.strip())
        label = f"waiver of {waiver.rule} for '{waiver.system}'"
        refused = refusals(waiver, rule, ctx.gate.waiver_settings(waiver), ctx.today)
        for field, reason in refused:
            hint = "renew it with the approver's consent, or fix the finding and delete it"
            if field == "rule" and rule is None:
                match = difflib.get_close_matches(waiver.rule.strip(), list(selectors), n=1)
                hint = f"did you mean '{match[0]}'?" if match else "list rules: cardgate rules"
            elif field == "rule":
                hint = "fix the underlying problem instead"
            elif field in ("approver", "justification"):
                hint = f"write the {field}: a risk is accepted by someone, for a reason"
            yield ctx.finding(
                document,
                f"{label} {reason}" if field == "expires" else f"waiver {reason}",
                path=("waivers", index, field),
                system=system,
                hint=hint,
            )
        left = (waiver.expires - ctx.today).days
        if not refused and left <= warn_days:
            yield ctx.finding(
                document,
                f"{label} expires in {left} day{'s' if left != 1 else ''} "
                f"({waiver.expires.isoformat()})",
                path=("waivers", index, "expires"),
                system=system,
                severity=Severity.WARNING,
                hint="plan the fix or the renewal",
            )
