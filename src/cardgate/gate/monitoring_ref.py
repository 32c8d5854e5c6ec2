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
windows that breached. Likewise a window recorded since the ref with a breach, which is
not the latest: ``cardgate monitor --end`` takes any last day, and December's drifting
data recorded as ending 29 November sorted behind November's clean window; a breach
first recorded in a change is decided in that change, wherever its window falls.

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
    today that compared some column with the reference, every one after it (a window
    too small to compare anything does not end the judgement of the one before it, and
    its own breaches, of the data contract, count), and every one ending after today.
    Without a window that compared anything, every window."""
    measured = record.latest(today, compared=True)
    start = (measured.end, measured.id) if measured is not None else None
    return [
        w
        for w in sorted(record.windows, key=lambda w: (w.end, w.id))
        if start is None or (w.end, w.id) >= start or w.end > today
    ]


def unseen_breaches(
    workspace: Workspace,
    system: SystemDocs,
    base: BaseCards,
    here: MonitoringArtifact | None,
    today: dt.date,
) -> list[tuple[str, Window, str]]:
    """(the record's path, the window, how) for each breach GATE-MON002 would not judge
    here that a change must still decide: ``removed`` or ``changed``, a window judged on
    the ref with a breach that the record `here` does not hold as recorded there (the
    path is the ref's record); ``added``, a window recorded since the ref with a breach
    that is not judged here (it ends before the latest window: the path is the record
    here). Nothing when the record here is the ref's, byte for byte."""
    folders = [f"{folder}/{MONITORING_FILE}" for folder in system_folders(workspace, system, base)]
    on_ref = [(relative, base.records.get(relative)) for relative in folders]
    if any(
        object_id is not None and git_object_id(workspace.root / relative) == object_id
        for relative, object_id in on_ref
    ):
        return []  # the record here is the ref's
    known = base_card_paths(workspace, system, base) is not None
    records = [
        (relative, record)
        for relative, object_id in on_ref
        if known
        and object_id is not None
        and (record := _record_at(workspace, base.ref, relative)) is not None
        and record.system == system.id
    ]
    held = {w.id: w.digest for w in here.windows} if here is not None else {}
    found: dict[tuple[str, str], tuple[str, Window, str]] = {}
    for relative, record in records:
        for window in judged(record, today):
            if not window.breaches or held.get(window.id) == window.digest:
                continue
            how = "changed" if window.id in held else "removed"
            found.setdefault((window.id, window.digest), (relative, window, how))
    if here is not None:
        seen = {(w.id, w.digest) for _, record in records for w in record.windows}
        decided_here = judged(here, today)
        where = workspace.relative(system.folder / MONITORING_FILE)
        for window in here.windows:
            new = (window.id, window.digest) not in seen
            if window.breaches and new and window not in decided_here:
                found.setdefault((window.id, window.digest), (where, window, "added"))
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
