"""A gate rule as the engine, the policy and the reporters see it, read from its module.

A rule module defines, at module level:

* ``CODE`` — stable id, ``GATE-`` plus family letters and digits (``GATE-MC002``);
* ``NAME`` — readable id, ``family.what-it-checks`` (``model-card.recommended-filled``);
* ``SEVERITY`` — default severity of its findings (the policy may change the level);
* ``NIST`` — NIST AI RMF 1.0 subcategories the rule serves (``["MAP 1.1"]``);
* ``ALIASES`` — retired codes or names that still select the rule (policy, waivers);
* ``SCOPE`` — ``"system"`` (run once per gated system), ``"workspace"`` (once) or
  ``"waivers"`` (once, after waivers were matched);
* ``RELEASE_STRICT`` — True when, without ``--release``, its findings are only warnings
  (draft incompleteness);
* ``WAIVABLE`` — False for rules whose findings no waiver can turn off (default True);
* optionally ``Options``, a pydantic model of its policy options (unknown ones are errors);
* ``check(ctx) -> Iterator[Finding]``;
* a module docstring: a one-line summary, then the sections ``Rationale:``, ``Fails:``,
  ``Passes:`` and ``Remediation:``. It is the rule's documentation (``cardgate explain``,
  SARIF ``fullDescription``/``help``, the site's rule pages).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from cardgate.problems import Severity

if TYPE_CHECKING:
    from cardgate.gate.context import RuleContext
    from cardgate.gate.result import Finding

Scope = Literal["system", "workspace", "waivers"]
SECTIONS = ("Rationale", "Fails", "Passes", "Remediation")
CODE_PATTERN = re.compile(r"^GATE-[A-Z]{2,4}[0-9]{3}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$")
RULES_URL = "https://cardgate.dev/rules/"
"""Where rule pages live (site path ``rules/<code>/``); CARDGATE_RULES_URL overrides it."""

_HEADER = re.compile(r"^(" + "|".join(SECTIONS) + r"):\s*$")


@dataclass(frozen=True)
class Rule:
    """One gate rule: metadata, documentation and its check."""

    code: str
    name: str
    severity: Severity
    nist: tuple[str, ...]
    aliases: tuple[str, ...]
    scope: Scope
    release_strict: bool
    waivable: bool
    check: Callable[[RuleContext], Iterator[Finding]]
    options: type[BaseModel] | None
    doc: str

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        """Read a rule module's metadata; raise TypeError when it lacks any."""
        missing = [
            attr
            for attr in ("CODE", "NAME", "SEVERITY", "NIST", "check")
            if not hasattr(module, attr)
        ]
        if missing:
            raise TypeError(f"rule module {module.__name__} lacks {', '.join(missing)}")
        namespace: dict[str, Any] = vars(module)
        return cls(
            code=namespace["CODE"],
            name=namespace["NAME"],
            severity=namespace["SEVERITY"],
            nist=tuple(namespace["NIST"]),
            aliases=tuple(namespace.get("ALIASES", ())),
            scope=namespace.get("SCOPE", "system"),
            release_strict=bool(namespace.get("RELEASE_STRICT", False)),
            waivable=bool(namespace.get("WAIVABLE", True)),
            check=namespace["check"],
            options=namespace.get("Options"),
            doc=module.__doc__ or "",
        )

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


def iter_rules(modules: list[ModuleType]) -> Iterator[Rule]:
    for module in modules:
        yield Rule.from_module(module)
