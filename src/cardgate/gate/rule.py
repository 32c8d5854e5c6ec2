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
* ``INTEGRITY`` — True for the rules that guard the gate's own integrity (documents found
  and valid, systems checkable, artifacts true, policy untampered, signatures, internal
  errors): no policy can switch them off or lower them, no waiver matches them;
* ``TIME_BASED`` — True when the date alone can change its verdict (it then runs on
  systems ``--changed-since`` finds unchanged);
* ``NEEDS_CARD`` — True when it reads the system's model card and has nothing to check
  without a valid one: the engine does not run it on a system whose card is missing or
  does not validate (GATE-DOC003 names it, the reports show it as not run);
* ``LOCKED`` — True for a waivable rule that no policy may lower (GATE-POL001, which
  reports the policy's own loosenings);
* optionally ``Options``, a pydantic model of its policy options (unknown ones are errors);
* ``check(ctx) -> Iterator[Finding]``;
* a module docstring: a one-line summary, then the sections ``Rationale:``, ``Fails:``,
  ``Passes:`` and ``Remediation:``. It is the rule's documentation (``cardgate explain``,
  SARIF ``fullDescription``/``help``, the site's rule pages).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding
from cardgate.gate.rule_meta import RuleMeta


@dataclass(frozen=True)
class Rule(RuleMeta):
    """One gate rule: metadata, documentation and its check."""

    check: Callable[[RuleContext], Iterator[Finding]]

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
            waivable=bool(namespace.get("WAIVABLE", True))
            and not namespace.get("INTEGRITY", False),
            integrity=bool(namespace.get("INTEGRITY", False)),
            time_based=bool(namespace.get("TIME_BASED", False)),
            needs_card=bool(namespace.get("NEEDS_CARD", False)),
            locked=bool(namespace.get("LOCKED", False) or namespace.get("INTEGRITY", False)),
            check=namespace["check"],
            options=namespace.get("Options"),
            doc=module.__doc__ or "",
        )


def iter_rules(modules: list[ModuleType]) -> Iterator[Rule]:
    for module in modules:
        yield Rule.from_module(module)
