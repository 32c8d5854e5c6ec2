"""Every waiver names a known, waivable rule and has not expired.

Rationale:
A waiver is a risk accepted by a named approver until a date. An expired waiver no
longer waives anything — the finding it covered blocks again — and is itself reported so
that the exception is renewed or the problem fixed. A waiver naming a rule that does not
exist (a typo, a retired code with no alias) would silently waive nothing. Waivers
expiring soon are announced as warnings (option ``warn_days``, default 14).

Fails:
- ``expires: 2025-01-31`` when today is 2025-02-01;
- ``rule: GATE-FA033`` (no such rule), or a rule that cannot be waived.

Passes:
- every waiver names a known rule and is in force.

Remediation:
Renew the waiver with a new expiry and the approver's consent, or fix the underlying
finding and delete the waiver.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import WORKSPACE, Finding

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
        if rule is None:
            match = difflib.get_close_matches(waiver.rule.strip(), list(selectors), n=1)
            yield ctx.finding(
                document,
                f"waiver names unknown rule '{waiver.rule}'",
                path=("waivers", index, "rule"),
                system=system,
                hint=f"did you mean '{match[0]}'?" if match else "list rules: cardgate rules",
            )
        elif not rule.waivable:
            yield ctx.finding(
                document,
                f"rule {rule.code} ({rule.name}) cannot be waived",
                path=("waivers", index, "rule"),
                system=system,
                hint="fix the underlying problem instead",
            )
        left = (waiver.expires - ctx.today).days
        label = f"waiver of {waiver.rule} for '{waiver.system}'"
        if left < 0:
            yield ctx.finding(
                document,
                f"{label} expired on {waiver.expires.isoformat()} (approved by {waiver.approver})",
                path=("waivers", index, "expires"),
                system=system,
                hint="renew it with the approver's consent, or fix the finding and delete it",
            )
        elif left <= warn_days:
            yield ctx.finding(
                document,
                f"{label} expires in {left} day{'s' if left != 1 else ''} "
                f"({waiver.expires.isoformat()})",
                path=("waivers", index, "expires"),
                system=system,
                severity=Severity.WARNING,
                hint="plan the fix or the renewal",
            )
