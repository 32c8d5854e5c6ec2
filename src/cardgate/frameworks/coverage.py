"""Coverage of a framework (the NIST AI RMF 1.0 subcategories, the EU AI Act's provisions
...) by a system's checklist answers.

How a subcategory's (a provision's) status is decided, for one system:

* the *applicable items* are the items, of every checklist definition the system has
  answers for, that map to the subcategory and apply to the system's risk tier (an item
  without ``applies_to`` applies to every tier; with the tier unknown, every item applies);
  an item maps to the framework through ``maps_to`` when its definition's ``framework``
  is this one, through ``also_maps_to`` otherwise; a reference to a regulation's article,
  paragraph or point maps to every provision under it (`Catalog.expand`);
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

The results are `coverage_results`; their JSON form is `coverage_json`.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.checklist_definition import ChecklistItem
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.frameworks.automatic import automatic_answers, counted_status
from cardgate.frameworks.catalog import Catalog, Crosswalk, load_catalog, reference_sort_key
from cardgate.frameworks.coverage_results import (
    UNANSWERED,
    CoverageStatus,
    CrosswalkCoverage,
    ItemState,
    PortfolioCoverage,
    ReferenceCoverage,
    Rollup,
    SubcategoryCoverage,
    SystemAnswers,
    SystemCoverage,
    from_counts,
    subcategory_status,
)
from cardgate.frameworks.definitions import (
    Definition,
    DefinitionSet,
    applies,
    workspace_definitions,
)

# --- computation ------------------------------------------------------------------------------

_ItemIndex = dict[str, tuple[tuple[str, str], ...]]
"""subcategory id -> ((checklist id, item id), ...) for one (definitions, tier) combination."""


def item_references(catalog: Catalog, definition: Definition, item: ChecklistItem) -> list[str]:
    """What `item` references in `catalog`'s framework (its maps_to when the definition
    is of that framework, else its also_maps_to entry for it)."""
    if definition.model.framework == catalog.id:
        return list(item.maps_to)
    return list((item.also_maps_to or {}).get(catalog.id, ()))


def serves(catalog: Catalog, definition: Definition) -> bool:
    """Whether any item of `definition` maps to `catalog`'s framework."""
    return any(item_references(catalog, definition, item) for item in definition.model.items)


def _index(
    catalog: Catalog, definitions: Sequence[Definition], risk_tier: str | None
) -> _ItemIndex:
    index: dict[str, list[tuple[str, str]]] = {}
    for definition in definitions:
        for item in definition.model.items:
            if not applies(item, risk_tier):
                continue
            units = (
                unit
                for ref in item_references(catalog, definition, item)
                for unit in catalog.expand(ref)
            )
            for subcategory_id in dict.fromkeys(units):
                index.setdefault(subcategory_id, []).append((definition.id, item.id))
    return {key: tuple(value) for key, value in index.items()}


class _Plan(NamedTuple):
    """What one (definitions, tier) combination needs: the item index, an interned token
    for its content, and every indexed (checklist id, item id) pair once, in index order."""

    by_subcategory: _ItemIndex
    token: int
    pairs: tuple[tuple[str, str], ...]


_PlanCache = dict[tuple[str, tuple[str, ...], str | None], _Plan]

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


def _plan(catalog: Catalog, definitions: Sequence[Definition], risk_tier: str | None) -> _Plan:
    index = _index(catalog, definitions, risk_tier)
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
    (validation reports them), and so are those of checklists with no item mapped to
    `catalog`'s framework.

    The result depends only on the catalog, the applicable items and their answer statuses,
    so it is memoised on exactly that (systems with the same answers share the work)."""
    used = tuple(
        sorted(
            cid
            for cid in answers.answers
            if cid in definitions and serves(catalog, definitions[cid])
        )
    )
    key = (catalog.id, used, answers.risk_tier)
    cache = _cache if _cache is not None else {}
    plan = cache.get(key)
    if plan is None:
        plan = _plan(catalog, [definitions[cid] for cid in used], answers.risk_tier)
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
    categories = tuple(from_counts(cat_id, counts) for cat_id in catalog.categories)
    functions = tuple(from_counts(fn.id, counts) for fn in catalog.functions)
    return tuple(subcategories), categories, functions, from_counts("overall", counts)


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
    ids = tuple(sub.id for sub in coverage.subcategories)
    statuses = [sub.status for sub in coverage.subcategories]
    layout = _crosswalk_layout(catalog, crosswalk, ids)
    known = layout.references
    references = []
    for position, (reference, indices, pick) in enumerate(layout.entries):
        key = (position, pick(statuses))
        found = known.get(key)
        if found is None:
            if len(known) >= _MEMO_SIZE:
                known.clear()
            found = known[key] = _reference(reference, indices, ids, statuses)
        references.append(found)
    return CrosswalkCoverage(coverage.system, tuple(references))


def _reference(
    reference: str, indices: tuple[int, ...], ids: Sequence[str], statuses: Sequence[str]
) -> ReferenceCoverage:
    """One reference's coverage from the statuses of the subcategories behind it."""
    behind = [statuses[index] for index in indices]
    addressed = tuple(ids[index] for index in indices if statuses[index] == "addressed")
    if len(addressed) == len(indices):
        status: CoverageStatus = "addressed"
    elif addressed or "partial" in behind:
        status = "partial"
    else:
        status = "missing"
    return ReferenceCoverage(reference, status, tuple(ids[index] for index in indices), addressed)


