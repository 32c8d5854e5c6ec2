"""Properties of the coverage computation over random answers to the shipped checklists."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.coverage import compute_coverage, crosswalk_coverage
from cardgate.frameworks.coverage_results import SystemAnswers
from cardgate.frameworks.definitions import shipped_definitions

STATUSES = ("done", "partial", "not-started", "not-applicable")
RANK = {"missing": 0, "partial": 1, "addressed": 2}
DEFINITIONS = shipped_definitions().definitions
ITEMS = [(cid, item.id) for cid, d in DEFINITIONS.items() for item in d.model.items]

answer_sets = st.dictionaries(st.sampled_from(ITEMS), st.sampled_from(STATUSES))
tiers = st.sampled_from([None, "minimal", "limited", "high", "unacceptable"])


def as_answers(name: str, tier: str | None, answers: dict[tuple[str, str], str]) -> SystemAnswers:
    grouped: dict[str, dict[str, str]] = {cid: {} for cid in DEFINITIONS}
    for (cid, item_id), status in answers.items():
        grouped[cid][item_id] = status
    return SystemAnswers(name, tier, grouped)


@settings(max_examples=60, deadline=None)
@given(answers=answer_sets, tier=tiers, extra=st.sampled_from(ITEMS))
def test_completing_an_item_never_lowers_any_status(
    answers: dict[tuple[str, str], str], tier: str | None, extra: tuple[str, str]
) -> None:
    catalog = load_catalog()
    before = compute_coverage(catalog, DEFINITIONS, [as_answers("s", tier, answers)]).systems[0]
    after = compute_coverage(
        catalog, DEFINITIONS, [as_answers("s", tier, {**answers, extra: "done"})]
    ).systems[0]
    for old, new in zip(before.subcategories, after.subcategories, strict=True):
        assert RANK[new.status] >= RANK[old.status], old.id
    assert after.overall.addressed >= before.overall.addressed


@settings(max_examples=60, deadline=None)
@given(answers=answer_sets, tier=tiers)
def test_rollups_add_up(answers: dict[tuple[str, str], str], tier: str | None) -> None:
    coverage = compute_coverage(
        load_catalog(), DEFINITIONS, [as_answers("s", tier, answers)]
    ).systems[0]
    assert coverage.overall.total == 72
    for rollups in (coverage.functions, coverage.categories):
        assert sum(r.addressed for r in rollups) == coverage.overall.addressed
        assert sum(r.partial for r in rollups) == coverage.overall.partial
        assert sum(r.total for r in rollups) == 72


@settings(max_examples=60, deadline=None)
@given(answers=answer_sets, tier=tiers)
def test_crosswalk_statuses_follow_the_rule(
    answers: dict[tuple[str, str], str], tier: str | None
) -> None:
    """Each reference's status by the module's rule, from the subcategories behind it (the
    references' outcomes are remembered across systems: asked twice, the same answer)."""
    catalog = load_catalog()
    coverage = compute_coverage(catalog, DEFINITIONS, [as_answers("s", tier, answers)]).systems[0]
    status_of = {sub.id: sub.status for sub in coverage.subcategories}
    for crosswalk in catalog.crosswalks.values():
        found = crosswalk_coverage(catalog, crosswalk, coverage)
        assert crosswalk_coverage(catalog, crosswalk, coverage) == found
        assert found.system == "s"
        for reference in found.references:
            behind = [status_of[sub_id] for sub_id in reference.subcategories]
            assert reference.addressed == tuple(
                sub_id for sub_id in reference.subcategories if status_of[sub_id] == "addressed"
            )
            if all(status == "addressed" for status in behind):
                assert reference.status == "addressed"
            elif "addressed" in behind or "partial" in behind:
                assert reference.status == "partial"
            else:
                assert reference.status == "missing"
