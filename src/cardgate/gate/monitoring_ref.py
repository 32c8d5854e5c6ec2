"""The breaches GATE-MON002 judged on ``--changed-since``'s ref that the record here no
longer holds as they were recorded there.

``monitoring.json`` is appended to, window by window (``cardgate monitor`` never replaces
a recorded window). A breach of the latest window blocks until a decision names it; but
the record is a file of the change like any other: deleting the breaching window's entry
(or replacing it with a window of other data under its id) made the clean window before
it the latest, and the gate passed a change that decided nothing. A window the ref's
record judged — its latest window ended by today, and every one ending after — that
breaches its plan and is not in the record here as recorded there (the same entry, digest
and all) therefore still needs a decision in the card, as it would have on the ref. A
record started again for a new evaluation (docs/monitoring.md) records ``retrain`` on the
windows that breached.

Reads JSON only, as the rest of the gate's monitoring does.
"""

from __future__ import annotations

import datetime as dt
import json

from cardgate.core.git import git_blob
from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile
from cardgate.documents.workspace import MONITORING_FILE, SystemDocs, Workspace
from cardgate.evidence.monitoring.artifact import MonitoringArtifact, Window
from cardgate.gate.ref_cards import BaseCards, base_card_paths, git_object_id, system_folders


def judged(record: MonitoringArtifact, today: dt.date) -> list[Window]:
    """The windows GATE-MON002 judges in `record` on `today`: the latest one ended by
    today, and every one ending after today."""
    latest = record.latest(today)
    found = [latest] if latest is not None else []
    return found + [w for w in record.windows if w.end > today]


def dropped_breaches(
    workspace: Workspace,
    system: SystemDocs,
    base: BaseCards,
    here: MonitoringArtifact | None,
    today: dt.date,
) -> list[tuple[str, Window, str]]:
    """(the record's path on the ref, the window, 'removed' or 'changed') for each window
    judged on the ref with a breach that the record `here` does not hold as recorded
    there. None for a system new since the ref (it has no record there)."""
    if base_card_paths(workspace, system, base) is None:
        return []
    held = {w.id: w.digest for w in here.windows} if here is not None else {}
    found: dict[tuple[str, str], tuple[str, Window, str]] = {}
    for folder in system_folders(workspace, system, base):
        relative = f"{folder}/{MONITORING_FILE}"
        object_id = base.records.get(relative)
        if object_id is None or git_object_id(workspace.root / relative) == object_id:
            continue  # no record there, or the record here is its bytes
        record = _record_at(workspace, base.ref, relative)
        if record is None or record.system != system.id:
            continue
        for window in judged(record, today):
            if not window.breaches or held.get(window.id) == window.digest:
                continue
            how = "changed" if window.id in held else "removed"
            found.setdefault((window.id, window.digest), (relative, window, how))
    return list(found.values())


def _record_at(workspace: Workspace, ref: str, relative: str) -> MonitoringArtifact | None:
    """The monitoring record at `relative` on `ref`, None when there is none or it cannot
    be read there (the ref's own gate reported that)."""
    try:
        raw = git_blob(workspace.root, ref, relative, limit=ARTIFACT_BYTES)
        data = json.loads(raw.decode("utf-8")) if raw is not None else None
    except (UnreadableFile, UnicodeDecodeError, ValueError, RecursionError):
        return None
    try:
        return MonitoringArtifact.model_validate(data) if isinstance(data, dict) else None
    except ValueError:
        return None
