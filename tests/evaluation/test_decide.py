"""The threshold decider at its edges, on the numbers alone: where an interval touching a
limit falls, where the noise floor and the minimum group size take over, and how the card
and the policy combine. The gate cases (tests/gate/cases/GATE-FA003.yaml) and
tests/e2e/test_verdicts_agree.py show the same verdicts through every output; these pin
the boundaries one comparison at a time (`make mutation` judges them)."""

from __future__ import annotations

import pytest

from cardgate.documents.schemas.evaluation import Threshold
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import (
    ThresholdPolicy,
    decide,
    matches,
    p_value_text,
    state_of,
)


def result(**fields: object) -> ThresholdResult:
    values: dict[str, object] = {
        "threshold": 0,
        "metric": "demographic_parity_difference",
        "feature": "sex",
        "max": 0.1,
        "value": 0.05,
        "ci": [0.01, 0.09],
        "count": 500,
        "state": "within",
        "reason": "",
    }
    values.update(fields)
    return ThresholdResult.model_validate(values)


def threshold(**fields: object) -> Threshold:
    values: dict[str, object] = {"metric": "demographic_parity_difference", "feature": "sex"}
    values.update(fields)
    return Threshold.model_validate(values)


def state(**fields: object) -> str:
    return state_of(result(**fields), min_group_size=100, level=0.95, replicates=None)[0]


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ([0.01, 0.09], "within"),
        ([0.01, 0.1], "within"),  # an interval ending on the limit satisfies it
        ([0.05, 0.1000001], "inconclusive"),
        ([0.1, 0.2], "inconclusive"),  # starting on the limit is not beyond it
        ([0.1000001, 0.2], "beyond"),
    ],
)
def test_an_upper_limit_at_its_edges(ci: list[float], expected: str) -> None:
    value = (ci[0] + ci[1]) / 2
    assert state(ci=ci, value=value, noise_floor=0.0) == expected


@pytest.mark.parametrize(
    ("ci", "expected"),
    [
        ([0.85, 0.9], "within"),
        ([0.8, 0.9], "within"),
        ([0.7999999, 0.9], "inconclusive"),
        ([0.7, 0.8], "inconclusive"),
        ([0.7, 0.7999999], "beyond"),
    ],
)
def test_a_lower_limit_at_its_edges(ci: list[float], expected: str) -> None:
    fields = {"metric": "roc_auc", "feature": None, "min": 0.8, "max": None}
    assert state(ci=ci, value=(ci[0] + ci[1]) / 2, **fields) == expected


def test_both_limits_must_hold_for_within() -> None:
    both = {"metric": "selection_rate", "min": 0.2, "max": 0.4}
    assert state(ci=[0.25, 0.35], value=0.3, **both) == "within"
    assert state(ci=[0.15, 0.35], value=0.3, **both) == "inconclusive"
    assert state(ci=[0.25, 0.45], value=0.3, **both) == "inconclusive"
    assert state(ci=[0.41, 0.45], value=0.43, **both) == "beyond"
    assert state(ci=[0.1, 0.15], value=0.12, **both) == "beyond"


def test_a_difference_beyond_the_limit_within_the_noise_floor_is_inconclusive() -> None:
    high = {"ci": [0.12, 0.3], "value": 0.2}
    assert state(noise_floor=0.25, **high) == "inconclusive"
    assert state(noise_floor=0.2, **high) == "inconclusive"  # on the floor: chance can do it
    assert state(noise_floor=0.19, **high) == "beyond"
    assert state(noise_floor=None, **high) == "beyond"
    _, why = state_of(
        result(noise_floor=0.25, **high), min_group_size=100, level=0.95, replicates=None
    )
    assert "noise floor 0.250" in why and "a fair model shows by chance" in why


def test_a_ratio_below_its_minimum_is_judged_against_its_floor_from_below() -> None:
    ratio = {"metric": "demographic_parity_ratio", "max": None, "min": 0.8}
    low = {"ci": [0.5, 0.7], "value": 0.6}
    # a fair model's ratio falls below its floor only by chance
    assert state(noise_floor=0.65, **ratio, **low) == "beyond"
    assert state(noise_floor=0.6, **ratio, **low) == "inconclusive"
    assert state(noise_floor=0.55, **ratio, **low) == "inconclusive"


