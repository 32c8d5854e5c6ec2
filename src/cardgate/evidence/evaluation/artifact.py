"""Evaluation artifacts (``cardgate evaluate``), read with `json` — no numpy, no pandas.

Only what the gate relies on is validated; anything else in the artifact is kept but not
checked, so the evaluator can add fields without breaking the gate. A file that cannot be
read, is not JSON, or lacks what the gate needs is an `ArtifactError` (fail closed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cardgate.core.inputs import json_field

ARTIFACT_KIND = "cardgate-evaluation"
SCHEMA_VERSION = 1
Verdict = Literal["pass", "fail", "skip", "unknown"]


class ArtifactError(Exception):
    """The artifact cannot be used; the message says why."""


class _Loose(BaseModel):
    model_config = ConfigDict(extra="allow")


class PredictionsProvenance(_Loose):
    path: str | None = None
    sha256: str | None = None
    rows: int | None = None


class Provenance(_Loose):
    predictions: PredictionsProvenance
    settings_sha256: str
    confidence_level: float = 0.95


class ThresholdRecord(_Loose):
    metric: str
    feature: str | None = None
    group: str | None = None
    min: float | None = None
    max: float | None = None
    value: float | None = None
    ci: list[float | None] | None = None
    noise_floor: float | None = None
    p_value: float | None = None
    verdicts: dict[str, str] = Field(default_factory=dict)
    decide_on: str | None = None
    passed: bool | None = None
    reason: str | None = None


class EvaluationArtifact(_Loose):
    artifact: Literal["cardgate-evaluation"]
    schema_version: Literal[1]
    system: str
    provenance: Provenance
    thresholds: list[ThresholdRecord] = Field(default_factory=list)


def is_evaluation_artifact(path: Path) -> bool:
    """Whether the file at `path` is an evaluation artifact (what `cardgate evaluate` may
    replace), whatever its version or validity."""
    return json_field(path, "artifact") == ARTIFACT_KIND


def read_artifact(path: Path) -> tuple[EvaluationArtifact, Any]:
    """The validated artifact and its raw JSON data; `ArtifactError` when unusable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise ArtifactError("does not exist") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ArtifactError(f"cannot be read: {error}") from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ArtifactError(
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from error
    if not isinstance(data, dict) or data.get("artifact") != ARTIFACT_KIND:
        raise ArtifactError(f"is not a {ARTIFACT_KIND} artifact")
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ArtifactError(
            f"has schema_version {data.get('schema_version')!r}; this cardgate reads "
            f"{SCHEMA_VERSION}"
        )
    try:
        return EvaluationArtifact.model_validate(data), data
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"]) or "document"
        raise ArtifactError(f"is malformed at '{where}': {detail['msg']}") from error


IGNORED_IN_COMPARISON = (("provenance", "versions"),)
"""Parts of an artifact that may differ between two honest computations: the library
versions of the machine that ran it."""


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
