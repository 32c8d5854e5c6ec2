"""The monitoring record reads against its model and follows from its own numbers.

Rationale:
``monitoring.json`` is computed by ``cardgate monitor``, never written by hand: a window
quietly edited from ``drift`` to ``stable`` would hide a breach from GATE-MON002. Every
window records its own digest; the gate derives each window's adjusted p-values, its
columns' states and its breaches again from the recorded numbers with the one decider,
and compares. A digest is not a signature, though: whoever edits a window can seal it
again. So with ``--release`` the gate measures every recorded window again from the data
file it records (against the reference profile and approved evaluation the record names,
with the card's plan) and blocks on any difference, as GATE-ART001 does for the other
computed artifacts — except a window measured by Spark from a catalog table (``cardgate
monitor --engine spark --table``), which nothing can read again: it is not measured
again, nor failed for that alone; its entry is checked as every window's is, and its
``monitoring-ID.sql`` must still be the file whose SHA-256 it records (its evidence level
is GATE-MON004's). The reference profile the windows are compared with is no more
trusted than they are: a ``profile.json`` edited to look like production makes drift
vanish, and the record can be sealed against it. So ``--release`` also profiles the
reference again from the files its ``sources`` record (each still the file whose SHA-256
it records; Parquet, CSV or a Delta table's folder, read by DuckDB with the settings
``cardgate profile`` gives its subject) and blocks on any difference. One measured by
Spark from a catalog table (``cardgate profile --engine spark --table``) cannot be read
again — it rests on the queries recorded in its ``profile.sql``, which must still be
the file whose SHA-256 the record holds, and on the evidence level GATE-MON004 weighs;
and it must be of the table the card names as its reference data
(``monitoring.reference_table``, else the table Spark computed the evaluation's counts
from): otherwise a file's reference edited into a "table's profile" would escape being
profiled again, with nothing but a query file of its own to rest on. Likewise a profile
of files must be of the file (or the folder's files) the card names
(``monitoring.reference``, else the evaluation's predictions): production data profiled
as the reference (``cardgate profile --data``) is true to its data, so profiling it again
agrees, and no window would drift from it.
This rule guards the gate's integrity: no policy can switch it off, no waiver matches it.

Fails:
- ``monitoring.json`` that is not JSON or misses what the model requires;
- a window whose state, p-value or breaches were edited, or whose digest does not match;
- a record monitored against another approved evaluation than the one beside the card
  (the model was evaluated again: its windows describe an earlier model);
- a reference profiled from a table whose ``profile.sql`` changed or is gone;
- a reference profiled from other data than the card names as its reference data (a
  table, a file, or files outside the folder it names);
- a window measured from a table whose query file (``monitoring-ID.sql``) changed or is gone;
- without ``--release`` (a warning, as a changed predictions file is GATE-FA002's; nothing
  is measured again): a window's data file, the reference ``profile.json`` or the data it
  was profiled from changed since the record was written (its SHA-256 is not the one
  recorded), or is gone;
- with ``--release``: a window whose numbers were forged and sealed again, a window whose
  data is gone (it cannot be recomputed), a window read from a Delta table that has
  moved on from the version it recorded, a record of another reference profile;
- with ``--release``: a reference ``profile.json`` whose numbers were edited (and the
  record monitored or sealed against it), or whose source data changed or is gone (it
  cannot be recomputed).

Passes:
- no ``monitoring.json``; or every window is as ``cardgate monitor`` wrote it, and
  (``--release``) the reference profile is as ``cardgate profile`` computes it from its
  sources (a table's profile is not read again).

Remediation:
Never edit ``monitoring.json``: restore it from version control and run ``cardgate
monitor`` again on the windows' data; then have the roles sign again. After a new
evaluation, move the old record away (keep it in version control) and monitor the model
now approved. Keep each window's
data where the record says it is: a window that cannot be measured again cannot be
certified by ``--release``; nor can a reference whose data is not where its
``profile.json`` records it, as it was profiled. Never edit ``profile.json``: profile
again (``cardgate profile SYSTEM``) and start a new monitoring record. Name the
reference data in the card (``monitoring.reference``: a file, or a folder of partitions;
or ``monitoring.reference_table``) and profile that; keep a table's
profile's ``profile.sql`` beside ``profile.json``, as ``cardgate profile --table`` wrote
it, and a table's window's ``monitoring-ID.sql`` beside ``monitoring.json``, as
``cardgate monitor --table`` wrote it.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.signoffs import artifact_path, distinguished, json_digest
from cardgate.evidence.monitoring.artifact import (
    DataRecord,
    MonitoringArtifact,
    recorded_inconsistencies,
)
from cardgate.evidence.monitoring.reference import (
    declared_reference,
    is_declared_source,
    reference_table,
)
from cardgate.gate.context import RuleContext
from cardgate.gate.monitoring import monitoring_record
from cardgate.gate.recompute import recomputed
from cardgate.gate.result import Finding

CODE = "GATE-MON003"
NAME = "monitoring.true"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.4", "GOVERN 1.4"]
ALIASES: list[str] = []
INTEGRITY = True
NEEDS_CARD = True
_SHOWN = 3
# the gate's cache key for the records computed again (one per run), by system id
_RECOMPUTED = CODE + ":recomputed"
_REFERENCES = CODE + ":reference"


def check(ctx: RuleContext) -> Iterator[Finding]:
    system = ctx.system
    # without a card the system has no record to read: `and` would do
    if system is None or ctx.card is None:  # pragma: no mutate
        return
    read = monitoring_record(ctx, system)
    hint = "never edit it: restore it and run cardgate monitor again"
    if read.artifact is None:
        if read.error != "does not exist":
            yield ctx.finding(
                read.relative, f"monitoring record '{read.relative}' {read.error}", hint=hint
            )
        return
    if read.artifact.system != system.id:
        yield ctx.finding(
            read.relative,
            f"{read.relative} records system '{read.artifact.system}', not '{system.id}'",
            hint=hint,
        )
    yield from _of_this_evaluation(ctx, read.relative, read.artifact)
    yield from _reference_declared(ctx, read.relative, read.artifact)
    yield from _reference_query(ctx, read.relative, read.artifact)
    yield from _window_queries(ctx, read.relative, read.artifact)
    found = recorded_inconsistencies(read.artifact, read.data)
    if found:
        shown = "; ".join(found[:_SHOWN]) + (
            f"; and {len(found) - _SHOWN} more" if len(found) > _SHOWN else ""
        )
        yield ctx.finding(
            read.relative,
            f"{read.relative} does not follow from its own numbers (edited by hand?): {shown}",
            hint=hint,
        )
    elif ctx.gate.recompute:
        yield from _recomputed_reference(ctx, read.artifact)
        yield from _recomputed(ctx, read.relative, read.data)
    else:
        yield from _inputs_as_recorded(ctx, read.relative, read.artifact)


def _of_this_evaluation(
    ctx: RuleContext, relative: str, record: MonitoringArtifact
) -> Iterator[Finding]:
    """The record's windows were compared with the evaluation approved now."""
    system, card = ctx.system, ctx.card
    assert system is not None and card is not None  # pragma: no mutate
    path = artifact_path(ctx.workspace, system, card)
    if path is None or not path.is_file():
        return  # no evaluation to compare with: GATE-FA001 reports it
    current = {"path": ctx.workspace.relative(path), "sha256": json_digest(path)}
    approved = record.approved
    if approved is not None and approved.model_dump() == current:
        return
    was = (
        f"{approved.path} as it was then (sha256 {approved.sha256[:12]}…)"
        if approved is not None
        else "no approved evaluation"
    )
    yield ctx.finding(
        relative,
        f"{relative} was monitored against {was}, not {current['path']} as it is now "
        f"(sha256 {current['sha256'][:12]}…): its windows describe an earlier model",
        hint="a new evaluation starts a new record: move monitoring.json away (keep it in "
        f"version control) and run cardgate monitor {system.id} --window FILE on production "
        "data scored by the model now approved",
    )


