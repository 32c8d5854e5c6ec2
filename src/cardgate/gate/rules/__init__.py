"""The registry of gate rules: one module per rule, listed here explicitly.

Adding a rule: write ``rules/<module>.py`` with the metadata and docstring described in
`cardgate.gate.rule`, import it below and add it to ``MODULES``; ``tests/gate`` then asks
for its pass/fail cases in ``tests/gate/cases/<CODE>.yaml``. Order here is the order rules
run and are listed. Data-contract rules (GATE-DC*, issue 8) go in their own block.
"""

from __future__ import annotations

from types import ModuleType

from cardgate.gate.rule import Rule
from cardgate.gate.rules import (
    artifacts_true,
    bias_audit_ratios,
    checklists_answered,
    checklists_coverage,
    checklists_evidence,
    checklists_items,
    data_check_fresh,
    data_check_present,
    data_check_violations,
    data_evidence,
    data_pin_matches,
    datasheets_complete,
    documents_checkable,
    documents_found,
    documents_past_draft,
    documents_valid,
    evaluation_evidence,
    evaluation_features_covered,
    evaluation_fresh,
    evaluation_present,
    evaluation_regression,
    evaluation_thresholds,
    freshness_review,
    genai_evidence_required,
    generation_fresh,
    generation_thresholds,
    internal_error,
    model_card_limits,
    model_card_recommended,
    model_card_required,
    model_card_risk_tier,
    monitoring_decided,
    monitoring_evidence,
    monitoring_recent,
    monitoring_true,
    operations_fresh,
    operations_thresholds,
    policy_integrity,
    policy_loosened,
    retrieval_baseline,
    retrieval_fresh,
    retrieval_thresholds,
    safety_fresh,
    safety_rates,
    signoffs_current,
    signoffs_required,
    signoffs_verified,
    waivers_used,
    waivers_valid,
)

MODULES: tuple[ModuleType, ...] = (
    # documents
    documents_found,
    documents_valid,
    documents_checkable,
    # policy
    policy_integrity,
    policy_loosened,
    # completeness
    model_card_required,
    model_card_recommended,
    model_card_risk_tier,
    model_card_limits,
    documents_past_draft,
    # references
    datasheets_complete,
    checklists_answered,
    # checklists
    checklists_coverage,
    checklists_evidence,
    checklists_items,
    # evaluation
    evaluation_present,
    evaluation_fresh,
    evaluation_thresholds,
    evaluation_regression,
    evaluation_features_covered,
    evaluation_evidence,
    # NYC Local Law 144 bias audit (issue 19): the policy's minimum impact ratio
    bias_audit_ratios,
    # retrieval of GenAI systems
    retrieval_fresh,
    retrieval_thresholds,
    retrieval_baseline,
    # generation of GenAI systems (imported scores)
    generation_fresh,
    generation_thresholds,
    # safety of GenAI systems (judged red-team outcomes as rates, mapped to AI 600-1 risks)
    safety_fresh,
    safety_rates,
    # operations of GenAI systems (latency and cost per query from a run log)
    operations_fresh,
    operations_thresholds,
    # what evaluations a GenAI system of the tier must have (the policy's option)
    genai_evidence_required,
    # computed artifacts: read against their model, recomputed for --release
    artifacts_true,
    # production monitoring (issue 21): systems/<id>/monitoring.json
    monitoring_true,
    monitoring_recent,
    monitoring_decided,
    monitoring_evidence,
    # sign-offs
    signoffs_required,
    signoffs_current,
    signoffs_verified,
    # freshness
    freshness_review,
    # data contracts (issue 8): datasets/<id>/data-check.json
    data_check_present,
    data_check_fresh,
    data_check_violations,
    data_evidence,
    data_pin_matches,
    # waivers
    waivers_valid,
    waivers_used,
    # the engine's own
    internal_error,
)

RULES: tuple[Rule, ...] = tuple(Rule.from_module(module) for module in MODULES)
"""Every gate rule, in run order."""

INTERNAL_ERROR = internal_error.CODE


def selectors(rules: tuple[Rule, ...] = RULES) -> dict[str, Rule]:
    """Code, name and aliases -> rule."""
    return {selector: rule for rule in rules for selector in rule.selectors()}


def find_rule(selector: str, rules: tuple[Rule, ...] = RULES) -> Rule | None:
    """The rule a code, name or alias selects (codes case-insensitively)."""
    table = selectors(rules)
    return table.get(selector) or table.get(selector.upper())
