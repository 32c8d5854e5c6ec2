"""Coverage of the NIST AI RMF 1.0 subcategories by a system's checklist answers.

How a subcategory's status is decided, for one system:

* the *applicable items* are the items, of every checklist definition the system has
  answers for, that map to the subcategory and apply to the system's risk tier (an item
  without ``applies_to`` applies to every tier; with the tier unknown, every item applies);
* ``addressed`` — there is at least one applicable item and every one is ``done`` or
  ``not-applicable``;
* ``partial`` — some progress: at least one applicable item is ``done``, ``partial`` or
  ``not-applicable``, but not all are complete;
* ``missing`` — no applicable item, or none has progressed (``not-started`` or unanswered).

Roll-ups count subcategories per category, per function and overall;
``percent_addressed`` is ``100 * addressed / total`` rounded to one decimal.
The portfolio matrix is subcategory x system. A crosswalk view gives, for each reference of
another framework (ISO/IEC 42001 clauses and Annex B items), the subcategories mapped to it
and a status by the same rule: ``addressed`` when every mapped subcategory is addressed,
``partial`` when at least one is addressed or partial, else ``missing``.

JSON form (``format: cardgate-coverage``, ``format_version: 1``), written with sorted keys
so the same inputs give the same bytes; lists keep catalog order (subcategories, categories,
functions) or system-id order (systems)::

    {
      "format": "cardgate-coverage",
      "format_version": 1,
      "framework": {"id": "nist-ai-rmf-1.0", "title": "...",
                    "functions": 4, "categories": 19, "subcategories": 72},
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

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import Catalog, Crosswalk, load_catalog, reference_sort_key
from cardgate.frameworks.definitions import (
    Definition,
    DefinitionSet,
    applies,
    workspace_definitions,
)

FORMAT = "cardgate-coverage"
FORMAT_VERSION = 1

CoverageStatus = Literal["addressed", "partial", "missing"]
STATUSES: tuple[CoverageStatus, ...] = ("addressed", "partial", "missing")

UNANSWERED = "unanswered"
COMPLETE = frozenset({"done", "not-applicable"})
PROGRESS = frozenset({"done", "partial", "not-applicable"})


@dataclass(frozen=True)
class SystemAnswers:
    """What coverage needs from one system: its tier and its answers' statuses.

    `answers` maps a checklist definition id to {item id: answer status}.
    """

    system: str
    risk_tier: str | None
    answers: Mapping[str, Mapping[str, str]]


class ItemState(NamedTuple):
    """One applicable item and its answer status (or ``unanswered``)."""

    checklist: str
    item: str
    status: str


class SubcategoryCoverage(NamedTuple):
    """The status of one subcategory for one system, with the items behind it."""

    id: str
    function: str
    category: str
    status: CoverageStatus
    items: tuple[ItemState, ...]


@dataclass(frozen=True)
class Rollup:
    """Counts of subcategory statuses over a category, a function or everything."""

    id: str
    total: int
    addressed: int
    partial: int
    missing: int

    @property
    def percent_addressed(self) -> float:
        return round(100.0 * self.addressed / self.total, 1) if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "addressed": self.addressed,
            "partial": self.partial,
            "missing": self.missing,
            "percent_addressed": self.percent_addressed,
        }


@dataclass(frozen=True)
class SystemCoverage:
    """Coverage of every subcategory for one system, with roll-ups."""

    system: str
    risk_tier: str | None
    checklists: tuple[str, ...]
    subcategories: tuple[SubcategoryCoverage, ...]
    categories: tuple[Rollup, ...]
    functions: tuple[Rollup, ...]
    overall: Rollup

    def status_of(self, subcategory_id: str) -> CoverageStatus:
        for sub in self.subcategories:
            if sub.id == subcategory_id:
                return sub.status
        raise KeyError(subcategory_id)


@dataclass(frozen=True)
class ReferenceCoverage:
    """One reference of another framework (e.g. ISO/IEC 42001 clause 6.1.2) for one system."""

    reference: str
    status: CoverageStatus
    subcategories: tuple[str, ...]
    addressed: tuple[str, ...]


@dataclass(frozen=True)
class CrosswalkCoverage:
    """The references of a crosswalk touched by one system's coverage."""

    system: str
    references: tuple[ReferenceCoverage, ...]

    def rollup(self) -> Rollup:
        return _rollup(self.system, (ref.status for ref in self.references))


