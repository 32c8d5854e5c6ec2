"""The generation artifact (`generation.json`): per-sample scores imported from the
evaluation tools (`scores`), aggregated per slice with intervals, as `cardgate
evaluate-generation` writes them and the gate reads them. Light: pydantic and json.

Read strictly, as `evaluation.json` and `retrieval.json` are (`evaluation.artifact`).
"""

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
from cardgate.evidence.genai.retrieval_artifact import Metrics, SliceFeature

ARTIFACT_KIND = "cardgate-generation"
SCHEMA_VERSION = 1


class ScoreSource(_Record):
    tool: str
    path: str
    sha256: Sha256
    samples: int = Field(ge=0)
    missing: dict[str, int]
    """Samples without a score (null, NaN: the judge failed), by metric."""
    not_per_sample: list[str]
    """Metrics the tool aggregates over the whole set (lm-eval's bleu …): not imported."""


class GenerationProvenance(_Record):
    sources: list[ScoreSource]
    judged_by: str
    settings_sha256: Sha256
    seed: int = Field(ge=0)
    replicates: int = Field(ge=0)
    confidence_level: float = Field(gt=0.5, lt=1)
    min_group_size: int = Field(ge=1)
    versions: dict[str, str]


class ScoreSummary(_Record):
    """One score of one tool: its mean overall and per slice, with intervals."""

    metric: str
    tool: str
    overall: Metrics
    features: list[SliceFeature]


class GenerationBaselineResult(_Record):
    """The baseline configuration's scores compared with the candidate's, sample by sample."""

    sources: list[ScoreSource]
    count: dict[str, int]
    """Per score: the samples both configurations scored (the comparison is on these)."""
    baseline: dict[str, Estimate]
    """Per score: the baseline's own mean on those samples."""
    changes: dict[str, Estimate]
    """Per score: candidate minus baseline on the same samples, with its paired interval."""


class GenerationArtifact(_Record):
    """`generation.json`, as `cardgate evaluate-generation` writes it (docs/genai.md)."""

    artifact: Literal["cardgate-generation"]
    schema_version: Literal[1]
    system: str
    provenance: GenerationProvenance
    scores: list[ScoreSummary]
    baseline: GenerationBaselineResult | None = None
    thresholds: list[ThresholdResult]


def is_generation_artifact(path: Path) -> bool:
    """Whether the file at `path` is a generation artifact (what may be replaced)."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def read_generation_artifact(path: Path) -> tuple[GenerationArtifact, Any]:
    """The validated artifact at `path` and its JSON data; `ArtifactError` if unusable."""
    return parse_json_artifact(
        artifact_text(path),
        kind=ARTIFACT_KIND,
        version=SCHEMA_VERSION,
        model=GenerationArtifact,
        command="cardgate evaluate-generation",
    )
