"""`monitoring.json`: one entry per production window, beside the model card.

Written by `cardgate monitor` (atomically, as canonical JSON: the same windows give the
same bytes), read by the gate and the site through `read_monitoring`. Each window records
the SHA-256 of its data file and its own `digest` (the canonical SHA-256 of the entry
without it). `recorded_inconsistencies` is what the gate checks on every run: an entry
whose digest, adjusted p-values, column states or breaches do not follow from its own
numbers was edited by hand.

Light: no numpy, no pandas (the gate imports it).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cardgate.core.digests import canonical_sha256
from cardgate.core.files import canonical_json, check_target, write_file
from cardgate.core.inputs import UnreadableFile, json_field, read_json
from cardgate.documents.schemas.base import Sha256
from cardgate.documents.schemas.evaluation import EvidenceLevel
from cardgate.documents.workspace import MONITORING_FILE
from cardgate.evidence.monitoring.decide import (
    DriftSettings,
    benjamini_hochberg,
    change_state,
    drift_state,
    window_breaches,
)

MONITORING_KIND = "cardgate-monitoring"
MONITORING_SCHEMA_VERSION = 1
__all__ = ["MONITORING_FILE"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class DataRecord(_Record):
    path: str
    sha256: str
    rows: int = Field(ge=0)
    format: str
    version: str | None = None
    """A Delta table's version read (`profile.SourceRecord`)."""


class DriftRow(_Record):
    column: str
    aspect: str = "values"
    kind: str
    reference_rows: int = Field(ge=0)
    window_rows: int = Field(ge=0)
    effects: dict[str, float | None]
    floors: dict[str, float]
    test: str | None
    p_value: float | None = Field(default=None, ge=0, le=1)
    p_adjusted: float | None = Field(default=None, ge=0, le=1)
    state: str
    reason: str


class WindowSettings(_Record):
    thresholds: dict[str, float]
    fdr: float = Field(gt=0, lt=1)
    min_rows: int = Field(ge=1)
    tolerance: float = Field(ge=0)

    def drift_settings(self) -> DriftSettings:
        return DriftSettings(dict(self.thresholds), self.fdr, self.min_rows, self.tolerance)


class Drift(_Record):
    columns: list[DriftRow]
    compared: int = Field(ge=0)
    drifted: int = Field(ge=0)
    share: float | None


class Breach(_Record):
    kind: str
    subject: str
    message: str


Interval = tuple[float, float]


class WindowMetric(_Record):
    value: float | None
    ci: Interval | None


class WindowThreshold(_Record):
    """A card threshold on the window, as the evaluation's decider found it."""

    threshold: int = Field(ge=0)
    metric: str
    feature: str | None
    group: str | None
    value: float | None
    ci: Interval | None
    state: str
    reason: str


class WindowChange(_Record):
    """An overall metric against the approved evaluation."""

    metric: str
    window: float | None
    approved: float | None
    difference: float | None
    ci: Interval | None
    state: str


class WindowPerformance(_Record):
    rows: int = Field(ge=0)
    overall: dict[str, WindowMetric]
    thresholds: list[WindowThreshold]
    changes: list[WindowChange]
    outcomes: bool = True
    """False for a classifier's window without outcomes: only what predictions say
    (selection rates, demographic parity); written only when false."""


class WindowViolation(_Record):
    clause: str
    column: str | None
    count: int | None
    message: str
    examples: list[str | int | float | bool | None]


class WindowContract(_Record):
    passed: bool
    violations: list[WindowViolation]


class ReferenceTable(_Record):
    name: str
    version: str | None


class ReferenceComputedBy(_Record):
    """A reference profile measured from a table cardgate cannot hash
    (`profile.TableRecord`)."""

    engine: str
    query: str
    query_sha256: Sha256
    tables: list[ReferenceTable] = Field(min_length=1, max_length=1)
    rows: int = Field(ge=0)


class Window(_Record):
    id: str
    end: dt.date
    data: DataRecord | None = None
    """The file (or Delta table's folder) measured; absent for a catalog table's window."""
    computed_by: ReferenceComputedBy | None = None
    """A window measured by Spark from a catalog table (`window_table`): what it rests on."""
    evidence: EvidenceLevel | None = None
    """Written for a table's window only: ``counts-with-query`` (GATE-MON004)."""
    settings: WindowSettings
    drift: Drift
    predictions: list[dict[str, Any]] = Field(default_factory=list)
    performance: WindowPerformance | None = None
    contract: WindowContract | None = None
    breaches: list[Breach]
    digest: str

    @property
    def breached(self) -> bool:
        return bool(self.breaches)

    @property
    def rows(self) -> int:
        """The rows measured (of the file, or of the table)."""
        if self.computed_by is not None:
            return self.computed_by.rows
        return self.data.rows if self.data is not None else 0

    @model_validator(mode="after")
    def _one_source(self) -> Window:
        if (self.data is None) == (self.computed_by is None) or (
            (self.computed_by is None) != (self.evidence is None)
        ):
            raise ValueError(
                "a window records its data file, or a table's computed_by and evidence"
            )
        return self


class ReferenceRecord(_Record):
    profile: str
    sha256: str
    rows: int = Field(ge=0)
    sources: list[DataRecord]
    computed_by: ReferenceComputedBy | None = None
    """Written for a table's profile only (its `sources` are then empty)."""
    evidence: EvidenceLevel | None = None
    """Written for a table's profile only: ``counts-with-query`` (GATE-MON004)."""