def test_the_noise_floor_guards_only_the_unfair_direction() -> None:
    # a difference below a minimum, a ratio above a maximum: no null test applies
    assert state(min=0.3, max=None, ci=[0.1, 0.2], value=0.15, noise_floor=0.5) == "beyond"
    ratio_above = {"metric": "demographic_parity_ratio", "min": None, "max": 0.9}
    assert state(ci=[0.95, 0.99], value=0.97, noise_floor=2.0, **ratio_above) == "beyond"
    # per-group metrics have no null test at all
    assert state(metric="roc_auc", feature=None, max=None, min=0.8, ci=[0.6, 0.7],
                 value=0.65, noise_floor=0.9) == "beyond"  # fmt: skip


def test_the_minimum_group_size_at_its_edge() -> None:
    assert state(count=100) == "within"
    assert state(count=99) == "inconclusive"
    _, why = state_of(result(count=99, group="F"), min_group_size=100, level=0.95, replicates=None)
    assert "the group has 99 rows, fewer than the minimum group size 100" in why
    _, why = state_of(result(count=1), min_group_size=100, level=0.95, replicates=None)
    assert "a compared group has 1 row," in why


def test_no_value_is_undefined_and_no_interval_is_inconclusive() -> None:
    assert state(value=None, ci=None, reason="fewer than two groups") == "undefined"
    assert state(ci=None) == "inconclusive"


def test_outcomes_of_each_state() -> None:
    plain = threshold(max=0.1)
    assert decide(plain, result(), card_min_group_size=1, level=0.95).outcome == "pass"
    beyond = result(ci=[0.2, 0.3], value=0.25)
    assert decide(plain, beyond, card_min_group_size=1, level=0.95).outcome == "block"
    undefined = result(value=None, ci=None)
    assert decide(plain, undefined, card_min_group_size=1, level=0.95).outcome == "block"
    straddles = result(ci=[0.05, 0.15], value=0.1)
    assert decide(plain, straddles, card_min_group_size=1, level=0.95).outcome == "warn"


@pytest.mark.parametrize(
    ("card", "policy", "outcome", "overridden"),
    [
        (None, "block", "block", False),
        (None, "pass", "pass", False),
        ("block", "pass", "block", False),  # the card may be stricter
        ("pass", "warn", "warn", True),  # it cannot be looser, and the verdict says so
        ("warn", "block", "block", True),
        ("warn", "warn", "warn", False),
        ("warn", "block-if-evident", "warn", True),  # not evident: a warning, still noted
        ("block-if-evident", "warn", "warn", False),  # the card's own, not evident here
        ("block-if-evident", "block", "block", True),
    ],
)
def test_the_stricter_of_card_and_policy_decides_an_inconclusive_result(
    card: str | None, policy: str, outcome: str, overridden: bool
) -> None:
    straddles = result(ci=[0.05, 0.15], value=0.1)
    verdict = decide(
        threshold(max=0.1, inconclusive=card),
        straddles,
        card_min_group_size=1,
        level=0.95,
        policy=ThresholdPolicy(inconclusive=policy, source="the policy (tier 'high')"),  # type: ignore[arg-type]
    )
    assert verdict.state == "inconclusive" and verdict.outcome == outcome
    assert bool(verdict.notes) is overridden
    if overridden:
        assert verdict.notes[0].startswith("The policy (tier 'high') makes an inconclusive")


EVIDENT = ThresholdPolicy(inconclusive="block-if-evident", min_group_size=100)


@pytest.mark.parametrize(
    ("fields", "outcome"),
    [
        # the estimate beyond the limit and beyond the noise floor: evident, blocks
        ({"value": 0.12, "ci": [0.05, 0.19], "noise_floor": 0.08}, "block"),
        # beyond the limit but within the noise floor: chance could explain it
        ({"value": 0.12, "ci": [0.05, 0.19], "noise_floor": 0.13}, "warn"),
        # beyond the floor but the estimate meets the limit
        ({"value": 0.1, "ci": [0.03, 0.17], "noise_floor": 0.05}, "warn"),
        # a disparity without its null test (replicates: 0): nothing tells the gap from
        # chance, and switching the test off must not turn the block into a warning
        ({"value": 0.12, "ci": [0.05, 0.19], "noise_floor": None}, "block"),
        # ... but only where the estimate breaks the limit
        ({"value": 0.09, "ci": [0.02, 0.16], "noise_floor": None}, "warn"),
        # a per-group metric has no null test: never evident
        (
            {
                "metric": "false_positive_rate",
                "feature": "sex",
                "group": "f",
                "value": 0.12,
                "ci": [0.05, 0.19],
                "noise_floor": None,
            },
            "warn",
        ),
        # a compared group under the minimum size: not judged, never evident
        ({"value": 0.12, "ci": [0.05, 0.19], "noise_floor": 0.08, "count": 99}, "warn"),
        # the minimum itself is enough
        ({"value": 0.12, "ci": [0.05, 0.19], "noise_floor": 0.08, "count": 100}, "block"),
    ],
)
def test_block_if_evident_blocks_only_where_the_evidence_points_to_a_breach(
    fields: dict[str, object], outcome: str
) -> None:
    limit = threshold(metric=fields.get("metric", "demographic_parity_difference"), max=0.1)
    verdict = decide(limit, result(**fields), card_min_group_size=100, level=0.95, policy=EVIDENT)
    assert verdict.state == "inconclusive"
    assert verdict.outcome == outcome


