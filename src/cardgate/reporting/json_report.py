"""The stable JSON form of a gate result (``format: cardgate-gate``, version 1).

Documented field by field in docs/gate-json.md; the review site reads it. Keys are
sorted and lists ordered (findings by file and position, systems and rules as run), so
the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from cardgate import __version__
from cardgate.evidence.evaluation.decide import Verdict
from cardgate.gate.result import Finding, GateResult, RuleRun

FORMAT = "cardgate-gate"
FORMAT_VERSION = 1


def finding_json(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity.label,
        "system": finding.system or None,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "location": finding.location or None,
        "message": finding.message,
        "hint": finding.hint or None,
        "nist": list(finding.nist),
    }
    if finding.waiver is not None:
        data["waiver"] = {
            "index": finding.waiver.index,
            "rule": finding.waiver.rule,
            "approver": finding.waiver.approver,
            "expires": finding.waiver.expires.isoformat(),
            "justification": finding.waiver.justification,
        }
    return data


def rule_json(rule: RuleRun) -> dict[str, Any]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.label,
        "level": rule.level,
        "levels": dict(rule.levels),
        "integrity": rule.integrity,
        "waivable": rule.waivable,
        "nist": list(rule.nist),
        "summary": rule.summary,
        "help_uri": rule.help_uri or None,
    }


def threshold_json(verdict: Verdict) -> dict[str, Any]:
    """One threshold verdict (the decider's, rendered)."""
    found = verdict.result
    return {
        "threshold": found.threshold,
        "metric": found.metric,
        "feature": found.feature,
        "group": found.group,
        "min": found.min,
        "max": found.max,
        "value": found.value,
        "ci": list(found.ci) if found.ci is not None else None,
        "detectable": found.detectable,
        "state": verdict.state,
        "outcome": verdict.outcome,
        "message": verdict.message,
    }


def result_json(result: GateResult) -> dict[str, Any]:
    """The gate result as JSON-able data."""
    passed = sum(v.passed for v in result.systems)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "cardgate_version": __version__,
        "passed": result.passed,
        "exit_code": result.exit_code,
        "release": result.release,
        "mode": result.mode,
        "recomputed": result.recomputed,
        "strict": result.strict,
        "today": result.today.isoformat(),
        "today_pinned_by": result.pinned_by,
        "policy": result.policy,
        "summary": {
            "systems": len(result.systems),
            "passed": passed,
            "failed": len(result.systems) - passed,
            "errors": result.errors,
            "warnings": result.warnings,
            "waived": len(result.waived),
            "documents": len(result.documents),
            "rules": sum(rule.level != "off" for rule in result.rules),
        },
        "systems": [
            {
                "system": v.system,
                "risk_tier": v.risk_tier,
                "passed": v.passed,
                "errors": v.errors,
                "warnings": v.warnings,
                "waived": v.waived,
                "thresholds": [
                    threshold_json(verdict)
                    for decided in v.thresholds
                    for verdict in decided.verdicts
                ],
                "not_run": [{"code": code, "reason": why} for code, why in v.not_run],
                "unchanged": v.unchanged,
            }
            for v in result.systems
        ],
        "changed_since": result.changed_since,
        "not_gated": result.why_not_gated(),
        "skipped_systems": list(result.skipped_systems),
        "unselected_systems": list(result.unselected_systems),
        "findings": [finding_json(f) for f in result.findings],
        "waived": [finding_json(f) for f in result.waived],
        "rules": [rule_json(rule) for rule in result.rules],
        "documents": list(result.documents),
    }


def render(result: GateResult, stream: TextIO) -> None:
    stream.write(json.dumps(result_json(result), indent=2, sort_keys=True, ensure_ascii=False))
    stream.write("\n")
