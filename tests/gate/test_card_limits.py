"""The one comparison of a card's limits with the card's on a ref
(`cardgate.gate.card_limits`), on validated cards: what each limit applies to."""

from __future__ import annotations

from typing import Any

import yaml

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.gate.card_limits import card_limits, loosenings

from .conftest import CARD, GENAI_SECTION, OPERATIONS_SECTION


def _card(**evaluation: Any) -> ModelCard:
    data = yaml.safe_load(CARD)
    data["evaluation"].update(evaluation)
    return ModelCard.model_validate(data)


def _messages(before: ModelCard, after: ModelCard) -> list[str]:
    return [
        found.message for found in loosenings([card_limits(before)], card_limits(after), "main")
    ]


EVERY = [{"metric": "demographic_parity_difference", "max": 0.1}]


def test_a_feature_dropped_from_the_evaluation_leaves_its_threshold() -> None:
    """A threshold without ``feature`` applies to every evaluated feature: one dropped
    from ``sensitive_features`` is no longer held to it."""
    before = _card(sensitive_features=["sex", "age"], thresholds=EVERY)
    after = _card(sensitive_features=["sex"], thresholds=EVERY)
    assert _messages(before, after) == [
        "evaluation.thresholds: demographic_parity_difference demands less than on main: max "
        "0.1 there, no such limit here for 'age' (removed)"
    ]
    assert _messages(after, before) == []


def test_a_threshold_per_feature_keeps_one_on_every_feature() -> None:
    per_feature = [{**EVERY[0], "feature": name} for name in ("sex", "age")]
    loose = [{**per_feature[0], "max": 0.2}, per_feature[1]]
    before = _card(sensitive_features=["sex", "age"], thresholds=EVERY)
    assert _messages(before, _card(sensitive_features=["sex", "age"], thresholds=per_feature)) == []
    assert _messages(before, _card(sensitive_features=["sex", "age"], thresholds=loose)) == [
        "evaluation.thresholds: demographic_parity_difference demands less than on main: max "
        "0.1 there, max 0.2 here (max raised)"
    ]


def test_a_threshold_split_in_two_keeps_both_bounds() -> None:
    both = [{"metric": "accuracy", "min": 0.6, "max": 0.99, "inconclusive": "block"}]
    split = [
        {"metric": "accuracy", "min": 0.6, "inconclusive": "block"},
        {"metric": "accuracy", "max": 0.99, "inconclusive": "block"},
    ]
    assert _messages(_card(thresholds=both), _card(thresholds=split)) == []
    assert _messages(_card(thresholds=split), _card(thresholds=both)) == []


def _priced(input_price: float, output_price: float) -> ModelCard:
    prices = (
        f"    prices: {{input_per_1k_tokens: {input_price}, "
        f"output_per_1k_tokens: {output_price}}}\n"
    )
    text = (
        CARD
        + GENAI_SECTION
        + OPERATIONS_SECTION.replace(
            "    bootstrap: {replicates: 200}\n", "    bootstrap: {replicates: 200}\n" + prices
        )
    )
    return ModelCard.model_validate(yaml.safe_load(text))


def test_token_prices_lowered_are_a_loosening_raised_are_not() -> None:
    """A query's cost from its tokens is priced by the card: halving a price halves every
    cost, and a 'cost_per_1k_queries' limit breached at the ref's prices is met."""
    before = _priced(0.5, 1.5)
    assert _messages(before, _priced(0.25, 1.5)) == [
        "genai.operations_evaluation.prices.input_per_1k_tokens is 0.5 on main, 0.25 here: "
        "every query costs less, from its tokens, than when the cost limits were set "
        "(input_per_1k_tokens lowered)"
    ]
    assert _messages(before, _priced(0.5, 1.0))[0].startswith(
        "genai.operations_evaluation.prices.output_per_1k_tokens is 1.5 on main, 1 here"
    )
    assert _messages(before, _priced(0.6, 2.0)) == []  # dearer: demands more
    assert _messages(before, before) == []