def test_a_card_cannot_switch_the_null_test_off_to_turn_a_block_into_a_warning() -> None:
    """`replicates: 0` leaves a disparity without a noise floor; under block-if-evident an
    estimate beyond the limit then blocks, and says why (it warned: a card could excuse
    a gap that 1,000 replicates would have found evident)."""
    untested = result(value=0.12, ci=[0.05, 0.19], noise_floor=None, p_value=None)
    verdict = decide(threshold(max=0.1), untested, card_min_group_size=1, level=0.95,
                     policy=EVIDENT)  # fmt: skip
    assert verdict.outcome == "block"
    assert "no null test (bootstrap replicates: 0) to tell it from chance" in verdict.reason


def test_a_cards_larger_minimum_cannot_hide_a_breach_the_policys_minimum_judges() -> None:
    """The card may leave groups of 30-99 rows inconclusive, not excuse what they show."""
    policy = ThresholdPolicy(inconclusive="block-if-evident", min_group_size=30)
    evident = result(value=0.12, ci=[0.05, 0.19], noise_floor=0.08, count=40)
    verdict = decide(
        threshold(max=0.1), evident, card_min_group_size=100, level=0.95, policy=policy
    )
    assert (verdict.state, verdict.outcome) == ("inconclusive", "block")
    beyond = result(value=0.3, ci=[0.2, 0.4], noise_floor=0.08, count=40)
    verdict = decide(threshold(max=0.1), beyond, card_min_group_size=100, level=0.95, policy=policy)
    assert (verdict.state, verdict.outcome) == ("beyond", "block")
    assert (
        "The card's min_group_size 100 leaves this group of 40 rows unjudged" in (verdict.notes[-1])
    )
    small = result(value=0.3, ci=[0.2, 0.4], noise_floor=0.08, count=20)
    verdict = decide(threshold(max=0.1), small, card_min_group_size=100, level=0.95, policy=policy)
    assert (verdict.state, verdict.outcome) == ("inconclusive", "warn")


def test_block_if_evident_on_a_ratio_looks_below_its_minimum() -> None:
    ratio = threshold(metric="demographic_parity_ratio", min=0.8)
    evident = result(metric="demographic_parity_ratio", max=None, min=0.8, value=0.7,
                     ci=[0.6, 0.85], noise_floor=0.75)  # fmt: skip
    assert decide(ratio, evident, card_min_group_size=1, level=0.95, policy=EVIDENT).outcome == (
        "block"
    )
    chance = result(metric="demographic_parity_ratio", max=None, min=0.8, value=0.7,
                    ci=[0.6, 0.85], noise_floor=0.65)  # fmt: skip
    assert decide(ratio, chance, card_min_group_size=1, level=0.95, policy=EVIDENT).outcome == (
        "warn"
    )


def test_block_if_evident_says_why_in_one_sentence() -> None:
    evident = result(value=0.12, ci=[0.05, 0.19], noise_floor=0.08)
    verdict = decide(threshold(max=0.1), evident, card_min_group_size=1, level=0.95,
                     policy=EVIDENT)  # fmt: skip
    assert verdict.reason == (
        "demographic_parity_difference for 'sex' 0.120 (95% CI 0.050–0.190) straddles max "
        "0.1: inconclusive (blocks: the estimate is beyond the limit and beyond the noise "
        "floor, so the evidence points to a breach; more data would decide it)"
    )


