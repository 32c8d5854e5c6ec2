"""The data contract inside a datasheet: what a data file must look like.

`cardgate check-data` checks a file against it (see `cardgate.evidence.datacheck`). Consistency
of the contract itself (a range on a text column, a pattern that is not a regular
expression, a freshness column that is not a date) is checked here, so `cardgate
validate` reports it at the offending line.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from cardgate.documents.positions import SourceFloat, SourceInt
from cardgate.documents.schemas.base import Section, Text, hinted, optional, required
from cardgate.documents.schemas.evaluation import ComputedBy

ColumnType = Literal["integer", "number", "string", "boolean", "date", "datetime", "category"]

NUMERIC_TYPES = frozenset({"integer", "number"})
TEMPORAL_TYPES = frozenset({"date", "datetime"})
TEXT_TYPES = frozenset({"string", "category"})


def _as_bound(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("a bound must be a number or a date, not true/false")
    if isinstance(value, SourceInt):
        return int(value)
    if isinstance(value, SourceFloat):
        if not math.isfinite(value):
            raise ValueError("a bound must be a finite number")
        return float(value)
    return value


Bound = Annotated[
    int | float | str,
    BeforeValidator(_as_bound),
    WithJsonSchema({"type": ["number", "string"]}),
]
"""A range bound: a number for numeric columns, an ISO date/datetime for temporal ones."""


def parse_temporal_bound(text: str) -> dt.datetime:
    """An ISO date (`2026-01-01`) or datetime (`2026-01-01T08:00:00`) bound, as a datetime."""
    value = dt.datetime.fromisoformat(text.strip())
    return (
        value.replace(tzinfo=None)
        if value.tzinfo is None
        else value.astimezone(dt.UTC).replace(tzinfo=None)
    )


def _column_type(info: ValidationInfo) -> str | None:
    kind = info.data.get("type")
    return kind if isinstance(kind, str) else None


class ColumnContract(Section):
    """What one column must satisfy."""

    name: Text = required("Column name, exactly as in the file.")
    type: ColumnType = required(
        "Expected type. CSV text is parsed as this type; a value that does not parse is a "
        "violation. 'category' needs 'allowed_values'."
    )
    description: Text | None = optional("What the column means.")
    nullable: bool = Field(
        default=True, description="Whether missing values are allowed at all (false: none)."
    )
    max_null_rate: float | None = optional(
        "Largest acceptable share of missing values (0 to 1).", ge=0.0, le=1.0
    )
    min: Bound | None = optional(
        "Smallest allowed value: a number (integer, number) or an ISO date (date, datetime)."
    )
    max: Bound | None = optional(
        "Largest allowed value: a number (integer, number) or an ISO date (date, datetime)."
    )
    allowed_values: list[Text] | None = optional(
        "For categories: the allowed values, as written in the file.", min_length=1
    )
    unique: bool = Field(default=False, description="Whether values must be unique.")
    pattern: Text | None = optional(
        "For strings and categories: a regular expression every value must match in full "
        "(RE2 syntax, so that the DuckDB engine checks the same)."
    )
    sensitive: bool = Field(
        default=False, description="Whether the column holds a sensitive attribute."
    )

    @field_validator("max_null_rate")
    @classmethod
    def _null_rate_needs_nullable(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and value > 0 and info.data.get("nullable") is False:
            raise ValueError("a column with 'nullable: false' allows no missing values")
        return value

    @field_validator("min", "max")
    @classmethod
    def _bound_fits_type(cls, value: Any, info: ValidationInfo) -> Any:
        kind = _column_type(info)
        if value is None or kind is None:
            return value
        if kind in NUMERIC_TYPES:
            if not isinstance(value, int | float):
                raise hinted(
                    f"a bound of a {kind} column must be a number", "write a number, without quotes"
                )
        elif kind in TEMPORAL_TYPES:
            form = "write it as YYYY-MM-DD" + (
                ", or YYYY-MM-DDTHH:MM:SS" if kind == "datetime" else ""
            )
            if not isinstance(value, str):
                raise hinted(f"a bound of a {kind} column must be a date, e.g. 2024-01-31", form)
            try:
                parse_temporal_bound(value)
            except ValueError as error:
                raise hinted(f"'{value}' is not an ISO date or datetime", form) from error
        else:
            raise ValueError(
                f"'{info.field_name}' applies to integer, number, date and datetime columns, "
                f"not {kind}"
            )
        if info.field_name == "max":
            low = info.data.get("min")
            if low is not None and _ordered(value, kind) < _ordered(low, kind):
                raise ValueError(f"max {value} is below min {low}")
        return value

    @field_validator("allowed_values")
    @classmethod
    def _values_for_categories(
        cls, value: list[str] | None, info: ValidationInfo
    ) -> list[str] | None:
        kind = _column_type(info)
        if value is not None and kind is not None and kind != "category":
            raise ValueError(f"'allowed_values' applies to category columns, not {kind}")
        if value is not None and len(set(value)) != len(value):
            raise ValueError("'allowed_values' lists a value twice")
        return value

    @field_validator("pattern")
    @classmethod
    def _pattern_compiles(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = _column_type(info)
        if value is None:
            return value
        if kind is not None and kind not in TEXT_TYPES:
            raise ValueError(f"'pattern' applies to string and category columns, not {kind}")
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a regular expression: {error}") from error
        return value

    @model_validator(mode="after")
    def _category_values(self) -> ColumnContract:
        if self.type == "category" and not self.allowed_values:
            raise ValueError("a 'category' column needs 'allowed_values'")
        return self

    @property
    def effective_max_null_rate(self) -> float | None:
        """0 when not nullable, else `max_null_rate` (None: no limit)."""
        return 0.0 if not self.nullable else self.max_null_rate


def _ordered(value: Any, kind: str) -> Any:
    return parse_temporal_bound(value) if kind in TEMPORAL_TYPES else value


class Freshness(Section):
    """How recent the newest record must be."""

    column: Text = required("Date or datetime column holding each record's date.")
    max_age_days: int = required("Largest acceptable age of the newest record, in days.", ge=0)


class DataContract(Section):
    """What the dataset's file must look like; checked by `cardgate check-data`."""

    path: Text | None = optional(
        "Workspace-relative path of the data file (CSV, optionally gzip, or Parquet), relative "
        "to the datasheet's folder."
    )
    columns: list[ColumnContract] = required("Expected columns.", min_length=1)
    allow_extra_columns: bool = Field(
        default=True, description="Whether columns not listed are allowed."
    )
    min_rows: int | None = optional("Fewest acceptable rows.", ge=0)
    max_rows: int | None = optional("Most acceptable rows.", ge=0)
    freshness: Freshness | None = optional("How recent the data must be.")
    format: Literal["rows", "statistics"] | None = optional(
        # None, not 'rows', when absent: contract digests of datasheets without it stay
        "'rows' (the default): `path` is the data file. 'statistics': `path` is the one-row "
        "result (CSV or Parquet) of the statistics query `cardgate sql DATASET --data-check` "
        "prints, run where the data lives (docs/scale.md)."
    )
    computed_by: ComputedBy | None = optional(
        "For statistics computed elsewhere: the engine, the query that was run and the "
        "tables it read (provenance the gate can weigh: docs/scale.md)."
    )

    @field_validator("columns")
    @classmethod
    def _names_unique(cls, value: list[ColumnContract]) -> list[ColumnContract]:
        seen: set[str] = set()
        for column in value:
            if column.name in seen:
                raise ValueError(f"column '{column.name}' is listed twice")
            seen.add(column.name)
        return value

    @field_validator("max_rows")
    @classmethod
    def _rows_ordered(cls, value: int | None, info: ValidationInfo) -> int | None:
        low = info.data.get("min_rows")
        if value is not None and isinstance(low, int) and value < low:
            raise ValueError(f"max_rows {value} is below min_rows {low}")
        return value

    @field_validator("freshness")
    @classmethod
    def _freshness_column(cls, value: Freshness | None, info: ValidationInfo) -> Freshness | None:
        columns = info.data.get("columns")
        if value is None or not isinstance(columns, list):
            return value
        kinds = {column.name: column.type for column in columns}
        if value.column not in kinds:
            raise ValueError(f"freshness column '{value.column}' is not among the columns")
        if kinds[value.column] not in TEMPORAL_TYPES:
            raise ValueError(
                f"freshness column '{value.column}' must be of type date or datetime, "
                f"not {kinds[value.column]}"
            )
        return value

    @model_validator(mode="after")
    def _statistics_source(self) -> DataContract:
        if self.computed_by is not None and self.format != "statistics":
            raise ValueError(
                "'computed_by' describes statistics computed elsewhere: it needs "
                "'format: statistics'"
            )
        if self.format == "statistics" and not self.allow_extra_columns:
            # the statistics query reads the contract's columns only: nothing in its one
            # row says which other columns the table has, so the clause would pass unseen
            raise ValueError(
                "'allow_extra_columns: false' cannot be checked from statistics computed "
                "elsewhere (the statistics query reads only the contract's columns): drop it, "
                "or check the rows"
            )
        return self

    def column(self, name: str) -> ColumnContract | None:
        """The contract of the column called `name`, if listed."""
        return next((column for column in self.columns if column.name == name), None)
