"""Pinned data versions: a `sha256` pinned on a model card's dataset reference, or on a
datasheet, must match the file that `cardgate check-data` last checked (`data-check.json`).

Runs inside `cardgate validate`, so it stays light: it reads JSON, never a data file, and
imports neither pandas nor DuckDB. A pin with no artifact to compare is not reported
here (validate checks documents; the gate's GATE-DC001 demands the artifact).
"""

from __future__ import annotations

from pathlib import Path

from cardgate.core.problems import Problem
from cardgate.documents.positions import DataPath
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import DatasetDocs, Workspace
from cardgate.evidence.datacheck.artifact import artifact_path, read_artifact

PIN_MISMATCH = "CG130"
"""A pinned sha256 differs from the data file last checked."""


def checked_sha256(datasheet_folder: Path) -> str | None:
    """The SHA-256 of the data file last checked for this dataset, if recorded."""
    artifact = read_artifact(artifact_path(datasheet_folder))
    data = artifact.get("data") if artifact is not None else None
    digest = data.get("sha256") if isinstance(data, dict) else None
    return digest if isinstance(digest, str) else None


def dataset_sha256(docs: DatasetDocs) -> str | None:
    """cardgate's fingerprint of a dataset: the SHA-256 of the data file last checked
    (`data-check.json`), else the one its datasheet pins; None when neither says."""
    checked = checked_sha256(docs.folder)
    if checked is not None:
        return checked
    sheet = docs.datasheet
    return sheet.sha256 if sheet is not None else None


def pin_problems(workspace: Workspace) -> list[Problem]:
    """A problem at each pinned `sha256` that the latest data-check artifact contradicts."""
    problems: list[Problem] = []
    for system in workspace.systems.values():
        card = system.model_card
        if card is None or system.card is None:
            continue
        for where, ref in card.dataset_references():
            docs = workspace.datasets.get(ref.dataset)
            if ref.sha256 is None or docs is None:
                continue  # an unknown dataset is reported by the cross-reference check
            problem = _compare(
                workspace, system.card, (*where, "sha256"), ref.sha256, ref.dataset, docs.folder
            )
            if problem is not None:
                problems.append(problem)
    for docs in workspace.datasets.values():
        sheet = docs.datasheet
        if sheet is not None and docs.sheet is not None and sheet.sha256 is not None:
            problem = _compare(
                workspace, docs.sheet, ("sha256",), sheet.sha256, docs.id, docs.folder
            )
            if problem is not None:
                problems.append(problem)
    return problems


def _compare(
    workspace: Workspace,
    document: ValidatedDocument,
    where: DataPath,
    pinned: str,
    dataset: str,
    folder: Path,
) -> Problem | None:
    checked = checked_sha256(folder)
    if checked is None or checked == pinned or document.loaded is None:
        return None
    shown = workspace.relative(artifact_path(folder))
    return Problem.at(
        document.loaded.display,
        document.loaded.positions.value(where),
        PIN_MISMATCH,
        f"pinned sha256 of dataset '{dataset}' is not the file last checked "
        f"({checked[:12]}… in {shown})",
        hint=f"pin {checked}, or run 'cardgate check-data {dataset}' on the pinned file",
    )
