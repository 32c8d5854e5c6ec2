"""`data-check.json`: the record of one check of a data file against its contract.

Written beside the datasheet, atomically, deterministically (sorted keys; no time except
the freshness reference date, and that only when the contract has a freshness clause), so
that the same file and contract give the same bytes whichever engine measured. Its form
is documented in docs/data-check-artifact.md. This module imports no pandas: `cardgate
validate` and the gate read artifacts through `read_artifact`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cardgate import __version__
from cardgate.core.digests import canonical_sha256
from cardgate.core.files import canonical_json, check_target, write_file
from cardgate.core.inputs import UnreadableFile, json_field, read_json
from cardgate.documents.schemas.base import Sha256
from cardgate.documents.schemas.contract import NUMERIC_TYPES, TEMPORAL_TYPES, DataContract
from cardgate.documents.schemas.evaluation import EvidenceLevel
from cardgate.documents.workspace import DATA_CHECK_FILE
from cardgate.evidence.datacheck.clauses import Violation
from cardgate.evidence.datacheck.stats import TableStats
from cardgate.evidence.evaluation.artifact import ComputedByRecord, TableRecord, evidence_level

ARTIFACT_FILE = DATA_CHECK_FILE
ARTIFACT_KIND = "data-check"
ARTIFACT_SCHEMA_VERSION = 1


JsonScalar = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Generator(_Strict):
    name: str
    version: str


class DataRecord(_Strict):
    """The data file checked: where, its form, its SHA-256 and size. For statistics
    computed elsewhere (the contract's `format: statistics`), the statistics file, and
    what the contract's `computed_by` says of the query that produced them."""

    path: str
    format: str
    sha256: Sha256
    bytes: int = Field(ge=0)
    statistics: Literal[True] | None = None
    """The file holds the statistics query's one row, not the rows (absent: the rows)."""
    computed_by: ComputedByRecord | None = None
    table: TableRecord | None = None
    """For a Delta table (`format: delta`): its path and the version read; `sha256`
    covers every file of its folder, `bytes` counts the version's data files."""

    @property
    def evidence(self) -> EvidenceLevel:
        """How much of the check cardgate computed itself (GATE-DC005's `min_evidence`)."""
        return evidence_level(read_rows=not self.statistics, computed_by=self.computed_by)


class ColumnProfile(_Strict):
    """What was measured of one contract column."""

    type: str
    stored_as: str
    nulls: int = Field(ge=0)
    null_rate: float | None = Field(ge=0, le=1)
    min: JsonScalar
    max: JsonScalar
    distinct: int | None = Field(ge=0)


class ViolationRecord(_Strict):
    """One broken clause, as `Violation.as_dict` records it."""

    clause: str
    column: str | None
    count: int = Field(ge=0)
    message: str
    examples: list[JsonScalar]


class DataCheckArtifact(_Strict):
    """`data-check.json`, schema_version 1: what the writer writes and every reader reads.

    Its verdict is not taken as written: `passed` must be what the violations say.
    """

    kind: Literal["data-check"]
    schema_version: Literal[1]
    generator: Generator
    dataset: str
    datasheet: str
    contract_sha256: Sha256
    data: DataRecord
    reference_date: dt.date | None
    rows: int = Field(ge=0)
    columns: list[str]
    profile: dict[str, ColumnProfile]
    violations: list[ViolationRecord]
    passed: bool

    @model_validator(mode="after")
    def _verdict_follows_from_violations(self) -> DataCheckArtifact:
        if self.passed != (not self.violations):
            raise ValueError(
                f"'passed: {str(self.passed).lower()}' with {len(self.violations)} violations: "
                "the verdict does not follow from the record"
            )
        return self


def artifact_path(datasheet_folder: Path) -> Path:
    """Where the artifact of the dataset whose datasheet is in `datasheet_folder` lives."""
    return datasheet_folder / ARTIFACT_FILE


def contract_digest(contract: DataContract) -> str:
    """The contract's fingerprint: unchanged by YAML formatting, changed by any content."""
    return canonical_sha256(contract)


def build_artifact(
    *,
    dataset: str,
    datasheet: str,
    contract: DataContract,
    data_path: str,
    data_format: str,
    data_sha256: str,
    data_bytes: int,
    table: TableStats,
    violations: list[Violation],
    today: dt.date,
    statistics: bool = False,
    computed_by: dict[str, Any] | None = None,
    data_table: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The artifact as a JSON-able mapping, built through `DataCheckArtifact` (the model
    every reader validates against: what is written always reads back). `statistics`:
    the data file is statistics computed elsewhere, with `computed_by`'s record;
    `data_table`: the data is a Delta table ({name, version})."""
    profile: dict[str, dict[str, Any]] = {}
    for column in contract.columns:
        stats = table.stats.get(column.name)
        if stats is None:
            continue
        measured = column.type in NUMERIC_TYPES or column.type in TEMPORAL_TYPES
        profile[column.name] = {
            "type": column.type,
            "stored_as": stats.kind,
            "nulls": stats.nulls,
            "null_rate": round(stats.nulls / table.rows, 6) if table.rows else None,
            "min": stats.minimum if measured else None,
            "max": stats.maximum if measured else None,
            "distinct": stats.distinct,
        }
    data = {
        "kind": ARTIFACT_KIND,
        "schema_version": ARTIFACT_SCHEMA_VERSION,
        "generator": {"name": "cardgate", "version": __version__},
        "dataset": dataset,
        "datasheet": datasheet,
        "contract_sha256": contract_digest(contract),
        "data": {
            "path": data_path,
            "format": data_format,
            "sha256": data_sha256,
            "bytes": data_bytes,
            # absent for rows: the artifacts of rows keep their bytes
            **({"statistics": True} if statistics else {}),
            **({"computed_by": computed_by} if computed_by is not None else {}),
            **({"table": data_table} if data_table is not None else {}),
        },
        "reference_date": today.isoformat() if contract.freshness is not None else None,
        "rows": table.rows,
        "columns": list(table.columns),
        "profile": profile,
        "violations": [violation.as_dict() for violation in violations],
        "passed": not violations,
    }
    return DataCheckArtifact.model_validate(data).model_dump(mode="json", exclude_unset=True)


def is_data_check_artifact(path: Path) -> bool:
    """Whether the file at `path` is a data-check artifact (what `check-data` may
    replace), whatever its version or validity."""
    return json_field(path, "kind") == ARTIFACT_KIND


def check_artifact_target(path: Path, *, within: Path) -> None:
    """Refuse (`UnsafeWriteError`) an artifact path that is a link, not a regular file,
    outside the workspace, or a file that is not a data-check artifact."""
    check_target(
        path, within=within, replaceable=is_data_check_artifact, what="a data-check artifact"
    )


def write_artifact(path: Path, artifact: dict[str, Any], *, within: Path) -> None:
    """Write atomically: readers see the previous artifact or this one, never half."""
    write_file(
        path,
        canonical_json(artifact),
        within=within,
        replaceable=is_data_check_artifact,
        what="a data-check artifact",
    )


def load_artifact(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """(the artifact, None), or (None, why it cannot be used: 'does not exist', …)."""
    try:
        data = read_json(path)  # its size checked before parsing
    except FileNotFoundError:
        return None, "does not exist"
    except UnreadableFile as error:
        return None, error.reason
    except OSError as error:
        return None, f"cannot be read: {error.strerror or error}"
    except ValueError as error:
        return None, f"cannot be read as JSON ({type(error).__name__})"
    if not isinstance(data, dict) or data.get("kind") != ARTIFACT_KIND:
        return None, f"is not a '{ARTIFACT_KIND}' artifact"
    if data.get("schema_version") != ARTIFACT_SCHEMA_VERSION:
        return None, f"has schema_version {data.get('schema_version')!r}, not 1"
    try:
        DataCheckArtifact.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "document"
        return None, f"is malformed at '{where}': {detail['msg']}"
    return data, None


def read_artifact(path: Path) -> dict[str, Any] | None:
    """The artifact at `path`; None when absent, unreadable or not a data-check artifact."""
    return load_artifact(path)[0]
