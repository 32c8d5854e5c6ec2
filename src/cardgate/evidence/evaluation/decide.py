"""The one decider of a threshold verdict. `cardgate evaluate`, the gate (GATE-FA003),
every reporter and the site render what `decide` returns; none decides again.

A threshold's **state** follows from its evidence alone (`state_of`):

* `within` — the whole confidence interval satisfies the limit;
* `beyond` — the whole interval breaks it and, for a disparity, the observed value is
  also beyond the noise floor of its null test (what a fair model shows by chance);
* `inconclusive` — the interval straddles the limit, or the rows behind the value are
  fewer than the minimum group size, or there is no interval;
* `undefined` — the value could not be computed (a zero denominator, fewer than two
  groups to compare).

Its **outcome** is what the state means for a release: `within` passes, `beyond` and
`undefined` block (fail closed), `inconclusive` does what the stricter of the card's
`inconclusive:` and the policy's says (`block`, `warn` or `pass`; or `block-if-evident`:
block where the evidence points to a breach — a disparity whose estimate is beyond the
limit and beyond the noise floor of its null test, or has no null test, though its
interval still reaches back over the limit — and warn otherwise). The policy also sets
a minimum group size; a card cannot go below either, and when the policy overrides the
card the verdict says so. A card may set a larger one (groups it leaves unjudged are
inconclusive), but not to hide a breach: a group the policy's minimum judges is `beyond`
there, or evident, whatever the card's minimum (`min_group_size: 1000` written over 30
turned a blocking disparity into a warning). Nor by the confidence level: intervals at
99.99% straddle almost any limit, so where the evaluation's level is above the policy's
`max_confidence_level` an inconclusive result blocks, whatever the action; and intervals
at 51% hug the estimate, so that a breach whose estimate falls just inside the limit
reads `within`: where the level is under the policy's `min_confidence_level`, nothing
passes or warns (a true false positive rate of 0.205 against `max: 0.2`, 500 rows, was
`within` in 15.7% of runs at 51%, 1.3% at 95%). Nor by the resampling: a noise floor is a
quantile of the card's `bootstrap.replicates` null draws, and a bootstrap interval a
percentile of as many copies; with a few of them and a chosen `seed`, the floor reaches
the estimate (a breach reads inconclusive, not evident: a warning under
`block-if-evident`) or an interval shrinks inside the limit. Where the evaluation drew
fewer than the policy's `min_replicates` (none included), nothing passes or warns; and
above it a value counts as within its noise floor only when the floor's Monte-Carlo
error cannot put it there: its permutation p-value must be surely at least 1 − level
(`_chance_unsure`), which narrows what trying seeds can buy to breaches at the edge.

Light: no numpy, no pandas (the gate imports it). Kept whole: the one decider (see
above); what the states and outcomes mean is read in one place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, Protocol

from cardgate.documents.schemas.evaluation import (
    EvaluationSettings,
    InconclusiveAction,
    Threshold,
)
from cardgate.evidence.evaluation.artifact import (
    EvaluationArtifact,
    Interval,
    State,
    ThresholdResult,
)

ACTIONS: tuple[InconclusiveAction, ...] = ("pass", "warn", "block-if-evident", "block")
"""What an inconclusive result may mean, loosest first."""

Outcome = Literal["pass", "warn", "block"]
"""What a verdict means for a release."""

OUTCOMES: tuple[Outcome, ...] = ("pass", "warn", "block")
"""Outcomes, mildest first."""

DEFAULT_INCONCLUSIVE: InconclusiveAction = "warn"


class Limit(Protocol):
    """What `decide` reads of a card's limit: what an inconclusive result means there (an
    evaluation threshold, a retrieval threshold, a baseline comparison)."""

    @property
    def inconclusive(self) -> InconclusiveAction | None: ...


@dataclass(frozen=True)
class ThresholdPolicy:
    """What the policy in force demands of threshold verdicts (GATE-FA003's options for
    the system's risk tier)."""

    inconclusive: InconclusiveAction = DEFAULT_INCONCLUSIVE
    min_group_size: int = 1
    max_confidence_level: float = 1.0
    """Above it, an inconclusive result is no result: intervals that wide only excuse."""
    min_confidence_level: float = 0.0
    """Below it, no result passes: intervals that narrow show a limit met by chance."""
    min_replicates: int = 0
    """Below it, no result passes: null tests and bootstrap intervals of so few draws can
    be chosen by their seed."""
    source: str = "the policy"
    """How messages name it, e.g. "the policy (tier 'high')"."""


@dataclass(frozen=True)
class Verdict:
    """A threshold's verdict: its state, what that means for the release, and why."""

    result: ThresholdResult
    state: State
    outcome: Outcome
    reason: str
    """One sentence: the value, its interval, the limit and the state."""
    notes: tuple[str, ...] = ()
    """Where the policy overrode the card, and what was left out."""

    @property
    def subject(self) -> str:
        return subject(self.result.metric, self.result.feature, self.result.group)

    @property
    def message(self) -> str:
        """The reason and its notes, as one text."""
        return " ".join((self.reason, *self.notes))


def subject(metric: str, feature: str | None, group: str | None) -> str:
    """What a threshold is about, in words."""
    if group is not None and feature is not None:
        return f"{metric} for group '{group}' of '{feature}'"
    if feature is not None:
        return f"{metric} for '{feature}'"
    return metric


def number(value: float) -> str:
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def limit_text(low: float | None, high: float | None) -> str:
    parts = [f"min {low:g}" if low is not None else "", f"max {high:g}" if high is not None else ""]
    return " and ".join(part for part in parts if part)


def interval_text(ci: Interval | None, level: float) -> str:
    """``95% CI 0.142–0.437``, or "" without an interval (every output words it so)."""
    if ci is None:
        return ""
    return f"{level:.0%} CI {number(ci[0])}–{number(ci[1])}"


def p_value_text(p_value: float | None) -> str:
    """``p < 0.001`` or ``p = 0.012``, or "" without a p-value."""
    if p_value is None:
        return ""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def _interval_text(result: ThresholdResult, level: float) -> str:
    shown = interval_text(result.ci, level)
    return f" ({shown})" if shown else ""


def _p_text(p_value: float | None) -> str:
    shown = p_value_text(p_value)
    return f", {shown}" if shown else ""


def _null_guarded(metric: str, bound: str) -> bool:
    """A breach in the unfair direction of a disparity: too large a difference, too
    small a ratio. Its null test must agree before the state is `beyond`."""
    if metric.endswith("_difference"):
        return bound == "max"
    if metric.endswith("_ratio"):
        return bound == "min"
    return False


def _beyond_floor(metric: str, value: float, floor: float) -> bool:
    return value < floor if metric.endswith("_ratio") else value > floor


def _chance_unsure(result: ThresholdResult, *, level: float, replicates: int | None) -> str:
    """Why a value within its noise floor may still not be chance, or "" when it surely
    is (or is beyond the floor, or has none).

    A floor drawn from `replicates` permutations is an estimate: another seed moves it,
    and a seed tried until the floor reaches the estimate would turn a breach into noise.
    So the value counts as within the floor only when its permutation p-value, by the
    one-sided Wilson bound on the share of null draws as extreme (at `level`), is surely
    at least 1 − level: at 95%, 16 of 200 draws as extreme (p ≥ 0.085), 62 of 1,000
    (p ≥ 0.063). An analytic floor (`replicates` None) has no such error."""
    floor, value, p_value = result.noise_floor, result.value, result.p_value
    if floor is None or value is None or _beyond_floor(result.metric, value, floor):
        return ""
    if p_value is None or not replicates:
        return ""
    alpha = 1 - level
    share = min(max(p_value * (replicates + 1) - 1, 0.0), replicates) / replicates
    z = NormalDist().inv_cdf(level)
    spread = z * math.sqrt(share * (1 - share) / replicates + z * z / (4 * replicates**2))
    lowest = (share + z * z / (2 * replicates) - spread) / (1 + z * z / replicates)
    if lowest >= alpha:
        return ""
    return (
        f"within the noise floor {number(floor)} ({p_value_text(p_value)}), but "
        f"{replicates:,} draws cannot rule out p below {alpha:.3g} (Monte-Carlo error of "
        "the floor)"
    )


def _within_noise(result: ThresholdResult, *, level: float, replicates: int | None) -> bool:
    """Whether the value lies, surely, within the noise floor of its null test."""
    floor, value = result.noise_floor, result.value
    if floor is None or value is None or _beyond_floor(result.metric, value, floor):
        return False
    return not _chance_unsure(result, level=level, replicates=replicates)


def state_of(
    result: ThresholdResult, *, min_group_size: int, level: float, replicates: int | None
) -> tuple[State, str]:
    """The state of one threshold result and the sentence that explains it, from the
    numbers only (the limits recorded in `result`) and the `replicates` its null tests
    drew (None: none, or an analytic floor)."""
    about = subject(result.metric, result.feature, result.group)
    limits = limit_text(result.min, result.max)
    if result.count is not None and result.count < min_group_size:
        who = "the group" if result.group is not None else "a compared group"
        return "inconclusive", (
            f"{about}: inconclusive against {limits}, {who} has {_rows(result.count)}, "
            f"fewer than the minimum group size {min_group_size}"
        )
    if result.value is None:
        why = result.reason or "no value"
        sentence = f"{about} could not be computed: "
        if why.startswith(sentence):  # read back from an artifact: the sentence it recorded
            return "undefined", why
        return "undefined", f"{sentence}{why} (limit {limits})"
    shown = f"{about} {number(result.value)}{_interval_text(result, level)}"
    if result.ci is None:
        sentence = f"{shown}: inconclusive against {limits}, no confidence interval was computed"
        if result.reason and result.reason.startswith(sentence):
            return "inconclusive", result.reason  # read back: the sentence and why it has none
        return "inconclusive", sentence
    low, high = result.ci
    beyond: list[str] = []
    within = True
    if result.max is not None:
        within = within and high <= result.max
        if low > result.max:
            beyond.append("max")
    if result.min is not None:
        within = within and low >= result.min
        if high < result.min:
            beyond.append("min")
    detect = _detectable_text(result)
    if beyond:
        floor = result.noise_floor
        guarded = [bound for bound in beyond if _null_guarded(result.metric, bound)]
        if guarded and _within_noise(result, level=level, replicates=replicates):
            assert floor is not None  # _within_noise: there is one
            return "inconclusive", (
                f"{shown}: the interval lies beyond {limits}, but the value is within the "
                f"noise floor {number(floor)} that a fair model shows by chance"
                f"{_p_text(result.p_value)}; inconclusive"
            )
        unsure = _chance_unsure(result, level=level, replicates=replicates) if guarded else ""
        floor_text = (
            f"; {unsure}"
            if unsure
            else f"; noise floor {number(floor)}{_p_text(result.p_value)}"
            if floor is not None
            else ""
        )
        return "beyond", f"{shown} is beyond {limits}{floor_text}"
    if within:
        return "within", f"{shown} is within {limits}"
    return "inconclusive", f"{shown} straddles {limits}: inconclusive{detect}"


def _rows(count: int) -> str:
    return f"{count:,} row" + ("" if count == 1 else "s")


_RATE_FAMILIES = ("demographic_parity", "equal_opportunity", "equalized_odds")
"""Disparities of rates, whose detectable value is `intervals.GapDesign`'s."""


def _detectable_text(result: ThresholdResult) -> str:
    if result.detectable is None:
        return ""
    # A disparity's is the best case, a lower bound on what the test can find: for a
    # difference of rates, the largest group apart from all the others (for equalized
    # odds, in the rate that shows it more easily); otherwise the two largest groups.
    shown = number(result.detectable)
    if result.metric.endswith("_difference") and result.metric.startswith(_RATE_FAMILIES):
        return (
            f"; 80% power to find it beyond the limit needs a value of {shown} or worse, "
            "even in the best case (the largest group apart from all the others)"
        )
    if result.metric.endswith(("_difference", "_ratio")):
        return (
            f"; 80% power to find it beyond the limit needs a value of {shown} or worse, "
            "even between the two largest groups"
        )
    return f"; 80% power to find it beyond the limit needs a value of {shown} or worse"


def decide(
    threshold: Limit,
    result: ThresholdResult,
    *,
    card_min_group_size: int,
    level: float,
    policy: ThresholdPolicy | None = None,
    replicates: int | None = None,
) -> Verdict:
    """The verdict of `threshold` (the card's) on its `result` (the artifact's), under
    the policy in force (None: the card alone, as the artifact records it); `replicates`:
    the card's resampling draws (None: nothing resampled), which the artifact's settings
    digest binds it to, never the artifact's own record of them (a hand edit)."""
    notes: list[str] = []
    minimum = card_min_group_size
    if policy is not None:  # the stricter of the card's and the policy's minimum
        minimum = max(card_min_group_size, policy.min_group_size)
        if result.count is not None and card_min_group_size <= result.count < minimum:
            notes.append(
                f"{policy.source.capitalize()} sets the minimum group size to {minimum}; "
                f"the card's min_group_size {card_min_group_size} does not apply."
            )
    state, reason = state_of(result, min_group_size=minimum, level=level, replicates=replicates)
    # The card may leave more groups unjudged than the policy, never a breach: a group the
    # policy's minimum judges is beyond there, or evident, whatever the card's minimum.
    judged = minimum if policy is None else policy.min_group_size
    if state == "inconclusive" and judged < minimum and result.count is not None:
        at_policy, why = state_of(result, min_group_size=judged, level=level, replicates=replicates)
        if at_policy == "beyond":
            state, reason = at_policy, why
            notes.append(
                f"The card's min_group_size {minimum} leaves this group of "
                f"{_rows(result.count)} unjudged; {_source(policy)} judges groups from "
                f"{judged} rows, and at that size it is beyond the limit."
            )
    undecided = state in ("within", "inconclusive")  # beyond and undefined block anyway
    if policy is not None and level < policy.min_confidence_level and undecided:
        reason += (
            f" (blocks: its intervals are at {level * 100:.4g}% confidence, below the "
            f"{policy.min_confidence_level * 100:.4g}% {policy.source} requires)"
        )
        return Verdict(result, state, "block", reason, tuple(notes))
    if (
        policy is not None
        and replicates is not None
        and replicates < policy.min_replicates
        and undecided
    ):
        reason += f" ({_too_few_draws(replicates, policy)})"
        return Verdict(result, state, "block", reason, tuple(notes))
    if state == "within":
        outcome: Outcome = "pass"
    elif state in ("beyond", "undefined"):
        outcome = "block"
    else:
        card = threshold.inconclusive
        if policy is None:
            action = card or DEFAULT_INCONCLUSIVE
        elif card is None:
            action = policy.inconclusive
        else:
            action = max(card, policy.inconclusive, key=ACTIONS.index)
            if action != card:
                notes.append(
                    f"{policy.source.capitalize()} makes an inconclusive result "
                    f"'{policy.inconclusive}'; the card's 'inconclusive: {card}' does not apply."
                )
        outcome, meaning = _meaning(
            action,
            evident(result, min_group_size=judged, level=level, replicates=replicates),
            tested=result.noise_floor is not None,
            unsure=_chance_unsure(result, level=level, replicates=replicates),
        )
        if policy is not None and level > policy.max_confidence_level:
            outcome, meaning = (
                "block",
                (
                    f"blocks: its intervals are at {level * 100:.4g}% confidence, above the "
                    f"{policy.max_confidence_level * 100:.4g}% {policy.source} accepts"
                ),
            )
        reason += f" ({meaning})"
    return Verdict(result, state, outcome, reason, tuple(notes))


def _too_few_draws(replicates: int, policy: ThresholdPolicy) -> str:
    drawn = (
        "it was evaluated without resampling (bootstrap replicates: 0): no null test, no "
        "bootstrap interval"
        if replicates == 0
        else f"its null tests and bootstrap intervals rest on {replicates:,} replicates"
    )
    return f"blocks: {drawn}; {policy.source} requires at least {policy.min_replicates:,}"


def _source(policy: ThresholdPolicy | None) -> str:
    return policy.source if policy is not None else "the policy"


def evident(
    result: ThresholdResult, *, min_group_size: int, level: float, replicates: int | None
) -> bool:
    """Whether an inconclusive disparity points to a breach: every compared group has
    the minimum rows, and its estimate lies beyond the limit (in the unfair direction)
    and not surely within the noise floor of its null test (what a fair model shows by
    chance, beyond the Monte-Carlo error of `replicates` draws) — or there is no null
    test (`replicates: 0`) to tell it from chance: a card cannot turn a block into a
    warning by switching the test off. A per-group metric has no null test and is never
    evident."""
    if result.value is None or result.ci is None:
        return False
    if result.count is not None and result.count < min_group_size:
        return False
    breached = (
        (result.max is not None and result.value > result.max, "max"),
        (
            result.min is not None and result.value < result.min,
            "min",
        ),
    )
    return any(
        broken and _null_guarded(result.metric, bound) for broken, bound in breached
    ) and not _within_noise(result, level=level, replicates=replicates)


def _meaning(
    action: InconclusiveAction, evident: bool, *, tested: bool = True, unsure: str = ""
) -> tuple[Outcome, str]:
    """The outcome of an inconclusive result under `action`, and its words (`tested`:
    whether the result has a null test's noise floor; `unsure`: why a value within it
    may still not be chance)."""
    if action == "block-if-evident":
        if evident and unsure:
            return "block", (
                f"blocks: the estimate is beyond the limit, and {unsure}; more draws or "
                "more data would decide it"
            )
        if evident and not tested:
            return "block", (
                "blocks: the estimate is beyond the limit and there is no null test "
                "(bootstrap replicates: 0) to tell it from chance; the null test, or more "
                "data, would decide it"
            )
        if evident:
            return "block", (
                "blocks: the estimate is beyond the limit and beyond the noise floor, so the "
                "evidence points to a breach; more data would decide it"
            )
        action = "warn"
    return action, {
        "block": "blocks until more data decide it",
        "warn": "a warning: more data would decide it",
        "pass": "passes",
    }[action]


def matches(threshold: Threshold, index: int, result: ThresholdResult) -> bool:
    """Whether an artifact's `result` is evidence for the card's threshold `index` as it
    is now (same metric, feature, group and limits)."""
    return (
        result.threshold == index
        and result.metric == threshold.metric
        and (threshold.feature is None or result.feature == threshold.feature)
        and (threshold.group is None or result.group == threshold.group)
        and result.min == threshold.min
        and result.max == threshold.max
    )


@dataclass(frozen=True)
class ThresholdVerdicts:
    """A card threshold and the verdicts on each of its targets (none: the artifact has
    no result for it as the card states it now)."""

    index: int
    threshold: Threshold
    verdicts: tuple[Verdict, ...]

    @property
    def subject(self) -> str:
        return subject(self.threshold.metric, self.threshold.feature, self.threshold.group)

    @property
    def outcome(self) -> Outcome:
        """The worst outcome of its verdicts; `block` when it has none (fail closed)."""
        if not self.verdicts:
            return "block"
        return max((v.outcome for v in self.verdicts), key=OUTCOMES.index)


def threshold_verdicts(
    settings: EvaluationSettings,
    artifact: EvaluationArtifact,
    policy: ThresholdPolicy | None = None,
) -> list[ThresholdVerdicts]:
    """Every threshold of the card (`settings`) decided on the artifact's results."""
    level = artifact.provenance.confidence_level
    out = []
    for index, threshold in enumerate(settings.thresholds):
        verdicts = tuple(
            decide(
                threshold,
                result,
                card_min_group_size=settings.min_group_size,
                level=level,
                policy=policy,
                replicates=settings.bootstrap.replicates,
            )
            for result in artifact.thresholds
            if matches(threshold, index, result)
        )
        out.append(ThresholdVerdicts(index, threshold, verdicts))
    return out


def recorded_state_differs(artifact: EvaluationArtifact) -> list[tuple[int, State]]:
    """Results whose recorded `state` is not what their own numbers give (a hand edit):
    (index in `artifact.thresholds`, the state its numbers give)."""
    level = artifact.provenance.confidence_level
    minimum = artifact.provenance.min_group_size
    found = []
    for index, result in enumerate(artifact.thresholds):
        state, _ = state_of(
            result,
            min_group_size=minimum,
            level=level,
            replicates=artifact.provenance.replicates,
        )
        if state != result.state:
            found.append((index, state))
    return found
