"""The values of a system's compliance page: every checklist answer with the NIST AI RMF
text it serves, its status, owner, notes and evidence; coverage by subcategory with the
subcategory's text; and the crosswalks cardgate ships applied to the system's coverage
(ISO/IEC 42001, ISO/IEC 23894, and the trustworthiness characteristics as the OECD
Recommendation, the EU AI Act proposal, EO 13960 and the Blueprint name them).

Coverage and its statuses are `cardgate.frameworks`' (the same numbers as `cardgate
coverage` and the gate's GATE-CK002); this module only lays them out.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from cardgate.documents.schemas.checklist import Checklist
from cardgate.frameworks.catalog import Catalog, Crosswalk
from cardgate.frameworks.coverage import crosswalk_coverage
from cardgate.frameworks.coverage_results import (
    CrosswalkCoverage,
    ItemState,
    ReferenceCoverage,
    SubcategoryCoverage,
    SystemCoverage,
)
from cardgate.site.evidence import EvidenceLink, evidence_link, site_relative
from cardgate.site.links import link, system_page
from cardgate.site.templating import badge, label
from cardgate.site.view_model import SiteModel, SystemView

CROSSWALK_NAMES = {
    "ai-rmf-1.0-to-iso-iec-42001": "ISO/IEC 42001 (AI management system)",
    "ai-rmf-1.0-to-iso-iec-fdis-23894": "ISO/IEC 23894 (AI risk management)",
}

CHARACTERISTIC_SUBCATEGORIES = (
    "MEASURE 2.5",
    "MEASURE 2.6",
    "MEASURE 2.7",
    "MEASURE 2.8",
    "MEASURE 2.9",
    "MEASURE 2.10",
    "MEASURE 2.11",
)
"""The AI RMF subcategory that evaluates each trustworthiness characteristic, in the order
of AI 100-1 Section 3 (valid and reliable, safe, secure and resilient, accountable and
transparent, explainable and interpretable, privacy-enhanced, fair): MEASURE 2.5 to 2.11,
whose statements name them (shown on the page, so the reading can be checked)."""


def compliance_page(system_slug: str) -> str:
    return f"systems/{system_slug}/compliance.md"


Crosswalks = Sequence[tuple[str, Crosswalk, CrosswalkCoverage]]
"""(crosswalk id, crosswalk, the system's coverage through it), in id order."""


def system_crosswalks(model: SiteModel, system: SystemView) -> Crosswalks:
    """The crosswalks cardgate ships applied to the system's coverage: worked out once per
    system for its two pages (the system page's summary and the compliance page)."""
    coverage = system.coverage
    if coverage is None or model.coverage is None:
        return []
    catalog = model.coverage.catalog
    return [
        (crosswalk_id, crosswalk, crosswalk_coverage(catalog, crosswalk, coverage))
        for crosswalk_id, crosswalk in sorted(catalog.crosswalks.items())
    ]


def coverage_summary(
    model: SiteModel, system: SystemView, path: str, crosswalks: Crosswalks | None = None
) -> dict[str, Any] | None:
    """What the system page shows of coverage: counts per function and one line per
    crosswalk (the subcategories' text is on the compliance page)."""
    coverage = system.coverage
    if coverage is None or model.coverage is None:
        return None
    if crosswalks is None:
        crosswalks = system_crosswalks(model, system)
    functions = [{"id": rollup.id, "rollup": rollup} for rollup in coverage.functions]
    return {
        "overall": coverage.overall,
        "functions": functions,
        "checklists": coverage.checklists,
        "crosswalks": [
            {"name": CROSSWALK_NAMES.get(crosswalk_id, crosswalk.title), "rollup": found.rollup()}
            for crosswalk_id, crosswalk, found in crosswalks
        ],
        "compliance": link(path, compliance_page(system.slug)),
        "nist": link(path, "nist/index.md"),
    }


def compliance_values(
    model: SiteModel, system: SystemView, path: str, crosswalks: Crosswalks | None = None
) -> dict[str, Any]:
    """Everything the compliance page shows."""
    coverage = system.coverage
    catalog = model.coverage.catalog if model.coverage is not None else None
    if crosswalks is None:
        crosswalks = system_crosswalks(model, system)
    return {
        "system": system,
        "back": link(path, system_page(system.slug)),
        "nist": link(path, "nist/index.md"),
        "glossary": link(path, "glossary.md"),
        "answers": _answers(model, system, path, catalog),
        "coverage": _coverage_rows(catalog, coverage) if catalog and coverage else None,
        "crosswalks": _crosswalks(crosswalks),
        "characteristics": _characteristics(catalog, coverage) if catalog and coverage else [],
        "coverage_reason": model.coverage_reason,
    }


def _answers(
    model: SiteModel, system: SystemView, path: str, catalog: Catalog | None
) -> list[dict[str, Any]]:
    definitions = {d.id: d for d in model.coverage.checklists} if model.coverage else {}
    workspace = model.workspace
    tier = system.card.risk_tier if system.card is not None else None
    found = []
    for document in system.docs.checklists:
        checklist = document.model
        if not isinstance(checklist, Checklist):
            continue
        definition = definitions.get(checklist.checklist)
        items = definition.items if definition is not None else {}
        rows = []
        for item_id, answer in checklist.items.items():
            item = items.get(item_id)
            rows.append(
                {
                    "id": item_id,
                    "question": item.question if item is not None else "",
                    "nist": [
                        {
                            "id": sub,
                            "statement": catalog.subcategories[sub].statement
                            if catalog is not None and sub in catalog.subcategories
                            else "",
                        }
                        for sub in (item.maps_to if item is not None else [])
                    ],
                    "status": answer.status,
                    "owner": answer.owner or "",
                    "notes": answer.notes or "",
                    "justification": answer.justification or "",
                    "evidence": [
                        _evidence_entry(evidence_link(workspace, entry), path)
                        for entry in answer.evidence
                    ],
                }
            )
        unanswered = (
            [
                item.id
                for item in definition.applicable_items(tier)
                if item.id not in checklist.items
            ]
            if definition is not None
            else []
        )
        found.append(
            {
                "checklist": checklist.checklist,
                "title": definition.model.title if definition is not None else checklist.checklist,
                "source": model.workspace.relative(document.loaded.path)
                if document.loaded is not None
                else "",
                "status": checklist.status,
                "reviewed": checklist.last_reviewed,
                "rows": rows,
                "unanswered": unanswered,
            }
        )
    return found


def _evidence_entry(evidence: EvidenceLink, path: str) -> dict[str, Any]:
    if evidence.external:
        return {"text": evidence.text, "href": evidence.href, "external": True, "note": ""}
    href = site_relative(path, evidence.href) if evidence.href else ""
    return {"text": evidence.text, "href": href, "external": False, "note": evidence.note}


def evidence_links(model: SiteModel) -> list[EvidenceLink]:
    """Every local evidence file the answers cite, once, in path order."""
    found: dict[str, EvidenceLink] = {}
    for system in model.systems:
        for checklist in system.docs.checklist_models():
            for answer in checklist.items.values():
                for entry in answer.evidence:
                    evidence = evidence_link(model.workspace, entry)
                    if evidence.href and not evidence.external:
                        found.setdefault(evidence.href, evidence)
    return [found[key] for key in sorted(found)]


def evidence_citations(model: SiteModel) -> dict[str, list[tuple[str, str, str]]]:
    """Evidence site path -> (system name, system slug, item id) of each answer citing it."""
    cited: dict[str, list[tuple[str, str, str]]] = {}
    for system in model.systems:
        for checklist in system.docs.checklist_models():
            for item_id, answer in checklist.items.items():
                for entry in answer.evidence:
                    evidence = evidence_link(model.workspace, entry)
                    if evidence.href and not evidence.external:
                        cited.setdefault(evidence.href, []).append(
                            (system.name, system.slug, item_id)
                        )
    return cited


def _coverage_rows(catalog: Catalog, coverage: SystemCoverage) -> list[dict[str, Any]]:
    """Per function: its missing and partial subcategories with their text and the answers
    behind them, as table rows; the addressed ones by id."""
    by_function: dict[str, list[SubcategoryCoverage]] = {}
    for sub in coverage.subcategories:
        by_function.setdefault(sub.function, []).append(sub)
    functions = []
    for function in catalog.functions:
        subs = by_function.get(function.id, [])
        gaps = [sub for sub in subs if sub.status != "addressed"]
        functions.append(
            {
                "id": function.id,
                "title": function.title,
                "gaps": len(gaps),
                "rows_html": _gap_rows(catalog, gaps),
                "addressed": [sub.id for sub in subs if sub.status == "addressed"],
            }
        )
    return functions


# The two long tables of a compliance page (about 170 rows, for each of 1,000 systems) are
# written here rather than by a loop in the template: a third of the cost of the page.
# Every value is escaped; the badges come from the template filter itself.


_NO_ITEM = '<span class="cg-missing">no applicable item</span>'


def _gap_rows(catalog: Catalog, gaps: Sequence[SubcategoryCoverage]) -> Markup:
    """A row per subcategory not addressed: its id and text, status, the answers behind."""
    return Markup(
        "".join(
            _gap_row(sub.id, catalog.subcategories[sub.id].statement, sub.status, sub.items)
            for sub in gaps
        )
    )


@functools.lru_cache(maxsize=8192)
def _gap_row(sub_id: str, statement: str, status: str, items: tuple[ItemState, ...]) -> str:
    # Systems share subcategories and often their answers' states: each distinct row once.
    behind = ", ".join(
        f'<a href="#item-{escape(item.item.lower())}">{escape(item.item)}</a> '
        f"{escape(label(item.status))}"
        for item in items
    )
    return (
        f"<tr><td><strong>{escape(sub_id)}</strong> {escape(statement)}</td>"
        f"<td>{badge(status)}</td><td>{behind or _NO_ITEM}</td></tr>\n"
    )


MAX_SUBCATEGORIES_NAMED = 6
"""A crosswalk reference behind more subcategories than this shows their count."""


def _crosswalks(crosswalks: Crosswalks) -> list[dict[str, Any]]:
    found = []
    for crosswalk_id, crosswalk, result in crosswalks:
        rows = [_reference_row(ref) for ref in result.references]
        found.append(
            {
                "id": crosswalk_id,
                "name": CROSSWALK_NAMES.get(crosswalk_id, crosswalk.title),
                "title": crosswalk.title,
                "provider": crosswalk.provider,
                "url": crosswalk.url,
                "rollup": result.rollup(),
                "rows_html": Markup("".join(rows)),
            }
        )
    return found


@functools.lru_cache(maxsize=8192)
def _reference_row(ref: ReferenceCoverage) -> str:
    """A crosswalk reference's row: its status and the subcategories behind it."""
    if len(ref.subcategories) <= MAX_SUBCATEGORIES_NAMED:
        addressed = set(ref.addressed)
        behind = ", ".join(
            f"<strong>{escape(sub)}</strong>" if sub in addressed else str(escape(sub))
            for sub in ref.subcategories
        )
    else:
        behind = f"{len(ref.addressed)} of {len(ref.subcategories)} addressed"
    return (
        f"<tr><td>{escape(ref.reference)}</td><td>{badge(ref.status)}</td><td>{behind}</td></tr>\n"
    )


def _characteristics(catalog: Catalog, coverage: SystemCoverage) -> list[dict[str, Any]]:
    rows = []
    statuses = {sub.id: sub.status for sub in coverage.subcategories}
    for row, sub_id in zip(catalog.characteristics, CHARACTERISTIC_SUBCATEGORIES, strict=False):
        rows.append(
            {
                **row,
                "subcategory": sub_id,
                "statement": catalog.subcategories[sub_id].statement
                if sub_id in catalog.subcategories
                else "",
                "status": statuses.get(sub_id, "missing"),
            }
        )
    return rows
