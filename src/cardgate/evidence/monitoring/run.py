"""`cardgate monitor` as a call on a loaded workspace: find the reference profile, the
plan and the approved evaluation, measure each window and write the record; and the
record computed again for `gate --release`. (`cardgate profile`: `profiling`.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cardgate.core.digests import canonical_sha256
from cardgate.core.errors import CardgateError, ConfigurationError, InputError
from cardgate.core.files import locked
from cardgate.core.paths import PathEscapeError, display_path
from cardgate.documents.located import located_in
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.datacheck.run import dataset_contract
from cardgate.evidence.datacheck.source import data_sha256, open_source, require_given
from cardgate.evidence.evaluation.delta_table import is_delta_table, latest_version
from cardgate.evidence.monitoring.artifact import (
    MONITORING_FILE,
    MONITORING_KIND,
    MONITORING_SCHEMA_VERSION,
    check_monitoring_target,
    load_monitoring,
    write_monitoring,
)
from cardgate.evidence.monitoring.decide import DEFAULT_THRESHOLDS, DriftSettings
from cardgate.evidence.monitoring.naming import window_end, window_id
from cardgate.evidence.monitoring.profile import (
    PROFILE_FILE,
    Profile,
    read_profile,
)
from cardgate.evidence.monitoring.profiling import recorded_path, system_card
from cardgate.evidence.monitoring.window import WindowInput, window_entry


def drift_settings(card: ModelCard) -> DriftSettings:
    """The plan's thresholds over the defaults."""
    plan = card.monitoring.drift if card.monitoring is not None else None
    settings = DriftSettings()
    if plan is None:
        return settings
    thresholds = dict(DEFAULT_THRESHOLDS)
    for name in thresholds:
        value = getattr(plan, name)
        if value is not None:
            thresholds[name] = float(value)
    return DriftSettings(
        thresholds,
        plan.fdr if plan.fdr is not None else settings.fdr,
        plan.min_rows if plan.min_rows is not None else settings.min_rows,
        plan.tolerance if plan.tolerance is not None else settings.tolerance,
    )


