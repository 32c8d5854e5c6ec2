"""Waivers: approved, time-limited exceptions that turn matching findings into `waived`.

A waiver matches a finding when it is in force (today is on or before ``expires``), its
``rule`` names the finding's rule (code, name or alias), its ``system`` is the finding's
system, and — when given — its ``document`` is the finding's file (workspace-relative)
and its ``path`` is the finding's data path or an ancestor of it (``evaluation.thresholds``
matches ``evaluation.thresholds.0``). Waived findings are reported, not blocking.
Findings of rules that are not waivable (waiver and internal-error rules) never match.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping

from cardgate.documents.schemas.waivers import Waiver
from cardgate.gate.result import Finding, WaiverRef
from cardgate.gate.rule import Rule


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
) -> tuple[list[Finding], list[Finding], dict[int, int]]:
    """(active findings, waived findings, uses per waiver index)."""
    usable = [
        (index, waiver, selectors[waiver.rule.strip()])
        for index, waiver in enumerate(waivers)
        if waiver.rule.strip() in selectors
        and selectors[waiver.rule.strip()].waivable
        and in_force(waiver, today)
    ]
    uses = {index: 0 for index, _, _ in usable}
    active: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        for index, waiver, rule in usable:
            if matches(waiver, rule, finding):
                uses[index] += 1
                ref = WaiverRef(
                    index, rule.code, waiver.approver, waiver.expires, waiver.justification
                )
                waived.append(dataclasses.replace(finding, waiver=ref))
                break
        else:
            active.append(finding)
    return active, waived, uses
