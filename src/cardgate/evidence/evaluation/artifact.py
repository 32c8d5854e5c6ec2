"""The evaluation artifact (`evaluation.json`): one pydantic model, used by the writer
(`cardgate evaluate` validates what it writes against it) and by every reader (the gate,
the site). Light: pydantic and json only, no numpy, no pandas.

Reading fails closed: a file that cannot be read, is not JSON, holds a non-finite number
(NaN, Infinity, or a literal too large for a float) anywhere, or does not match the model
in full is an `ArtifactError` whose message says where. Nothing stored in the artifact is
a verdict the gate trusts: the threshold records carry the numbers, and `decide` decides.

One build reads each artifact three times (the gate, the site's page, the export); the
validated model, frozen, is remembered by the artifact's exact text, so the same text is
validated once per process (the JSON is parsed and checked on every read).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cardgate.core.inputs import (
    ARTIFACT_BYTES,
    UnreadableFile,
    json_field,
    loads_json,
    read_regular,
)
from cardgate.documents.schemas.base import Sha256
from cardgate.documents.schemas.evaluation import Dialect, EvidenceLevel

ARTIFACT_KIND = "cardgate-evaluation"
SCHEMA_VERSION = 2

State = Literal["within", "beyond", "inconclusive", "undefined"]
"""Where a threshold's value stands, from its interval (see `decide.state_of`)."""

Interval = tuple[float, float]

_Model = TypeVar("_Model", bound=BaseModel)


class ArtifactError(Exception):
    """The artifact cannot be used; the message says why."""


class _Record(BaseModel):
    """Every part of the artifact: no unknown keys, finite numbers only."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Estimate(_Record):
    """A metric's value with its confidence interval; `reason` says why it is undefined."""

    value: float | None
    ci: Interval | None = None
    reason: str | None = None


class GroupEstimate(Estimate):
    """A per-group metric, and how it compares with the feature's reference group."""

    difference_to_reference: float | None = None
    ratio_to_reference: float | None = None


class Disparity(Estimate):
    """A disparity between the compared groups of a feature, with its null test: the
    noise floor (what a fair model shows by chance, its `1 - alpha` quantile; for a ratio
    the `alpha` quantile) and the p-value of the observed value."""

    metric: str
    noise_floor: float | None = None
    p_value: float | None = Field(default=None, gt=0, le=1)
    groups_compared: list[str] = Field(default_factory=list)


class Group(_Record):
    group: str
    count: int = Field(ge=0)
    suppressed: bool
    """Fewer rows than `min_group_size`: reported, not compared."""
    metrics: dict[str, GroupEstimate]


class Feature(_Record):
    feature: str
    columns: list[str] = Field(min_length=1)
    reference_group: str
    groups: list[Group]
    disparities: list[Disparity]


class Overall(_Record):
    count: int = Field(ge=0)
    metrics: dict[str, Estimate]


class ThresholdResult(_Record):
    """The evidence for one card threshold on one target (overall, a feature's
    disparity, or one group): what `decide.decide` needs, and the state it found when
    the artifact was written (the gate derives it again and compares)."""

    threshold: int = Field(ge=0)
    """Index of the threshold in the card's `evaluation.thresholds`."""
    metric: str
    feature: str | None = None
    group: str | None = None
    min: float | None = None
    max: float | None = None
    value: float | None
    ci: Interval | None = None
    noise_floor: float | None = None
    p_value: float | None = Field(default=None, gt=0, le=1)
    detectable: float | None = None
    """The value at which the verdict would be `beyond` with 80% power."""
    count: int | None = Field(default=None, ge=0)
    """Rows behind the value: the group's, or the smallest compared group's."""
    state: State
    reason: str


class DroppedRows(_Record):
    reason: str
    rows: int = Field(ge=0)


class QueryInput(_Record):
    path: str
    sha256: Sha256


class TableRecord(_Record):
    name: str
    version: str | None


class ComputedByRecord(_Record):
    """A counts table computed elsewhere (`warehouse.computed_by_record`)."""

    engine: Dialect
    query: str
    query_sha256: Sha256
    query_is_the_cards: bool
    """The query run is what `cardgate sql` prints for the card's columns and the table."""
    tables: list[TableRecord] = Field(min_length=1)
    rows: int | None = Field(ge=0)