def _reference_query(
    ctx: RuleContext, relative: str, record: MonitoringArtifact
) -> Iterator[Finding]:
    """A reference profiled from a table: its query file is the one recorded (nothing can
    measure the table again; that file is what the profile rests on)."""
    from cardgate.core.digests import file_sha256
    from cardgate.core.paths import PathEscapeError

    computed = record.reference.computed_by
    if computed is None:
        return
    assert ctx.system is not None  # pragma: no mutate
    table = computed.tables[0].name
    try:
        intact = file_sha256(ctx.workspace.resolve(computed.query)) == computed.query_sha256
    except (OSError, PathEscapeError):
        intact = False
    if intact:
        return
    yield ctx.finding(
        relative,
        f"{relative}: the reference profile {record.reference.profile} was measured from the "
        f"table {table} by the queries recorded in {computed.query} "
        f"(sha256 {computed.query_sha256[:12]}…), which changed or is gone",
        hint=f"restore {computed.query} from version control, or profile the table again "
        f"(cardgate profile {ctx.system.id} --engine spark --table {table}) "
        "and start a new monitoring record",
    )


def _reference_declared(
    ctx: RuleContext, relative: str, record: MonitoringArtifact
) -> Iterator[Finding]:
    """The reference profile is of the data the card names as its reference: the table
    (a table's profile), else the file or the folder's files it was measured from."""
    assert ctx.system is not None and ctx.card is not None  # pragma: no mutate
    reference = record.reference
    declared = declared_reference(ctx.card)
    if reference.computed_by is not None:
        measured = f"the table {reference.computed_by.tables[0].name}"
        if reference.computed_by.tables[0].name == reference_table(ctx.card):
            return
        field, value = "monitoring.reference_table", reference.computed_by.tables[0].name
    else:
        undeclared = [
            source.path
            for source in reference.sources
            if not is_declared_source(ctx.workspace, ctx.card, source.path)
        ]
        if reference.sources and not undeclared:
            return
        measured = ", ".join(undeclared[:_SHOWN]) + (
            f" and {len(undeclared) - _SHOWN} more" if len(undeclared) > _SHOWN else ""
        )
        if not reference.sources:
            measured = "no data it records"
        field, value = "monitoring.reference", (undeclared or ["PATH"])[0]
    named = f"names {declared}" if declared is not None else "names none"
    yield ctx.finding(
        relative,
        f"{relative}: the reference profile {reference.profile} was measured from "
        f"{measured}, which is not the system's reference data: its card {named} "
        "(monitoring.reference or monitoring.reference_table, else the evaluation's "
        "predictions)",
        hint=f"profile the reference the card names (cardgate profile {ctx.system.id}) and "
        "start a new monitoring record; or, if that is the reference data, name it in the "
        f"card ({field}: {value}) and have the card signed again",
    )


