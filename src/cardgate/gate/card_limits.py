"""The limits a model card sets itself, and where a change demands less than the card on
``--changed-since``'s ref (GATE-MC005).

A card's limits are what the gate holds its evidence to: the thresholds of
``evaluation:`` (GATE-FA003) and of the GenAI sections (retrieval, generation, safety,
operations: GATE-RAG002, GEN002, SAF002, OPS002), each with what an inconclusive result
means; the baselines' tolerances (``evaluation.baseline``: GATE-FA004; the retrieval
baseline: GATE-RAG003); each section's ``min_group_size``; and the settings that say
what a limit measures: ``bootstrap.confidence_level``, the retrieval cut-off ``k``. They
are read here from
the validated card, one `Limit` each, and compared in one place (`loosenings`), whatever
the section.

A limit on the ref is kept, on each feature it applied to, when a limit here of the same
kind and metric applies there too (to the same group, or every one) and demands at least
as much: a ``max`` no higher, a ``min`` no lower, a tolerance no larger, an
``inconclusive`` action no looser (none is the policy's, which the card's ``pass`` also
leaves in force). An evaluation threshold without ``feature`` applies to every evaluated
feature (so a feature dropped from ``sensitive_features`` leaves it), a GenAI one to the
overall value. Several limits here on the same target are all decided, so one that keeps
a bound is enough (a threshold split in two, one per bound, keeps both). A
``min_group_size`` raised leaves more groups unjudged. A setting that says what a limit
measures, changed either way, demands less: a ``confidence_level`` raised, wider intervals
read breaches as inconclusive (a warning where the action is not ``block``); lowered,
narrower ones read results that were inconclusive (blocking under ``block``) as within. A
retrieval ``k`` raised takes every metric over more results (recall and hit rate only
rise), lowered over fewer (precision rises): the limits were set at the ref's ``k``. A
value ``evaluation.missing_values`` reads as missing and the ref's card did not drops the
rows holding it, and a group it names leaves every threshold (``'Amer-Indian-Eskimo'``).
What the limits are read from (the label, prediction and score columns, the positive
label, a judged score file's scale) is compared in `cardgate.gate.card_readings`.

The card on the ref is looked for as its risk tier is (`cardgate.gate.tiers`): under
either name, in the system's folder and in the ref's systems folder; a card whose bytes
are the ref's is not read. A system new since the ref sets its first limits (the review
of the change is the defence, as for its tier), but in a change that removes systems it
may be one of them renamed: the removed systems' cards are its floor then; and one whose
id had a card earlier in the ref's history, deleted by a change merged before, is held to
that card as it was before the deletion, and one evaluating the outputs of a system on
the ref (a system folder copied under a new id) to that system's card
(`cardgate.gate.tier_history.earlier_cards`). A card that
does not validate on the ref had none of its limits in force there (the gate blocked the
system): it is no floor, and the rule says so.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.ai_act import AiActProfile
from cardgate.documents.schemas.evaluation import DISPARITY_METRICS, Baseline
from cardgate.documents.schemas.genai_evaluation import BASELINE_CHANGE, RetrievalBaseline
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.evaluation.decide import ACTIONS, subject
from cardgate.gate.audit_limits import AuditReadings, audit_readings
from cardgate.gate.card_readings import Readings, card_readings, readings_changed

GENAI_SECTIONS = (
    "retrieval_evaluation",
    "generation_evaluation",
    "safety_evaluation",
    "operations_evaluation",
)
"""The sections under ``genai:`` with thresholds (and a ``min_group_size``)."""

_BOUNDS: tuple[tuple[str, Callable[[float, float], bool], str], ...] = (
    ("min", operator.lt, "lowered"),
    ("max", operator.gt, "raised"),
    ("tolerance", operator.gt, "raised"),
)
"""Each bound of a limit, when a value here demands less than the ref's, and its word."""