@dataclass
class _Layout:
    """A crosswalk's references in clause order, each with the positions of the
    subcategories behind it and a function that picks their statuses; and each reference's
    coverage by those statuses, once worked out (a reference rests on a few
    subcategories, so systems share its few outcomes)."""

    catalog: Catalog
    crosswalk: Crosswalk
    entries: tuple[tuple[str, tuple[int, ...], Callable[[Sequence[str]], object]], ...]
    references: dict[tuple[int, object], ReferenceCoverage] = field(default_factory=dict)


_LAYOUTS: dict[tuple[int, int, tuple[str, ...]], _Layout] = {}


def _crosswalk_layout(
    catalog: Catalog, crosswalk: Crosswalk, subcategory_ids: tuple[str, ...]
) -> _Layout:
    """The crosswalk's layout for subcategories in the order `subcategory_ids`.

    The same for every system (all have the same subcategories), so it is worked out once
    per crosswalk: a site of 1,000 systems asks for it thousands of times. The catalog and
    the crosswalk are kept with it, so that their ids stay theirs.
    """
    key = (id(catalog), id(crosswalk), subcategory_ids)
    found = _LAYOUTS.get(key)
    if found is not None and found.catalog is catalog and found.crosswalk is crosswalk:
        return found
    by_reference: dict[str, list[int]] = {}
    for index, sub_id in enumerate(subcategory_ids):
        for reference in crosswalk.targets_of(catalog.subcategories[sub_id]):
            by_reference.setdefault(reference, []).append(index)
    entries = tuple(
        (
            reference,
            tuple(by_reference[reference]),
            operator.itemgetter(*by_reference[reference]),
        )
        for reference in sorted(by_reference, key=reference_sort_key)
    )
    if len(_LAYOUTS) >= _MEMO_SIZE:
        del _LAYOUTS[next(iter(_LAYOUTS))]
    layout = _LAYOUTS[key] = _Layout(catalog, crosswalk, entries)
    return layout


def answered_checklists(
    system: SystemDocs, wanted: Collection[str] | None = None
) -> dict[str, tuple[ValidatedDocument, Checklist]]:
    """The system's valid checklist documents by definition id (only `wanted` ones if given).

    When two documents of a system answer the same definition, the first (by file name)
    counts; `check_answers` reports the second.
    """
    found: dict[str, tuple[ValidatedDocument, Checklist]] = {}
    for document in system.checklists:
        model = document.model
        if (
            isinstance(model, Checklist)
            and model.checklist not in found
            and (wanted is None or model.checklist in wanted)
        ):
            found[model.checklist] = (document, model)
    return found


def answers_of(
    workspace: Workspace,
    system: SystemDocs,
    risk_tier: str | None,
    definitions: Mapping[str, Definition],
    wanted: Collection[str] | None = None,
    cache: dict[Any, Any] | None = None,
) -> SystemAnswers:
    """What coverage needs of one system: its tier and its answers' statuses.

    An item that cardgate answers itself (``answered_by``) takes its automatic status where
    the checklist leaves it unanswered, and caps a written claim its check contradicts
    (`cardgate.frameworks.automatic.counted_status`).
    """
    answers: dict[str, dict[str, str]] = {}
    for checklist_id, (_, model) in answered_checklists(system, wanted).items():
        definition = definitions.get(checklist_id)
        automatic = automatic_answers(workspace, system, definition, cache) if definition else {}
        statuses: dict[str, str] = {
            item: counted_status(answer.status, automatic.get(item)) or answer.status
            for item, answer in model.items.items()
        }
        for item_id, found in automatic.items():
            statuses.setdefault(item_id, found.status)
        answers[checklist_id] = statuses
    return SystemAnswers(system.id, risk_tier, answers)


def system_answers(
    workspace: Workspace, definitions: Mapping[str, Definition]
) -> list[SystemAnswers]:
    """Each system's risk tier (from its model card) and checklist answer statuses."""
    found: list[SystemAnswers] = []
    for system in workspace.systems.values():
        card = system.model_card
        found.append(answers_of(workspace, system, card.risk_tier if card else None, definitions))
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
        catalog or load_catalog(),
        definitions.definitions,
        system_answers(workspace, definitions.definitions),
    )
