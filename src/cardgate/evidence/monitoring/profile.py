"""A reference profile: what each column of a data file holds, in a small, mergeable form.

Per column: its kind (numeric or categorical), the rows where it is missing, the values
that are not of its kind (numeric columns), and its distribution — a numeric column as
counts in the fixed logarithmic buckets of `sketch` plus its minimum and maximum, a
categorical one as the count of every value (up to `MAX_CATEGORIES` distinct values;
beyond, the column is kept with its counts of missing values only, marked `truncated`).

Everything a profile holds is a count, a minimum or a maximum, so the profiles of the
partitions of a file merge exactly into the profile of the whole (`merge`): no sum of
floating-point numbers whose rounding would depend on the order. The artifact records
the SHA-256 of every file it was built from, sorted, and is written as canonical JSON:
the same files give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from cardgate.core.errors import InputError
from cardgate.core.files import canonical_json, check_target, write_file
from cardgate.core.inputs import UnreadableFile, json_field, read_json
from cardgate.core.paths import display_path
from cardgate.evidence.monitoring import sketch

PROFILE_KIND = "cardgate-profile"
PROFILE_SCHEMA_VERSION = 1
PROFILE_FILE = "profile.json"
MAX_CATEGORIES = 10_000
"""Distinct values kept per categorical column; a column with more is not compared."""

Kind = Literal["numeric", "categorical"]
_K = TypeVar("_K", int, str)


@dataclass
class ColumnProfile:
    """One column's counts. `count` is the rows with a usable value (not missing, and
    for a numeric column a finite number)."""

    name: str
    kind: Kind
    count: int = 0
    nulls: int = 0
    invalid: int = 0
    """Numeric columns: values present but not a finite number (excluded from `count`)."""
    minimum: float | None = None
    maximum: float | None = None
    buckets: dict[int, int] = field(default_factory=dict)
    values: dict[str, int] = field(default_factory=dict)
    truncated: bool = False

    @property
    def rows(self) -> int:
        return self.count + self.nulls + self.invalid

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "count": self.count,
            "nulls": self.nulls,
        }
        if self.kind == "numeric":
            data["invalid"] = self.invalid
            data["min"] = self.minimum
            data["max"] = self.maximum
            data["buckets"] = [[index, n] for index, n in sorted(self.buckets.items())]
        else:
            data["truncated"] = self.truncated
            data["values"] = [[value, n] for value, n in sorted(self.values.items())]
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> ColumnProfile:
        kind = data["kind"]
        if kind not in ("numeric", "categorical"):
            raise ValueError(f"unknown kind {kind!r}")
        column = cls(name, kind, count=int(data["count"]), nulls=int(data["nulls"]))
        if kind == "numeric":
            column.invalid = int(data["invalid"])
            column.minimum = None if data["min"] is None else float(data["min"])
            column.maximum = None if data["max"] is None else float(data["max"])
            column.buckets = {int(index): int(n) for index, n in data["buckets"]}
        else:
            column.truncated = bool(data["truncated"])
            column.values = {str(value): int(n) for value, n in data["values"]}
        if column.count != sum(column.buckets.values()) + sum(column.values.values()) and not (
            column.truncated
        ):
            raise ValueError(f"column '{name}': count {column.count} is not the sum of its counts")
        return column


@dataclass
class SourceRecord:
    """A file a profile (or a window) was measured from: a Delta table's folder, with
    the `version` read (`sha256` then covers every file of the folder)."""

    path: str
    sha256: str
    rows: int
    format: str
    version: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "sha256": self.sha256,
            "rows": self.rows,
            "format": self.format,
        }
        if self.version is not None:  # absent for files: their profiles keep their bytes
            data["version"] = self.version
        return data


TABLE_EVIDENCE = "counts-with-query"
"""The evidence level of a profile measured from a table cardgate cannot hash (the
evaluation's levels, GATE-FA006): its counts rest on cardgate's own queries, recorded,
having been run on the table named."""


@dataclass(frozen=True)
class TableRecord:
    """What a profile measured by Spark from a table of its catalog records in place of
    the SHA-256 of files (`monitoring.spark_table`): the engine, the table and the version
    its document declares (None: none declared), the file of the queries run and its
    SHA-256, and the rows Spark counted."""

    engine: str
    table: str
    version: str | None
    query: str
    query_sha256: str
    rows: int

    def as_dict(self) -> dict[str, Any]:
        """As `computed_by` of an evaluation or a data check records it."""
        return {
            "engine": self.engine,
            "query": self.query,
            "query_sha256": self.query_sha256,
            "tables": [{"name": self.table, "version": self.version}],
            "rows": self.rows,
        }

    @classmethod
    def from_dict(cls, data: Any) -> TableRecord:
        (table,) = data["tables"]
        version = table["version"]
        return cls(
            str(data["engine"]),
            str(table["name"]),
            None if version is None else str(version),
            str(data["query"]),
            str(data["query_sha256"]),
            int(data["rows"]),
        )


@dataclass
class Profile:
    """The profile of one file, of several merged, or of a table (`computed_by`)."""

    subject: str
    """The dataset or system id it describes."""
    sources: list[SourceRecord]
    rows: int
    columns: dict[str, ColumnProfile]
    computed_by: TableRecord | None = None
    """A table's profile: no source file was hashed (`sources` is empty)."""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "artifact": PROFILE_KIND,
            "schema_version": PROFILE_SCHEMA_VERSION,
            "subject": self.subject,
            "sketch": {"relative_accuracy": sketch.RELATIVE_ACCURACY, "smallest": sketch.SMALLEST},
            "rows": self.rows,
            "sources": [s.as_dict() for s in sorted(self.sources, key=_source_key)],
            "columns": {name: self.columns[name].as_dict() for name in sorted(self.columns)},
        }
        if self.computed_by is not None:  # absent for files: their profiles keep their bytes
            data["computed_by"] = self.computed_by.as_dict()
            data["evidence"] = TABLE_EVIDENCE
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Profile:
        if not isinstance(data, dict) or data.get("artifact") != PROFILE_KIND:
            raise ValueError(f"not a '{PROFILE_KIND}' artifact")
        if data.get("schema_version") != PROFILE_SCHEMA_VERSION:
            raise ValueError(f"schema_version {data.get('schema_version')!r} is not 1")
        recorded = data.get("sketch", {})
        if recorded.get("relative_accuracy") != sketch.RELATIVE_ACCURACY:
            raise ValueError("built with another sketch accuracy; build it again")
        sources = [
            SourceRecord(
                str(s["path"]),
                str(s["sha256"]),
                int(s["rows"]),
                str(s["format"]),
                None if s.get("version") is None else str(s["version"]),
            )
            for s in data["sources"]
        ]
        columns = {
            str(name): ColumnProfile.from_dict(str(name), column)
            for name, column in data["columns"].items()
        }
        computed = data.get("computed_by")
        table = None if computed is None else TableRecord.from_dict(computed)
        if (table is None) != (data.get("evidence") is None) or (
            table is not None and (sources or data["evidence"] != TABLE_EVIDENCE)
        ):
            raise ValueError(
                f"a table's profile records computed_by, evidence '{TABLE_EVIDENCE}' and no "
                "sources; a file's none of the first two"
            )
        return cls(str(data["subject"]), sources, int(data["rows"]), columns, table)


