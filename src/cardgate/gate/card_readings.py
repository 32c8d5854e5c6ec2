"""What a card's limits are read from, and where a change reads them otherwise than the
card on ``--changed-since``'s ref (GATE-MC005, with `cardgate.gate.card_limits`).

A limit holds what the evaluation measures, and the card says what that is beyond its
thresholds: which columns of the predictions are the label, the prediction and the score,
and which label is the positive class (and, for predictions read by a DuckDB ``query``,
which rows: a ``WHERE`` can drop a group's failing predictions). A
``false_positive_rate`` ``max: 0.4`` set on ``label_column: y_true`` is met by any model
once ``label_column`` names the prediction column (or a copy of it): every error rate is
0; ``positive_label`` flipped turns the false-positive rate into the false-negative rate
and AUC into 1 - AUC. Each of these changed either way (a query added or changed; one
dropped reads the file whole) reads the limits over something else than they were set
for. A
``positive_label`` left out means ``1`` (or ``True``) for 0/1 (or boolean) labels, so
writing it out is no change; a ``score_column`` added or dropped is none either (a limit
on a score needs one, and a limit dropped is found as such).

A judged score file's scale (``sources[].scale``, else the tool's own: ragas, deepeval
and promptfoo score from 0 to 1) refuses a score outside it, since one impossible score
moves a mean past its threshold: a scale widened, or dropped for a tool without one,
accepts scores the ref's card refused. A source is compared with the ref's source of the
same path in the same section, else with the ref's of the same tool there (a file renamed
between runs): it is widened when no such source's scale holds it.

The monitoring plan's limits (its cadence, drift thresholds, contract and reference
data) are compared in `cardgate.gate.plan_limits`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.evaluation import label_text
from cardgate.documents.schemas.genai_evaluation import (
    GenerationEvaluation,
    JudgedEvaluation,
    ScoreFile,
)
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.genai.score_parsing import TOOL_SCALES
from cardgate.gate.plan_limits import PlanLimits, plan_limits, plan_loosened

COLUMNS = ("label_column", "prediction_column", "score_column")
"""The evaluation's settings naming the columns its limits are taken over."""

_NEGATIVE = ("0", "False", "false")
"""The labels a ``positive_label`` left out reads as negative (0/1 or boolean labels)."""


@dataclass(frozen=True)
class Scale:
    """The scale a judged score file's scores must lie on (None: unbounded)."""

    path: DataPath
    """Where the source is in the card: ``(*section, "sources", 0)``."""
    file: str
    tool: str
    bounds: tuple[float, float] | None

    def holds(self, other: Scale) -> bool:
        """Whether every score `other` accepts is accepted here."""
        if self.bounds is None:
            return True
        if other.bounds is None:
            return False
        return self.bounds[0] <= other.bounds[0] and other.bounds[1] <= self.bounds[1]

    @property
    def text(self) -> str:
        if self.bounds is None:
            return "unbounded"
        return f"{self.bounds[0]:g} to {self.bounds[1]:g}"


@dataclass(frozen=True)
class Readings:
    """What one card's limits are read from."""

    columns: tuple[tuple[str, str | None], ...] = ()
    """(setting, value) of each of `COLUMNS` and ``positive_label`` (as text); none
    without an evaluation."""
    scales: tuple[Scale, ...] = ()
    plan: PlanLimits | None = None
    """The monitoring plan's limits (`cardgate.gate.plan_limits`); None without one."""


def card_readings(card: ModelCard) -> Readings:
    """What `card`'s limits are read from."""
    columns: list[tuple[str, str | None]] = []
    settings = card.evaluation
    if settings is not None:
        columns = [(name, getattr(settings, name)) for name in COLUMNS]
        positive = settings.positive_label
        columns.append(("positive_label", None if positive is None else label_text(positive)))
        query = settings.predictions.query
        columns.append(("query", " ".join(query.split()) if query is not None else None))
    scales: list[Scale] = []
    if card.genai is not None:
        for name in ("generation_evaluation", "safety_evaluation"):
            judged = getattr(card.genai, name)
            if isinstance(judged, JudgedEvaluation):
                scales += _scales(("genai", name), judged.sources)
            if isinstance(judged, GenerationEvaluation) and judged.baseline is not None:
                scales += _scales(("genai", name, "baseline"), judged.baseline.sources)
    return Readings(tuple(columns), tuple(scales), plan_limits(card))


def _scales(section: DataPath, sources: Iterable[ScoreFile]) -> list[Scale]:
    return [
        Scale(
            (*section, "sources", index),
            source.path,
            source.tool,
            (source.scale.min, source.scale.max)
            if source.scale is not None
            else TOOL_SCALES.get(source.tool),
        )
        for index, source in enumerate(sources)
    ]


def readings_changed(
    floors: Iterable[Readings], now: Readings, ref: str
) -> list[tuple[DataPath, str]]:
    """(where, message) for each way `now` reads its limits otherwise than every card on
    `ref` (`floors`) did."""
    floors = tuple(floors)
    found: list[tuple[DataPath, str]] = []
    for name, value in now.columns:
        was = [dict(floor.columns).get(name) for floor in floors if floor.columns]
        if not was or any(_same(name, there, value) for there in was):
            continue
        if name == "query":
            message = (
                "evaluation.predictions.query selects the rows the limits are taken over, and "
                f"is {'another' if was[0] is not None else 'none'} on {ref}: a row it leaves "
                "out (a group's failing predictions) leaves every limit (query changed)"
            )
            found.append((("evaluation", "predictions", "query"), message))
            continue
        effect = (
            "rates, AUC and every limit on them are taken for the other class"
            if name == "positive_label"
            else "the limits are taken over another column than the one they were set for"
        )
        message = (
            f"evaluation.{name} is {_shown(was[0])} on {ref}, {_shown(value)} here: {effect} "
            f"({name} changed)"
        )
        found.append((("evaluation", name), message))
    for scale in now.scales:
        there = [_matched(floor.scales, scale) for floor in floors]
        compared = [candidates for candidates in there if candidates]
        if not compared or any(any(s.holds(scale) for s in c) for c in compared):
            continue
        where = ".".join(map(str, scale.path))
        message = (
            f"{where}.scale: the scale of {scale.file} ({scale.tool}) is {compared[0][0].text} "
            f"on {ref}, {scale.text} here: scores the card there refused are averaged (scale "
            "widened)"
        )
        found.append(((*scale.path, "scale"), message))
    found += plan_loosened((floor.plan for floor in floors), now.plan, ref)
    return found


def _same(name: str, was: str | None, value: str | None) -> bool:
    """Whether setting `name` reads as on the ref: a score column added or dropped is
    none (a limit on a score needs one, GATE-MC005 finds a limit dropped); a positive
    label left out is the positive one of 0/1 or boolean labels (for others the
    evaluation refuses the card)."""
    if was == value:
        return True
    if name == "score_column":
        return None in (was, value)
    if name == "query":  # dropped: the predictions file is read whole
        return value is None
    if name == "positive_label" and None in (was, value):
        return (was or value) not in _NEGATIVE
    return False


def _shown(value: str | None) -> str:
    return "not set" if value is None else f"'{value}'"


def _matched(scales: Iterable[Scale], scale: Scale) -> list[Scale]:
    """The ref's sources `scale` is compared with: the same file in the same section,
    else the same tool's there."""
    section = scale.path[:-1]
    same_section = [s for s in scales if s.path[:-1] == section]
    by_file = [s for s in same_section if s.file == scale.file]
    return by_file or [s for s in same_section if s.tool == scale.tool]