@dataclass
class MonitorRun:
    system: str
    path: Path
    added: list[dict[str, Any]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    windows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def breached(self) -> list[dict[str, Any]]:
        return [w for w in self.added if w["breaches"]]


@dataclass(frozen=True)
class _Baseline:
    """What every window of a system is measured against: the reference profile, the
    plan's drift settings, the approved evaluation and the monitored dataset's contract."""

    system: SystemDocs
    card: ModelCard
    reference_path: Path
    reference: Profile
    settings: DriftSettings
    approved: Any
    approved_record: dict[str, str] | None
    contract: DataContract | None

    def entry(
        self,
        item: WindowInput,
        memory_limit: str | None = None,
        engine: str = "duckdb",
        master: str | None = None,
    ) -> dict[str, Any]:
        return window_entry(
            item,
            self.reference,
            self.settings,
            evaluation=self.card.evaluation,
            approved=self.approved,
            contract=self.contract,
            memory_limit=memory_limit,
            engine=engine,
            master=master,
        )


def _baseline(workspace: Workspace, system_id: str, profile: Path | None) -> _Baseline:
    system, card = system_card(workspace, system_id)
    reference_path = profile or system.folder / PROFILE_FILE
    approved, approved_record = _approved(workspace, system, card)
    return _Baseline(
        system,
        card,
        reference_path,
        read_profile(reference_path),
        drift_settings(card),
        approved,
        approved_record,
        _contract(workspace, card),
    )


def monitor_system(
    workspace: Workspace,
    system_id: str,
    windows: list[Path],
    *,
    ends: list[str] | None = None,
    profile: Path | None = None,
    memory_limit: str | None = None,
    engine: str = "duckdb",
    master: str | None = None,
    table: str | None = None,
) -> MonitorRun:
    """Monitor each window against the system's reference profile; append the entries
    to monitoring.json beside the card (all or none: written once, at the end).
    `engine`, `master`: `window.window_entry`'s. `table`: the one window is the Spark
    catalog table of that name, ending on the one `ends` (`window_table`)."""
    baseline = _baseline(workspace, system_id, profile)
    system = baseline.system
    if table is not None:
        return _monitor_table(workspace, baseline, table, (ends or [""])[0], master)
    if ends and len(ends) != len(windows):
        raise ConfigurationError(
            f"{len(ends)} --end for {len(windows)} --window", hint="give one --end per --window"
        )
    require_given(windows, "--window")
    target = system.folder / MONITORING_FILE
    check_monitoring_target(target, within=workspace.root)
    inputs = [
        WindowInput(
            path,
            window_id(path),
            window_end(path, ends[i] if ends else None),
            recorded_path(workspace, path),
            workspace.root,
        )
        for i, path in enumerate(windows)
    ]
    seen: set[str] = set()
    for item in inputs:
        if item.id in seen:
            raise ConfigurationError(f"two windows are named '{item.id}'")
        seen.add(item.id)
    recorded = _recorded_windows(target)
    with located_in(system.card):  # a setting of the card a window cannot meet
        entries = [
            _already(recorded, item, baseline.settings)
            or baseline.entry(item, memory_limit, engine, master)
            for item in inputs
        ]
    with locked(system.folder):
        return _append(workspace, system_id, target, baseline, entries)


def _monitor_table(
    workspace: Workspace, baseline: _Baseline, table: str, end: str, master: str | None
) -> MonitorRun:
    """The window measured by Spark from the catalog table `table` (`window_table`): its
    entry appended, the statements Spark ran written beside monitoring.json (both checked
    before Spark runs; the query file written only when the record is)."""
    from cardgate.evidence.monitoring import window_table as wt

    system = baseline.system
    target = system.folder / MONITORING_FILE
    check_monitoring_target(target, within=workspace.root)
    last = window_end(Path(table), end)
    name = wt.table_window_id(table, last)
    query_path = wt.query_file(system.folder, name)
    wt.check_query_target(query_path, within=workspace.root)
    item = wt.TableWindow(table, name, last, query_path, recorded_path(workspace, query_path))
    entry, text = wt.table_window_entry(
        item,
        baseline.reference,
        baseline.settings,
        evaluation=baseline.card.evaluation,
        approved=baseline.approved,
        contract=baseline.contract,
        master=master,
    )
    with locked(system.folder):
        return _append(
            workspace,
            system.id,
            target,
            baseline,
            [entry],
            on_write=lambda: wt.write_query(query_path, text, within=workspace.root),
        )


def recompute_monitoring(workspace: Workspace, system_id: str) -> dict[str, Any]:
    """The system's monitoring record computed again, in memory, writing nothing.

    For `gate --release` (a record whose numbers were forged together with their digests
    must not pass): every recorded window measured again from the data file it records,
    against the reference profile and approved evaluation the record names, with the
    card's plan — the computation `cardgate monitor` runs — and returned as the record's
    JSON data, to be compared with the committed one. Raises `InputError` when the record
    or a window's data cannot be used (a window whose data is gone cannot be certified).
    """
    system, _ = system_card(workspace, system_id)
    target = system.folder / MONITORING_FILE
    model, data, error = load_monitoring(target)
    if model is None:
        raise InputError(f"{display_path(target)}: {error}")
    try:
        profile = workspace.resolve(data["reference"]["profile"])
    except PathEscapeError as escape:
        raise InputError(f"{display_path(target)}: reference.profile: {escape}") from escape
    baseline = _baseline(workspace, system_id, profile)
    entries = []
    for window, raw in zip(model.windows, data["windows"], strict=True):
        if window.computed_by is not None:
            # a catalog table cannot be read again: its entry stands as recorded (its
            # digest, decider and query file are checked on every run, GATE-MON003)
            entries.append(raw)
            continue
        assert window.data is not None  # pragma: no mutate (the model: data or computed_by)
        try:
            path = workspace.resolve(window.data.path)
        except PathEscapeError as escape:
            raise InputError(
                f"window '{window.id}': its data '{window.data.path}' is outside the workspace"
            ) from escape
        if not path.is_file() and not is_delta_table(path):
            raise InputError(f"window '{window.id}': its data '{window.data.path}' is gone")
        if window.data.version is not None:
            _same_version(path, window.id, window.data.path, window.data.version)
        item = WindowInput(path, window.id, window.end, window.data.path, workspace.root)
        entries.append(baseline.entry(item))
    return _record(workspace, system_id, baseline, sorted(entries, key=_order))


def _same_version(path: Path, window: str, recorded: str, version: str) -> None:
    """`InputError` unless the Delta table at `path` is still at the `version` the window
    recorded: a later commit is data the window was not measured on (fail closed, as
    GATE-DC002 holds a data check of an earlier version stale)."""
    latest = latest_version(path, recorded)
    if str(latest) != version:
        raise InputError(
            f"window '{window}': the Delta table '{recorded}' is at version {latest}, not "
            f"version {version} it was monitored at",
            hint="a window is measured on the snapshot it recorded: restore the table, or "
            "monitor the new data as a new window",
        )


def _order(entry: dict[str, Any]) -> tuple[str, str]:
    return entry["end"], entry["id"]


def _recorded_windows(target: Path) -> dict[str, dict[str, Any]]:
    """The windows already recorded (none when the record is absent or unusable: `_append`
    reports that)."""
    if not target.exists():
        return {}
    model, data, _ = load_monitoring(target)
    return {} if model is None else {entry["id"]: entry for entry in data["windows"]}


def _already(
    recorded: dict[str, dict[str, Any]], item: WindowInput, settings: DriftSettings
) -> dict[str, Any] | None:
    """The recorded entry of the same window (id, end, data file, settings): not
    computed again."""
    entry = recorded.get(item.id)
    if entry is None or entry["end"] != item.end.isoformat() or "data" not in entry:
        return None
    if entry["settings"] != settings.as_dict() or entry["data"]["path"] != item.recorded_path:
        return None
    try:
        digest = data_sha256(open_source(item.path, root=item.root), item.root)
    except CardgateError:
        return None  # measured afresh, which reports why it cannot be read
    return entry if entry["data"]["sha256"] == digest else None


def _record(
    workspace: Workspace, system_id: str, baseline: _Baseline, windows: list[dict[str, Any]]
) -> dict[str, Any]:
    """The monitoring record: its header (what the windows were measured against) and
    its windows."""
    profile = baseline.reference.as_dict()
    # a table's profile: what it was computed from and how much that is worth (GATE-MON004)
    external = {key: profile[key] for key in ("computed_by", "evidence") if key in profile}
    return {
        "artifact": MONITORING_KIND,
        "schema_version": MONITORING_SCHEMA_VERSION,
        "system": system_id,
        "reference": {
            "profile": recorded_path(workspace, baseline.reference_path),
            "sha256": canonical_sha256(profile),
            "rows": profile["rows"],
            "sources": profile["sources"],
            **external,
        },
        "approved": baseline.approved_record,
        "windows": windows,
    }


def _append(
    workspace: Workspace,
    system_id: str,
    target: Path,
    baseline: _Baseline,
    entries: list[dict[str, Any]],
    on_write: Callable[[], None] | None = None,
) -> MonitorRun:
    """Append `entries` to the record at `target` (`on_write`: called just before the record
    is written, once nothing can refuse it)."""
    header = _record(workspace, system_id, baseline, [])
    existing: list[dict[str, Any]] = []
    if target.exists():
        model, data, error = load_monitoring(target)
        if model is None:
            raise InputError(
                f"{display_path(target)}: {error}",
                hint="it is written by cardgate monitor only: restore it from version control",
            )
        if {k: data.get(k) for k in ("reference", "approved")} != {
            k: header[k] for k in ("reference", "approved")
        }:
            raise InputError(
                f"{display_path(target)}: its windows were monitored against another reference "
                "profile or approved evaluation",
                hint="a new baseline starts a new record: move the old monitoring.json away "
                "(keep it in version control) and monitor again",
            )
        existing = list(data["windows"])
    run = MonitorRun(system_id, target)
    by_id = {entry["id"]: entry for entry in existing}
    for entry in entries:
        before = by_id.get(entry["id"])
        if before is None:
            by_id[entry["id"]] = entry
            run.added.append(entry)
        elif before["digest"] == entry["digest"]:
            run.unchanged.append(entry["id"])
        else:
            raise InputError(
                f"{display_path(target)}: window '{entry['id']}' is already recorded with "
                "other data or settings",
                hint="a recorded window is never replaced: name the new window differently",
            )
    run.windows = sorted(by_id.values(), key=_order)
    if not run.added:
        return run  # every window already recorded: the record stays as it is
    if on_write is not None:
        on_write()
    write_monitoring(target, {**header, "windows": run.windows}, within=workspace.root)
    return run


def _approved(
    workspace: Workspace, system: SystemDocs, card: ModelCard
) -> tuple[Any, dict[str, str] | None]:
    from cardgate.documents.signoffs import artifact_path, json_digest
    from cardgate.evidence.evaluation.artifact import ArtifactError, read_artifact

    path = artifact_path(workspace, system, card)
    if path is None or not path.is_file():
        return None, None
    try:
        artifact, _ = read_artifact(path)
    except ArtifactError as error:
        raise InputError(
            f"{display_path(path)}: the approved evaluation cannot be read: {error}",
            hint=f"run cardgate evaluate {system.id}",
        ) from error
    return artifact, {"path": workspace.relative(path), "sha256": json_digest(path)}


def _contract(workspace: Workspace, card: ModelCard) -> DataContract | None:
    plan = card.monitoring
    if plan is None or plan.dataset is None:
        return None
    return dataset_contract(workspace, plan.dataset)[0]
