"""`cardgate status` output: what is left per system, in order, then one progress line.

    credit-scoring (risk tier high)
      1. Fill in the model card
         systems/credit-scoring/model-card.yaml:41:5  'limitations' is still the template
         placeholder (TODO)
           hint: fill in this section; the release gate demands it
      2. Collect the sign-offs
         ...
      credit-scoring: 6 of 8 steps clear, checklist items 12/62 done, 3 findings left

It renders a `cardgate.gate.status.StatusReport` and decides nothing.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from cardgate.core.text import visible
from cardgate.gate.result import Finding
from cardgate.gate.status import COVERAGE_RULE, FunctionGap, StatusReport, SystemStatus

QUESTION_WIDTH = 72


def render_text(report: StatusReport, stream: TextIO) -> None:
    if report.workspace:
        stream.write("workspace (blocks every system)\n")
        for finding in report.workspace:
            _finding(report, finding, stream, indent="  ")
        stream.write("\n")
    for index, system in enumerate(report.systems):
        if index:
            stream.write("\n")
        _system(report, system, stream)
    if not report.systems and not report.workspace:
        stream.write("nothing to report: the workspace has no system\n")


def _system(report: StatusReport, system: SystemStatus, stream: TextIO) -> None:
    tier = f" (risk tier {system.risk_tier})" if system.risk_tier else ""
    stream.write(f"{visible(system.system)}{tier}\n")
    clear = [step.key for step in system.steps if step.clear]
    if system.left and clear:
        stream.write(f"  clear: {', '.join(clear)}\n")
    if system.unchecked:
        unchecked = ", ".join(step.key for step in system.unchecked)
        stream.write(f"  not checked until the model card validates: {unchecked}\n")
    for number, step in enumerate(system.left, start=1):
        stream.write(f"  {number}. {step.title}\n")
        for finding in step.findings:
            gap = _gap_of(finding, step.gaps)
            _finding(report, finding, stream, indent="     ", hint=gap is None)
            if gap is not None:
                _gap(report, gap, stream)
    stream.write(f"  {system.progress()}\n")


def _gap_of(finding: Finding, gaps: tuple[FunctionGap, ...]) -> FunctionGap | None:
    if finding.code != COVERAGE_RULE or not finding.nist:
        return None
    return next((gap for gap in gaps if gap.function == finding.nist[0]), None)


def _finding(
    report: StatusReport, finding: Finding, stream: TextIO, *, indent: str, hint: bool = True
) -> None:
    where = visible(f"{report.shown(finding.path)}:{finding.line}:{finding.column}")
    stream.write(f"{indent}{where}  {finding.code}  {visible(finding.message)}\n")
    if hint and finding.hint:
        stream.write(f"{indent}  hint: {visible(finding.hint)}\n")


def _gap(report: StatusReport, gap: FunctionGap, stream: TextIO) -> None:
    more = gap.needed
    stream.write(
        f"       address {more} more {gap.function} subcategor{'y' if more == 1 else 'ies'} "
        f"to reach {gap.minimum:.0%}; open items:\n"
    )
    for item in gap.items:
        question = item.question
        if len(question) > QUESTION_WIDTH:
            question = question[: QUESTION_WIDTH - 1].rstrip() + "…"
        where = visible(f"{report.shown(item.path)}:{item.line}:{item.column}")
        stream.write(f"         {where}  {item.item} {item.status}  {visible(question)}\n")


def render_json(report: StatusReport, stream: TextIO) -> None:
    data = {
        "ready": report.ready,
        "today": report.today.isoformat(),
        "workspace": [_finding_data(finding) for finding in report.workspace],
        "systems": [_system_data(system) for system in report.systems],
    }
    stream.write(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def _system_data(system: SystemStatus) -> dict[str, Any]:
    return {
        "system": system.system,
        "risk_tier": system.risk_tier,
        "ready": system.ready,
        "progress": system.progress(),
        "checklist_items": {"done": system.items_done, "total": system.items_total},
        "warnings": system.warnings,
        "waived": system.waived,
        "steps": [
            {
                "step": step.key,
                "title": step.title,
                "clear": step.clear,
                "checked": step.checked,
                "findings": [_finding_data(finding) for finding in step.findings],
                "functions": [
                    {
                        "function": gap.function,
                        "addressed": gap.addressed,
                        "total": gap.total,
                        "minimum": gap.minimum,
                        "needed": gap.needed,
                        "open_items": [
                            {
                                "checklist": item.checklist,
                                "item": item.item,
                                "status": item.status,
                                "path": item.path,
                                "line": item.line,
                                "column": item.column,
                                "question": item.question,
                            }
                            for item in gap.items
                        ],
                    }
                    for gap in step.gaps
                ],
            }
            for step in system.steps
        ],
    }


def _finding_data(finding: Finding) -> dict[str, Any]:
    return {
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "message": finding.message,
        "hint": finding.hint,
    }
