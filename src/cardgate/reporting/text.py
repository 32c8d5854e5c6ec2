"""Compiler-style text: one line per finding and its hint, then a verdict per system.

    systems/credit-scoring/model-card.yaml:41:5: GATE-MC002 error  'ethical_considerations' is
    still the template placeholder (TODO)  [NIST MAP 1.1]
        hint: fill in this section; the release gate demands it
    FAILED  credit-scoring (3 errors, 1 warning)   PASSED  fraud-screening

Colour on a terminal unless NO_COLOR is set (FORCE_COLOR forces it).
"""

from __future__ import annotations

import os
from typing import TextIO

from cardgate.core.problems import Severity
from cardgate.core.text import visible
from cardgate.gate.result import Finding, GateResult

_RED, _YELLOW, _GREEN, _DIM, _BOLD, _RESET = (
    "\033[31m",
    "\033[33m",
    "\033[32m",
    "\033[2m",
    "\033[1m",
    "\033[0m",
)
MAX_LISTED_PASSES = 12


def use_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def render(result: GateResult, stream: TextIO) -> None:
    colour = use_colour(stream)

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if colour else text

    for finding in result.findings:
        tone = _RED if finding.severity is Severity.ERROR else _YELLOW
        stream.write(_line(result, finding, paint(finding.severity.label, tone)) + "\n")
        if finding.hint:
            stream.write(f"    hint: {visible(finding.hint)}\n")
    for finding in result.waived:
        assert finding.waiver is not None
        until = finding.waiver.expires.isoformat()
        note = f"  (waived by {visible(finding.waiver.approver)} until {until})"
        stream.write(_line(result, finding, paint("waived", _DIM)) + note + "\n")
    stream.write(verdict_line(result, paint) + "\n")


def _line(result: GateResult, finding: Finding, label: str) -> str:
    nist = f"  [NIST {', '.join(finding.nist)}]" if finding.nist else ""
    where = visible(f"{result.shown(finding.path)}:{finding.line}:{finding.column}")
    return f"{where}: {finding.code} {label}  {visible(finding.message)}{nist}"


def _counts(errors: int, warnings: int) -> str:
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f" ({', '.join(parts)})" if parts else ""


def verdict_line(result: GateResult, paint: object = None) -> str:
    """``FAILED  a (2 errors)   PASSED  b`` — failures first, passes listed or counted."""

    def tone(text: str, code: str) -> str:
        return paint(text, code) if callable(paint) else text

    parts: list[str] = []
    workspace_findings = [f for f in result.findings if not f.system]
    if workspace_findings:
        errors = sum(f.severity is Severity.ERROR for f in workspace_findings)
        warnings = len(workspace_findings) - errors
        failed = errors > 0 or (result.strict and warnings > 0)
        label = tone("FAILED", _RED + _BOLD) if failed else tone("WARNED", _YELLOW)
        parts.append(f"{label}  workspace{_counts(errors, warnings)}")
    failed_systems = [v for v in result.systems if not v.passed]
    passed_systems = [v for v in result.systems if v.passed]
    for verdict in failed_systems:
        unchanged = f" [{visible(result.unchanged_note)}]" if verdict.unchanged else ""
        parts.append(
            f"{tone('FAILED', _RED + _BOLD)}  {visible(verdict.system)}"
            f"{_counts(verdict.errors, verdict.warnings)}{unchanged}"
        )
    if len(passed_systems) > MAX_LISTED_PASSES:
        parts.append(f"{tone('PASSED', _GREEN)}  {len(passed_systems)} systems")
    else:
        for verdict in passed_systems:
            parts.append(
                f"{tone('PASSED', _GREEN)}  {visible(verdict.system)}{_counts(0, verdict.warnings)}"
            )
    if result.not_gated:
        parts.append("SKIPPED  " + ", ".join(result.not_gated))
    if not parts:
        parts.append(tone("FAILED", _RED + _BOLD) + "  nothing was gated")
    # systems pass or fail under the stand-in preset, not the workspace's own policy
    under = f"systems gated under the {result.policy}; " if result.policy_fallback else ""
    trusted = f"{result.as_committed}; " if result.as_committed else ""
    return "   ".join(parts) + f"   ({visible(under)}{dated(result)}{trusted}{result.mode} mode)"


def dated(result: GateResult) -> str:
    """``judged as of 2026-11-30, set by CARDGATE_TODAY; `` when a chosen date, not the
    system's, decided freshness and expiry (an earlier one keeps stale evidence fresh)."""
    if result.pinned_by is None:
        return ""
    return f"judged as of {result.today.isoformat()}, set by {result.pinned_by}; "