@dataclass(frozen=True)
class Limit:
    """One limit of a card: a threshold, or a baseline's tolerance for one metric."""

    section: DataPath
    """The card's section, e.g. ``("genai", "retrieval_evaluation")``."""
    path: DataPath
    """Where it is written: ``(*section, "thresholds", 2)`` or ``(*section, "baseline")``."""
    metric: str
    about: str
    """What it limits, in words."""
    feature: str | None = None
    group: str | None = None
    min: float | None = None
    max: float | None = None
    tolerance: float | None = None
    """A baseline's: by how much a metric may worsen."""
    inconclusive: str | None = None
    targets: tuple[str | None, ...] = (None,)
    """The features it applies to (None: the overall value). An evaluation threshold
    without ``feature`` applies to every evaluated feature (and, unless a disparity, the
    overall value); a GenAI one to the overall value."""

    @property
    def kind(self) -> str:
        """``thresholds`` or ``baseline``: the key it is written under in its section."""
        return str(self.path[len(self.section)])

    def covers(self, other: Limit, target: str | None) -> bool:
        """Whether this limit applies to what `other` applies to on the feature `target`."""
        if (self.section, self.kind, self.metric) != (other.section, other.kind, other.metric):
            return False
        return target in self.targets and self.group in (None, other.group)

    def looser(self, floor: Limit, key: str) -> list[tuple[str, str]]:
        """(key, words) for each way this limit demands less than `floor` on its bound
        `key` (``min``, ``max`` or ``tolerance``) and on what an inconclusive result there
        means; none when it keeps it."""
        found = []
        less, word = next((less, word) for name, less, word in _BOUNDS if name == key)
        mine, theirs = getattr(self, key), getattr(floor, key)
        if mine is None:
            found.append((key, f"{key} removed"))
        elif less(mine, theirs):
            found.append((key, f"{key} {word}"))
        if _rank(self.inconclusive) < _rank(floor.inconclusive):
            found.append(("inconclusive", "inconclusive loosened"))
        return found

    @property
    def text(self) -> str:
        """Its bounds and action, e.g. ``max 0.1, inconclusive: block``."""
        parts = [
            f"{key} {getattr(self, key):g}"
            for key, _, _ in _BOUNDS
            if getattr(self, key) is not None
        ]
        if self.inconclusive is not None:
            parts.append(f"inconclusive: {self.inconclusive}")
        return ", ".join(parts)


def _rank(action: str | None) -> int:
    """How much an inconclusive action demands; none (the policy's) as much as ``pass``:
    the stricter of the card's and the policy's applies."""
    return ACTIONS.index(action) if action is not None else 0


@dataclass(frozen=True)
class CardLimits:
    """Every limit of one card, each section's minimum group size, and the settings that
    say what its limits measure (`MEASURES`)."""

    limits: tuple[Limit, ...] = ()
    group_sizes: tuple[tuple[DataPath, int], ...] = ()
    measures: tuple[tuple[DataPath, DataPath, float], ...] = ()
    """(section, key in it, value) of each setting of `MEASURES` the section has."""
    missing: tuple[str, ...] | None = None
    """The values ``evaluation.missing_values`` reads as missing (only an empty cell
    unless it says otherwise): the rows holding them are dropped. None: no evaluation."""
    readings: Readings = field(default_factory=Readings)
    """What its limits are read from: the columns, the positive label, score scales."""
    audit: AuditReadings | None = None
    """What its LL144 bias audit reads the impact ratios from (`cardgate.gate.audit_limits`:
    compared where the policy holds them to a minimum)."""
    ai_act: AiActProfile | None = None
    """Its EU AI Act profile (`cardgate.gate.ai_act_limits`: compared where the policy
    requires the AI Act checklists)."""


_CHEAPER = "every query costs less, from its tokens, than when the cost limits were set"

MEASURES: tuple[tuple[DataPath, str | None, str | None], ...] = (
    (
        ("bootstrap", "confidence_level"),
        "wider intervals read breaches as inconclusive",
        "narrower intervals read inconclusive results as within",
    ),
    (
        ("k",),
        "every metric is taken over more results than its limit was set for (recall and "
        "hit rate only rise)",
        "every metric is taken over fewer results than its limit was set for (precision rises)",
    ),
    (("prices", "input_per_1k_tokens"), None, _CHEAPER),
    (("prices", "output_per_1k_tokens"), None, _CHEAPER),
)
"""The settings of a section that say what its limits measure, and what raising and
lowering one does (None: it demands no less). The confidence level and `k` demand less
either way than the limits set on the ref's; a token price only lowered."""