class ApprovedRecord(_Record):
    path: str
    sha256: str


class MonitoringArtifact(_Record):
    artifact: str
    schema_version: int
    system: str
    reference: ReferenceRecord
    approved: ApprovedRecord | None = None
    windows: list[Window]

    def latest(self, today: dt.date | None = None, *, compared: bool = False) -> Window | None:
        """The window that ended last (by `today`: a window ending later is not yet
        history when the gate judges as of an earlier date); with `compared`, the last
        that compared some column with the reference (a window of fewer rows than the
        plan's ``min_rows`` compares none: it says nothing of drift)."""
        past = [
            w
            for w in self.windows
            if (today is None or w.end <= today) and (not compared or w.drift.compared > 0)
        ]
        return max(past, key=lambda w: (w.end, w.id), default=None)


def entry_digest(entry: dict[str, Any]) -> str:
    """The digest a window records: of its entry without the digest itself."""
    return canonical_sha256({k: v for k, v in entry.items() if k != "digest"})


def sealed(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its digest."""
    return {**entry, "digest": entry_digest(entry)}


def is_monitoring_artifact(path: Path) -> bool:
    return json_field(path, "artifact") == MONITORING_KIND


def check_monitoring_target(path: Path, *, within: Path) -> None:
    check_target(
        path, within=within, replaceable=is_monitoring_artifact, what="a monitoring artifact"
    )


def write_monitoring(path: Path, data: dict[str, Any], *, within: Path) -> None:
    """Validate against the model, then write atomically as canonical JSON."""
    MonitoringArtifact.model_validate(data)
    write_file(
        path,
        canonical_json(data),
        within=within,
        replaceable=is_monitoring_artifact,
        what="a monitoring artifact",
    )


def load_monitoring(path: Path) -> tuple[MonitoringArtifact | None, Any, str | None]:
    """(the artifact, its JSON data, None) or (None, None, why it cannot be used)."""
    try:
        data = read_json(path)
    except FileNotFoundError:
        return None, None, "does not exist"
    except UnreadableFile as error:
        return None, None, error.reason
    except OSError as error:
        return None, None, f"cannot be read: {error.strerror or error}"
    except ValueError as error:
        return None, None, f"cannot be read as JSON ({type(error).__name__})"
    if not isinstance(data, dict) or data.get("artifact") != MONITORING_KIND:
        return None, None, f"is not a '{MONITORING_KIND}' artifact"
    if data.get("schema_version") != MONITORING_SCHEMA_VERSION:
        return None, None, f"has schema_version {data.get('schema_version')!r}, not 1"
    try:
        model = MonitoringArtifact.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "document"
        return None, None, f"is malformed at '{where}': {detail['msg']}"
    return model, data, None


def recorded_inconsistencies(model: MonitoringArtifact, data: dict[str, Any]) -> list[str]:
    """What in the artifact does not follow from its own numbers (a hand edit): each
    window's digest, its Benjamini–Hochberg adjustment, its columns' states and its
    breaches, derived again by the one decider."""
    found: list[str] = []
    ids = [w.id for w in model.windows]
    if len(set(ids)) != len(ids):
        found.append("a window id is recorded twice")
    # the model and the JSON are one list: `strict` cannot matter
    for window, raw in zip(model.windows, data["windows"], strict=True):  # pragma: no mutate
        where = f"window '{window.id}'"
        if entry_digest(raw) != window.digest:
            found.append(f"{where}: its digest does not match its contents")
        settings = window.settings.drift_settings()
        adjusted = benjamini_hochberg([row.p_value for row in window.drift.columns])
        # Benjamini–Hochberg returns one value per column: `strict` cannot matter
        for row, expected in zip(window.drift.columns, adjusted, strict=True):  # pragma: no mutate
            if not _close(row.p_adjusted, expected):
                found.append(f"{where}: column '{row.column}': adjusted p-value edited")
                continue
            # every row, compared or not: a column without a p-value is 'not-compared' and
            # one with a p-value is decided (a drifting column cannot hide as not compared)
            state, _ = drift_state(row.effects, row.p_adjusted, settings)
            if state != row.state:
                found.append(
                    f"{where}: column '{row.column}' is recorded '{row.state}' but its "
                    f"numbers give '{state}'"
                )
        performance = window.performance
        changes = performance.changes if performance is not None else []
        for change in changes:
            low, high = change.ci if change.ci is not None else (None, None)
            derived = change_state(change.metric, change.difference, low, high, settings.tolerance)
            if derived != change.state:
                found.append(
                    f"{where}: the change of '{change.metric}' is recorded '{change.state}' "
                    f"but its numbers give '{derived}'"
                )
        violations = window.contract.violations if window.contract is not None else []
        if window.contract is not None and window.contract.passed != (not violations):
            found.append(f"{where}: its contract verdict does not follow from its violations")
        breaches = window_breaches(
            [row.model_dump() for row in window.drift.columns],
            [t.model_dump() for t in performance.thresholds] if performance is not None else [],
            [c.model_dump() for c in changes],
            [v.model_dump() for v in violations],
        )
        if [b.as_dict() for b in breaches] != [b.model_dump() for b in window.breaches]:
            found.append(f"{where}: its breaches do not follow from its verdicts")
    return found


def _close(left: float | None, right: float | None) -> bool:
    if left is None or right is None:
        return left is right
    # `<` and `<=` differ only where the difference equals the tolerance exactly
    return abs(left - right) <= 1e-12 + 1e-9 * abs(right)  # pragma: no mutate
