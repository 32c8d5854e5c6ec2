"""GitLab Code Quality report: each finding shown on the merge request's changed lines.

A JSON array of issues as GitLab's `codequality` artifact report reads them
(``description``, ``check_name``, ``fingerprint``, ``severity``, ``location.path``,
``location.lines.begin``). Paths are relative to the current directory (the repository
root in CI). Waived findings are left out: they do not block and need no review. The
fingerprint is stable across runs (rule, file, position, message), so GitLab can tell new
findings from fixed ones.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from typing import Any, TextIO

from cardgate.core.problems import Severity
from cardgate.gate.result import Finding, GateResult


def _issue(result: GateResult, finding: Finding) -> dict[str, Any]:
    path = PurePosixPath(result.shown(finding.path).replace("\\", "/")).as_posix()
    key = f"{finding.code}\0{finding.path}\0{finding.line}\0{finding.column}\0{finding.message}"
    description = f"{finding.code} {finding.message}"
    if finding.hint:
        description += f" (hint: {finding.hint})"
    return {
        "type": "issue",
        "check_name": finding.code,
        "description": description,
        "categories": ["Compliance"],
        "severity": "major" if finding.severity is Severity.ERROR else "minor",
        "fingerprint": hashlib.sha256(key.encode("utf-8")).hexdigest(),
        "location": {"path": path, "lines": {"begin": finding.line}},
    }


def render(result: GateResult, stream: TextIO) -> None:
    issues = [_issue(result, finding) for finding in result.findings]
    stream.write(json.dumps(issues, indent=2, ensure_ascii=False) + "\n")
