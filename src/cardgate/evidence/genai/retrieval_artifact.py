"""The retrieval artifact (`retrieval.json`): one pydantic model for the writer
(`cardgate evaluate-retrieval`) and every reader (the gate). Light: pydantic and json.

Reading fails closed, as for `evaluation.json` (`evaluation.artifact`): a file that
cannot be read, is not JSON, holds a non-finite number, or does not match the model is a
`RetrievalArtifactError`. Threshold and baseline records carry the numbers; the gate
decides again with `evaluation.decide.state_of` and compares.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from cardgate.core.inputs import json_field
from cardgate.documents.schemas.base import Sha256
from cardgate.evidence.evaluation.artifact import (
    ArtifactError,
    Disparity,
    Estimate,
    ThresholdResult,
    _Record,
    artifact_text,
    parse_json_artifact,
)

ARTIFACT_KIND = "cardgate-retrieval"
SCHEMA_VERSION = 1


RetrievalArtifactError = ArtifactError
"""The artifact cannot be used; the message says why (the evaluation artifact's error)."""


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
    return parse_json_artifact(
        text,
        kind=ARTIFACT_KIND,
        version=SCHEMA_VERSION,
        model=RetrievalArtifact,
        command="cardgate evaluate-retrieval",
    )


def read_retrieval_artifact(path: Path) -> tuple[RetrievalArtifact, Any]:
    """The validated artifact at `path` and its JSON data; `RetrievalArtifactError`."""
    return parse_retrieval_artifact(artifact_text(path))
