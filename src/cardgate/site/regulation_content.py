"""The regulation pages of a system: its Annex IV technical documentation (a high-risk
system under the EU AI Act) and its NYC Local Law 144 bias-audit summary (a system with a
``bias_audit:`` section), each where the system has it.

They show what `cardgate export annex-iv` and `cardgate export ll144` write, computed by
the same functions from the same workspace and gate result (`cardgate.interop.annex_iv`,
`cardgate.interop.ll144`); the templates only render it, every value escaped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cardgate.core.errors import CardgateError
from cardgate.frameworks.ai_act_profile import profile_basis
from cardgate.interop import annex_iv, ll144
from cardgate.interop.source import SystemSource
from cardgate.site.links import link, regulation_page, system_page
from cardgate.site.pdf import pdf_href
from cardgate.site.view_model import SiteModel, SystemView

if TYPE_CHECKING:  # numpy: loaded by the audit, for the systems that have one
    from cardgate.evidence.bias_audit import AuditResult

REGULATION_TITLES = {
    "annex-iv.md.j2": "Annex IV technical documentation",
    "ll144.md.j2": "NYC Local Law 144 bias audit",
}
"""The link text of each regulation page on the system's page, by template."""


def annex_iv_page(system_slug: str) -> str:
    return regulation_page(system_slug, "annex-iv")


def ll144_page(system_slug: str) -> str:
    return regulation_page(system_slug, "ll144")


def _source(model: SiteModel, system: SystemView) -> SystemSource | None:
    source = model.export_source
    if source is None or system.card is None:
        return None
    try:
        return source.system(system.id)
    except CardgateError:  # the system page says why its documents cannot be exported
        return None


def regulation_pages(model: SiteModel, system: SystemView) -> list[tuple[str, str, dict[str, Any]]]:
    """(path, template, values) of each regulation page the system has."""
    source = _source(model, system)
    if source is None:
        return []
    pages: list[tuple[str, str, dict[str, Any]]] = []
    if annex_iv.unavailable(source) is None:
        path = annex_iv_page(system.slug)
        try:
            values = annex_iv_values(source, annex_iv.document_points(source))
        except CardgateError as error:
            values = {"reason": error.message}
        pages.append((path, "annex-iv.md.j2", _common(model, system, path, "annex-iv") | values))
    if ll144.unavailable(source) is None:
        path = ll144_page(system.slug)
        try:
            values = ll144_values(source, ll144.compute_audit(source))
        except CardgateError as error:
            values = {"reason": error.message}
        pages.append((path, "ll144.md.j2", _common(model, system, path, "ll144") | values))
    return pages


def regulation_links(
    path: str, pages: list[tuple[str, str, dict[str, Any]]]
) -> list[dict[str, str]]:
    """The links to the regulation `pages` from the page at `path` (the system's)."""
    return [
        {"title": REGULATION_TITLES[template], "href": link(path, page)}
        for page, template, _ in pages
    ]


def _common(model: SiteModel, system: SystemView, path: str, name: str) -> dict[str, Any]:
    return {
        "system": {"id": system.id, "name": system.name},
        "back": link(path, system_page(system.slug)),
        "reason": "",
        "pdf": pdf_href(path, system.slug, name) if model.pdf else "",
    }


def annex_iv_values(
    source: SystemSource, points: list[annex_iv.PointDocumentation]
) -> dict[str, Any]:
    """What the Annex IV page shows."""
    profile = source.card.ai_act
    assert profile is not None
    parents = {point.provision.parent for point in points}
    leaves = annex_iv.answered_points(points)
    return {
        "profile": {
            "roles": ", ".join(profile.roles),
            "basis": profile_basis(profile),
        },
        "points": [
            {
                "id": point.provision.id,
                "cite": point.provision.cite,
                "heading": point.provision.text.split("\n", 1)[0],
                "sub": point.provision.parent != annex_iv.ANNEX,
                "group": point.provision.id in parents,
                "status": annex_iv.SHOWN_STATUS[point.status],
                "missing": point.status == "missing",
                "answers": [
                    {
                        "item": answer.item,
                        "status": answer.status,
                        "by": answer.by,
                        "evidence": list(answer.evidence),
                        "note": answer.note,
                    }
                    for answer in point.answers
                ],
                "found_in": list(point.found_in),
                "expected_in": list(point.expected_in),
            }
            for point in points
        ],
        "dated": annex_iv.application_text(source),
        "computed": annex_iv.computed_evidence(source),
        "missing": sum(1 for point in leaves if point.status == "missing"),
        "total": len(leaves),
        "checklist": annex_iv.CHECKLIST,
    }


def ll144_values(source: SystemSource, result: AuditResult) -> dict[str, Any]:
    """What the LL144 page shows."""
    audit = source.card.bias_audit
    assert audit is not None
    return {
        "audit": {
            "method": result.method,
            "rate": "Scoring rate" if result.method == "scoring" else "Selection rate",
            "audit_date": audit.audit_date.isoformat(),
            "distribution_date": audit.distribution_date.isoformat(),
            "auditor": audit.auditor,
            "data": "historical data" if audit.data == "historical" else "test data",
            "data_source": audit.data_source,
            "note": audit.note or "",
            "exclusion": audit.exclude_small_categories or "",
            "individuals": result.individuals,
            "unknown": result.unknown,
            "median": "" if result.median is None else f"{result.median:.6g}",
            "level": f"{result.confidence_level:.0%}",
            "policy": ll144.policy_text(ll144.policy_minimum(source)),
        },
        "definitions": [
            ll144.definition("scoring-rate" if result.method == "scoring" else "selection-rate"),
            ll144.definition("impact-ratio"),
        ],
        "tables": [
            {
                "dimension": table.dimension,
                "unknown": table.unknown,
                "rows": [
                    {
                        "category": row.category,
                        "individuals": row.individuals,
                        "rate": ll144.number_text(row.rate),
                        "rate_interval": ll144.interval_text(row.rate_interval),
                        "ratio": ll144.ratio_text(row),
                        "ratio_interval": ll144.interval_text(row.ratio_interval),
                        "noise_floor": ll144.number_text(row.noise_floor),
                    }
                    for row in table.categories
                ],
            }
            for table in result.tables
        ],
    }
