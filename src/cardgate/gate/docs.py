"""Rule documentation, generated from the rules themselves: `cardgate rules`,
`cardgate explain CODE`, and the Markdown rule pages (scripts/generate_rule_docs.py); the
validation codes (`cardgate.validation.codes`) are explained and listed the same way."""

from __future__ import annotations

import difflib
import json
from typing import TextIO

from cardgate.core.errors import UsageError
from cardgate.documents.load_limits import clip
from cardgate.gate.rule import Rule
from cardgate.gate.rule_meta import SECTIONS
from cardgate.gate.rules import RULES, find_rule, selectors
from cardgate.validation.codes import CODES, code_text, find_code


def rule_info(rule: Rule) -> dict[str, object]:
    return {
        "code": rule.code,
        "name": rule.name,
        "severity": rule.severity.label,
        "nist": list(rule.nist),
        "aliases": list(rule.aliases),
        "scope": rule.scope,
        "release_strict": rule.release_strict,
        "waivable": rule.waivable,
        "options": rule.option_names(),
        "summary": rule.summary,
        "help_uri": rule.help_uri,
    }


def render_rule_list(stream: TextIO, *, as_json: bool = False) -> None:
    if as_json:
        stream.write(json.dumps([rule_info(r) for r in RULES], indent=2, sort_keys=True) + "\n")
        return
    width = max(len(rule.name) for rule in RULES)
    for rule in RULES:
        nist = ", ".join(rule.nist)
        stream.write(
            f"{rule.code:<12} {rule.name:<{width}}  {rule.severity.label:<7}  {rule.summary}"
            + (f"  [NIST {nist}]" if nist else "")
            + "\n"
        )


def lookup(selector: str) -> Rule:
    rule = find_rule(selector)
    if rule is None:
        match = difflib.get_close_matches(selector, [*selectors(), *CODES], n=1)
        raise UsageError(
            f"unknown rule '{clip(selector)}'",  # what was typed, shortened: it may be anything
            hint=f"did you mean '{match[0]}'?" if match else "list them: cardgate rules",
        )
    return rule


def rule_text(rule: Rule) -> str:
    lines = [f"{rule.code}  {rule.name}", "", rule.summary, ""]
    lines.append(f"Default severity: {rule.severity.label}")
    if rule.nist:
        lines.append(f"NIST AI RMF: {', '.join(rule.nist)}")
    if rule.aliases:
        lines.append(f"Aliases: {', '.join(rule.aliases)}")
    if rule.options is not None:
        lines.append(f"Options: {', '.join(rule.option_names())}")
    if rule.release_strict:
        lines.append("Without --release its findings are warnings (draft incompleteness).")
    if rule.integrity:
        lines.append("It guards the gate's integrity: always an error, never off, never waived.")
    elif rule.locked:
        lines.append("It is always an error: no policy can lower it.")
    if not rule.waivable and not rule.integrity:
        lines.append("Its findings cannot be waived.")
    for name, text in rule.sections().items():
        lines += ["", f"{name}:", _indent(text)]
    lines += ["", f"More: {rule.help_uri}"]
    return "\n".join(lines) + "\n"


def render_rule(selector: str, stream: TextIO) -> None:
    """A gate rule's documentation, or a validation code's (`cardgate explain CG107`)."""
    entry = find_code(selector) if find_rule(selector) is None else None
    if entry is not None:
        stream.write(code_text(entry))
        return
    stream.write(rule_text(lookup(selector)))


def render_code_list(stream: TextIO, *, as_json: bool = False) -> None:
    """The validation codes (`cardgate rules --codes`)."""
    if as_json:
        data = [
            {
                "code": entry.code,
                "family": entry.family,
                "title": entry.title,
                "explanation": entry.explanation,
                "remediation": entry.remediation,
            }
            for entry in CODES.values()
        ]
        stream.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        return
    for entry in CODES.values():
        stream.write(f"{entry.code}  {entry.title:<38} {entry.explanation}\n")


def codes_markdown() -> str:
    """docs/codes.md: every validation code."""
    lines = [
        "# Validation codes",
        "",
        "What `cardgate validate` reports (and the release gate, as GATE-DOC001). "
        "`cardgate explain CODE` prints one entry.",
        "",
        "| Code | What | Why | How to fix |",
        "|---|---|---|---|",
    ]
    for entry in CODES.values():
        lines.append(
            f"| {entry.code} | {entry.title} | {entry.explanation} | {entry.remediation} |"
        )
    return "\n".join(lines) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())


def rule_markdown(rule: Rule) -> str:
    """A rule's page (site path ``rules/<code>/``)."""
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        rule.summary,
        "",
        "| | |",
        "|---|---|",
        f"| Default severity | {rule.severity.label} |",
        f"| NIST AI RMF | {', '.join(rule.nist) or '—'} |",
        f"| Aliases | {', '.join(rule.aliases) or '—'} |",
        f"| Options | {', '.join(rule.option_names()) or '—'} |",
        f"| Draft mode | {'warning without --release' if rule.release_strict else 'as set'} |",
        f"| Waivable | {'yes' if rule.waivable else 'no'} |",
    ]
    sections = rule.sections()
    for name in SECTIONS:
        if name in sections:
            lines += ["", f"## {name}", "", sections[name]]
    return "\n".join(lines) + "\n"


def rules_index_markdown() -> str:
    lines = [
        "# Gate rules",
        "",
        "| Code | Name | Severity | NIST AI RMF | What it checks |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES:
        lines.append(
            f"| [{rule.code}]({rule.code}/index.md) | `{rule.name}` | {rule.severity.label} "
            f"| {', '.join(rule.nist)} | {rule.summary} |"
        )
    return "\n".join(lines) + "\n"
