"""The operations artifact (`operations.json`): latency quantiles and cost per query from
a run log, with bootstrap intervals, and the paired change from the baseline's log, as
`cardgate evaluate-operations` writes it and the gate reads it. Light: pydantic and json;
read strictly, as `retrieval.json` is."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from cardgate.core.inputs import json_field
from cardgate.documents.schemas.base import Sha256
from cardgate.evidence.evaluation.artifact import (
    Estimate,
    ThresholdResult,
    _Record,
    artifact_text,
    parse_json_artifact,
)
from cardgate.evidence.genai.retrieval_artifact import SliceFeature

ARTIFACT_KIND = "cardgate-operations"
SCHEMA_VERSION = 1
QUANTILES = {"latency_p50_ms": 0.50, "latency_p95_ms": 0.95, "latency_p99_ms": 0.99}
"""The latency quantiles the artifact records, by metric name."""


class LogFile(_Record):
    path: str
    sha256: Sha256
    queries: int = Field(ge=0)
    gives: Literal["cost", "tokens", "latency"]


class OperationsProvenance(_Record):
    log: LogFile
    baseline_log: LogFile | None
    settings_sha256: Sha256
    seed: int = Field(ge=0)
    replicates: int = Field(ge=0)
    confidence_level: float = Field(gt=0.5, lt=1)
    min_group_size: int = Field(ge=1)
    quantiles: str
    """How a quantile of the latencies is computed (numpy's 'linear': Hyndman & Fan 7)."""
    interval: str
    """How the intervals are computed (the percentile bootstrap over queries)."""
    currency: str | None
    versions: dict[str, str]


class BaselineChange(_Record):
    count: int = Field(ge=0)
    """Queries in both logs: the paired comparison is on these."""
    unmatched: int = Field(ge=0)
    """Queries in one log only (left out of the comparison)."""
    baseline: dict[str, Estimate]
    changes: dict[str, Estimate]
    """Candidate minus baseline on the same queries, with the paired bootstrap interval."""


class OperationsArtifact(_Record):
    """`operations.json`, as `cardgate evaluate-operations` writes it (docs/genai.md)."""

    artifact: Literal["cardgate-operations"]
    schema_version: Literal[1]
    system: str
    provenance: OperationsProvenance
    count: int = Field(ge=0)
    metrics: dict[str, Estimate]
    features: list[SliceFeature] = Field(default_factory=list)
    """Per slice feature of the log's queries: each slice's metrics with intervals, and the
    spread of each metric between the slices with its noise floor (as retrieval's)."""
    baseline: BaselineChange | None
    thresholds: list[ThresholdResult]


def is_operations_artifact(path: Path) -> bool:
    """Whether the file at `path` is an operations artifact (what may be replaced)."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def read_operations_artifact(path: Path) -> tuple[OperationsArtifact, Any]:
    """The validated artifact at `path` and its JSON data; `ArtifactError` if unusable."""
    return parse_json_artifact(
        artifact_text(path),
        kind=ARTIFACT_KIND,
        version=SCHEMA_VERSION,
        model=OperationsArtifact,
        command="cardgate evaluate-operations",
    )