@dataclass(frozen=True)
class PortfolioCoverage:
    """Coverage of every system, in system-id order, against one catalog."""

    catalog: Catalog
    checklists: tuple[Definition, ...]
    systems: tuple[SystemCoverage, ...]

    def system(self, system_id: str) -> SystemCoverage:
        for coverage in self.systems:
            if coverage.system == system_id:
                return coverage
        raise KeyError(system_id)

    def matrix(
        self,
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[CoverageStatus, ...], ...]]:
        """(subcategory ids, system ids, rows): rows[i][j] is subcategory i for system j."""
        subcategory_ids = tuple(self.catalog.subcategories)
        system_ids = tuple(coverage.system for coverage in self.systems)
        columns = [[sub.status for sub in coverage.subcategories] for coverage in self.systems]
        rows = tuple(
            tuple(column[index] for column in columns) for index in range(len(subcategory_ids))
        )
        return subcategory_ids, system_ids, rows

    def overall(self) -> Rollup:
        """Counts over every system x subcategory cell."""
        return _rollup(
            "portfolio", (sub.status for cov in self.systems for sub in cov.subcategories)
        )

    def functions(self) -> tuple[Rollup, ...]:
        """Per function, counts over every system x subcategory of that function."""
        return tuple(
            _rollup(
                function.id,
                (
                    sub.status
                    for cov in self.systems
                    for sub in cov.subcategories
                    if sub.function == function.id
                ),
            )
            for function in self.catalog.functions
        )


# --- computation ------------------------------------------------------------------------------

_ItemIndex = dict[str, tuple[tuple[str, str], ...]]
"""subcategory id -> ((checklist id, item id), ...) for one (definitions, tier) combination."""


def _index(definitions: Sequence[Definition], risk_tier: str | None) -> _ItemIndex:
    index: dict[str, list[tuple[str, str]]] = {}
    for definition in definitions:
        for item in definition.model.items:
            if not applies(item, risk_tier):
                continue
            for subcategory_id in dict.fromkeys(item.maps_to):
                index.setdefault(subcategory_id, []).append((definition.id, item.id))
    return {key: tuple(value) for key, value in index.items()}


def subcategory_status(statuses: Iterable[str]) -> CoverageStatus:
    """The coverage status given the answer statuses of a subcategory's applicable items."""
    seen = list(statuses)
    if seen and all(status in COMPLETE for status in seen):
        return "addressed"
    if any(status in PROGRESS for status in seen):
        return "partial"
    return "missing"


def _rollup(rollup_id: str, statuses: Iterable[CoverageStatus]) -> Rollup:
    counts = {"addressed": 0, "partial": 0, "missing": 0}
    for status in statuses:
        counts[status] += 1
    return Rollup(
        rollup_id,
        sum(counts.values()),
        counts["addressed"],
        counts["partial"],
        counts["missing"],
    )


def _from_counts(rollup_id: str, counts: Mapping[str, Mapping[str, int]]) -> Rollup:
    found = counts.get(rollup_id, {})
    addressed, partial, missing = (found.get(status, 0) for status in STATUSES)
    return Rollup(rollup_id, addressed + partial + missing, addressed, partial, missing)


class _Plan(NamedTuple):
    """What one (definitions, tier) combination needs: the item index, an interned token
    for its content, and every indexed (checklist id, item id) pair once, in index order."""

    by_subcategory: _ItemIndex
    token: int
    pairs: tuple[tuple[str, str], ...]


_PlanCache = dict[tuple[tuple[str, ...], str | None], _Plan]

_TOKENS: dict[tuple[tuple[str, tuple[tuple[str, str], ...]], ...], int] = {}
"""Index content -> a small token, so equal indexes (e.g. the gate's and the site's, from
separately loaded but identical definitions) share memo entries."""

_TOKEN_COUNTER = itertools.count()
_MEMO_SIZE = 4096
_MEMO: dict[
    tuple[int, int, tuple[str, ...]],
    tuple[Catalog, tuple[SubcategoryCoverage, ...], tuple[Rollup, ...], tuple[Rollup, ...], Rollup],
] = {}
"""(id(catalog), index token, statuses of the indexed items) -> the computed coverage parts.
The catalog is held in the value so its id cannot be reused while the entry lives. Bounded:
the oldest entry goes first when full."""


def _plan(definitions: Sequence[Definition], risk_tier: str | None) -> _Plan:
    index = _index(definitions, risk_tier)
    content = tuple(sorted(index.items()))
    token = _TOKENS.get(content)
    if token is None:
        if len(_TOKENS) >= _MEMO_SIZE:
            _TOKENS.clear()
            _MEMO.clear()
        token = _TOKENS[content] = next(_TOKEN_COUNTER)  # never reused, even after a clear
    pairs = tuple(dict.fromkeys(pair for pairs in index.values() for pair in pairs))
    return _Plan(index, token, pairs)


