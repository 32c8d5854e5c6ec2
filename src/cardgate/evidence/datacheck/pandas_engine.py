"""Measure a data file in memory with pandas (the default engine).

CSV is read as text (only an empty field is missing) and each value is parsed as the
contract's type; Parquet keeps its stored types, and so does a Delta table (read by
delta-rs, partition columns included). `duckdb_engine` does the same in SQL.
"""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import zlib
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cardgate.core.errors import InputError
from cardgate.core.inputs import IN_MEMORY_BYTES
from cardgate.documents.schemas.contract import (
    NUMERIC_TYPES,
    TEMPORAL_TYPES,
    ColumnContract,
    DataContract,
    parse_temporal_bound,
)
from cardgate.evidence.datacheck.source import DataSource, read_error
from cardgate.evidence.datacheck.stats import (
    COMPATIBLE,
    FALSE_WORDS,
    HIGHEST_EXAMPLES,
    LOWEST_EXAMPLES,
    TRUE_WORDS,
    ColumnStats,
    Offenders,
    PhysicalKind,
    TableStats,
    json_value,
    pick_examples,
)
from cardgate.evidence.evaluation.delta_table import delta_arrow, delta_columns

READ_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    ValueError,
    UnicodeDecodeError,
    zlib.error,
    pa.ArrowException,
    pd.errors.ParserError,
    pd.errors.EmptyDataError,
)
"""What a broken, truncated or mis-encoded file raises while being read."""


def measure(source: DataSource, contract: DataContract) -> TableStats:
    """Read `source` and measure every column the contract names."""
    frame, columns = _read(source, [column.name for column in contract.columns])
    table = TableStats(rows=len(frame), columns=columns)
    for column in contract.columns:
        if column.name in frame.columns:
            table.stats[column.name] = measure_column(frame[column.name], column)
    return table


class _Bounded(io.RawIOBase):
    """A decompressed stream that refuses to yield more than `limit` bytes: a small
    ``.csv.gz`` can expand to gigabytes (a gzip bomb), and pandas would hold them all."""

    def __init__(self, stream: IO[bytes] | gzip.GzipFile, limit: int) -> None:
        self._stream = stream
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(min(len(buffer), self._left + 1))
        if len(data) > self._left:
            raise _TooLarge
        self._left -= len(data)
        buffer[: len(data)] = data
        return len(data)


class _TooLarge(Exception):
    pass