def test_the_policys_minimum_group_size_overrides_a_smaller_card_one() -> None:
    small = result(count=150)
    policy = ThresholdPolicy(min_group_size=200)
    verdict = decide(threshold(max=0.1), small, card_min_group_size=100, level=0.95, policy=policy)
    assert verdict.state == "inconclusive"
    assert verdict.notes and "sets the minimum group size to 200" in verdict.notes[0]
    # a group of exactly the card's minimum is excluded by the policy alone: noted
    verdict = decide(
        threshold(max=0.1), result(count=100), card_min_group_size=100, level=0.95, policy=policy
    )
    assert verdict.state == "inconclusive" and len(verdict.notes) == 1
    # a group the card already excludes is not the policy's doing: no note
    tiny = result(count=50)
    verdict = decide(threshold(max=0.1), tiny, card_min_group_size=100, level=0.95, policy=policy)
    assert verdict.state == "inconclusive" and verdict.notes == ()
    # a policy below the card changes nothing
    lower = ThresholdPolicy(min_group_size=10)
    verdict = decide(threshold(max=0.1), small, card_min_group_size=100, level=0.95, policy=lower)
    assert verdict.state == "within" and verdict.notes == ()
    # at exactly the policy's minimum the group counts
    at = result(count=200)
    verdict = decide(threshold(max=0.1), at, card_min_group_size=100, level=0.95, policy=policy)
    assert verdict.state == "within" and verdict.notes == ()


def test_a_result_is_evidence_only_for_the_threshold_as_it_stands() -> None:
    card = threshold(max=0.1)
    assert matches(card, 0, result())
    assert not matches(card, 1, result())
    assert not matches(threshold(max=0.05), 0, result())
    assert not matches(threshold(max=0.1, min=0.0), 0, result())
    assert not matches(threshold(max=0.1, metric="equalized_odds_difference"), 0, result())
    assert not matches(threshold(max=0.1, feature="age"), 0, result())
    assert matches(threshold(max=0.1, feature=None), 0, result())
    assert matches(threshold(max=0.1, group=None), 0, result(group="F"))
    assert not matches(threshold(max=0.1, group="M"), 0, result(group="F"))


def test_the_reason_says_what_an_inconclusive_result_means_and_the_p_value() -> None:
    straddles = result(ci=[0.05, 0.15], value=0.1)
    for action, meaning in [
        ("pass", "(passes)"),
        ("warn", "(a warning: more data would decide it)"),
        ("block", "(blocks until more data decide it)"),
    ]:
        verdict = decide(
            threshold(max=0.1, inconclusive=action),
            straddles,
            card_min_group_size=1,
            level=0.95,
        )
        assert verdict.reason.endswith(meaning), verdict.reason
    beyond = {"ci": [0.2, 0.3], "value": 0.25, "noise_floor": 0.1}
    for p_value, shown in [(0.0004, ", p < 0.001"), (0.0123, ", p = 0.012")]:
        _, why = state_of(
            result(p_value=p_value, **beyond), min_group_size=1, level=0.95, replicates=None
        )
        assert why.endswith(f"noise floor 0.100{shown}"), why
    _, why = state_of(result(p_value=None, **beyond), min_group_size=1, level=0.95, replicates=None)
    assert why.endswith("noise floor 0.100"), why


def test_numbers_limits_and_intervals_in_words() -> None:
    from cardgate.evidence.evaluation.decide import interval_text, limit_text, number

    assert [number(v) for v in (0.1234, 9.9994, 10, 10.5, -10.5, 1234.56)] == [
        "0.123", "9.999", "10.0", "10.5", "-10.5", "1,234.6"
    ]  # fmt: skip
    assert limit_text(0.8, None) == "min 0.8"
    assert limit_text(None, 0.1) == "max 0.1"
    assert limit_text(0.2, 0.8) == "min 0.2 and max 0.8"
    assert interval_text(None, 0.95) == ""
    assert interval_text((0.1, 0.25), 0.9) == "90% CI 0.100–0.250"


def test_an_undefined_result_read_back_from_its_artifact_says_why_once() -> None:
    """`cardgate evaluate` records each result's sentence as its ``reason``; the gate
    decides the artifact's results again, and an undefined value's sentence quoted it:
    "demographic_parity_difference for 'age_group' could not be computed:
    demographic_parity_difference for 'age_group' could not be computed: fewer than two
    groups with at least 30 rows (limit max 0.1) (limit max 0.1)"."""
    raw = result(value=None, ci=None, reason="fewer than two groups with at least 30 rows")
    _, written = state_of(raw, min_group_size=30, level=0.95, replicates=1000)
    assert written == (
        "demographic_parity_difference for 'sex' could not be computed: fewer than two "
        "groups with at least 30 rows (limit max 0.1)"
    )
    read_back = result(value=None, ci=None, state="undefined", reason=written)
    assert state_of(read_back, min_group_size=30, level=0.95, replicates=1000) == (
        "undefined",
        written,
    )


