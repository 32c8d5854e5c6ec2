"""The shipped NIST AI RMF 1.0 catalog, AI 600-1 profile and crosswalks."""

from __future__ import annotations

import pytest

from cardgate.core.errors import UsageError
from cardgate.frameworks.catalog import load_catalog, reference_sort_key, subcategory_sort_key

# (function, category number, number of subcategories) as printed in NIST AI 100-1 Tables 1-4.
SHAPE = [
    ("GOVERN", 1, 7), ("GOVERN", 2, 3), ("GOVERN", 3, 2), ("GOVERN", 4, 3), ("GOVERN", 5, 2),
    ("GOVERN", 6, 2),
    ("MAP", 1, 6), ("MAP", 2, 3), ("MAP", 3, 5), ("MAP", 4, 2), ("MAP", 5, 2),
    ("MEASURE", 1, 3), ("MEASURE", 2, 13), ("MEASURE", 3, 3), ("MEASURE", 4, 3),
    ("MANAGE", 1, 4), ("MANAGE", 2, 4), ("MANAGE", 3, 2), ("MANAGE", 4, 3),
]  # fmt: skip
EXPECTED_IDS = [f"{fn} {cat}.{n}" for fn, cat, count in SHAPE for n in range(1, count + 1)]


def test_catalog_has_the_72_subcategories_in_order() -> None:
    catalog = load_catalog()
    assert list(catalog.subcategories) == EXPECTED_IDS
    assert len(EXPECTED_IDS) == 72
    assert EXPECTED_IDS[0] == "GOVERN 1.1" and EXPECTED_IDS[-1] == "MANAGE 4.3"
    assert [fn.id for fn in catalog.functions] == ["GOVERN", "MAP", "MEASURE", "MANAGE"]
    assert len(catalog.categories) == 19


def test_every_subcategory_has_statement_page_and_playbook_guidance() -> None:
    catalog = load_catalog()
    for sub in catalog.subcategories.values():
        assert sub.statement.strip(), sub.id
        assert 20 <= sub.page <= 40, sub.id
        assert sub.suggested_actions and all(a.strip() for a in sub.suggested_actions), sub.id
        assert sub.documentation_questions, sub.id
        assert sub.id.startswith(sub.category + "."), sub.id
        assert sub.category.split(" ")[0] == sub.function


def test_statements_are_the_printed_text() -> None:
    catalog = load_catalog()
    assert catalog.subcategory("GOVERN 1.1").statement == (
        "Legal and regulatory requirements involving AI are understood, managed, and documented."
    )
    assert catalog.subcategory("MEASURE 2.11").statement == (
        "Fairness and bias \u2013 as identified in the MAP function \u2013 are evaluated and "
        "results are documented."
    )
    assert catalog.subcategory("MANAGE 4.3").page == 33
    assert "17 U.S.C. 105" in catalog.license_note


def test_generative_ai_profile_is_loaded() -> None:
    catalog = load_catalog()
    assert len(catalog.gai_risks) == 12
    assert len(catalog.gai_actions) == 212
    action = catalog.gai_actions["GV-1.1-001"]
    assert action.subcategory == "GOVERN 1.1"
    assert "intellectual-property" in action.gai_risks
    assert all(a.subcategory in catalog.subcategories for a in catalog.gai_actions.values())


def test_iso_42001_crosswalk_by_short_name() -> None:
    catalog = load_catalog()
    crosswalk = catalog.crosswalk("iso-42001")
    assert crosswalk.id == "ai-rmf-1.0-to-iso-iec-42001"
    assert crosswalk.targets_of(catalog.subcategory("GOVERN 1.1")) == (
        "4.1",
        "6.2",
        "B.2.2",
        "B.2.4",
    )
    assert set(crosswalk.mappings) == set(catalog.subcategories)
    assert "iso-42001" in catalog.crosswalk_names()


def test_function_level_crosswalk_applies_to_every_subcategory_of_the_function() -> None:
    catalog = load_catalog()
    crosswalk = catalog.crosswalk("iso-23894")
    assert crosswalk.targets_of(catalog.subcategory("MANAGE 2.4"))[0] == "5.5"
    assert "6.3.2" in crosswalk.targets_of(catalog.subcategory("MAP 1.1"))


def test_unknown_crosswalk_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        load_catalog().crosswalk("iso-9001")
    assert "iso-42001" in caught.value.hint


def test_sort_keys_are_natural() -> None:
    refs = ["B.2.2", "10.1", "6.1.2", "4.1", "B.10.3", "6.2"]
    assert sorted(refs, key=reference_sort_key) == [
        "4.1",
        "6.1.2",
        "6.2",
        "10.1",
        "B.2.2",
        "B.10.3",
    ]
    subs = ["MEASURE 2.10", "MEASURE 2.9", "GOVERN 6.1", "MAP 1.1"]
    assert sorted(subs, key=subcategory_sort_key) == [
        "GOVERN 6.1",
        "MAP 1.1",
        "MEASURE 2.9",
        "MEASURE 2.10",
    ]
