"""Waivers: approved, time-limited exceptions that turn matching findings into `waived`.

A waiver matches a finding when it is in force (today is on or before ``expires``), its
``rule`` names the finding's rule (code, name or alias), its ``system`` is the finding's
system, and — when given — its ``document`` is the finding's file (workspace-relative)
and its ``path`` is the finding's data path or an ancestor of it (``evaluation.thresholds``
matches ``evaluation.thresholds.0``). Waived findings are reported, not blocking.

Whether a waiver may waive at all is decided once, by `refusals`: it must name its
approver and give its justification (neither blank, a placeholder such as ``TODO``, nor
only invisible characters), name a known rule that is waivable (integrity and waiver
rules never are) and that the policy for the system's risk tier does not forbid waiving
(``waivable: false``), and it must not run longer than the tier's ``max_waiver_days``
past the gate's date. A refused waiver matches
nothing; GATE-WV001 reports why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping

from cardgate.documents.placeholders import says_something
from cardgate.documents.schemas.waivers import Waiver
from cardgate.gate.policy import TierSettings
from cardgate.gate.result import Finding, WaiverRef
from cardgate.gate.rule import Rule
from cardgate.gate.rule_meta import RuleMeta

POLICY_RULE = "GATE-POL001"
"""The rule that reports the policy's loosenings."""


def normalise_path(path: str) -> str:
    """``evaluation.thresholds[0]`` or ``evaluation/thresholds/0``: ``evaluation.thresholds.0``."""
    text = re.sub(r"\[(\d+)\]", r".\1", path.strip()).replace("/", ".")
    return ".".join(part for part in text.split(".") if part)


def normalise_document(document: str) -> str:
    text = document.strip().replace("\\", "/")
    while text.startswith("./"):
        text = text[2:]
    return text


def in_force(waiver: Waiver, today: dt.date) -> bool:
    return today <= waiver.expires


def refusals(
    waiver: Waiver, rule: RuleMeta | None, settings: TierSettings, today: dt.date
) -> list[tuple[str, str]]:
    """(field, reason) for each reason `waiver` cannot waive anything; empty: it may.

    `settings` are the policy's for the risk tier of the waiver's system.
    """
    found: list[tuple[str, str]] = []
    for field, what in (("approver", "no approver"), ("justification", "no justification")):
        if not says_something(getattr(waiver, field)):
            found.append((field, f"names {what} ({field}: {getattr(waiver, field)!r})"))
    if rule is None:
        found.append(("rule", f"names unknown rule '{waiver.rule}'"))
    elif not rule.waivable:
        why = (
            "guards the gate's integrity"
            if rule.integrity
            else "judges waivers"
            if rule.name.startswith("waivers.")
            else "blocks whatever a waiver says"
        )
        found.append(("rule", f"rule {rule.code} ({rule.name}) {why} and cannot be waived"))
    elif not settings.waivable(rule):
        found.append(
            (
                "rule",
                f"cannot waive rule {rule.code} ({rule.name}): the policy never waives it "
                f"for risk tier '{settings.tier}'",
            )
        )
    if not in_force(waiver, today):
        found.append(
            ("expires", f"expired on {waiver.expires.isoformat()} (approved by {waiver.approver})")
        )
    limit, whose = settings.max_waiver_days, "the policy allows"
    floor = settings.baseline_max_waiver_days
    loosening = rule is not None and rule.code == POLICY_RULE
    if loosening and floor is not None and (limit is None or limit > floor):
        # a loosened limit cannot lengthen the waiver that accepts it
        limit, whose = floor, "a waiver of a policy loosening runs, as the baseline allows,"
    if limit is not None and (waiver.expires - today).days > limit:
        found.append(
            (
                "expires",
                f"runs {(waiver.expires - today).days} days, to {waiver.expires.isoformat()}; "
                f"{whose} at most {limit} days for risk tier '{settings.tier}'",
            )
        )
    return found


def matches(waiver: Waiver, rule: Rule, finding: Finding) -> bool:
    if finding.code != rule.code or finding.system != waiver.system:
        return False
    if waiver.document is not None and normalise_document(waiver.document) != finding.path:
        return False
    if waiver.path is not None:
        wanted = normalise_path(waiver.path)
        here = finding.location
        if not (here == wanted or here.startswith(wanted + ".")):
            return False
    return True


def apply_waivers(
    findings: Iterable[Finding],
    waivers: list[Waiver],
    selectors: Mapping[str, Rule],
    *,
    today: dt.date,
    settings: Callable[[Waiver], TierSettings],
) -> tuple[list[Finding], list[Finding], dict[int, int]]:
    """(active findings, waived findings, uses per waiver index).

    `settings` gives the policy for the risk tier of a waiver's system.
    """
    usable = [
        (index, waiver, selectors[waiver.rule.strip()])
        for index, waiver in enumerate(waivers)
        if not refusals(waiver, selectors.get(waiver.rule.strip()), settings(waiver), today)
    ]
    uses = {index: 0 for index, _, _ in usable}
    active: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        for index, waiver, rule in usable:
            if finding.waivable and matches(waiver, rule, finding):
                uses[index] += 1
                ref = WaiverRef(
                    index, rule.code, waiver.approver, waiver.expires, waiver.justification
                )
                waived.append(dataclasses.replace(finding, waiver=ref))
                break
        else:
            active.append(finding)
    return active, waived, uses