def card_limits(card: ModelCard) -> CardLimits:
    """The limits `card` sets, in the order it writes them."""
    sections: list[tuple[DataPath, Any]] = [(("evaluation",), card.evaluation)]
    if card.genai is not None:
        sections += [(("genai", name), getattr(card.genai, name)) for name in GENAI_SECTIONS]
    limits: list[Limit] = []
    sizes: list[tuple[DataPath, int]] = []
    measures: list[tuple[DataPath, DataPath, float]] = []
    for section, settings in sections:
        if settings is None:
            continue
        sizes.append((section, settings.min_group_size))
        measures += [
            (section, key, value)
            for key, _, _ in MEASURES
            if (value := _setting(settings, key)) is not None
        ]
        every = settings.feature_names() if section == ("evaluation",) else None
        for index, threshold in enumerate(settings.thresholds):
            limits.append(
                Limit(
                    section,
                    (*section, "thresholds", index),
                    threshold.metric,
                    subject(threshold.metric, threshold.feature, threshold.group),
                    threshold.feature,
                    threshold.group,
                    min=threshold.min,
                    max=threshold.max,
                    inconclusive=threshold.inconclusive,
                    targets=_targets(threshold.metric, threshold.feature, every),
                )
            )
        limits += _baseline(section, getattr(settings, "baseline", None))
    missing: tuple[str, ...] | None = None
    if card.evaluation is not None:  # as listed, else only an empty cell
        listed = card.evaluation.missing_values
        missing = tuple(listed) if listed is not None else ("",)
    return CardLimits(
        tuple(limits),
        tuple(sizes),
        tuple(measures),
        missing,
        card_readings(card),
        audit_readings(card),
        card.ai_act,
    )


def _setting(settings: object, key: DataPath) -> float | None:
    """The value of a section's setting at `key`, None when the section has none."""
    value: object = settings
    for part in key:
        value = getattr(value, str(part), None)
    return float(value) if isinstance(value, int | float) else None


def _targets(metric: str, feature: str | None, every: list[str] | None) -> tuple[str | None, ...]:
    """The features a threshold applies to (`every`: an evaluation's features, where a
    threshold without ``feature`` applies to each; else None)."""
    if feature is not None or every is None:
        return (feature,)
    overall = () if metric in DISPARITY_METRICS else (None,)
    return (*overall, *every)


def _baseline(section: DataPath, baseline: object) -> list[Limit]:
    """A baseline's tolerance, as one limit per metric it is compared on."""
    where = (*section, "baseline")
    if isinstance(baseline, Baseline) and baseline.artifact is not None:
        about = "every thresholded metric's worsening from the baseline"
        return [Limit(section, where, "baseline", about, tolerance=baseline.tolerance)]
    if isinstance(baseline, RetrievalBaseline):
        return [
            Limit(
                section,
                where,
                f"{metric}{BASELINE_CHANGE}",
                f"{metric}'s change from the baseline",
                tolerance=baseline.tolerance,
                inconclusive=baseline.inconclusive,
            )
            for metric in baseline.metrics
        ]
    return []


@dataclass(frozen=True)
class Loosening:
    """A limit of the card on the ref that the card here demands less of."""

    path: DataPath
    """Where in the card here (the limit that demands less, or the section it left)."""
    message: str