def test_beyond_and_the_noise_floor_in_exact_sentences() -> None:
    beyond = {"value": 0.3, "ci": [0.2, 0.4]}
    assert state_of(result(**beyond), min_group_size=100, level=0.95, replicates=None)[1] == (
        "demographic_parity_difference for 'sex' 0.300 (95% CI 0.200–0.400) is beyond max 0.1"
    )
    floored = state_of(
        result(**beyond, noise_floor=0.05, p_value=0.0004),
        min_group_size=100,
        level=0.95,
        replicates=None,
    )
    assert floored == (
        "beyond",
        "demographic_parity_difference for 'sex' 0.300 (95% CI 0.200–0.400) is beyond max 0.1; "
        "noise floor 0.050, p < 0.001",
    )
    chance = state_of(
        result(**beyond, noise_floor=0.35, p_value=0.2),
        min_group_size=100,
        level=0.95,
        replicates=1000,
    )
    assert chance == (
        "inconclusive",
        "demographic_parity_difference for 'sex' 0.300 (95% CI 0.200–0.400): the interval lies "
        "beyond max 0.1, but the value is within the noise floor 0.350 that a fair model shows "
        "by chance, p = 0.200; inconclusive",
    )


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        (  # a group's metric against a lower limit
            {
                "metric": "selection_rate",
                "group": "F",
                "max": None,
                "min": 0.2,
                "value": 0.5,
                "ci": [0.4, 0.6],
            },
            "selection_rate for group 'F' of 'sex' 0.500 (95% CI 0.400–0.600) is within min 0.2",
        ),
        (  # overall, both limits
            {
                "metric": "accuracy",
                "feature": None,
                "min": 0.2,
                "max": 0.9,
                "value": 0.5,
                "ci": [0.4, 0.6],
            },
            "accuracy 0.500 (95% CI 0.400–0.600) is within min 0.2 and max 0.9",
        ),
        (
            {"ci": None},
            "demographic_parity_difference for 'sex' 0.050: inconclusive against max 0.1, "
            "no confidence interval was computed",
        ),
        (
            {"value": None, "ci": None},
            "demographic_parity_difference for 'sex' could not be computed: no value "
            "(limit max 0.1)",
        ),
        (  # straddling, no power figure: nothing appended
            {"value": 0.09, "ci": [0.05, 0.15]},
            "demographic_parity_difference for 'sex' 0.090 (95% CI 0.050–0.150) straddles "
            "max 0.1: inconclusive",
        ),
        (  # a ratio's power figure is the two largest groups'
            {
                "metric": "demographic_parity_ratio",
                "max": None,
                "min": 0.8,
                "value": 0.85,
                "ci": [0.7, 0.95],
                "detectable": 0.65,
            },
            "demographic_parity_ratio for 'sex' 0.850 (95% CI 0.700–0.950) straddles min 0.8: "
            "inconclusive; 80% power to find it beyond the limit needs a value of 0.650 or "
            "worse, even between the two largest groups",
        ),
        (  # a group's metric: its own power
            {
                "metric": "selection_rate",
                "group": "F",
                "max": None,
                "min": 0.2,
                "value": 0.25,
                "ci": [0.15, 0.35],
                "detectable": 0.1,
            },
            "selection_rate for group 'F' of 'sex' 0.250 (95% CI 0.150–0.350) straddles "
            "min 0.2: inconclusive; 80% power to find it beyond the limit needs a value of "
            "0.100 or worse",
        ),
    ],
)
def test_each_state_in_one_exact_sentence(fields: dict[str, object], sentence: str) -> None:
    assert (
        state_of(result(**fields), min_group_size=100, level=0.95, replicates=None)[1] == sentence
    )


