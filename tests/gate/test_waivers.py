"""Waivers decided at their edges: the day a waiver ends, the longest one the policy
allows, which findings a document or a data path selects, and why a waiver is refused.

The rule-case workspaces (tests/gate/cases/GATE-WV00*.yaml) show waivers through the whole
gate; these pin the boundaries that `make mutation` found unguarded there.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cardgate.documents.schemas.waivers import Waiver
from cardgate.gate.policy import TierSettings
from cardgate.gate.result import Finding
from cardgate.gate.rule import Rule
from cardgate.gate.rules import find_rule
from cardgate.gate.waivers import (
    apply_waivers,
    in_force,
    matches,
    normalise_document,
    normalise_path,
    refusals,
)

TODAY = dt.date(2026, 6, 1)
CARD = "systems/loans/model-card.yaml"


def rule(code: str) -> Rule:
    found = find_rule(code)
    assert found is not None
    return found


FAIRNESS = rule("GATE-FA003")
INTEGRITY = rule("GATE-DOC001")
WAIVERS_RULE = rule("GATE-WV001")


def waiver(**fields: object) -> Waiver:
    values: dict[str, object] = {
        "rule": "GATE-FA003",
        "system": "loans",
        "justification": "retraining scheduled",
        "approver": "Grace Approver",
        "expires": TODAY + dt.timedelta(days=30),
    }
    values.update(fields)
    return Waiver.model_validate(values)


def finding(location: str = "evaluation.thresholds.0", path: str = CARD) -> Finding:
    return Finding(path, 12, 7, "GATE-FA003", "beyond the limit", system="loans", location=location)


def test_a_waiver_holds_on_its_last_day_and_not_the_day_after() -> None:
    last_day = waiver(expires=TODAY)
    assert in_force(last_day, TODAY)
    assert not in_force(last_day, TODAY + dt.timedelta(days=1))
    assert refusals(last_day, FAIRNESS, TierSettings("high"), TODAY) == []
    [(field, reason)] = refusals(last_day, FAIRNESS, TierSettings("high"), TODAY + dt.timedelta(1))
    assert field == "expires" and "expired on 2026-06-01" in reason and "Grace Approver" in reason


def test_the_longest_waiver_the_policy_allows_is_accepted_one_day_more_is_not() -> None:
    settings = TierSettings("high", max_waiver_days=90)
    longest = waiver(expires=TODAY + dt.timedelta(days=90))
    assert refusals(longest, FAIRNESS, settings, TODAY) == []
    [(field, reason)] = refusals(
        waiver(expires=TODAY + dt.timedelta(days=91)), FAIRNESS, settings, TODAY
    )
    assert field == "expires"
    assert "runs 91 days" in reason and "at most 90 days" in reason and "'high'" in reason


def test_why_a_rule_cannot_be_waived_is_said_per_kind_of_rule() -> None:
    settings = TierSettings("high")
    [(_, integrity)] = refusals(waiver(rule="GATE-DOC001"), INTEGRITY, settings, TODAY)
    assert "GATE-DOC001" in integrity and "guards the gate's integrity" in integrity
    [(_, judges)] = refusals(waiver(rule="GATE-WV001"), WAIVERS_RULE, settings, TODAY)
    assert judges == "rule GATE-WV001 (waivers.valid) judges waivers and cannot be waived"
    [(_, never)] = refusals(waiver(rule="GATE-MC005"), rule("GATE-MC005"), settings, TODAY)
    assert never == (
        "rule GATE-MC005 (model-card.limits-kept) blocks whatever a waiver says and cannot be "
        "waived"
    )
    [(_, unknown)] = refusals(waiver(rule="GATE-XX999"), None, settings, TODAY)
    assert unknown == "names unknown rule 'GATE-XX999'"
    forbidden = TierSettings("high", unwaivable=frozenset({"GATE-FA003"}))
    [(_, policy)] = refusals(waiver(), FAIRNESS, forbidden, TODAY)
    assert "cannot waive rule GATE-FA003" in policy and "never waives it" in policy
    assert "'high'" in policy


def test_a_waiver_for_one_document_matches_that_document_only() -> None:
    for named in (CARD, f"./{CARD}", f"  {CARD} ", CARD.replace("/", "\\")):
        assert matches(waiver(document=named), FAIRNESS, finding()), named
    other = "systems/loans/checklist-nist-ai-rmf-core.yaml"
    assert not matches(waiver(document=other), FAIRNESS, finding())
    assert matches(waiver(document=other), FAIRNESS, finding(path=other))


def test_a_waiver_for_a_data_path_matches_it_and_what_lies_under_it() -> None:
    at = finding("evaluation.thresholds.0")
    assert matches(waiver(path="evaluation.thresholds.0"), FAIRNESS, at)
    assert matches(waiver(path="evaluation.thresholds"), FAIRNESS, at)
    assert matches(waiver(path="evaluation"), FAIRNESS, at)
    # a sibling whose name starts the same is not under it
    assert not matches(
        waiver(path="evaluation.thresholds.0"), FAIRNESS, finding("evaluation.thresholds.01")
    )
    assert not matches(waiver(path="evaluation.threshold"), FAIRNESS, at)
    assert not matches(waiver(path="evaluation.thresholds.1"), FAIRNESS, at)


def test_a_waiver_matches_its_rule_and_system_only() -> None:
    assert matches(waiver(), FAIRNESS, finding())
    assert not matches(waiver(system="other"), FAIRNESS, finding())
    assert not matches(waiver(), rule("GATE-FA001"), finding())


@pytest.mark.parametrize(
    ("written", "normal"),
    [
        ("evaluation.thresholds[0]", "evaluation.thresholds.0"),
        ("evaluation/thresholds/0", "evaluation.thresholds.0"),
        ("evaluation.thresholds[12].max", "evaluation.thresholds.12.max"),
        (" .evaluation..thresholds. ", "evaluation.thresholds"),
        ("thresholds[x]", "thresholds[x]"),
    ],
)
def test_data_paths_are_compared_in_one_form(written: str, normal: str) -> None:
    assert normalise_path(written) == normal


def test_documents_are_compared_in_one_form() -> None:
    assert normalise_document(" ././systems\\loans\\model-card.yaml ") == CARD


def test_apply_waivers_counts_uses_and_leaves_refused_waivers_unused() -> None:
    settings = TierSettings("high", max_waiver_days=30)
    waivers = [
        waiver(expires=TODAY + dt.timedelta(days=31)),  # too long: refused, matches nothing
        waiver(path="evaluation.thresholds.1"),  # another threshold
        waiver(),
    ]
    table = {"GATE-FA003": FAIRNESS}
    findings = [finding("evaluation.thresholds.0"), finding("evaluation.thresholds.1")]
    active, waived, uses = apply_waivers(
        findings, waivers, table, today=TODAY, settings=lambda _: settings
    )
    assert active == []
    assert uses == {1: 1, 2: 1}
    by_location = {item.location: item.waiver for item in waived}
    assert by_location["evaluation.thresholds.1"] is not None
    assert by_location["evaluation.thresholds.1"].index == 1
    assert by_location["evaluation.thresholds.0"] is not None
    assert by_location["evaluation.thresholds.0"].index == 2
    assert all(not item.blocking for item in waived)
