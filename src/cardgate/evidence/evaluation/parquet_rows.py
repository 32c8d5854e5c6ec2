"""Reading a Parquet file of predictions: its columns from the footer, its rows in
batches (only the columns needed, text dictionary-encoded), each failure an `InputError`
that names the file."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from cardgate.core.errors import InputError, first_line

PARQUET_BATCH_ROWS = 1 << 18


Locate = Callable[[str], tuple[str | int, ...]]
"""Where the model card names a column (`sources.column_field`), for file:line:col."""


def check_columns(
    present: list[str], needed: list[str], display: str, *, locate: Locate | None = None
) -> None:
    """`InputError` naming the first of `needed` that is not `present` (any reader's), or
    that the file names twice (`repeated_column`), located where the card names it when
    `locate` is given."""
    for column in needed:
        if column not in present:
            shown = ", ".join(present[:20])
            raise InputError(
                f"{display}: column '{column}' is missing",
                hint=f"the file has: {shown}; check evaluation settings in the model card",
                at=locate(column) if locate is not None else (),
            )
    twice = repeated_column(present, among=needed)
    if twice is not None:
        column = next(c for c in needed if c.casefold() == twice.name.casefold())
        raise InputError(
            f"{display}: {twice.message}",
            hint="rename or drop one of them and re-export the file",
            at=locate(column) if locate is not None else (),
        )


class RepeatedColumn(NamedTuple):
    """A column a file names twice: its name (as first written), both 1-based positions."""

    name: str
    first: int
    second: int

    @property
    def message(self) -> str:
        return (
            f"column '{self.name}' appears twice (columns {self.first} and {self.second}): "
            "readers differ on which one counts"
        )


def repeated_column(
    present: Sequence[str], *, among: Sequence[str] | None = None
) -> RepeatedColumn | None:
    """The first column the file names twice, letter case aside (DuckDB and Spark do not
    tell `Age` from `age`) — only of `among` when given; None when each is named once.
    Readers differ on which of the two counts (pyarrow takes the first, Python's
    csv.DictReader the last, DuckDB and pandas rename one): no verdict may rest on it."""
    wanted = None if among is None else {name.casefold() for name in among}
    first: dict[str, int] = {}
    for index, name in enumerate(present):
        key = name.casefold()
        if wanted is not None and key not in wanted:
            continue
        if key in first:
            return RepeatedColumn(present[first[key]], first[key] + 1, index + 1)
        first[key] = index
    return None


def parquet_batches(
    path: Path, display: str, needed: list[str], optional: list[str], *, locate: Locate
) -> Iterator[Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    with parquet_errors(display):
        handle = pq.ParquetFile(path)
        check_columns(handle.schema_arrow.names, needed, display, locate=locate)
        needed = [*needed, *(name for name in optional if name in handle.schema_arrow.names)]
        strings = [
            name
            for name in needed
            if pa.types.is_string(handle.schema_arrow.field(name).type)
            or pa.types.is_large_string(handle.schema_arrow.field(name).type)
        ]
        if strings:  # text columns read dictionary-encoded: one code lookup per value
            handle = pq.ParquetFile(path, read_dictionary=strings)
        yield from handle.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=needed)


def parquet_columns(path: Path, display: str) -> list[str]:
    """The column names of a Parquet file (read from its footer)."""
    import pyarrow.parquet as pq

    with parquet_errors(display):
        return list(pq.ParquetFile(path).schema_arrow.names)


@contextlib.contextmanager
def parquet_errors(display: str) -> Iterator[None]:
    import pyarrow as pa

    try:
        yield
    except (pa.ArrowException, OSError, EOFError) as error:
        raise InputError(
            f"{display}: cannot read Parquet: {first_line(error)}",
            hint="the file may be truncated or not Parquet",
        ) from error


def parquet_rows(path: Path) -> int | None:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # the read itself reports the problem
        return None
