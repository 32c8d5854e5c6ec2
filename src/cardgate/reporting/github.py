"""GitHub Actions workflow commands: one annotation per finding, with correct escaping.

``::error file=F,line=L,col=C,title=T::MESSAGE`` — in the message ``%``, CR and LF are
percent-encoded; in property values also ``:`` and ``,``. Waived findings are notices.
When $GITHUB_STEP_SUMMARY names a file, the Markdown report is appended to it (the job
summary).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from cardgate.core.problems import Severity
from cardgate.core.text import visible
from cardgate.gate.result import Finding, GateResult
from cardgate.reporting import markdown
from cardgate.reporting.text import verdict_line


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(result: GateResult, finding: Finding, kind: str) -> str:
    properties = ",".join(
        f"{key}={escape_property(visible(value))}"
        for key, value in (
            ("file", result.shown(finding.path)),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", f"{finding.code} {finding.name}".strip()),
        )
    )
    message = visible(finding.message)
    if finding.waiver is not None:
        approver = visible(finding.waiver.approver)
        message += f" (waived by {approver} until {finding.waiver.expires})"
    elif finding.hint:
        message += f"\nHint: {visible(finding.hint)}"  # a line break of the annotation
    return f"::{kind} {properties}::{escape_data(message)}"


def render(result: GateResult, stream: TextIO) -> None:
    for finding in result.findings:
        kind = "error" if finding.severity is Severity.ERROR else "warning"
        stream.write(_command(result, finding, kind) + "\n")
    for finding in result.waived:
        stream.write(_command(result, finding, "notice") + "\n")
    stream.write(verdict_line(result) + "\n")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with Path(summary).open("a", encoding="utf-8") as handle:
            markdown.render(result, handle)
