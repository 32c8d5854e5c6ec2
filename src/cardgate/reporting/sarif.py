"""SARIF 2.1.0 (OASIS), for GitHub code scanning and other SARIF consumers.

Every rule the run used is described from the result alone (``fullDescription``,
``help``, ``helpUri`` to its rule page ``rules/<code>/``, NIST AI RMF subcategories as
``properties.tags``); results
carry 1-based regions and URIs relative to the current directory (``%SRCROOT%``, the
repository root in CI). Waived findings are results with an accepted external
suppression. Validated against the official schema in tests/gate.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any, TextIO
from urllib.parse import quote

from cardgate import __version__
from cardgate.core.problems import Severity
from cardgate.gate.result import Finding, GateResult, RuleRun

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://cardgate.dev"


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"


def _rule(rule: RuleRun) -> dict[str, Any]:
    help_text = rule.help or rule.summary
    sections = dict(rule.sections)
    level = rule.level
    markdown = "\n\n".join(
        f"**{name}**\n\n{sections[name]}"
        for name in ("Rationale", "Fails", "Passes", "Remediation")
        if name in sections
    )
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": help_text, "markdown": markdown or help_text},
        **({"helpUri": rule.help_uri} if rule.help_uri else {}),
        "defaultConfiguration": {"level": "none" if level == "off" else level},
        "properties": {
            "tags": [f"NIST AI RMF {sub}" for sub in rule.nist],
            "nist_ai_rmf": list(rule.nist),
            "aliases": list(rule.aliases),
        },
    }


def _uri(result: GateResult, path: str) -> str:
    """A relative URI reference: the path shown, percent-encoded (RFC 3986)."""
    shown = result.shown(path)
    return quote(shown if not PurePosixPath(shown).is_absolute() else path, safe="/")


def _result(result: GateResult, finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    fingerprint = hashlib.sha256(
        "\x00".join((finding.code, finding.system, finding.path, finding.location)).encode()
    ).hexdigest()
    data: dict[str, Any] = {
        "ruleId": finding.code,
        "level": _level(finding.severity),
        "message": {"text": finding.message + (f"\nHint: {finding.hint}" if finding.hint else "")},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": _uri(result, finding.path),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": {"startLine": finding.line, "startColumn": finding.column},
                }
            }
        ],
        "partialFingerprints": {"cardgateFinding/v1": fingerprint},
        "properties": {
            "system": finding.system or None,
            "location": finding.location or None,
            "tags": [f"NIST AI RMF {sub}" for sub in finding.nist],
        },
    }
    if finding.code in index:
        data["ruleIndex"] = index[finding.code]
    if finding.waiver is not None:
        data["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{finding.waiver.justification} (approved by "
                f"{finding.waiver.approver}, expires {finding.waiver.expires.isoformat()})",
            }
        ]
    return data


def sarif_log(result: GateResult) -> dict[str, Any]:
    rules = result.rules
    index = {rule.code: position for position, rule in enumerate(rules)}
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cardgate",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "exitCode": result.exit_code,
                        "properties": {
                            "release": result.release,
                            "mode": result.mode,
                            "recomputed": result.recomputed,
                            "policy": result.policy,
                            "changed_since": result.changed_since,
                            "today": result.today.isoformat(),
                            "today_pinned_by": result.pinned_by,
                            "not_gated": result.why_not_gated(),
                        },
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": [
                    _result(result, finding, index)
                    for finding in [*result.findings, *result.waived]
                ],
            }
        ],
    }


def render(result: GateResult, stream: TextIO) -> None:
    stream.write(json.dumps(sarif_log(result), indent=2, sort_keys=True, ensure_ascii=False))
    stream.write("\n")