def loosenings(floors: Iterable[CardLimits], now: CardLimits, ref: str) -> list[Loosening]:
    """Each limit of the cards on `ref` (`floors`) that `now` demands less of: the one
    comparison of a card's limits with the ref's."""
    floors = tuple(floors)  # read twice: limits and group sizes, then measures
    found: dict[Loosening, None] = {}
    sizes: dict[DataPath, int] = {}
    for floor in floors:
        for before in floor.limits:
            found.update(dict.fromkeys(_compared(before, now.limits, ref)))
        for section, size in floor.group_sizes:
            sizes[section] = min(size, sizes.get(section, size))
    for section, size in now.group_sizes:
        if section in sizes and size > sizes[section]:
            where = ".".join(map(str, section))
            message = (
                f"{where}.min_group_size is {sizes[section]} on {ref}, {size} here: groups "
                f"under {size} rows are left unjudged (min_group_size raised)"
            )
            found[Loosening((*section, "min_group_size"), message)] = None
    for floor in floors:
        found.update(dict.fromkeys(_measures_changed(floor, now, ref)))
    found.update(dict.fromkeys(_missing_widened(floors, now, ref)))
    changed = readings_changed((floor.readings for floor in floors), now.readings, ref)
    found.update(dict.fromkeys(Loosening(path, message) for path, message in changed))
    return list(found)


def _missing_widened(floors: tuple[CardLimits, ...], now: CardLimits, ref: str) -> list[Loosening]:
    """The values ``evaluation.missing_values`` reads as missing here and no card on the
    ref did: their rows are dropped, and a group they name leaves every threshold."""
    read_missing = [floor.missing for floor in floors if floor.missing is not None]
    if not read_missing or now.missing is None:
        return []
    widened = [v for v in now.missing if all(v not in there for there in read_missing)]
    if not widened:
        return []
    one = len(widened) == 1
    values = ", ".join(f"'{value}'" for value in widened)
    message = (
        f"evaluation.missing_values: {values} {'is' if one else 'are'} read as missing here, "
        f"not on {ref}: the rows holding {'it' if one else 'them'} are dropped, and with them "
        f"the groups {'it names' if one else 'they name'} (missing_values widened)"
    )
    return [Loosening(("evaluation", "missing_values"), message)]


def _measures_changed(floor: CardLimits, now: CardLimits, ref: str) -> list[Loosening]:
    """Each setting of `MEASURES` whose value here is not the one on the ref in a way
    that demands less (the limits were set for what the ref's measured)."""
    before = {(section, key): value for section, key, value in floor.measures}
    effects = {key: (raised, lowered) for key, raised, lowered in MEASURES}
    found = []
    for section, key, value in now.measures:
        was = before.get((section, key))
        if was is None or value == was:
            continue
        raised, lowered = effects[key]
        effect, word = (raised, "raised") if value > was else (lowered, "lowered")
        if effect is None:
            continue
        where = ".".join(map(str, (*section, *key)))
        message = f"{where} is {was:g} on {ref}, {value:g} here: {effect} ({key[-1]} {word})"
        found.append(Loosening((*section, *key), message))
    return found


def _compared(before: Limit, limits: Iterable[Limit], ref: str) -> list[Loosening]:
    """Each way the limits here demand less than `before`, on each feature it applied
    to. A bound is kept by a limit covering it with that bound as strict or stricter and
    an inconclusive action as strict or stricter (each limit here is decided on its own:
    a threshold split in two, one per bound, keeps both)."""
    where = ".".join(map(str, (*before.section, before.kind)))
    head = f"{where}: {before.about} demands less than on {ref}: {before.text} there"
    found = []
    covering = {
        target: [limit for limit in limits if limit.covers(before, target)]
        for target in before.targets
    }
    lost = [target for target, kept in covering.items() if not kept]
    if lost:
        which = "" if len(lost) == len(before.targets) else " for " + _features(lost)
        message = f"{head}, no such limit here{which} (removed)"
        found.append(Loosening((*before.section, before.kind), message))
    for key, _, _ in _BOUNDS:
        if getattr(before, key) is None:
            continue
        for kept_here in filter(None, covering.values()):
            ways, kept = min(
                ((limit.looser(before, key), limit) for limit in kept_here),
                key=lambda c: len(c[0]),
            )
            if ways:
                words = ", ".join(word for _, word in ways)
                message = f"{head}, {kept.text} here ({words})"
                found.append(Loosening((*kept.path, ways[0][0]), message))
    return found


def _features(targets: Iterable[str | None]) -> str:
    return ", ".join("the overall value" if name is None else f"'{name}'" for name in targets)
