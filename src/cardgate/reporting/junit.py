"""JUnit XML: a testsuite per system (and one for the workspace), a testcase per rule.

Passing rules are testcases without children; errors (and, with ``--strict``, warnings)
are ``<failure>``s — always, whatever else is true of the rule; a rule whose findings were
all waived, or that did not run on the system, is ``<skipped>`` with the reason
(`SystemVerdict.not_run`: off in the policy, unchanged since ``--changed-since``'s ref,
the model card missing or invalid) — a rule that did not run never shows as passed.
Systems that were not gated at all (unchanged, not named) are one skipped testcase each
in the ``(not gated)`` suite, with the reason (`GateResult.why_not_gated`) and any
warning the time-based rules found in ``<system-out>``. Warnings of a passing rule go to
``<system-out>``. How the gate ran (its mode, the policy, the date it judged as of and
what set it) is the workspace suite's ``<properties>``. Rendered from the result alone.
Values from documents are escaped (`cardgate.core.text.visible`): XML 1.0 cannot hold
control characters.
"""

from __future__ import annotations

from typing import TextIO
from xml.etree import ElementTree as ET

from cardgate.core.problems import Severity
from cardgate.core.text import visible
from cardgate.gate.result import WORKSPACE, Finding, GateResult, RuleRun

WORKSPACE_SUITE = "(workspace)"
NOT_GATED_SUITE = "(not gated)"


def _line(result: GateResult, finding: Finding) -> str:
    where = f"{result.shown(finding.path)}:{finding.line}:{finding.column}"
    return visible(f"{where}: {finding.code} {finding.severity.label}  {finding.message}")


def _suite(
    result: GateResult,
    name: str,
    system: str,
    rules: list[RuleRun],
    tier: str | None,
    not_run: dict[str, str],
) -> ET.Element:
    suite = ET.Element("testsuite", name=visible(name))
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    active = [f for f in result.findings if f.system == system]
    waived = [f for f in result.waived if f.system == system]
    for rule in rules:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=visible(f"cardgate.{name}"),
            name=f"{rule.code} {rule.name}",
        )
        counts["tests"] += 1
        mine = [f for f in active if f.code == rule.code]
        failing = [f for f in mine if f.severity is Severity.ERROR or result.strict]
        if failing:
            failure = ET.SubElement(
                case,
                "failure",
                message=visible(failing[0].message),
                type=failing[0].severity.label,
            )
            failure.text = "\n".join(_line(result, f) for f in mine)
            counts["failures"] += 1
        elif mine:
            ET.SubElement(case, "system-out").text = "\n".join(_line(result, f) for f in mine)
        elif rule.code in not_run:
            ET.SubElement(case, "skipped", message=visible(not_run[rule.code]))
            counts["skipped"] += 1
        elif rule.level_for(tier) == "off":
            ET.SubElement(case, "skipped", message="off in the policy")
            counts["skipped"] += 1
        elif any(f.code == rule.code for f in waived):
            first = next(f for f in waived if f.code == rule.code)
            assert first.waiver is not None
            ET.SubElement(
                case,
                "skipped",
                message=visible(
                    f"waived by {first.waiver.approver} until "
                    f"{first.waiver.expires.isoformat()}: {first.message}"
                ),
            )
            counts["skipped"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    suite.set("errors", "0")
    return suite


def _run_properties(result: GateResult) -> ET.Element:
    """How the gate ran, as the workspace suite's ``<properties>``: its mode, whether it
    computed the artifacts again, the policy, the ref of ``--changed-since`` and the date
    it judged as of (with what set it, when not the system clock: a freshness verdict
    read a month later is still the one of that date)."""
    properties = ET.Element("properties")
    values = {
        "mode": result.mode,
        "release": str(result.release).lower(),
        "recomputed": str(result.recomputed).lower(),
        "policy": result.policy,
        "changed_since": result.changed_since,
        "today": result.today.isoformat(),
        "today_pinned_by": result.pinned_by,
    }
    for name, value in values.items():
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=visible(value))
    return properties


def _not_gated_suite(result: GateResult, reasons: dict[str, str]) -> ET.Element:
    """One skipped testcase per system the run did not gate, with why."""
    suite = ET.Element("testsuite", name=NOT_GATED_SUITE)
    for system, why in reasons.items():
        case = ET.SubElement(
            suite, "testcase", classname=f"cardgate.{NOT_GATED_SUITE}", name=visible(system)
        )
        ET.SubElement(case, "skipped", message=visible(f"not gated: {why}"))
        found = [f for f in result.findings if f.system == system]
        if found:  # warnings of the time-based rules (an error would have gated it)
            ET.SubElement(case, "system-out").text = "\n".join(_line(result, f) for f in found)
    for key, value in (("tests", len(reasons)), ("failures", 0), ("skipped", len(reasons))):
        suite.set(key, str(value))
    suite.set("errors", "0")
    return suite


def render(result: GateResult, stream: TextIO) -> None:
    root = ET.Element("testsuites", name="cardgate gate")
    system_rules = []
    workspace_rules = []
    for run in result.rules:
        if run.scope != "system":
            workspace_rules.append(run)
        if run.scope != "waivers":  # workspace rules' findings may belong to a system
            system_rules.append(run)
    workspace_suite = _suite(result, WORKSPACE_SUITE, WORKSPACE, workspace_rules, None, {})
    workspace_suite.insert(0, _run_properties(result))
    root.append(workspace_suite)
    for verdict in result.systems:
        root.append(
            _suite(
                result,
                verdict.system,
                verdict.system,
                system_rules,
                verdict.risk_tier,
                dict(verdict.not_run),
            )
        )
    not_gated = result.why_not_gated()
    if not_gated:
        root.append(_not_gated_suite(result, not_gated))
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root:
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("errors", "0")
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
