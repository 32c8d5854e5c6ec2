"""The values of the portfolio pages: the dashboard's rows, the NIST matrix, the rule index."""

from __future__ import annotations

from typing import Any

from cardgate.site.links import link, system_page
from cardgate.site.verdicts import fairness_verdict, gate_verdict, latest_signoffs
from cardgate.site.view_model import SiteModel, SystemView, Unavailable

MAX_MATRIX_SYSTEMS = 40
"""Above this many systems the NIST page shows counts per subcategory, not a matrix."""


def dashboard_row(model: SiteModel, system: SystemView) -> dict[str, Any]:
    card = system.card
    verdict, counts = gate_verdict(model, system)
    fairness, fairness_detail = fairness_verdict(model, system)
    signed = latest_signoffs(system)
    last = max(signed, key=lambda s: s.date) if signed else None
    return {
        "name": system.name,
        "id": system.id,
        "href": link("index.md", system_page(system.slug)),
        "owner": ", ".join(p.name for p in card.owners) if card else "—",
        "tier": card.risk_tier if card else "—",
        "stage": card.lifecycle_stage if card else "—",
        "verdict": verdict,
        "counts": counts,
        "fairness": fairness,
        "fairness_detail": fairness_detail,
        "coverage": system.coverage.overall.percent_addressed if system.coverage else None,
        "signed": last,
        "stale": any(s.stale for s in signed),
        "signoffs_unreadable": isinstance(system.signoffs, Unavailable),
        "reviewed": card.last_reviewed if card else None,
        "readable": card is not None,
    }


# --- NIST and rules -----------------------------------------------------------------------------


def nist_values(model: SiteModel) -> dict[str, Any]:
    if model.coverage is None:
        return {"available": False, "reason": model.coverage_reason}
    portfolio = model.coverage
    catalog = portfolio.catalog
    subcategory_ids, system_ids, rows = portfolio.matrix()
    slugs = {s.id: s.slug for s in model.systems}
    names = {s.id: s.name for s in model.systems}
    matrix = len(system_ids) <= MAX_MATRIX_SYSTEMS
    functions = []
    for function in catalog.functions:
        entries = []
        for index, sub_id in enumerate(subcategory_ids):
            sub = catalog.subcategories[sub_id]
            if sub.function != function.id:
                continue
            statuses = rows[index]
            entries.append(
                {
                    "id": sub_id,
                    "statement": sub.statement,
                    "statuses": list(statuses) if matrix else [],
                    "addressed": sum(s == "addressed" for s in statuses),
                    "partial": sum(s == "partial" for s in statuses),
                    "missing": sum(s == "missing" for s in statuses),
                }
            )
        functions.append({"id": function.id, "title": function.title, "subcategories": entries})
    return {
        "available": True,
        "reason": "",
        "framework": catalog.title,
        "matrix": matrix,
        "systems": [
            {
                "id": sid,
                "name": names.get(sid, sid),
                "href": link("nist/index.md", system_page(slugs[sid])) if sid in slugs else "",
            }
            for sid in system_ids
        ],
        "functions": functions,
        "overall": portfolio.overall(),
        "rollups": portfolio.functions(),
    }


def rule_entries(model: SiteModel) -> list[dict[str, Any]]:
    entries = []
    levels = {}
    if model.gate.result is not None:
        levels = {run.code: run.level for run in model.gate.result.rules}
    if model.gate.rules:
        for rule in model.gate.rules:
            entries.append(
                {
                    "code": rule.code,
                    "name": rule.name,
                    "severity": rule.severity.label,
                    "level": levels.get(rule.code, ""),
                    "nist": list(rule.nist),
                    "aliases": list(rule.aliases),
                    "summary": rule.summary,
                    "sections": list(rule.sections().items()),
                }
            )
    elif model.gate.result is not None:
        for run in model.gate.result.rules:
            entries.append(
                {
                    "code": run.code,
                    "name": run.name,
                    "severity": run.severity.label,
                    "level": run.level,
                    "nist": list(run.nist),
                    "aliases": [],
                    "summary": run.summary,
                    "sections": [("Rationale", run.description), ("Remediation", run.help)],
                }
            )
    return sorted(entries, key=lambda entry: entry["code"])
