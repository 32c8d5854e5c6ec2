"""The limits a card's monitoring plan sets, and where a change demands less than the card
on ``--changed-since``'s ref (GATE-MC005, with `cardgate.gate.card_limits`).

The plan is what the gate holds a deployed system's monitoring to: its ``cadence``
(GATE-MON001: the latest window at most one cadence old, for a system in ``deployment``
or ``monitoring``), the drift thresholds and tolerance each window is decided with
(``cardgate monitor``; GATE-MON002 blocks on a breach of the latest window), the data
contract every window must meet (``dataset``) and the reference data windows are compared
with. A change demands less when the cadence is loosened (``monthly`` to ``quarterly``)
or dropped, or the system is moved out of a deployed stage (the cadence then applies no
more); when an effect-size threshold, the ``tolerance`` or ``min_rows`` is raised or the
``fdr`` lowered (defaults as ``cardgate monitor`` applies them: a breaching window
monitored again under the new plan breaches no more); when the contract is dropped or
changed; when the reference data is another (a reference profiled from production data
drifts from nothing); or when the plan is gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import CADENCE_DAYS, ModelCard
from cardgate.evidence.monitoring.decide import (
    DEFAULT_FDR,
    DEFAULT_MIN_ROWS,
    DEFAULT_THRESHOLDS,
    DEFAULT_TOLERANCE,
)
from cardgate.gate.monitoring import DEPLOYED

_FURTHER = "a column must drift further before a window breaches"
SETTINGS: tuple[tuple[str, bool, str], ...] = (
    *((name, True, _FURTHER) for name in DEFAULT_THRESHOLDS),
    ("tolerance", True, "a metric may fall further below the approved evaluation"),
    ("min_rows", True, "columns with fewer values are no longer compared"),
    ("fdr", False, "fewer drifting columns are found beyond sampling noise"),
)
"""Each setting of ``monitoring.drift``, whether raising it (else lowering it) demands
less, and what that does."""


@dataclass(frozen=True)
class PlanLimits:
    """The limits of one card's monitoring plan."""

    stage: str
    cadence: str | None
    settings: tuple[tuple[str, float], ...]
    """Each of `SETTINGS` as ``cardgate monitor`` applies it (the default when unset)."""
    dataset: str | None
    reference: tuple[str | None, bool]
    """The reference data the windows are compared with, and whether the card names it
    (else the evaluation's predictions, which a new model changes)."""

    @property
    def cadence_days(self) -> int | None:
        """GATE-MON001's limit, where it applies (a deployed system with a cadence)."""
        if self.cadence is None or self.stage not in DEPLOYED:
            return None
        return CADENCE_DAYS[self.cadence]


def plan_limits(card: ModelCard) -> PlanLimits | None:
    """The limits of `card`'s monitoring plan; None without one."""
    plan = card.monitoring
    if plan is None:
        return None
    defaults = {
        **DEFAULT_THRESHOLDS,
        "tolerance": DEFAULT_TOLERANCE,
        "min_rows": DEFAULT_MIN_ROWS,
        "fdr": DEFAULT_FDR,
    }
    settings = []
    for name, _, _ in SETTINGS:
        value = getattr(plan.drift, name) if plan.drift is not None else None
        settings.append((name, float(value if value is not None else defaults[name])))
    named = plan.reference or plan.reference_table
    predictions = card.evaluation.predictions.path if card.evaluation is not None else None
    reference = (named, True) if named is not None else (predictions, False)
    return PlanLimits(card.lifecycle_stage, plan.cadence, tuple(settings), plan.dataset, reference)


def plan_loosened(
    floors: Iterable[PlanLimits | None], now: PlanLimits | None, ref: str
) -> list[tuple[DataPath, str]]:
    """(where, message) for each way `now` demands less than a plan on `ref` (`floors`)."""
    found: dict[tuple[DataPath, str], None] = {}
    for floor in floors:
        if floor is None:
            continue
        if now is None:
            message = (
                f"monitoring: the card has a monitoring plan on {ref}, none here: its cadence, "
                "drift thresholds and contract no longer apply (monitoring removed)"
            )
            found[(("monitoring",), message)] = None
            continue
        found.update(dict.fromkeys(_compared(floor, now, ref)))
    return list(found)


def _compared(floor: PlanLimits, now: PlanLimits, ref: str) -> list[tuple[DataPath, str]]:
    found: list[tuple[DataPath, str]] = []
    was, days = floor.cadence_days, now.cadence_days
    if was is not None and days is None and now.stage not in DEPLOYED:
        found.append(
            (
                ("lifecycle_stage",),
                f"lifecycle_stage is '{floor.stage}' on {ref}, '{now.stage}' here: the "
                f"monitoring cadence ({floor.cadence}) no longer applies (lifecycle_stage "
                "moved out of deployment)",
            )
        )
    elif was is not None and (days is None or days > was):
        shown = now.cadence or "not set"
        found.append(
            (
                ("monitoring", "cadence"),
                f"monitoring.cadence is {floor.cadence} on {ref}, {shown} here: the latest "
                f"window may be {'any number of' if days is None else days} days old, not "
                f"{was} (cadence {'removed' if days is None else 'loosened'})",
            )
        )
    before = dict(floor.settings)
    for (name, value), (_, raised, effect) in zip(now.settings, SETTINGS, strict=True):
        if value == before[name] or (value > before[name]) != raised:
            continue
        word = "raised" if raised else "lowered"
        found.append(
            (
                ("monitoring", "drift", name),
                f"monitoring.drift.{name} is {before[name]:g} on {ref}, {value:g} here: "
                f"{effect} ({name} {word})",
            )
        )
    if floor.dataset is not None and now.dataset != floor.dataset:
        shown = f"'{now.dataset}'" if now.dataset is not None else "not set"
        found.append(
            (
                ("monitoring", "dataset"),
                f"monitoring.dataset is '{floor.dataset}' on {ref}, {shown} here: windows are "
                "no longer checked against its contract (dataset changed)",
            )
        )
    (before_ref, named_before), (now_ref, named_now) = floor.reference, now.reference
    if before_ref != now_ref and (named_before or named_now):
        found.append(
            (
                ("monitoring", "reference"),
                f"the monitoring reference data is {before_ref or 'none'} on {ref}, "
                f"{now_ref or 'none'} here: windows are compared with other data than the "
                "plan's (reference changed)",
            )
        )
    return found
