"""The data contract inside a datasheet: what a data file must look like."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from cardgate.schemas.base import Section, Text, optional, required

ColumnType = Literal["integer", "number", "string", "boolean", "date", "datetime", "category"]


class ColumnContract(Section):
    """What one column must satisfy."""

    name: Text = required("Column name, exactly as in the file.")
    type: ColumnType = required("Expected type.")
    description: Text | None = optional("What the column means.")
    nullable: bool = Field(default=True, description="Whether missing values are allowed at all.")
    max_null_rate: float | None = optional(
        "Largest acceptable share of missing values (0–1).", ge=0.0, le=1.0
    )
    min: float | Text | None = optional("Smallest allowed value (numbers, dates).")
    max: float | Text | None = optional("Largest allowed value (numbers, dates).")
    allowed_values: list[Text] | None = optional("For categories: the allowed values.")
    unique: bool = Field(default=False, description="Whether values must be unique.")
    pattern: Text | None = optional("For strings: a regular expression every value must match.")
    sensitive: bool = Field(
        default=False, description="Whether the column holds a sensitive attribute."
    )

    @model_validator(mode="after")
    def _category_values(self) -> ColumnContract:
        if self.type == "category" and not self.allowed_values:
            raise ValueError("a 'category' column needs 'allowed_values'")
        return self


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