class PredictionsProvenance(_Record):
    path: str | None
    sha256: Sha256 | None
    format: Literal["rows", "counts"]
    rows: int = Field(ge=0)
    rows_used: int = Field(ge=0)
    dropped: list[DroppedRows]
    query: str | None = None
    inputs: list[QueryInput] | None = None
    computed_by: ComputedByRecord | None = None
    table: TableRecord | None = None
    """For a Delta table: its path and the version read (`sha256` covers its folder)."""

    @property
    def evidence(self) -> EvidenceLevel:
        """How much of the evaluation cardgate computed itself (the policy's
        `min_evidence`, GATE-FA006)."""
        return evidence_level(read_rows=self.format == "rows", computed_by=self.computed_by)


def evidence_level(*, read_rows: bool, computed_by: ComputedByRecord | None) -> EvidenceLevel:
    """How much of an artifact cardgate computed itself, for evaluations (GATE-FA006) and
    data checks (GATE-DC005) alike: ``rows`` when it read the rows; else, for a result
    computed elsewhere, ``counts-with-query`` when the recorded query is the document's own,
    ``counts`` otherwise."""
    if read_rows:
        return "rows"
    if computed_by is not None and computed_by.query_is_the_cards:
        return "counts-with-query"
    return "counts"


class EngineRecord(_Record):
    name: Literal["duckdb", "spark"]
    version: str


class Provenance(_Record):
    predictions: PredictionsProvenance
    settings_sha256: Sha256
    seed: int = Field(ge=0)
    replicates: int = Field(ge=0)
    confidence_level: float = Field(gt=0.5, lt=1)
    min_group_size: int = Field(ge=1)
    versions: dict[str, str]
    engine: EngineRecord | None = None
    """The engine that computed the counts table (`evaluate --engine`); none: cardgate
    read the rows, the query or the counts table itself."""


class EvaluationArtifact(_Record):
    """`evaluation.json`, as `cardgate evaluate` writes it (docs/evaluation-artifact.md)."""

    artifact: Literal["cardgate-evaluation"]
    schema_version: Literal[2]
    system: str
    task: Literal["binary-classification", "regression"]
    provenance: Provenance
    overall: Overall
    features: list[Feature]
    thresholds: list[ThresholdResult]


