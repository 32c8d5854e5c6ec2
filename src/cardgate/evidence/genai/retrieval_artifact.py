"""The retrieval artifact (`retrieval.json`): one pydantic model for the writer
(`cardgate evaluate-retrieval`) and every reader (the gate). Light: pydantic and json.

Reading fails closed, as for `evaluation.json` (`evaluation.artifact`): a file that
cannot be read, is not JSON, holds a non-finite number, or does not match the model is a
`RetrievalArtifactError`. Threshold and baseline records carry the numbers; the gate
decides again with `evaluation.decide.state_of` and compares.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError

from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile, json_field, read_regular
from cardgate.documents.schemas.base import Sha256
from cardgate.evidence.evaluation.artifact import (
    ArtifactError,
    Disparity,
    Estimate,
    ThresholdResult,
    _finite_float,
    _Record,
    _refuse_constant,
)

ARTIFACT_KIND = "cardgate-retrieval"
SCHEMA_VERSION = 1


class RetrievalArtifactError(Exception):
    """The artifact cannot be used; the message says why."""


class InputFile(_Record):
    path: str
    sha256: Sha256


class RetrievalProvenance(_Record):
    queries: InputFile
    run: InputFile
    baseline_run: InputFile | None
    settings_sha256: Sha256
    seed: int = Field(ge=0)
    replicates: int = Field(ge=0)
    confidence_level: float = Field(gt=0.5, lt=1)
    min_group_size: int = Field(ge=1)
    k: int = Field(ge=1)
    queries_without_results: int = Field(ge=0)
    """Labelled queries the run has no results for (they score 0)."""
    unlabelled_queries_ignored: int = Field(ge=0)
    """Queries of the run that the labelled set does not have."""
    versions: dict[str, str]


class Metrics(_Record):
    count: int = Field(ge=0)
    metrics: dict[str, Estimate]


class Slice(Metrics):
    slice: str
    suppressed: bool
    """Fewer queries than `min_group_size`: reported, not compared."""


class SliceFeature(_Record):
    feature: str
    slices: list[Slice]
    differences: list[Disparity]
    """Per metric, its spread (largest minus smallest compared slice), with null test."""


class BaselineComparison(_Record):
    tolerance: float = Field(ge=0)
    count: int = Field(ge=0)
    baseline: dict[str, Estimate]
    """The baseline's own values on the same queries."""
    comparisons: list[ThresholdResult]
    """Per compared metric: candidate minus baseline (paired), with its limit -tolerance."""


class RetrievalArtifact(_Record):
    """`retrieval.json`, as `cardgate evaluate-retrieval` writes it (docs/genai.md)."""

    artifact: Literal["cardgate-retrieval"]
    schema_version: Literal[1]
    system: str
    provenance: RetrievalProvenance
    overall: Metrics
    features: list[SliceFeature]
    baseline: BaselineComparison | None
    thresholds: list[ThresholdResult]


def is_retrieval_artifact(path: Path) -> bool:
    """Whether the file at `path` is a retrieval artifact (what may be replaced)."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def parse_retrieval_artifact(text: str) -> tuple[RetrievalArtifact, Any]:
    """The validated artifact and its raw JSON data; `RetrievalArtifactError` if unusable."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise RetrievalArtifactError(
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    except ArtifactError as error:  # a non-finite number, refused while parsing
        raise RetrievalArtifactError(str(error)) from error
    if not isinstance(data, dict) or data.get("artifact") != ARTIFACT_KIND:
        raise RetrievalArtifactError(f"is not a {ARTIFACT_KIND} artifact")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise RetrievalArtifactError(
            f"has schema_version {data.get('schema_version')!r}; this cardgate reads "
            f"{SCHEMA_VERSION} (run cardgate evaluate-retrieval again)"
        )
    try:
        return RetrievalArtifact.model_validate(data), data
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "document"
        raise RetrievalArtifactError(f"is malformed at '{where}': {detail['msg']}") from error


def read_retrieval_artifact(path: Path) -> tuple[RetrievalArtifact, Any]:
    """The validated artifact at `path` and its JSON data; `RetrievalArtifactError`."""
    try:
        raw = read_regular(path, limit=ARTIFACT_BYTES)
    except FileNotFoundError as error:
        raise RetrievalArtifactError("does not exist") from error
    except UnreadableFile as error:
        raise RetrievalArtifactError(error.reason) from error
    except OSError as error:
        raise RetrievalArtifactError(f"cannot be read: {error.strerror or error}") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RetrievalArtifactError(f"is not UTF-8 text (byte {error.start})") from error
    return parse_retrieval_artifact(text)
