"""`cardgate evaluate SYSTEM`: find a system's evaluation settings in the workspace, run
the evaluation and write `evaluation.json` beside the card, atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgate.core.errors import CardgateError, ConfigurationError
from cardgate.core.files import UnsafeWriteError, canonical_json, check_target, write_file
from cardgate.core.paths import PathEscapeError, named_inside, written_from
from cardgate.documents.located import located_in
from cardgate.documents.placeholders import commented_out
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.evaluation.artifact import (
    EvaluationArtifact,
    artifact_data,
    is_evaluation_artifact,
)
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from cardgate.evidence.evaluation.stats import SufficientStats


@dataclass
class EvaluationRun:
    """The result of evaluating one system: the artifact and where it was written."""

    system: str
    artifact: EvaluationArtifact
    settings: EvaluationSettings
    path: Path | None = None
    notes: list[str] = field(default_factory=list)


_ARTIFACT = ("evaluation", "artifact")


def artifact_path(workspace: Workspace, system: SystemDocs, settings: EvaluationSettings) -> Path:
    """Where a system's artifact goes: `settings.artifact` relative to its card, inside
    the workspace (as named: a link stays a link, for `write_file` to refuse)."""
    try:
        return named_inside(workspace.root, settings.artifact, base=system.folder)
    except PathEscapeError as error:
        raise ConfigurationError(f"evaluation.artifact: {error}", at=_ARTIFACT) from error


def _check_writable(workspace: Workspace, target: Path) -> None:
    """Refuse, before the work, an artifact path that is a link, not a regular file, or
    a file that is not an evaluation artifact (a document)."""
    try:
        check_target(
            target,
            within=workspace.root,
            replaceable=is_evaluation_artifact,
            what="an evaluation artifact",
        )
    except UnsafeWriteError as error:
        raise UnsafeWriteError(
            f"evaluation.artifact: {error.message}", hint=error.hint, at=_ARTIFACT
        ) from error


def system_card(workspace: Workspace, system_id: str) -> tuple[SystemDocs, ModelCard]:
    """A system's docs and valid model card; ConfigurationError when there is none."""
    system = workspace.systems.get(system_id)
    if system is None:
        known = ", ".join(sorted(workspace.systems)) or "none"
        raise ConfigurationError(f"no system '{system_id}' in the workspace (systems: {known})")
    if system.card is None:
        raise ConfigurationError(f"system '{system_id}' has no model card")
    card = system.model_card
    if card is None:
        first = min(system.card.problems, key=lambda p: (-p.severity, p.order()), default=None)
        raise ConfigurationError(
            f"the model card of '{system_id}' does not validate"
            + (f": {first.format()}" if first is not None else ""),
            hint="run 'cardgate validate' to see all its problems, and fix them first",
        )
    return system, card


def system_settings(workspace: Workspace, system_id: str) -> tuple[SystemDocs, EvaluationSettings]:
    """A system's docs and evaluation settings; ConfigurationError when unusable."""
    system, card = system_card(workspace, system_id)
    if card.evaluation is None:
        loaded = system.card.loaded if system.card is not None else None
        line = commented_out(loaded.text, "evaluation") if loaded is not None else None
        hint = "add evaluation settings (predictions, task, columns, sensitive_features)"
        if line is not None and loaded is not None:
            hint = (
                f"uncomment the 'evaluation:' section the template left at "
                f"{loaded.display}:{line} and fill it in"
            )
        raise ConfigurationError(
            f"the model card of '{system_id}' has no 'evaluation:' section", hint=hint
        )
    return system, card.evaluation


def evaluable_systems(workspace: Workspace) -> list[str]:
    """Systems whose valid model card has an `evaluation:` section."""
    return [
        sid
        for sid, system in sorted(workspace.systems.items())
        if system.model_card is not None and system.model_card.evaluation is not None
    ]