def _csv(source: DataSource, header: list[str], columns: list[str]) -> pd.DataFrame:
    """The CSV file's `columns` as text (an empty field is missing), read strictly: a row
    with more or fewer fields than the header is an error (`source.read_error`), as in
    the DuckDB engine. Decompressed bytes are bounded (`IN_MEMORY_BYTES`)."""
    import pyarrow.csv as pcsv

    with source.opened() as stream:
        table = pcsv.read_csv(
            io.BufferedReader(_Bounded(stream, IN_MEMORY_BYTES.value())),
            read_options=pcsv.ReadOptions(use_threads=False),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                include_columns=columns,
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    return table.to_pandas()


def _read(source: DataSource, wanted: list[str]) -> tuple[pd.DataFrame, list[str]]:
    limit = IN_MEMORY_BYTES.value()
    if source.expanded_size() > limit:
        raise _too_large(source, limit)
    try:
        if source.table is not None:  # a Delta table, through delta-rs (InputError itself)
            columns = delta_columns(source.table, source.display)
            present = [name for name in wanted if name in columns]
            table = delta_arrow(source.table, source.display, present)
            return table.to_pandas(date_as_object=False), columns
        if source.format == "parquet":
            columns = list(pq.read_schema(source.path).names)
            present = [name for name in wanted if name in columns]
            frame = pd.read_parquet(
                source.path,
                columns=present,
                # Dates as datetime64, not one Python object per value.
                to_pandas_kwargs={"date_as_object": False},
            )
            return frame, columns
        columns = source.csv_header()
        present = [name for name in wanted if name in columns]
        return _csv(source, columns, present), columns
    except _TooLarge as error:
        raise _too_large(source, limit) from error
    except READ_ERRORS as error:
        raise read_error(source, error) from error


def _too_large(source: DataSource, limit: int) -> InputError:
    return InputError(
        f"{source.display}: decompresses to more than {limit:,} bytes, the limit for "
        f"{IN_MEMORY_BYTES.kind}",
        hint=f"stream it with --engine duckdb, or raise {IN_MEMORY_BYTES.variable}",
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def physical_kind(series: pd.Series) -> PhysicalKind:
    """How the column is stored."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "temporal"
    if isinstance(dtype, pd.CategoricalDtype):
        return physical_kind(pd.Series(dtype.categories))
    if pd.api.types.is_string_dtype(dtype) or dtype is np.dtype(object):
        sample = series.dropna()
        if sample.empty:
            return "text"
        first = sample.iloc[0]
        if isinstance(first, bool | np.bool_):
            return "bool"  # a nullable boolean read as objects
        if isinstance(first, dt.date):
            return "temporal"
        if isinstance(first, str):
            return "text"
        if isinstance(first, decimal.Decimal):
            return "float"
    return "other"


def measure_column(series: pd.Series, contract: ColumnContract) -> ColumnStats:
    """Every statistic of one column that its contract's clauses need."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(series.dtype.categories.dtype)
    kind = physical_kind(series)
    missing = series.isna()
    stats = ColumnStats(contract.name, kind, nulls=int(missing.sum()))
    if kind not in COMPATIBLE[contract.type]:
        stats.wrong_type = True
        return stats
    present = series[~missing] if stats.nulls else series
    parsed, bad = _parse(present, kind, contract.type)
    if bad.any():
        stats.unparsable = _offenders(present[bad], contract.type, text=kind == "text")
        good = parsed[~bad]
    else:
        good = parsed
    if contract.type in NUMERIC_TYPES or contract.type in TEMPORAL_TYPES:
        if not good.empty:
            stats.minimum = json_value(good.min(), contract.type)
            stats.maximum = json_value(good.max(), contract.type)
        if contract.min is not None:
            stats.below_min = _offenders(good[good < _bound(contract.min, contract)], contract.type)
        if contract.max is not None:
            stats.above_max = _offenders(good[good > _bound(contract.max, contract)], contract.type)
    repeated = good[good.duplicated()] if contract.unique else None
    if repeated is not None:
        stats.distinct = len(good) - len(repeated)  # one hashing pass for both
    elif contract.type in ("category", "boolean"):
        stats.distinct = int(good.nunique())
    if contract.allowed_values is not None:
        stats.not_allowed = _offenders(
            good[~good.isin(contract.allowed_values)], contract.type, text=True
        )
    if contract.pattern is not None:  # by RE2, one test per distinct value
        from cardgate.evidence.datacheck.duckdb_engine import pattern_matches

        text = good.astype(str)
        matched = pattern_matches(contract, list(pd.unique(text)))
        stats.pattern_mismatch = _offenders(good[~text.isin(matched)], contract.type, text=True)
    if repeated is not None:
        stats.duplicates = _offenders(
            repeated,
            contract.type,
            text=contract.type in ("string", "category"),
            count=len(good) - int(stats.distinct or 0),
        )
    return stats


def _parse(values: pd.Series, kind: PhysicalKind, column_type: str) -> tuple[pd.Series, Any]:
    """Values as the contract's type, and a mask of those that are not of that type."""
    if column_type in NUMERIC_TYPES:
        numbers = pd.to_numeric(values, errors="coerce") if kind == "text" else values
        if kind == "int" and column_type == "integer":
            return numbers, np.zeros(len(values), dtype=bool)
        numbers = numbers.astype("float64")
        array = numbers.to_numpy()
        bad = np.isnan(array)
        if column_type == "integer":
            with np.errstate(invalid="ignore"):  # inf % 1 is nan: not finite, already bad
                bad = bad | ~np.isfinite(array) | (array % 1 != 0)
        return numbers, bad
    if column_type == "boolean":
        if kind == "bool":
            return values.astype(bool), np.zeros(len(values), dtype=bool)
        words = values.str.strip().str.lower()
        truth = words.isin(TRUE_WORDS)
        bad = (~truth & ~words.isin(FALSE_WORDS)).to_numpy()
        return truth, bad
    if column_type in TEMPORAL_TYPES:
        if kind == "text":
            stamps = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
        else:
            stamps = pd.to_datetime(values, utc=True)
        stamps = stamps.dt.tz_convert(None)
        return stamps, stamps.isna().to_numpy()
    text = values if kind == "text" else values.astype("int64").astype(str)
    return text.astype(str), np.zeros(len(values), dtype=bool)


def _bound(value: int | float | str, contract: ColumnContract) -> Any:
    if contract.type in TEMPORAL_TYPES:
        return pd.Timestamp(parse_temporal_bound(str(value)))
    return value


def _offenders(
    values: pd.Series, column_type: str, *, text: bool = False, count: int | None = None
) -> Offenders:
    if values.empty:
        return Offenders(0)
    distinct = values.drop_duplicates()
    if text or distinct.dtype == object or pd.api.types.is_string_dtype(distinct.dtype):
        ordered = sorted(str(value) for value in distinct)
        lowest: list[Any] = ordered[:LOWEST_EXAMPLES]
        highest: list[Any] = ordered[::-1][:HIGHEST_EXAMPLES]
    else:
        lowest = list(distinct.nsmallest(LOWEST_EXAMPLES))
        highest = list(distinct.nlargest(HIGHEST_EXAMPLES))
    return Offenders(
        len(values) if count is None else count, pick_examples(lowest, highest, column_type)
    )