def _recomputed_reference(ctx: RuleContext, record: MonitoringArtifact) -> Iterator[Finding]:
    """The reference profile computed again from the files it records (a table's cannot
    be: GATE-MON004 weighs it; an unreadable one: the record's recompute says so)."""
    from cardgate.core.inputs import read_json
    from cardgate.core.paths import PathEscapeError
    from cardgate.evidence.monitoring.profiling import recompute_profile

    assert ctx.system is not None  # pragma: no mutate
    try:
        path = ctx.workspace.resolve(record.reference.profile)
        recorded = read_json(path)
    except (OSError, ValueError, PathEscapeError):
        return
    if not isinstance(recorded, dict) or "computed_by" in recorded:
        return
    relative = ctx.gate.relative(path)
    subject = recorded.get("subject", ctx.system.id)
    yield from recomputed(
        ctx,
        _REFERENCES,  # pragma: no mutate (any key unique in the cache would do)
        relative,
        recorded,
        lambda: recompute_profile(ctx.workspace, path),
        command=f"cardgate profile {subject}, start a new record with cardgate monitor",
        restore=f"restore the data {relative} records as its sources, or profile again "
        f"(cardgate profile {subject}) and start a new record with cardgate monitor",
    )


def _window_queries(
    ctx: RuleContext, relative: str, record: MonitoringArtifact
) -> Iterator[Finding]:
    """A window measured from a table: its query file is the one recorded (`--release`
    cannot measure it again; that file is what its numbers rest on)."""
    from cardgate.core.digests import file_sha256
    from cardgate.core.paths import PathEscapeError

    assert ctx.system is not None  # pragma: no mutate
    for window in record.windows:
        computed = window.computed_by
        if computed is None:
            continue
        try:
            intact = file_sha256(ctx.workspace.resolve(computed.query)) == computed.query_sha256
        except (OSError, PathEscapeError):
            intact = False
        if intact:
            continue
        table = computed.tables[0].name
        yield ctx.finding(
            relative,
            f"{relative}: window '{window.id}' was measured from the table {table} by the "
            f"queries recorded in {computed.query} (sha256 {computed.query_sha256[:12]}…), "
            "which changed or is gone",
            hint=f"restore {computed.query} from version control, or monitor the table again "
            f"as a new window (cardgate monitor {ctx.system.id} --engine spark --table {table} "
            "--end DATE) in a new monitoring record",
        )