def recompute_evaluation(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's evaluation artifact computed again, in memory, writing nothing.

    For `gate --release` (a hand-edited artifact must not pass once signed): the same
    computation `cardgate evaluate` runs — the predictions the card names (for a query,
    its declared inputs), the card's `evaluation:` settings and their seed — returned as
    the artifact's JSON data, to be compared with the committed one by
    `artifact.artifact_differences`. Same inputs and same library versions, same bytes.
    Raises what `evaluate` raises (`ConfigurationError`, `InputError`) when the inputs
    cannot be used, located at the card's file:line:col when the error has a position.
    """
    system, settings = system_settings(workspace, system_id)
    return artifact_data(_evaluate(workspace, system, settings)[1])


def _evaluate(
    workspace: Workspace,
    system: SystemDocs,
    settings: EvaluationSettings,
    *,
    progress: bool = False,
    writing: bool = False,
    columns: SufficientStats | None = None,
    engine: str = "auto",
    master: str | None = None,
) -> tuple[Path, EvaluationArtifact]:
    """(where the artifact goes, the artifact) of one system; writes nothing, but when
    `writing` checks first that the artifact may be written."""
    with located_in(system.card):
        target = artifact_path(workspace, system, settings)
        if writing:
            _check_writable(workspace, target)
        try:
            artifact = evaluate_settings(
                settings,
                root=workspace.root,
                system=system.id,
                progress=progress,
                artifact_file=workspace.relative(target),
                columns=columns,
                engine=engine,
                master=master,
            )
        except CardgateError as error:
            hint = _path_hint(workspace, system, settings) if error.at == _PATH else None
            if hint is None:
                raise
            raise type(error)(
                error.message, hint=hint, problem=error.problem, at=error.at, details=error.details
            ) from error
    return target, artifact


_PATH = ("evaluation", "predictions", "path")


def _path_hint(
    workspace: Workspace, system: SystemDocs, settings: EvaluationSettings
) -> str | None:
    """What to write when the predictions path leads outside the workspace or names no
    file: paths under `evaluation:` are read from the workspace's folder, not the card's
    (None when the path is there: the error is about the file itself)."""
    written = settings.predictions.path
    if written is None:
        return None
    folder = workspace.relative(system.folder)
    try:
        path = workspace.resolve(written)
    except PathEscapeError:
        return (
            f"the predictions must be inside the workspace (e.g. {folder}/predictions.csv): "
            "write them there and give their path from the workspace's folder"
        )
    if path.exists():
        return None
    meant = written_from(workspace.root, written, base=workspace.root, instead=system.folder)
    where = "paths under evaluation: are read from the workspace's folder (the one holding "
    where += "cardgate.yaml), not the model card's"
    return f"did you mean '{meant}'? {where}" if meant is not None else where


def evaluate_system(
    workspace: Workspace,
    system_id: str,
    *,
    progress: bool = False,
    engine: str = "auto",
    master: str | None = None,
    table: str | None = None,
) -> EvaluationRun:
    """Evaluate one system of a loaded `Workspace` and write its artifact atomically
    (`engine`, `master`: `sources.read_statistics`). `table`: first compute the card's
    counts table from that Spark table (`spark_table`), then evaluate it."""
    system, settings = system_settings(workspace, system_id)
    if table is not None:
        from cardgate.evidence.evaluation.spark_table import write_table_counts

        with located_in(system.card):
            _check_writable(workspace, artifact_path(workspace, system, settings))
            write_table_counts(
                settings, root=workspace.root, system=system_id, table=table, master=master
            )
        engine = "auto"  # the counts file, read as any other
    target, artifact = _evaluate(
        workspace, system, settings, progress=progress, writing=True, engine=engine, master=master
    )
    write_file(
        target,
        canonical_json(artifact_data(artifact)),
        within=workspace.root,
        replaceable=is_evaluation_artifact,
        what="an evaluation artifact",
    )
    return EvaluationRun(system_id, artifact, settings, target)


def evaluate_system_columns(
    workspace: Workspace,
    system_id: str,
    columns: Callable[[EvaluationSettings], SufficientStats],
) -> EvaluationRun:
    """Evaluate one system from its predictions given as columns in memory, writing
    nothing: `columns` reduces them under the card's settings, and they must be the
    predictions the card names (read as `evaluate_system` reads them), so that the
    artifact is the one `cardgate evaluate` writes and `gate --release` recomputes.
    `run.path` is where `cardgate evaluate` would write it."""
    system, settings = system_settings(workspace, system_id)
    given = columns(settings)
    target, artifact = _evaluate(workspace, system, settings, columns=given)
    return EvaluationRun(system_id, artifact, settings, target)
