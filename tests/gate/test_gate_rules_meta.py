"""The registry: unique codes and names, complete documentation, valid NIST ids."""

from __future__ import annotations

from cardgate.frameworks.catalog import load_catalog
from cardgate.gate.rule_meta import CODE_PATTERN, NAME_PATTERN, SECTIONS
from cardgate.gate.rules import MODULES, RULES, find_rule


def test_codes_names_and_aliases_are_unique() -> None:
    selectors = [s for rule in RULES for s in rule.selectors()]
    assert len(selectors) == len(set(selectors))
    assert len(RULES) == len(MODULES)


def test_codes_and_names_have_the_documented_form() -> None:
    for rule in RULES:
        assert CODE_PATTERN.match(rule.code), rule.code
        assert NAME_PATTERN.match(rule.name), rule.name
        assert rule.scope in {"system", "workspace", "waivers"}


def test_every_rule_is_documented() -> None:
    for rule in RULES:
        assert rule.summary.endswith("."), rule.code
        sections = rule.sections()
        for name in SECTIONS:
            assert sections.get(name), f"{rule.code} lacks a '{name}:' section"


def test_nist_ids_exist_in_the_catalog() -> None:
    known = set(load_catalog().subcategories)
    for rule in RULES:
        assert set(rule.nist) <= known, (rule.code, set(rule.nist) - known)


def test_find_rule_by_code_name_and_lower_case_code() -> None:
    rule = RULES[3]
    assert find_rule(rule.code) is rule
    assert find_rule(rule.name) is rule
    assert find_rule(rule.code.lower()) is rule
    assert find_rule("nope") is None
