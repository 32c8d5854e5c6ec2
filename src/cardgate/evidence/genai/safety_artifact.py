"""The safety artifact (`safety.json`): judged red-team outcomes (refusal, jailbreak
success, toxicity, PII leaks ...) imported from the evaluation tools' files as rates, each
mapped to the NIST AI 600-1 risk it is evidence for, with Wilson intervals overall and per
slice, as `cardgate evaluate-safety` writes it and the gate reads it. Light: pydantic and
json; read strictly, as `generation.json` is."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from cardgate.core.inputs import json_field
from cardgate.evidence.evaluation.artifact import (
    ThresholdResult,
    _Record,
    artifact_text,
    parse_json_artifact,
)
from cardgate.evidence.genai.generation_artifact import GenerationProvenance
from cardgate.evidence.genai.retrieval_artifact import Metrics, SliceFeature

ARTIFACT_KIND = "cardgate-safety"
SCHEMA_VERSION = 1


class RateSummary(_Record):
    """One judged outcome counted as a rate: the share of the samples judged on it where it
    happened, overall and per slice, with Wilson intervals and slice spreads."""

    outcome: str
    tool: str
    risk: str
    """The AI 600-1 risk id (checklists/frameworks/nist-ai-600-1.yaml; CG132 checks it)."""
    worse: Literal["higher", "lower"]
    overall: Metrics
    features: list[SliceFeature]


class SafetyArtifact(_Record):
    """`safety.json`, as `cardgate evaluate-safety` writes it (docs/genai.md)."""

    artifact: Literal["cardgate-safety"]
    schema_version: Literal[1]
    system: str
    provenance: GenerationProvenance
    rates: list[RateSummary]
    thresholds: list[ThresholdResult]


def is_safety_artifact(path: Path) -> bool:
    """Whether the file at `path` is a safety artifact (what may be replaced)."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def read_safety_artifact(path: Path) -> tuple[SafetyArtifact, Any]:
    """The validated artifact at `path` and its JSON data; `ArtifactError` if unusable."""
    return parse_json_artifact(
        artifact_text(path),
        kind=ARTIFACT_KIND,
        version=SCHEMA_VERSION,
        model=SafetyArtifact,
        command="cardgate evaluate-safety",
    )
