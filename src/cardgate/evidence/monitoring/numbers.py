"""A numeric column holding text that is not a number: an error, not missing values.

The profile's view (`profile_sql.view_sql`) reads a numeric column's text as a DOUBLE,
NULL when it does not parse, and its aggregate counts that as `invalid`, with the
values that are not finite numbers (infinities). Text was then folded into the missing
values: a window whose numbers came as text ('abc', 'n/a') read at most as a shift in
missing values, its drift judged on the rest. check-data calls the same values a type
violation ('1 value not a number'); a profile or a window refuses them (`refuse_text`,
DuckDB's pass and Spark's alike), naming the column, how many, one of them and, in a
CSV file, its line. An infinity is a number (as check-data reads one): `invalid`, as
before.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cardgate.core.errors import InputError
from cardgate.evidence.datacheck.source import DataSource
from cardgate.evidence.monitoring.profile import ColumnProfile


def refuse_text(
    source: DataSource,
    names: Sequence[str],
    columns: Mapping[str, ColumnProfile],
    view: str,
    fetch: Callable[[str], Sequence[Sequence[Any]]],
) -> None:
    """InputError for the first numeric column of `columns` that holds text that is not
    a number (`view`: the projection of `profile_sql.view_sql`, queried by `fetch`).
    Only a column with invalid values costs a query."""
    for index, name in enumerate(names):
        if columns[name].kind != "numeric" or not columns[name].invalid:
            continue
        text = f"CAST(o{index} AS VARCHAR)"
        found = fetch(
            f"SELECT count(*), min({text}) FROM {view} "
            f"WHERE o{index} IS NOT NULL AND v{index} IS NULL"
        )
        count, example = found[0]
        if count:
            raise not_numbers(source, name, int(count), str(example))


def not_numbers(source: DataSource, name: str, count: int, example: str) -> InputError:
    """The error for a numeric column holding `count` values that are not numbers (one
    of them `example`, named with its line in a CSV file)."""
    line = _first_line(source, name, example)
    where = f" (line {line})" if line is not None else ""
    values = f"{count:,} value{'s' if count != 1 else ''}"
    return InputError(
        f"{source.display}: column '{name}' is numeric and holds {values} that "
        f"{'is' if count == 1 else 'are'} not a number, e.g. '{example}'{where}",
        hint="write a missing value as an empty field; if the column's kind changed, "
        "profile the reference again (cardgate profile)",
    )


def _first_line(source: DataSource, name: str, value: str) -> int | None:
    """The line of the CSV file's first row whose field `name` is `value`."""
    if source.format != "csv":
        return None
    with source.opened() as raw:
        reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        position = next(reader, []).index(name)
        for record in reader:
            if len(record) > position and record[position] == value:
                return reader.line_num
    return None