@pytest.mark.parametrize(
    ("metric", "bound", "words"),
    [
        ("demographic_parity_difference", "max",
         "even in the best case (the largest group apart from all the others)"),
        ("equalized_odds_difference", "max",
         "even in the best case (the largest group apart from all the others)"),
        ("mean_absolute_error_difference", "max", "even between the two largest groups"),
        ("demographic_parity_ratio", "min", "even between the two largest groups"),
        ("accuracy", "min", ""),
    ],
)  # fmt: skip
def test_the_detectable_value_says_which_case_it_is_computed_for(
    metric: str, bound: str, words: str
) -> None:
    """A difference of rates: the largest group apart from all the others; any other
    disparity: the two largest groups; a per-group metric: no case to name."""
    limits = {"max": 0.1, "min": None} if bound == "max" else {"max": None, "min": 0.8}
    straddles = result(metric=metric, value=0.5, ci=[0.0, 1.0], detectable=0.25, **limits)
    reason = state_of(straddles, min_group_size=1, level=0.95, replicates=None)[1]
    needs = "; 80% power to find it beyond the limit needs a value of 0.250 or worse"
    assert reason.endswith(needs + (f", {words}" if words else "")), reason


def test_a_p_value_of_exactly_one_in_a_thousand_is_shown_as_it_is() -> None:
    assert p_value_text(0.001) == "p = 0.001"
    assert p_value_text(0.000999) == "p < 0.001"


def test_a_ratio_exactly_at_its_minimum_is_not_evident() -> None:
    """`block-if-evident` on a ratio: an estimate on the minimum does not break it."""
    at_minimum = result(metric="demographic_parity_ratio", max=None, min=0.8, value=0.8,
                        ci=[0.7, 0.9], noise_floor=0.85)  # fmt: skip
    ratio = threshold(metric="demographic_parity_ratio", min=0.8)
    verdict = decide(ratio, at_minimum, card_min_group_size=1, level=0.95, policy=EVIDENT)
    assert verdict.outcome == "warn"
    assert verdict.result is at_minimum  # the verdict carries the evidence it judged


@pytest.mark.parametrize(
    ("replicates", "p_value", "expected"),
    [
        # 200 draws: the value within the floor is chance only if p is surely >= 0.05
        (200, 16 / 201, "beyond"),  # 15 of 200 draws as extreme: p could be 0.049
        (200, 17 / 201, "inconclusive"),  # 16 of 200: the Wilson bound clears 0.05
        (1000, 60 / 1001, "beyond"),
        (1000, 63 / 1001, "inconclusive"),
        (1000, 0.4, "inconclusive"),
        (None, 16 / 201, "inconclusive"),  # an analytic floor has no Monte-Carlo error
    ],
)
def test_a_value_within_a_drawn_noise_floor_is_chance_only_beyond_its_monte_carlo_error(
    replicates: int | None, p_value: float, expected: str
) -> None:
    """A noise floor is the 95% quantile of the card's null draws, and its seed moves it:
    with 200 draws and seeds tried until the floor reached a breach's estimate, an
    interval wholly beyond the limit read 'inconclusive' (and a warning). The value now
    counts as within the floor only when its permutation p-value is surely over 0.05."""
    beyond_limit = result(value=0.17, ci=[0.12, 0.22], noise_floor=0.175, p_value=p_value)
    state, why = state_of(beyond_limit, min_group_size=1, level=0.95, replicates=replicates)
    assert state == expected, why
    if expected == "beyond":
        assert why.endswith(
            f"within the noise floor 0.175 (p = {p_value:.3f}), but {replicates:,} draws "
            "cannot rule out p below 0.05 (Monte-Carlo error of the floor)"
        ), why


def test_block_if_evident_blocks_a_breach_its_drawn_noise_floor_only_may_excuse() -> None:
    """The interval straddles the limit, the estimate is beyond it and within a floor
    that 200 draws put there by chance: evident, so it blocks and says why; with a p the
    draws settle, a warning."""
    limit = threshold(max=0.1)
    straddles = result(value=0.13, ci=[0.07, 0.19], noise_floor=0.14, p_value=12 / 201)
    verdict = decide(
        limit, straddles, card_min_group_size=1, level=0.95, policy=EVIDENT, replicates=200
    )
    assert (verdict.state, verdict.outcome) == ("inconclusive", "block")
    assert "200 draws cannot rule out p below 0.05" in verdict.reason
    assert "more draws or more data would decide it" in verdict.reason
    chance = result(value=0.13, ci=[0.07, 0.19], noise_floor=0.14, p_value=0.3)
    verdict = decide(
        limit, chance, card_min_group_size=1, level=0.95, policy=EVIDENT, replicates=200
    )
    assert verdict.outcome == "warn", verdict.reason
