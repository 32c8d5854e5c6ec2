"""The JSON form of coverage (`cardgate coverage --format json`).

JSON form (``format: cardgate-coverage``, ``format_version: 1``), written with sorted keys
so the same inputs give the same bytes; lists keep catalog order (subcategories, categories,
functions) or system-id order (systems)::

    {
      "format": "cardgate-coverage",
      "format_version": 1,
      "framework": {"id": "nist-ai-rmf-1.0", "title": "...", "short_title": "...",
                    "levels": ["function", "category", "subcategory"],
                    "functions": 4, "categories": 19, "subcategories": 72},
                    # a regulation: articles/annexes, paragraphs/points, provisions
      "statuses": ["addressed", "partial", "missing"],
      "checklists": [{"id": "nist-ai-rmf-core", "title": "...", "version": "1.0.0"}],
      "portfolio": {"systems": 2,
                    "overall": ROLLUP,               # over every system x subcategory
                    "functions": [ROLLUP + "id"]},
      "systems": [{
          "system": "credit-default", "risk_tier": "high",
          "checklists": ["nist-ai-rmf-core"],
          "overall": ROLLUP,
          "functions": [{"id": "GOVERN", ...ROLLUP}],
          "categories": [{"id": "GOVERN 1", "function": "GOVERN", ...ROLLUP}],
          "subcategories": [{"id": "GOVERN 1.1", "function": "GOVERN",
                             "category": "GOVERN 1", "status": "addressed",
                             "items": [{"checklist": "nist-ai-rmf-core",
                                        "item": "GOV-01", "status": "done"}]}]
      }],
      "matrix": {"subcategories": ["GOVERN 1.1", ...], "systems": ["credit-default", ...],
                 "rows": [["addressed", ...], ...]},   # rows[i][j]: subcategory i, system j
      "crosswalk": null | {
          "id": "ai-rmf-1.0-to-iso-iec-42001", "name": "iso-42001", "title": "...",
          "provider": "...", "url": "...",
          "systems": [{"system": "credit-default", "total": 58, "addressed": 20,
                       "partial": 10, "missing": 28,
                       "references": [{"reference": "4.1", "status": "partial",
                                       "subcategories": ["GOVERN 1.1", ...],
                                       "addressed": ["GOVERN 1.1"]}]}]}
    }

    ROLLUP = {"total": 72, "addressed": 30, "partial": 12, "missing": 30,
              "percent_addressed": 41.7}

Item ``status`` is the answer's status (``done``, ``partial``, ``not-started``,
``not-applicable``) or ``unanswered`` when the checklist has no answer for the item.
"""

from __future__ import annotations

from typing import Any

from cardgate.frameworks.catalog import Crosswalk
from cardgate.frameworks.coverage import crosswalk_coverage
from cardgate.frameworks.coverage_results import STATUSES, PortfolioCoverage, SystemCoverage

FORMAT = "cardgate-coverage"
FORMAT_VERSION = 1


# --- JSON form --------------------------------------------------------------------------------


def coverage_to_json(
    portfolio: PortfolioCoverage, *, crosswalk: Crosswalk | None = None, crosswalk_name: str = ""
) -> dict[str, Any]:
    """The stable JSON form described in this module's docstring."""
    catalog = portfolio.catalog
    subcategory_ids, system_ids, rows = portfolio.matrix()
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "framework": {
            "id": catalog.id,
            "title": catalog.title,
            "short_title": catalog.short_title,
            "levels": list(catalog.levels),
            "functions": len(catalog.functions),
            "categories": len(catalog.categories),
            "subcategories": len(catalog.subcategories),
        },
        "statuses": list(STATUSES),
        "checklists": [
            {"id": d.id, "title": d.model.title, "version": d.model.version}
            for d in portfolio.checklists
        ],
        "portfolio": {
            "systems": len(portfolio.systems),
            "overall": portfolio.overall().as_dict(),
            "functions": [{"id": r.id, **r.as_dict()} for r in portfolio.functions()],
        },
        "systems": [_system_json(coverage) for coverage in portfolio.systems],
        "matrix": {
            "subcategories": list(subcategory_ids),
            "systems": list(system_ids),
            "rows": [list(row) for row in rows],
        },
        "crosswalk": None
        if crosswalk is None
        else _crosswalk_json(portfolio, crosswalk, crosswalk_name),
    }


def _system_json(coverage: SystemCoverage) -> dict[str, Any]:
    return {
        "system": coverage.system,
        "risk_tier": coverage.risk_tier,
        "checklists": list(coverage.checklists),
        "overall": coverage.overall.as_dict(),
        "functions": [{"id": r.id, **r.as_dict()} for r in coverage.functions],
        "categories": [
            {"id": r.id, "function": r.id.split(" ")[0], **r.as_dict()} for r in coverage.categories
        ],
        "subcategories": [
            {
                "id": sub.id,
                "function": sub.function,
                "category": sub.category,
                "status": sub.status,
                "items": [
                    {"checklist": s.checklist, "item": s.item, "status": s.status}
                    for s in sub.items
                ],
            }
            for sub in coverage.subcategories
        ],
    }


def _crosswalk_json(
    portfolio: PortfolioCoverage, crosswalk: Crosswalk, name: str
) -> dict[str, Any]:
    systems = []
    for coverage in portfolio.systems:
        view = crosswalk_coverage(portfolio.catalog, crosswalk, coverage)
        rollup = view.rollup()
        systems.append(
            {
                "system": coverage.system,
                "total": rollup.total,
                "addressed": rollup.addressed,
                "partial": rollup.partial,
                "missing": rollup.missing,
                "references": [
                    {
                        "reference": ref.reference,
                        "status": ref.status,
                        "subcategories": list(ref.subcategories),
                        "addressed": list(ref.addressed),
                    }
                    for ref in view.references
                ],
            }
        )
    return {
        "id": crosswalk.id,
        "name": name or crosswalk.id,
        "title": crosswalk.title,
        "provider": crosswalk.provider,
        "url": crosswalk.url,
        "systems": systems,
    }
