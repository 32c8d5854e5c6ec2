"""The values of the portfolio's governance pages: the release policy in force, every
waiver (approver, justification, scope, expiry, and a warning when it runs out soon), and
the action list across systems.

The policy is shown as the gate resolves it (`cardgate.gate.policy.resolve_policy`: the
shipped preset, then the workspace's ``policy.yaml``), per risk tier; which rules may never
be waived comes from the rules themselves. Findings about the policy and the waivers are
the gate's own (workspace findings), listed where they belong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cardgate.gate.policy import TIERS
from cardgate.gate.thresholds import threshold_policy
from cardgate.gate.tiers import NEVER_RELEASED
from cardgate.site.actions import Action, expiry_note, portfolio_actions
from cardgate.site.links import link, rule_page, system_page
from cardgate.site.view_model import SiteModel

POLICY_PAGE = "policy/index.md"
WAIVERS_PAGE = "waivers/index.md"
ACTIONS_PAGE = "actions/index.md"
GLOSSARY_PAGE = "glossary.md"


def waiver_rows(model: SiteModel, path: str, *, system: str | None = None) -> list[dict[str, Any]]:
    """Every waiver of the workspace (of `system` only, when given), in file order, with its
    state on the build's day."""
    waivers = model.workspace.waivers
    if waivers is None:
        return []
    chosen = [
        (index, waiver)
        for index, waiver in enumerate(waivers.waivers)
        if system is None or waiver.system == system
    ]
    if not chosen:
        return []
    slugs = {s.id: s.slug for s in model.systems}
    names = {s.id: s.name for s in model.systems}
    known_rules = {rule.code for rule in model.gate.rules}
    used: dict[int, int] = {}
    if model.gate.result is not None:
        for finding in model.gate.result.waived:
            if finding.waiver is not None:
                used[finding.waiver.index] = used.get(finding.waiver.index, 0) + 1
    rows = []
    for index, waiver in chosen:
        state, words = expiry_note(waiver.expires, model.today)
        scope = []
        if waiver.document:
            scope.append(f"file {waiver.document}")
        if waiver.path:
            scope.append(f"at {waiver.path}")
        rows.append(
            {
                "index": index,
                "rule": waiver.rule,
                "rule_href": link(path, rule_page(waiver.rule))
                if waiver.rule in known_rules
                else "",
                "system": waiver.system,
                "system_name": names.get(waiver.system, waiver.system),
                "system_href": link(path, system_page(slugs[waiver.system]))
                if waiver.system in slugs
                else "",
                "scope": ", ".join(scope) or "every finding of the rule for this system",
                "approver": waiver.approver,
                "justification": waiver.justification,
                "expires": waiver.expires,
                "state": state,
                "state_words": words,
                "waives": used.get(index, 0),
            }
        )
    return rows


def workspace_findings(model: SiteModel, prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
    """The gate's findings whose code starts with one of `prefixes` (GATE-POL… for the
    policy's loosenings, GATE-WV… for the waivers), open ones first, then waived ones with
    who accepted them."""
    result = model.gate.result
    if result is None:
        return []
    names = {s.id: s.name for s in model.systems}
    return [
        {
            "code": finding.code,
            "message": finding.message,
            "hint": finding.hint,
            "where": f"{finding.path}:{finding.line}:{finding.column}" if finding.path else "",
            "blocking": finding.blocking,
            "system": names.get(finding.system, finding.system),
            "waiver": finding.waiver,
        }
        for finding in (*result.findings, *result.waived)
        if finding.code.startswith(prefixes)
    ]


REFUSES_TIER = "GATE-MC003"
"""The rule that refuses every release of a system of the tier `NEVER_RELEASED`."""


def policy_values(model: SiteModel, path: str) -> dict[str, Any]:
    """The policy in force, per risk tier, as the gate applies it."""
    policy = model.policy
    result = model.gate.result
    rules = sorted(model.gate.rules, key=lambda rule: rule.code)
    refusal = next((rule for rule in rules if rule.code == REFUSES_TIER), None)
    tiers = []
    if policy is not None:
        for tier in TIERS:
            settings = policy.for_tier(tier)
            thresholds = threshold_policy(settings)
            tiers.append(
                {
                    "tier": tier,
                    # what the refusal of the tier's releases comes to under this policy
                    "refused": settings.level(refusal)
                    if tier == NEVER_RELEASED and refusal is not None
                    else "",
                    "checklists": list(settings.required_checklists),
                    "coverage": dict(settings.min_coverage),
                    "evaluation": settings.require_evaluation,
                    "signoffs": list(settings.required_signoffs),
                    "review_days": settings.max_review_age_days,
                    "inconclusive": thresholds.inconclusive,
                    "min_group_size": thresholds.min_group_size,
                    "off": [r.code for r in rules if settings.level(r) == "off"],
                    "warning": [
                        r.code
                        for r in rules
                        if settings.level(r) == "warning" and r.severity.label != "warning"
                    ],
                }
            )
    document = model.workspace.policy
    return {
        "available": policy is not None,
        "reason": model.policy_reason,
        "policy_source": result.policy if result is not None else (policy.source if policy else ""),
        "description": document.description if document is not None else "",
        "fallback": bool(policy and policy.fallback),
        "tiers": tiers,
        "refusal": {"code": REFUSES_TIER, "href": link(path, rule_page(REFUSES_TIER))},
        "never_waivable": [
            {"code": r.code, "name": r.name, "href": link(path, rule_page(r.code))}
            for r in rules
            if not r.waivable
        ],
        "findings": workspace_findings(model, ("GATE-POL",)),
        "waivers": link(path, WAIVERS_PAGE),
        "rules": link(path, "rules/index.md"),
        "glossary": link(path, GLOSSARY_PAGE),
    }


def waivers_values(model: SiteModel, path: str) -> dict[str, Any]:
    rows = waiver_rows(model, path)
    return {
        "rows": rows,
        "soon": [row for row in rows if row["state"] == "soon"],
        "expired": [row for row in rows if row["state"] == "expired"],
        "readable": model.workspace.waivers_doc is None or model.workspace.waivers is not None,
        "findings": workspace_findings(model, ("GATE-WV",)),
        "policy": link(path, POLICY_PAGE),
    }


MAX_ACTION_ROWS = 300
"""Above this many open findings the action list shows one row per system (its most
deciding action and its count), each linking to the system's own list."""


def actions_values(
    model: SiteModel, path: str, by_system: Mapping[str, Sequence[Action]] | None = None
) -> dict[str, Any]:
    slugs = {s.id: s.slug for s in model.systems}
    names = {s.id: s.name for s in model.systems}
    rules = {r.code for r in model.gate.rules}
    actions = portfolio_actions(model, by_system)

    def row(action: Action, count: int = 1) -> dict[str, Any]:
        return {
            "action": action,
            "count": count,
            "system_name": names.get(action.system, action.system),
            "system_href": link(path, system_page(slugs[action.system]))
            if action.system in slugs
            else "",
            "rule_href": link(path, rule_page(action.code)) if action.code in rules else "",
        }

    summary = len(actions) > MAX_ACTION_ROWS
    if summary:
        first: dict[str, Action] = {}
        counts: dict[str, int] = {}
        for action in actions:
            first.setdefault(action.system, action)
            counts[action.system] = counts.get(action.system, 0) + 1
        rows = [row(action, counts[system]) for system, action in first.items()]
    else:
        rows = [row(action) for action in actions]
    return {
        "actions": rows,
        "summary": summary,
        "total": len(actions),
        "blocking": sum(action.blocking for action in actions),
    }
