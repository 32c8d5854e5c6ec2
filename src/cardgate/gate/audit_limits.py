"""What a card's NYC LL144 bias audit reads its impact ratios from, and where a change
reads them otherwise than the card on ``--changed-since``'s ref (GATE-MC005, where the
policy holds the ratios to a minimum: GATE-BA001's ``min_impact_ratio``).

GATE-BA001 computes the audit the card's ``bias_audit:`` describes and decides each
ratio against the policy's minimum. The card says which ratios those are: the columns
holding sex and race/ethnicity, selection or scoring rates (``method``), the values that
mean an unknown category (their individuals are left out of every ratio) and whether
categories under 2% are left out of the ratios (``exclude_small_categories``). A change
can therefore leave a failing category unjudged without touching the policy:
``unknown_values: [Black]`` beside a ratio of 0.28 for ``Female × Black`` under a
minimum of 0.35, a column renamed to another, the justification for excluding small
categories added, or the section removed (the rule computes no audit). Each demands
less than the card the ratios were reviewed under, as ``evaluation.missing_values``
widened does for the evaluation's thresholds (`cardgate.gate.card_limits`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import ModelCard

RULE = "GATE-BA001"
"""The rule whose minimum the audit's readings are held for."""
WHERE: DataPath = ("bias_audit",)


@dataclass(frozen=True)
class AuditReadings:
    """What one card's bias audit reads its impact ratios from."""

    method: str
    sex_column: str
    race_column: str
    unknown: frozenset[str]
    """The values read as an unknown category (an empty cell always is)."""
    exclude_small: bool


def audit_readings(card: ModelCard) -> AuditReadings | None:
    """The readings of `card`'s ``bias_audit:`` (None without one)."""
    audit = card.bias_audit
    if audit is None:
        return None
    return AuditReadings(
        audit.method,
        audit.sex_column,
        audit.race_column,
        frozenset({"", *(audit.unknown_values or ())}),
        audit.exclude_small_categories is not None,
    )


def audit_loosened(
    floors: Iterable[AuditReadings | None], now: AuditReadings | None, ref: str
) -> list[tuple[DataPath, str]]:
    """(where, message) for each way `now` reads the impact ratios otherwise than every
    card on `ref` with a bias audit (`floors`) did."""
    audits = tuple(floor for floor in floors if floor is not None)
    if not audits:
        return []  # no audit on the ref: this one sets its first readings
    if now is None:
        message = (
            f"bias_audit: the card on {ref} has a bias audit, this one none: GATE-BA001 "
            "computes no impact ratio to hold to the policy's minimum (bias_audit removed)"
        )
        return [(WHERE, message)]
    found: list[tuple[DataPath, str]] = []
    for name, effect in (
        ("method", "selection and scoring rates are not the same ratios"),
        ("sex_column", "the ratios are taken over another column than they were reviewed on"),
        ("race_column", "the ratios are taken over another column than they were reviewed on"),
    ):
        value = getattr(now, name)
        was = [getattr(floor, name) for floor in audits]
        if value not in was:
            message = (
                f"bias_audit.{name} is '{was[0]}' on {ref}, '{value}' here: {effect} "
                f"({name} changed)"
            )
            found.append(((*WHERE, name), message))
    widened = sorted(v for v in now.unknown if all(v not in floor.unknown for floor in audits))
    if widened:
        one = len(widened) == 1
        values = ", ".join(f"'{value}'" for value in widened)
        message = (
            f"bias_audit.unknown_values: {values} {'is' if one else 'are'} read as an unknown "
            f"category here, not on {ref}: the individuals in {'it' if one else 'them'} leave "
            "every impact ratio (unknown_values widened)"
        )
        found.append(((*WHERE, "unknown_values"), message))
    if now.exclude_small and not any(floor.exclude_small for floor in audits):
        message = (
            f"bias_audit.exclude_small_categories is set here, not on {ref}: categories under "
            "2% of the individuals leave the impact ratios (small categories excluded)"
        )
        found.append(((*WHERE, "exclude_small_categories"), message))
    return found
