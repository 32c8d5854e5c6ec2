"""Where the data contract of a dataset a card names demands less than on
``--changed-since``'s ref (GATE-MC005, beside the card's own limits: `card_limits`).

A datasheet's ``contract`` is what GATE-DC003 holds the data to: the columns and their
types, ``nullable`` and ``max_null_rate``, ``min``/``max``, ``allowed_values``,
``unique`` and ``pattern``; ``allow_extra_columns``, ``min_rows``/``max_rows`` and
``freshness``. A pull request that adds data the contract refuses could widen the
contract beside it (``allowed_values: [F, M]`` to ``[F, M, X]``), run ``cardgate
check-data`` again and pass: only the stale sign-offs said so, and a tier that counts an
unsigned sign-off lets anyone append one. So each constraint of the contract on the ref
is a floor, as the card's limits are: a constraint here that demands less (a bound
removed, a minimum lowered, a maximum raised, a value allowed, a pattern changed, a
column's type changed or the column dropped) counts once merged.

The datasheet on the ref is the one at the datasheet's path here (under either name); a
dataset new since the ref (no datasheet there), or one whose datasheet does not validate
there, sets its first contract: the review of the change is the defence, as for a new
system's limits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.contract import (
    TEMPORAL_TYPES,
    ColumnContract,
    DataContract,
    parse_temporal_bound,
)
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.workspace import YAML_SUFFIXES, Workspace
from cardgate.gate.ref_cards import BaseCards, card_data


def ref_contract(workspace: Workspace, base: BaseCards, relative: str) -> DataContract | None:
    """The contract of the datasheet at `relative` (workspace-relative, under either
    name) as it is on the ref; None where there is none there or it does not validate."""
    stem = relative.rsplit(".", 1)[0]
    for candidate in dict.fromkeys([relative, *(stem + suffix for suffix in YAML_SUFFIXES)]):
        data = card_data(workspace, base, candidate)
        if data is None:
            continue
        try:
            return Datasheet.model_validate(data).contract
        except ValidationError:
            return None
    return None


def contract_loosenings(
    before: DataContract, now: DataContract, ref: str
) -> Iterator[tuple[DataPath, str]]:
    """(where in the datasheet here, what) for each constraint of the contract on `ref`
    (`before`) that the contract here demands less of."""
    if not before.allow_extra_columns and now.allow_extra_columns:
        yield ("contract", "allow_extra_columns"), "columns it does not list are allowed"
    yield from _bound(("contract", "min_rows"), before.min_rows, now.min_rows, lower=True)
    yield from _bound(("contract", "max_rows"), before.max_rows, now.max_rows, lower=False)
    if before.freshness is not None:
        fresh = now.freshness
        where: DataPath = ("contract", "freshness")
        if fresh is None:
            yield where, f"freshness removed (max_age_days {before.freshness.max_age_days} there)"
        elif fresh.column != before.freshness.column:
            yield (
                (*where, "column"),
                f"freshness read from '{fresh.column}', not " + (f"'{before.freshness.column}'"),
            )
        else:
            yield from _bound(
                (*where, "max_age_days"),
                before.freshness.max_age_days,
                fresh.max_age_days,
                lower=False,
            )
    columns = {column.name: (index, column) for index, column in enumerate(now.columns)}
    for column in before.columns:
        if column.name not in columns:
            yield ("contract", "columns"), f"column '{column.name}' is no longer in the contract"
            continue
        index, here = columns[column.name]
        for key, what in _column(column, here):
            yield ("contract", "columns", index, key), f"column '{column.name}': {what}"


def _column(before: ColumnContract, now: ColumnContract) -> Iterator[tuple[str, str]]:
    if now.type != before.type and (before.type, now.type) not in _NARROWED:
        yield "type", f"type {now.type}, not {before.type}"
        return  # its bounds and values are another type's: compared no further
    if not before.nullable and now.nullable:
        yield "nullable", "missing values allowed (nullable: false there)"
    elif before.nullable:
        for where, what in _bound(
            ("max_null_rate",), before.max_null_rate, now.max_null_rate, lower=False
        ):
            yield str(where[0]), what
    temporal = before.type in TEMPORAL_TYPES
    for key, lower in (("min", True), ("max", False)):
        for where, what in _bound(
            (key,), getattr(before, key), getattr(now, key), lower=lower, temporal=temporal
        ):
            yield str(where[0]), what
    if before.allowed_values is not None:
        added = [value for value in now.allowed_values or [] if value not in before.allowed_values]
        if now.allowed_values is None:
            yield "allowed_values", "allowed_values removed"
        elif added:
            yield "allowed_values", f"allowed_values widened ({', '.join(map(repr, added))} added)"
    if before.unique and not now.unique:
        yield "unique", "values need not be unique (unique: true there)"
    if before.pattern is not None and now.pattern != before.pattern:
        what = "removed" if now.pattern is None else "changed"
        yield "pattern", f"pattern {what} ({before.pattern!r} there)"


_NARROWED = {("number", "integer")}
"""Type changes that accept no value the type on the ref refused."""


def _bound(
    where: DataPath, before: Any, now: Any, *, lower: bool, temporal: bool = False
) -> Iterator[tuple[DataPath, str]]:
    """A bound on the ref (`before`) that `now` removes, lowers (a minimum: `lower`) or
    raises (a maximum)."""
    if before is None:
        return
    name = str(where[-1])
    if now is None:
        yield where, f"{name} removed ({before} there)"
        return
    was, is_ = (_instant(before), _instant(now)) if temporal else (before, now)
    if (is_ < was) if lower else (is_ > was):
        yield where, f"{name} {'lowered' if lower else 'raised'} ({before} there, {now} here)"


def _instant(value: Any) -> dt.datetime:
    return parse_temporal_bound(str(value))


__all__ = ["contract_loosenings", "ref_contract"]