def is_evaluation_artifact(path: Path) -> bool:
    """Whether the file at `path` is an evaluation artifact (what `cardgate evaluate` may
    replace), whatever its version or validity."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def artifact_data(artifact: EvaluationArtifact) -> dict[str, Any]:
    """The JSON data of an artifact as the writer writes it: optional parts that were not
    given (a query's `inputs` for a file) are left out, explicit nulls kept."""
    data: dict[str, Any] = artifact.model_dump(mode="json", exclude_unset=True)
    return data


def build_artifact(data: dict[str, Any]) -> EvaluationArtifact:
    """Validate what the evaluator computed against the model (a bug, not a user error,
    when it does not match)."""
    return EvaluationArtifact.model_validate(data)


def _refuse_constant(name: str) -> float:
    raise ArtifactError(f"holds the non-finite number {name} (NaN and infinities are refused)")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ArtifactError(f"holds the number {text}, too large to be finite")
    return value


def parse_artifact(text: str) -> tuple[EvaluationArtifact, Any]:
    """The validated artifact and its raw JSON data from the file's text; `ArtifactError`
    when unusable."""
    return parse_json_artifact(
        text,
        kind=ARTIFACT_KIND,
        version=SCHEMA_VERSION,
        model=EvaluationArtifact,
        command="cardgate evaluate",
    )


def parse_json_artifact(
    text: str, *, kind: str, version: int, model: type[_Model], command: str
) -> tuple[_Model, Any]:
    """A computed artifact's text read strictly against its `model`: JSON with finite
    numbers only, of its `kind` and schema `version` (else: re-run `command`); the
    validated model and the raw JSON data, or `ArtifactError`."""
    try:
        data = loads_json(
            text, unique_keys=True, parse_constant=_refuse_constant, parse_float=_finite_float
        )
    except json.JSONDecodeError as error:
        raise ArtifactError(
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    if not isinstance(data, dict) or data.get("artifact") != kind:
        raise ArtifactError(f"is not a {kind} artifact")
    if data.get("schema_version") != version:
        raise ArtifactError(
            f"has schema_version {data.get('schema_version')!r}; this cardgate reads "
            f"{version} (run {command} again)"
        )
    known = _VALIDATED.get(model, text)
    if known is not None:
        return cast("_Model", known), data
    try:
        validated = model.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "document"
        raise ArtifactError(f"is malformed at '{where}': {detail['msg']}") from error
    _VALIDATED.remember(model, text, validated)
    return validated, data


REMEMBERED_CHARS = 32_000_000
"""How much artifact text `parse_json_artifact` keeps, with the models validated from it
(the oldest is forgotten first)."""


@dataclass
class _Validated:
    """Frozen models validated from artifact texts, by (model, text): a validation depends
    on the text alone, and the readers of a frozen model can share it."""

    models: dict[tuple[type[BaseModel], str], BaseModel] = field(default_factory=dict)
    chars: int = 0

    def get(self, model: type[BaseModel], text: str) -> BaseModel | None:
        return self.models.get((model, text))

    def remember(self, model: type[BaseModel], text: str, validated: BaseModel) -> None:
        if not model.model_config.get("frozen") or len(text) > REMEMBERED_CHARS:
            return
        while self.models and self.chars + len(text) > REMEMBERED_CHARS:
            oldest = next(iter(self.models))
            del self.models[oldest]
            self.chars -= len(oldest[1])
        self.models[(model, text)] = validated
        self.chars += len(text)


_VALIDATED = _Validated()


def read_artifact(path: Path) -> tuple[EvaluationArtifact, Any]:
    """The validated artifact at `path` and its raw JSON data; `ArtifactError` when
    unusable."""
    return parse_artifact(artifact_text(path))


def artifact_text(path: Path) -> str:
    """The text of a computed artifact, size-checked; `ArtifactError` when it cannot be
    read (missing: "does not exist")."""
    try:
        raw = read_regular(path, limit=ARTIFACT_BYTES)  # its size checked before parsing
    except FileNotFoundError as error:
        raise ArtifactError("does not exist") from error
    except UnreadableFile as error:
        raise ArtifactError(error.reason) from error
    except OSError as error:
        raise ArtifactError(f"cannot be read: {error.strerror or error}") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ArtifactError(f"is not UTF-8 text (byte {error.start})") from error


IGNORED_IN_COMPARISON = (("provenance", "versions"), ("provenance", "engine"))
"""Parts of an artifact that may differ between two honest computations: the library
versions of the machine that ran it, and the engine that counted (`gate --release`
computes again with the default engine: the same numbers by another way)."""


def artifact_differences(
    recorded: Any, recomputed: Any, *, limit: int = 5
) -> list[tuple[str, Any, Any]]:
    """Where a committed artifact's JSON data and a recomputed one differ: up to `limit`
    (dotted data path, recorded value, recomputed value), in document order; [] when they
    agree. `provenance.versions` is not compared. The recomputed data is compared in its
    JSON form (tuples as lists, numbers as JSON reads them back)."""
    found: list[tuple[str, Any, Any]] = []
    _differences(recorded, json.loads(json.dumps(recomputed)), (), found, limit)
    return found


def _differences(
    left: Any,
    right: Any,
    path: tuple[str | int, ...],
    found: list[tuple[str, Any, Any]],
    limit: int,
) -> None:
    if len(found) >= limit or path in IGNORED_IN_COMPARISON:
        return
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            _differences(left.get(key), right.get(key), (*path, key), found, limit)
    elif isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            _differences(a, b, (*path, index), found, limit)
    elif left != right or (type(left) is not type(right) and not _same_number(left, right)):
        found.append((".".join(str(part) for part in path) or "(document)", left, right))


def _same_number(left: Any, right: Any) -> bool:
    """1 and 1.0 are the same JSON number; True is not 1."""
    numbers = (int, float)
    return (
        isinstance(left, numbers)
        and isinstance(right, numbers)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
        and left == right
    )
