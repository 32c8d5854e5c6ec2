"""Where the approved baseline a card's evaluation is compared with is a worse model than
on ``--changed-since``'s ref (GATE-MC005, with `cardgate.gate.card_limits`).

GATE-FA004 blocks a thresholded metric that worsened from the baseline
(``evaluation.baseline.artifact``, the approved model's ``evaluation.json``) by more than
the tolerance. The baseline is a file like any other: a change that points the card at
a worse model's results (the candidate's own ``evaluation.json``, or a copy of it over
the baseline's file) leaves no regression to find, without touching a limit. So each
thresholded metric's value in the baseline on the ref is a floor: the baseline here
demands less where its value of that metric is worse (higher under a ``max``, lower
under a ``min``) or has none. A baseline moved to a better model demands more and is no
finding; a baseline that cannot be read on the ref, or none there, is no floor (FA004
judges the one here).
"""

from __future__ import annotations

from cardgate.core.git import git_blob
from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile
from cardgate.core.paths import PathEscapeError
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.signoffs import artifact_path
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import (
    ArtifactError,
    EvaluationArtifact,
    parse_artifact,
    read_artifact,
)
from cardgate.evidence.evaluation.decide import number, subject
from cardgate.gate.ref_cards import BaseCards, base_card_paths, card_data

_SHOWN = 3


def worse_entry(
    what: str, before: float, after: float | None, higher_worse: bool, missing: str
) -> str | None:
    """``what 0.81 there, 0.78 here`` when `after` (None: `missing`) is worse than the ref's
    `before`; None when it is as good or better. The one test of a baseline worsened, for
    evaluation and GenAI baselines alike."""
    if after is not None and (after - before if higher_worse else before - after) <= 1e-12:
        return None
    shown = number(after) if after is not None else missing
    return f"{what} {number(before)} there, {shown} here"


def listed(worse: list[str]) -> str:
    """The first few of `worse`, and how many more."""
    more = f"; and {len(worse) - _SHOWN} more" if len(worse) > _SHOWN else ""
    return "; ".join(worse[:_SHOWN]) + more


Key = tuple[str, str | None, str | None]


def ref_baselines(
    workspace: Workspace, system: SystemDocs, card: ModelCard, base: BaseCards
) -> list[str]:
    """The baseline artifacts the system's cards on the ref name (the card here's when
    its bytes are the ref's: its baseline file may have changed all the same)."""
    paths = base_card_paths(workspace, system, base)
    if paths is None:
        return []  # new since the ref: its first baseline
    if not paths:
        here = card.evaluation.baseline if card.evaluation is not None else None
        return [here.artifact] if here is not None and here.artifact is not None else []
    named = (_baseline_path(card_data(workspace, base, relative)) for relative in paths)
    return [relative for relative in named if relative is not None]


def baseline_worsened(
    workspace: Workspace, system: SystemDocs, card: ModelCard, floors: list[str], ref: str
) -> list[tuple[DataPath, str]]:
    """(where, message) when the card's baseline here is worse than a baseline the card
    on `ref` named (`floors`: their workspace-relative paths, read on `ref`), on a metric
    the card thresholds."""
    here = card.evaluation.baseline if card.evaluation is not None else None
    if card.evaluation is None or here is None or here.artifact is None:
        return []  # no baseline here: card_limits finds one removed
    try:
        now = _values(read_artifact(workspace.resolve(here.artifact))[0])
    except (ArtifactError, PathEscapeError):
        return []  # GATE-FA004 reports it
    thresholds = card.evaluation.thresholds
    own = workspace.relative(artifact_path(workspace, system, card) or workspace.root)
    for relative in floors:
        if relative == here.artifact == own:
            continue  # the evaluation its own baseline on both: GATE-FA004 blocks it
        try:
            raw = git_blob(workspace.root, ref, relative, limit=ARTIFACT_BYTES)
            was = _values(parse_artifact(raw.decode("utf-8"))[0]) if raw is not None else None
        except (UnreadableFile, ArtifactError, UnicodeDecodeError):
            was = None
        if was is None:
            continue
        worse = []
        for key, (before, higher_worse) in was.items():
            if before is None or higher_worse is None:
                continue
            if not any(
                t.metric == key[0] and t.feature in (None, key[1]) and t.group in (None, key[2])
                for t in thresholds
            ):
                continue
            after = now[key][0] if key in now else None
            entry = worse_entry(subject(*key), before, after, higher_worse, "no result")
            if entry is not None:
                worse.append(entry)
        if worse:
            message = (
                f"evaluation.baseline: the baseline is a worse model than on {ref} "
                f"({relative} there, {here.artifact} here): {listed(worse)}; "
                "a regression is measured from it (baseline worsened)"
            )
            return [(("evaluation", "baseline", "artifact"), message)]
    return []


def _baseline_path(data: object) -> str | None:
    """The baseline artifact a card's YAML data names, if any."""
    for key in ("evaluation", "baseline", "artifact"):
        data = data.get(key) if isinstance(data, dict) else None
    return data.strip() if isinstance(data, str) and data.strip() else None


def _values(artifact: EvaluationArtifact) -> dict[Key, tuple[float | None, bool | None]]:
    """Each thresholded result's value and whether higher is worse (a ``max``; None: a
    result with both bounds has no single direction), by metric, feature and group."""
    found: dict[Key, tuple[float | None, bool | None]] = {}
    for result in artifact.thresholds:
        one = (result.max is None) != (result.min is None)
        key = (result.metric, result.feature, result.group)
        found[key] = (result.value, result.max is not None if one else None)
    return found
