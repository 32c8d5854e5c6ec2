"""Where a GenAI section's baseline is a worse configuration than on ``--changed-since``'s
ref (GATE-MC005, as `cardgate.gate.baseline_limits` for the evaluation's).

The retrieval baseline (GATE-RAG003), the generation baseline's judged scores and the
operations' baseline log (GATE-GEN002, GATE-OPS002 on ``<metric>_change_from_baseline``)
are files: a change that points the card at the candidate's own run (or copies it over
the baseline's file) leaves no change from the baseline to find, without touching a
limit. Each artifact records the baseline's value of every metric it compares; the
value on the ref (the artifact at the same place, read on the ref) is a floor for the
metrics the card compares with the baseline: a retrieval metric of the baseline's
``metrics`` (higher is better), a ``<metric>_change_from_baseline`` threshold's metric
(higher is better under a ``min``, lower under a ``max``). The baseline here demands less
where its value is worse or missing; one moved to a better configuration is no finding.

The artifact on the ref is the one the card on the ref names (its section's
``artifact``, relative to that card), read on the ref: an artifact moved in the change
(``artifact: retrieval-2.json``, a path with nothing on the ref, or an older, worse
artifact) does not move the floor. A system new since the ref sets its first baseline
(as for the evaluation's, `cardgate.gate.baseline_limits`).
"""

from __future__ import annotations

import json
from typing import Any

from cardgate.core.git import git_blob
from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile, read_regular
from cardgate.core.paths import PathEscapeError
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.genai_evaluation import (
    BASELINE_CHANGE,
    GenerationEvaluation,
    OperationsEvaluation,
    RetrievalEvaluation,
    SafetyEvaluation,
)
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.gate.baseline_limits import listed, worse_entry
from cardgate.gate.ref_cards import BaseCards, ref_named_paths

SECTIONS = ("retrieval_evaluation", "generation_evaluation", "operations_evaluation")


def genai_baselines_worsened(
    workspace: Workspace, system: SystemDocs, card: ModelCard, base: BaseCards
) -> list[tuple[DataPath, str]]:
    """(where, message) for each GenAI section whose baseline here is worse than the
    baseline its artifact recorded on the ref (the artifact the card on the ref names)."""
    ref = base.ref
    found: list[tuple[DataPath, str]] = []
    for name in SECTIONS:
        settings = getattr(card.genai, name, None) if card.genai is not None else None
        directions = _directions(settings)
        if settings is None or not directions:
            continue
        try:
            path = workspace.resolve(settings.artifact, base=system.folder)
            relative = workspace.relative(path)
            now = _baseline(read_regular(path, limit=ARTIFACT_BYTES))
        except (OSError, PathEscapeError):
            continue  # the section's own rules report an artifact that cannot be read
        for there in _ref_artifacts(workspace, system, name, relative, base):
            try:
                was = _baseline(git_blob(workspace.root, ref, there, limit=ARTIFACT_BYTES))
            except UnreadableFile:
                continue
            worse = []
            for metric, higher_better in directions.items():
                before = was.get(metric)
                if before is None:
                    continue
                entry = worse_entry(metric, before, now.get(metric), not higher_better, "no value")
                if entry is not None:
                    worse.append(entry)
            if worse:
                moved = f" ({there} there)" if there != relative else ""
                message = (
                    f"genai.{name}: the baseline {relative} compares with is worse than on "
                    f"{ref}{moved}: {listed(worse)}; a change is measured from it (baseline "
                    "worsened)"
                )
                found.append((("genai", name), message))
                break
    return found


def _ref_artifacts(
    workspace: Workspace, system: SystemDocs, name: str, relative: str, base: BaseCards
) -> list[str]:
    """Workspace-relative paths of the section's artifact as the system's cards on the
    ref name it (`relative`, the artifact here, when the card's bytes are the ref's);
    none for a system new since the ref."""
    keys = ("genai", name, "artifact")
    return ref_named_paths(workspace, system, base, keys, DEFAULT_ARTIFACTS[name], relative)


DEFAULT_ARTIFACTS = {
    "retrieval_evaluation": RetrievalEvaluation.model_fields["artifact"].default,
    "generation_evaluation": GenerationEvaluation.model_fields["artifact"].default,
    "operations_evaluation": OperationsEvaluation.model_fields["artifact"].default,
    "safety_evaluation": SafetyEvaluation.model_fields["artifact"].default,
}
"""Each section's artifact where the card names none (relative to the card)."""


def _directions(settings: Any) -> dict[str, bool]:
    """The metrics a section compares with its baseline, and whether higher is better."""
    if settings is None:
        return {}
    if isinstance(settings, RetrievalEvaluation):
        baseline = settings.baseline
        return dict.fromkeys(baseline.metrics, True) if baseline is not None else {}
    return {
        threshold.metric.removesuffix(BASELINE_CHANGE): threshold.min is not None
        for threshold in getattr(settings, "thresholds", [])
        if threshold.metric.endswith(BASELINE_CHANGE)
        and (threshold.min is None) != (threshold.max is None)
    }


def _baseline(raw: bytes | None) -> dict[str, float]:
    """The baseline's value of each metric an artifact's bytes record (none: no file, or
    not an artifact with a baseline)."""
    try:
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnicodeDecodeError, ValueError):
        return {}
    for key in ("baseline", "baseline"):  # {"baseline": {"baseline": {metric: {value}}}}
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        return {}
    values = {}
    for metric, entry in data.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[str(metric)] = float(value)
    return values
