"""Every clause of a data contract, judged from measured statistics.

Pure Python over `TableStats`: whichever engine measured, the verdict is decided here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cardgate.documents.schemas.contract import ColumnContract, DataContract
from cardgate.evidence.datacheck.stats import ColumnStats, JsonScalar, Offenders, TableStats

CLAUSES = (
    "rows",
    "column-missing",
    "extra-columns",
    "type",
    "nulls",
    "range",
    "allowed-values",
    "pattern",
    "unique",
    "freshness",
)
"""Clause names, as they appear in violations (stable: tools may match on them)."""


@dataclass(frozen=True)
class Violation:
    """One broken clause: where, how many (rows, or columns for column clauses), examples."""

    clause: str
    column: str | None
    count: int
    message: str
    examples: tuple[JsonScalar, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "clause": self.clause,
            "column": self.column,
            "count": self.count,
            "message": self.message,
            "examples": list(self.examples),
        }


def evaluate(contract: DataContract, table: TableStats, *, today: dt.date) -> list[Violation]:
    """Every violation of `contract` by the measured `table`, in contract order."""
    violations = list(_rows(contract, table))
    listed = {column.name for column in contract.columns}
    extra = [name for name in table.columns if name not in listed]
    if extra and not contract.allow_extra_columns:
        violations.append(
            Violation(
                "extra-columns",
                None,
                len(extra),
                f"{len(extra)} column{_s(len(extra))} not in the contract: {', '.join(extra)}",
                tuple(extra[:5]),
            )
        )
    for column in contract.columns:
        stats = table.stats.get(column.name)
        if stats is None:
            violations.append(
                Violation("column-missing", column.name, 1, "column missing from the file")
            )
            continue
        violations.extend(_column(column, stats, table.rows))
    if contract.freshness is not None and contract.freshness.column in table.stats:
        violation = _freshness(contract, table.stats[contract.freshness.column], today)
        if violation is not None:
            violations.append(violation)
    return violations


def _rows(contract: DataContract, table: TableStats) -> list[Violation]:
    rows = table.rows
    if rows == 0:
        return [Violation("rows", None, 0, "the file has no rows")]
    if contract.min_rows is not None and rows < contract.min_rows:
        return [Violation("rows", None, rows, f"{rows:,} rows < min_rows {contract.min_rows:,}")]
    if contract.max_rows is not None and rows > contract.max_rows:
        return [Violation("rows", None, rows, f"{rows:,} rows > max_rows {contract.max_rows:,}")]
    return []


def _column(column: ColumnContract, stats: ColumnStats, rows: int) -> list[Violation]:
    name = column.name
    if stats.wrong_type:
        return [
            Violation(
                "type",
                name,
                rows - stats.nulls,
                f"stored as {stats.kind}, which cannot hold {column.type} values",
            )
        ]
    found: list[Violation] = []
    if stats.unparsable.count:
        found.append(
            _with_examples(
                "type",
                name,
                stats.unparsable,
                f"{_values(stats.unparsable.count)} not {_a(column.type)}",
            )
        )
    limit = column.effective_max_null_rate
    if limit is not None and rows and stats.nulls / rows > limit:
        rate = stats.nulls / rows
        message = (
            f"{_values(stats.nulls)} missing; the column is not nullable"
            if limit == 0
            else f"null rate {rate:.4g} > max {limit:.4g}"
        )
        found.append(Violation("nulls", name, stats.nulls, message))
    outside = stats.below_min.count + stats.above_max.count
    if outside:
        found.append(
            Violation(
                "range",
                name,
                outside,
                f"{_values(outside)} outside {_interval(column)}"
                + _eg(_range_examples(stats.below_min, stats.above_max)),
                _range_examples(stats.below_min, stats.above_max),
            )
        )
    if stats.not_allowed.count:
        found.append(
            _with_examples(
                "allowed-values",
                name,
                stats.not_allowed,
                f"{_values(stats.not_allowed.count)} not allowed",
            )
        )
    if stats.pattern_mismatch.count:
        found.append(
            _with_examples(
                "pattern",
                name,
                stats.pattern_mismatch,
                f"{_values(stats.pattern_mismatch.count)} not matching /{column.pattern}/",
            )
        )
    if stats.duplicates.count:
        found.append(
            _with_examples(
                "unique", name, stats.duplicates, f"{_values(stats.duplicates.count)} repeated"
            )
        )
    return found


def _freshness(contract: DataContract, stats: ColumnStats, today: dt.date) -> Violation | None:
    assert contract.freshness is not None
    limit = contract.freshness.max_age_days
    name = contract.freshness.column
    if stats.wrong_type:
        return None  # already reported as a type violation
    if not isinstance(stats.maximum, str):
        return Violation("freshness", name, 0, "no dates to judge freshness by")
    newest = dt.datetime.fromisoformat(stats.maximum).date()
    stale = freshness_problem(newest, today, limit, day="the day of the check")
    if stale is not None:
        age, message = stale
        return Violation("freshness", name, age, message, (stats.maximum,))
    return None


SKEW_DAYS = 1
"""How far past today a newest date may lie: time zones (a record stamped in UTC+14)."""


def freshness_problem(
    newest: dt.date, today: dt.date, limit: int, *, day: str
) -> tuple[int, str] | None:
    """(days off, what is wrong) when data whose newest record is `newest` is not fresh
    on `today` (`day` names it in the message): older than `limit` days (its age), or
    newer than today (the days into the future) — one row dated 2099 would otherwise keep
    it fresh for ever. None when fresh."""
    age = (today - newest).days
    if age < -SKEW_DAYS:
        return -age, (
            f"newest {newest.isoformat()} is after {day} ({today.isoformat()}): a date in "
            "the future says nothing of how fresh the data is"
        )
    if age > limit:
        return age, (
            f"newest {newest.isoformat()} is {age} days old > max_age {limit} days "
            f"(as of {today.isoformat()})"
        )
    return None


def _with_examples(clause: str, column: str, offenders: Offenders, text: str) -> Violation:
    return Violation(
        clause, column, offenders.count, text + _eg(offenders.examples), offenders.examples
    )


def _range_examples(below: Offenders, above: Offenders) -> tuple[JsonScalar, ...]:
    if not below.examples or not above.examples:
        return below.examples or above.examples
    return below.examples[:3] + above.examples[-2:]


def _interval(column: ColumnContract) -> str:
    low = "-inf" if column.min is None else str(column.min)
    high = "inf" if column.max is None else str(column.max)
    return f"[{low}, {high}]"


def _eg(examples: tuple[JsonScalar, ...]) -> str:
    if not examples:
        return ""
    return " (e.g. " + ", ".join(format_value(value) for value in examples) + ")"


def format_value(value: JsonScalar) -> str:
    """An example value as shown to people: text quoted, numbers and dates as they are."""
    if isinstance(value, str) and not _looks_temporal(value):
        return repr(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def _looks_temporal(value: str) -> bool:
    try:
        dt.datetime.fromisoformat(value)
    except ValueError:
        return False
    return len(value) >= 10 and value[4] == "-"


def _values(count: int) -> str:
    return f"{count:,} value{_s(count)}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _a(column_type: str) -> str:
    article = "an" if column_type[0] in "aeiou" else "a"
    return f"{article} {column_type}"
