"""A Markdown summary sized for a pull-request comment (and the GitHub job summary).

Card text is untrusted: every value is escaped (`cardgate.core.text.markdown_text`) so
that it cannot add links (bare URLs included), HTML, table cells or control characters.
At most `MAX_ROWS` findings are listed; the rest are counted.
"""

from __future__ import annotations

from typing import TextIO

from cardgate.core.text import markdown_text
from cardgate.gate.result import Finding, GateResult

MAX_ROWS = 50
MAX_SYSTEM_ROWS = 50


def _row(result: GateResult, finding: Finding, label: str) -> str:
    where = markdown_text(f"{result.shown(finding.path)}:{finding.line}:{finding.column}")
    system = markdown_text(finding.system or "—")
    return f"| {label} | `{finding.code}` | {where} | {system} | {markdown_text(finding.message)} |"


def render(result: GateResult, stream: TextIO) -> None:
    icon = "✅" if result.passed else "❌"
    verdict = "passed" if result.passed else "failed"
    pinned = f", set by {result.pinned_by}" if result.pinned_by else ""
    lines = [
        f"## {icon} cardgate gate {verdict}",
        "",
        f"{len(result.systems)} systems gated ({result.mode} mode, "
        f"{result.as_committed + ', ' if result.as_committed else ''}"
        f"policy: {markdown_text(result.policy)}, "
        f"{result.today.isoformat()}{pinned}): {result.errors} errors, {result.warnings} warnings, "
        f"{len(result.waived)} waived.",
        "",
    ]
    if result.not_gated:
        lines += [f"Not gated: {', '.join(result.not_gated)}.", ""]
    failing = [v for v in result.systems if not v.passed]
    shown = (failing + [v for v in result.systems if v.passed])[:MAX_SYSTEM_ROWS]
    if shown:
        lines += [
            "| System | Tier | Verdict | Errors | Warnings | Waived |",
            "|---|---|---|---:|---:|---:|",
        ]
        for v in shown:
            mark = "✅ passed" if v.passed else "❌ failed"
            if v.unchanged:  # a verdict only because the time-based rules failed
                mark += f" ({markdown_text(result.unchanged_note)})"
            lines.append(
                f"| {markdown_text(v.system)} | {markdown_text(v.risk_tier or '?')} | {mark} "
                f"| {v.errors} | {v.warnings} | {v.waived} |"
            )
        if len(result.systems) > len(shown):
            lines.append(f"\n…and {len(result.systems) - len(shown)} more systems.")
        lines.append("")
    if result.findings:
        lines += [
            "### Findings",
            "",
            "| | Rule | Where | System | Message |",
            "|---|---|---|---|---|",
        ]
        for finding in result.findings[:MAX_ROWS]:
            lines.append(_row(result, finding, finding.severity.label))
        if len(result.findings) > MAX_ROWS:
            lines.append(f"\n…and {len(result.findings) - MAX_ROWS} more findings.")
        lines.append("")
    if result.waived:
        lines += [
            f"<details><summary>Waived ({len(result.waived)})</summary>",
            "",
            "| | Rule | Where | System | Message |",
            "|---|---|---|---|---|",
        ]
        for finding in result.waived[:MAX_ROWS]:
            lines.append(_row(result, finding, "waived"))
        lines += ["", "</details>", ""]
    stream.write("\n".join(lines) + "\n")