def _source_key(source: SourceRecord) -> tuple[str, str]:
    return (source.path, source.sha256)


def merge(first: Profile, second: Profile) -> Profile:
    """The profile of both files: counts add, extremes combine (exact, order-free)."""
    if first.computed_by is not None or second.computed_by is not None:
        raise InputError("a table's profile is not merged with another profile")
    if set(first.columns) != set(second.columns):
        only = sorted(set(first.columns) ^ set(second.columns))
        raise InputError(
            f"the profiles have different columns ({', '.join(only)})",
            hint="profile partitions of one file (same columns)",
        )
    columns = {}
    for name, left in first.columns.items():
        right = second.columns[name]
        if left.kind != right.kind:
            raise InputError(
                f"column '{name}' is {left.kind} in one profile and {right.kind} in the other"
            )
        columns[name] = _merge_column(left, right)
    return Profile(
        first.subject,
        sorted([*first.sources, *second.sources], key=_source_key),
        first.rows + second.rows,
        columns,
    )


def _merge_column(left: ColumnProfile, right: ColumnProfile) -> ColumnProfile:
    merged = ColumnProfile(
        left.name,
        left.kind,
        count=left.count + right.count,
        nulls=left.nulls + right.nulls,
        invalid=left.invalid + right.invalid,
    )
    extremes = [v for v in (left.minimum, right.minimum) if v is not None]
    merged.minimum = min(extremes) if extremes else None
    extremes = [v for v in (left.maximum, right.maximum) if v is not None]
    merged.maximum = max(extremes) if extremes else None
    merged.buckets = _add(left.buckets, right.buckets)
    values = _add(left.values, right.values)
    merged.truncated = left.truncated or right.truncated or len(values) > MAX_CATEGORIES
    merged.values = {} if merged.truncated else values
    return merged


def _add(left: dict[_K, int], right: dict[_K, int]) -> dict[_K, int]:
    total = dict(left)
    for key, count in right.items():
        total[key] = total.get(key, 0) + count
    return total


def is_profile(path: Path) -> bool:
    """Whether the file at `path` is a profile (what `cardgate profile` may replace)."""
    return json_field(path, "artifact") == PROFILE_KIND


def write_profile(path: Path, profile: Profile, *, within: Path) -> None:
    """Write atomically as canonical JSON (never over a file that is not a profile)."""
    write_file(
        path,
        canonical_json(profile.as_dict()),
        within=within,
        replaceable=is_profile,
        what="a profile",
    )


def check_profile_target(path: Path, *, within: Path) -> None:
    check_target(path, within=within, replaceable=is_profile, what="a profile")


def read_profile(path: Path) -> Profile:
    """The profile at `path` (InputError naming the file when it cannot be used)."""
    shown = display_path(path)
    try:
        data = read_json(path)
    except FileNotFoundError as error:
        raise InputError(
            f"{shown}: no reference profile", hint="build it with cardgate profile"
        ) from error
    except UnreadableFile as error:
        raise InputError(f"{shown}: {error.reason}") from error
    except OSError as error:
        raise InputError(f"{shown}: cannot be read: {error.strerror or error}") from error
    except ValueError as error:
        raise InputError(f"{shown}: is not JSON ({error})", hint="build it again") from error
    try:
        return Profile.from_dict(data)
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(
            f"{shown}: not a usable profile: {error}", hint="build it again with cardgate profile"
        ) from error