def _recomputed(ctx: RuleContext, relative: str, recorded: object) -> Iterator[Finding]:
    from cardgate.evidence.monitoring.run import recompute_monitoring

    assert ctx.system is not None  # pragma: no mutate
    system_id = ctx.system.id
    yield from recomputed(
        ctx,
        _RECOMPUTED,  # pragma: no mutate (any key unique in the cache would do)
        relative,
        recorded,
        lambda: recompute_monitoring(ctx.workspace, system_id),
        command=f"cardgate monitor {system_id} --window …",
        restore="restore each window's data where monitoring.json records it, or start a "
        "new record with cardgate monitor",
    )


def _inputs_as_recorded(
    ctx: RuleContext, relative: str, record: MonitoringArtifact
) -> Iterator[Finding]:
    """Without --release (nothing is measured again): each file the record rests on — the
    reference profile, its sources, every window's data — is still the one whose SHA-256
    it records. A warning, as a changed predictions file is GATE-FA002's without
    --release; --release measures the record again and blocks on any difference."""
    from cardgate.core.digests import canonical_sha256
    from cardgate.core.inputs import read_json
    from cardgate.core.paths import PathEscapeError

    assert ctx.system is not None  # pragma: no mutate
    hint = (
        "restore the data the record names as it was measured, or start a new record "
        f"(cardgate monitor {ctx.system.id} --window FILE)"
    )
    reference = record.reference
    try:
        now: str | None = canonical_sha256(read_json(ctx.workspace.resolve(reference.profile)))
    except (OSError, ValueError, PathEscapeError):
        now = None
    checked = [(f"the reference profile {reference.profile}", reference.sha256, now)]
    sources = [(f"the reference data {s.path}", s) for s in reference.sources]
    sources += [
        (f"the data of window '{w.id}' ({w.data.path})", w.data) for w in record.windows if w.data
    ]
    checked += [(what, data.sha256, _data_sha256(ctx, data)) for what, data in sources]
    for what, recorded, found in checked:
        if found == recorded:
            continue
        if found is None:
            change = "which does not exist or cannot be read: --release cannot measure it again"
        else:
            was, is_now = distinguished(recorded, found)
            change = f"which changed since (recorded sha256 {was}, now {is_now})"
        yield ctx.finding(
            relative,
            f"{relative} is stale: it rests on {what}, {change}",
            hint=hint,
            severity=Severity.WARNING,
        )


def _data_sha256(ctx: RuleContext, data: DataRecord) -> str | None:
    """The data file's SHA-256 (a Delta table's: of every file of its folder), as
    `cardgate monitor` records it; None when it cannot be read."""
    from cardgate.core.digests import file_sha256, inputs_sha256
    from cardgate.core.paths import PathEscapeError

    try:
        path = ctx.workspace.resolve(data.path)
        if path.is_dir():
            return inputs_sha256(ctx.workspace.root, [data.path])[0]
        return file_sha256(path)
    except (OSError, PathEscapeError):
        return None
