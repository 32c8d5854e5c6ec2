"""What is known of a gate rule without running it: its metadata and documentation.

`RuleMeta` is what the policy, the rule context, waivers and the result carry;
`cardgate.gate.rule.Rule` adds the check itself. The module layout a rule follows is
described in `cardgate.gate.rule`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from cardgate.core.problems import Severity

Scope = Literal["system", "workspace", "waivers"]
SECTIONS = ("Rationale", "Fails", "Passes", "Remediation")
CODE_PATTERN = re.compile(r"^GATE-[A-Z]{2,4}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$")
RULES_URL = "https://cardgate.dev/rules/"
"""Where rule pages live (site path ``rules/<code>/``); CARDGATE_RULES_URL overrides it."""

_HEADER = re.compile(r"^(" + "|".join(SECTIONS) + r"):\s*$")


@dataclass(frozen=True)
class RuleMeta:
    """One gate rule's metadata and documentation."""

    code: str
    name: str
    severity: Severity
    nist: tuple[str, ...]
    aliases: tuple[str, ...]
    scope: Scope
    release_strict: bool
    waivable: bool
    integrity: bool
    """Guards the gate's own integrity: always an error, never off, never waived."""
    locked: bool
    """Always an error: no policy lowers it (integrity rules, and GATE-POL001)."""
    time_based: bool
    """Its verdict can change with the date alone (review age, data freshness): it runs
    on every system even when `--changed-since` finds the system unchanged."""
    needs_card: bool
    """It reads the model card and has nothing to check without a valid one: it does not
    run on a system whose card is missing or does not validate (`GateContext.not_run`)."""
    options: type[BaseModel] | None
    doc: str

    @property
    def summary(self) -> str:
        """The docstring's first line."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    def sections(self) -> dict[str, str]:
        """The docstring's sections (Rationale, Fails, Passes, Remediation) as text."""
        found: dict[str, list[str]] = {}
        current: list[str] | None = None
        for line in self.doc.strip().splitlines()[1:]:
            header = _HEADER.match(line.strip())
            if header:
                current = found.setdefault(header.group(1), [])
            elif current is not None:
                current.append(line.strip())
        return {name: _paragraphs(lines) for name, lines in found.items()}

    @property
    def description(self) -> str:
        return self.sections().get("Rationale", self.summary)

    @property
    def help(self) -> str:
        return self.sections().get("Remediation", "")

    @property
    def help_uri(self) -> str:
        base = os.environ.get("CARDGATE_RULES_URL", RULES_URL)
        return f"{base.rstrip('/')}/{self.code}/"

    def selectors(self) -> tuple[str, ...]:
        """Every string that names this rule in a policy or a waiver."""
        return (self.code, self.name, *self.aliases)

    def option_names(self) -> list[str]:
        return list(self.options.model_fields) if self.options is not None else []


def _paragraphs(lines: list[str]) -> str:
    """Join wrapped lines; keep blank lines and list items as breaks."""
    out: list[str] = []
    for line in lines:
        if not line:
            out.append("\n\n")
        elif line.startswith(("- ", "* ")) and out:
            out.append("\n" + line)
        else:
            out.append((" " if out and not out[-1].endswith("\n") else "") + line)
    return "".join(out).strip()
