"""The labelled query set a retrieval evaluation's limits are taken over, against the
one on ``--changed-since``'s ref (GATE-MC005).

A retrieval threshold (``ndcg`` at least 0.6) is a limit on the mean over the labelled
queries of ``genai.retrieval_evaluation.queries``. Dropping the queries the system fails
from that file, and running ``cardgate evaluate-retrieval`` again, raises every mean
past its limit: the limit is decided over other queries than it was set on, as a
``WHERE`` in ``evaluation.predictions.query`` decides the evaluation's limits over other
rows (`cardgate.gate.card_readings`). So a query labelled on the ref (its ``query_id``
in the query set the card on the ref names, read there) that the query set here no
longer has demands less; queries added, or relabelled, are not this module's (a label is
data, as a prediction is).

Light: json only.
"""

from __future__ import annotations

import json

from cardgate.core.git import git_blob
from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile, read_regular
from cardgate.core.paths import PathEscapeError
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.gate.ref_cards import BaseCards, base_card_paths, card_data

WHERE: DataPath = ("genai", "retrieval_evaluation", "queries")
_SHOWN = 5


def queries_dropped(
    workspace: Workspace, system: SystemDocs, card: ModelCard, base: BaseCards
) -> list[tuple[DataPath, str]]:
    """(where, message) when the query set here lacks queries labelled in the query set
    the system's card on the ref names (none for a system new since the ref)."""
    settings = card.genai.retrieval_evaluation if card.genai is not None else None
    cards = base_card_paths(workspace, system, base)
    if settings is None or cards is None:
        return []
    named = [settings.queries] if not cards else [_named(workspace, base, c) for c in cards]
    was: set[str] = set()
    for relative in filter(None, named):
        try:
            raw = git_blob(workspace.root, base.ref, relative, limit=ARTIFACT_BYTES)
        except UnreadableFile:
            continue
        was |= _query_ids(raw) if raw is not None else set()
    if not was:
        return []
    try:
        path = workspace.resolve(settings.queries)
        now = _query_ids(read_regular(path, limit=ARTIFACT_BYTES))
    except (OSError, PathEscapeError):
        return []  # unreadable here: GATE-RAG001 / GATE-ART001 say so
    gone = sorted(was - now)
    if not gone:
        return []
    shown = ", ".join(f"'{query}'" for query in gone[:_SHOWN])
    if len(gone) > _SHOWN:
        shown += f" and {len(gone) - _SHOWN} more"
    message = (
        f"genai.retrieval_evaluation.queries: {len(gone)} of the {len(was)} labelled queries "
        f"on {base.ref} are not in {settings.queries} here ({shown}): the retrieval limits are "
        "taken over other queries than they were set on, and a query dropped may be one the "
        "system fails (queries dropped)"
    )
    return [(WHERE, message)]


def _named(workspace: Workspace, base: BaseCards, card_path: str) -> str | None:
    """The query set the card at `card_path` on the ref names (workspace-relative)."""
    data = card_data(workspace, base, card_path)
    for key in ("genai", "retrieval_evaluation", "queries"):
        data = data.get(key) if isinstance(data, dict) else None
    return data.strip() if isinstance(data, str) and data.strip() else None


def _query_ids(raw: bytes) -> set[str]:
    """The ``query_id`` of every line of a JSON Lines query set that has one (lines that
    do not read are the evaluation's to refuse)."""
    found: set[str] = set()
    for line in raw.decode("utf-8", errors="replace").splitlines():
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(value, dict) and isinstance(value.get("query_id"), str | int):
            found.add(str(value["query_id"]))
    return found