def compute_system_coverage(
    catalog: Catalog,
    definitions: Mapping[str, Definition],
    answers: SystemAnswers,
    *,
    _cache: _PlanCache | None = None,
) -> SystemCoverage:
    """Coverage for one system. Answers naming an unknown checklist are ignored
    (validation reports them).

    The result depends only on the catalog, the applicable items and their answer statuses,
    so it is memoised on exactly that (systems with the same answers share the work)."""
    used = tuple(sorted(cid for cid in answers.answers if cid in definitions))
    key = (used, answers.risk_tier)
    cache = _cache if _cache is not None else {}
    plan = cache.get(key)
    if plan is None:
        plan = _plan([definitions[cid] for cid in used], answers.risk_tier)
        cache[key] = plan
    given = answers.answers
    statuses = tuple(given[cid].get(item_id, UNANSWERED) for cid, item_id in plan.pairs)
    memo_key = (id(catalog), plan.token, statuses)
    found = _MEMO.get(memo_key)
    if found is None or found[0] is not catalog:
        found = (
            catalog,
            *_compute(catalog, plan.by_subcategory, dict(zip(plan.pairs, statuses, strict=True))),
        )
        if len(_MEMO) >= _MEMO_SIZE:
            del _MEMO[next(iter(_MEMO))]
        _MEMO[memo_key] = found
    _, subcategories, categories, functions, overall = found
    return SystemCoverage(
        answers.system, answers.risk_tier, used, subcategories, categories, functions, overall
    )


def _compute(
    catalog: Catalog, index: _ItemIndex, status_of: Mapping[tuple[str, str], str]
) -> tuple[tuple[SubcategoryCoverage, ...], tuple[Rollup, ...], tuple[Rollup, ...], Rollup]:
    subcategories: list[SubcategoryCoverage] = []
    for sub in catalog.subcategories.values():
        states = tuple(
            ItemState(cid, item_id, status_of[cid, item_id])
            for cid, item_id in index.get(sub.id, ())
        )
        subcategories.append(
            SubcategoryCoverage(
                sub.id,
                sub.function,
                sub.category,
                subcategory_status(state.status for state in states),
                states,
            )
        )
    # One pass of counting; the roll-ups are read off the counters in catalog order.
    counts: dict[str, dict[str, int]] = {}
    for sub_coverage in subcategories:
        for group in (sub_coverage.category, sub_coverage.function, "overall"):
            counts.setdefault(group, {"addressed": 0, "partial": 0, "missing": 0})[
                sub_coverage.status
            ] += 1
    categories = tuple(_from_counts(cat_id, counts) for cat_id in catalog.categories)
    functions = tuple(_from_counts(fn.id, counts) for fn in catalog.functions)
    return tuple(subcategories), categories, functions, _from_counts("overall", counts)


def compute_coverage(
    catalog: Catalog, definitions: Mapping[str, Definition], systems: Iterable[SystemAnswers]
) -> PortfolioCoverage:
    """Coverage of every system (sorted by system id) against the catalog."""
    cache: _PlanCache = {}
    coverages = tuple(
        compute_system_coverage(catalog, definitions, answers, _cache=cache)
        for answers in sorted(systems, key=lambda answers: answers.system)
    )
    used = sorted({cid for coverage in coverages for cid in coverage.checklists})
    return PortfolioCoverage(catalog, tuple(definitions[cid] for cid in used), coverages)


def crosswalk_coverage(
    catalog: Catalog, crosswalk: Crosswalk, coverage: SystemCoverage
) -> CrosswalkCoverage:
    """The crosswalk's references, each with the subcategories behind it and their status."""
    by_reference: dict[str, list[SubcategoryCoverage]] = {}
    for sub in coverage.subcategories:
        for reference in crosswalk.targets_of(catalog.subcategories[sub.id]):
            by_reference.setdefault(reference, []).append(sub)
    references = []
    for reference in sorted(by_reference, key=reference_sort_key):
        subs = by_reference[reference]
        statuses = [sub.status for sub in subs]
        if all(status == "addressed" for status in statuses):
            status: CoverageStatus = "addressed"
        elif any(status != "missing" for status in statuses):
            status = "partial"
        else:
            status = "missing"
        references.append(
            ReferenceCoverage(
                reference,
                status,
                tuple(sub.id for sub in subs),
                tuple(sub.id for sub in subs if sub.status == "addressed"),
            )
        )
    return CrosswalkCoverage(coverage.system, tuple(references))


def system_answers(workspace: Workspace) -> list[SystemAnswers]:
    """Each system's risk tier (from its model card) and checklist answer statuses.

    When two documents of a system answer the same definition, the first (by file name)
    counts; `check_answers` reports the second.
    """
    found: list[SystemAnswers] = []
    for system in workspace.systems.values():
        card = system.model_card
        answers: dict[str, dict[str, str]] = {}
        for document in system.checklists:
            model = document.model
            if isinstance(model, Checklist) and model.checklist not in answers:
                answers[model.checklist] = {
                    item_id: answer.status for item_id, answer in model.items.items()
                }
        found.append(SystemAnswers(system.id, card.risk_tier if card else None, answers))
    return found


def workspace_coverage(
    workspace: Workspace,
    *,
    definitions: DefinitionSet | None = None,
    catalog: Catalog | None = None,
) -> PortfolioCoverage:
    """Coverage of every system of the workspace (shipped plus workspace definitions)."""
    if definitions is None:
        definitions = workspace_definitions(workspace)
    return compute_coverage(
        catalog or load_catalog(), definitions.definitions, system_answers(workspace)
    )


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
