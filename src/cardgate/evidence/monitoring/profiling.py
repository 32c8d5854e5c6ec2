"""`cardgate profile` as a call on a loaded workspace: the reference profile of a
dataset (typed by its contract) or of a system (its reference data, typed by its card),
partitions merged, written beside the datasheet or card; and a profile computed again
from the files it records, for `gate --release`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.paths import PathEscapeError
from cardgate.documents.located import located, located_in
from cardgate.documents.schemas.contract import NUMERIC_TYPES, TEMPORAL_TYPES, DataContract
from cardgate.documents.schemas.evaluation import ComputedBy
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.evidence.datacheck.run import contract_file, dataset_contract
from cardgate.evidence.datacheck.source import data_sha256, open_source, require_given
from cardgate.evidence.evaluation.delta_table import check_unchanged, is_delta_table
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import (
    PROFILE_FILE,
    Kind,
    Profile,
    SourceRecord,
    check_profile_target,
    merge,
    read_profile,
    write_profile,
)
from cardgate.evidence.monitoring.reference import (
    check_reference_table,
    reference_files,
    reference_table,
)


@dataclass
class ProfileRun:
    profile: Profile
    path: Path


def recorded_path(workspace: Workspace, path: Path) -> str:
    """`path` as an artifact records it: workspace-relative, else its name."""
    try:
        return path.resolve().relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        return path.name


def _profile_files(
    workspace: Workspace,
    subject: str,
    files: list[Path],
    kinds: dict[str, Kind],
    columns: list[str] | None,
    memory_limit: str | None,
    engine: str,
    master: str | None,
    exclude: list[str],
    *,
    expected: dict[str, str] | None = None,
) -> Profile:
    """The profile of `files` (a Delta table's folder among them: its version), merged;
    `exclude`: the profile's own path, left out of a table folder's digest; `expected`:
    each file's SHA-256 as the profile records it, by recorded path (a file that changed
    is an InputError, before it is measured)."""
    merged: Profile | None = None
    for path in files:
        source = open_source(path, root=workspace.root)
        digest = data_sha256(source, workspace.root, exclude=exclude)
        if expected is not None:
            _same_digest(recorded_path(workspace, path), expected, digest)
        version = str(source.table.version) if source.table is not None else None
        record = SourceRecord(recorded_path(workspace, path), digest, 0, source.suffix, version)
        profile = measure_profile(
            source,
            subject=subject,
            recorded=record,
            kinds=kinds,
            columns=columns,
            memory_limit=memory_limit,
            engine=engine,
            master=master,
        )
        if source.table is not None:
            check_unchanged(source.path, source.display, source.table.version)
        merged = profile if merged is None else merge(merged, profile)
    assert merged is not None
    return merged


def _same_digest(recorded: str, expected: dict[str, str], digest: str) -> None:
    was = expected.get(recorded)
    if was != digest:
        raise InputError(
            f"its source '{recorded}' changed since it was profiled "
            f"(sha256 {(was or '?')[:12]}…, now {digest[:12]}…)",
            hint="restore the data the profile records, or profile again and start a new "
            "monitoring record",
        )


def recompute_profile(workspace: Workspace, path: Path) -> dict[str, Any]:
    """The profile at `path` computed again, in memory, writing nothing, from the files it
    records (each still the file whose SHA-256 it records) with the settings `cardgate
    profile` uses for its subject, by DuckDB: its JSON data, to be compared with the
    committed one (`gate --release`: a reference forged to look like production must not
    pass). Raises `InputError` when it cannot be: a source gone, outside the workspace or
    changed, a subject the workspace does not hold, or a table's profile (`computed_by`:
    nothing can read the table again). Its messages name the source, not the profile."""
    profile = read_profile(path)
    if profile.computed_by is not None:
        raise InputError("it is a table's profile: the table cannot be read again")
    if not profile.sources:
        raise InputError("it records no source file to profile again")
    kinds, columns = _subject_settings(workspace, profile.subject)
    files = []
    for source in profile.sources:
        try:
            file = workspace.resolve(source.path)
        except PathEscapeError as escape:
            raise InputError(f"its source '{source.path}' is outside the workspace") from escape
        if not file.is_file() and not is_delta_table(file):
            raise InputError(f"its source '{source.path}' is gone")
        files.append(file)
    again = _profile_files(
        workspace,
        profile.subject,
        files,
        kinds,
        columns,
        None,
        "duckdb",
        None,
        [workspace.relative(path)],
        expected={source.path: source.sha256 for source in profile.sources},
    )
    return again.as_dict()


def _subject_settings(
    workspace: Workspace, subject: str
) -> tuple[dict[str, Kind], list[str] | None]:
    """The kinds and columns `cardgate profile` gives `subject` (a system's, else a
    dataset's)."""
    system = workspace.systems.get(subject)
    if system is not None and system.model_card is not None:
        return system_kinds(system.model_card), None
    if subject in workspace.datasets:
        contract, _, _ = dataset_contract(workspace, subject)
        return contract_kinds(contract)
    raise InputError(f"its subject '{subject}' is no system or dataset of the workspace")


def _profile_table(
    workspace: Workspace,
    subject: str,
    table: str,
    target: Path,
    *,
    kinds: dict[str, Kind],
    columns: list[str] | None,
    declared: ComputedBy | None,
    master: str | None,
) -> Profile:
    """The profile of the Spark catalog table `table` (`spark_table`), written with the
    statements Spark ran beside the profile at `target` (both checked before Spark runs;
    `declared`: the subject's document's computation, whose version of `table` is
    recorded when it declares Spark's computation from that table)."""
    from cardgate.evidence.evaluation.spark_table import spark_computed
    from cardgate.evidence.monitoring.spark_table import (
        QUERY_FILE,
        check_query_target,
        measure_table_profile,
        write_query,
    )

    query_path = target.parent / QUERY_FILE
    check_query_target(query_path, within=workspace.root)
    version = declared.tables[0].version if declared and spark_computed(declared, table) else None
    profile, text = measure_table_profile(
        table,
        subject=subject,
        kinds=kinds,
        columns=columns,
        version=version,
        query_path=query_path,
        recorded=recorded_path(workspace, query_path),
        master=master,
    )
    write_query(query_path, text, within=workspace.root)
    write_profile(target, profile, within=workspace.root)
    return profile


def contract_kinds(contract: DataContract) -> tuple[dict[str, Kind], list[str]]:
    """Each contract column's kind, and the columns profiled (dates are not)."""
    kinds: dict[str, Kind] = {}
    for column in contract.columns:
        if column.type in TEMPORAL_TYPES:
            continue
        kinds[column.name] = "numeric" if column.type in NUMERIC_TYPES else "categorical"
    return kinds, list(kinds)


def profile_dataset(
    workspace: Workspace,
    dataset: str,
    *,
    data: list[Path] | None = None,
    memory_limit: str | None = None,
    engine: str = "duckdb",
    master: str | None = None,
    table: str | None = None,
) -> ProfileRun:
    """Profile a dataset's data file (or `data`, partitions merged; or the Spark catalog
    table `table`) into profile.json beside its datasheet, typed by its contract.
    `engine`, `master`: `measure.measure_profile`."""
    contract, folder, _ = dataset_contract(workspace, dataset)
    require_given(data or [], "--data")
    target = folder / PROFILE_FILE
    kinds, columns = contract_kinds(contract)
    if table is not None:
        check_profile_target(target, within=workspace.root)
        declared = contract.computed_by
        profile = _profile_table(
            workspace,
            dataset,
            table,
            target,
            kinds=kinds,
            columns=columns,
            declared=declared,
            master=master,
        )
        return ProfileRun(profile, target)
    files = data or []
    if not files:
        files = [_contract_file(workspace, dataset, contract)]
    check_profile_target(target, within=workspace.root)
    profile = _profile_files(
        workspace,
        dataset,
        files,
        kinds,
        columns,
        memory_limit,
        engine,
        master,
        [workspace.relative(target)],
    )
    write_profile(target, profile, within=workspace.root)
    return ProfileRun(profile, target)


def _contract_file(workspace: Workspace, dataset: str, contract: DataContract) -> Path:
    """The data file a dataset's contract names, to profile (not statistics)."""
    if contract.format == "statistics":
        raise located(
            workspace.datasets[dataset].sheet,
            ConfigurationError(
                "the contract's data is statistics computed elsewhere, not rows to profile",
                hint="profile the table they were computed from: cardgate profile "
                f"{dataset} --engine spark --table NAME, or pass --data PATH",
                at=("contract", "format"),
            ),
        )
    return contract_file(workspace, dataset, contract)


def system_card(workspace: Workspace, system_id: str) -> tuple[SystemDocs, ModelCard]:
    from cardgate.evidence.evaluation.run import system_settings

    system = workspace.systems.get(system_id)
    if system is not None and system.model_card is not None:
        return system, system.model_card
    system_settings(workspace, system_id)  # raises the message that says what is wrong
    raise ConfigurationError(f"system '{system_id}' has no usable model card")


def system_kinds(card: ModelCard) -> dict[str, Kind]:
    """The card's label, prediction and sensitive columns are categorical, its score
    numeric; the other columns are inferred."""
    kinds: dict[str, Kind] = {}
    evaluation = card.evaluation
    if evaluation is not None:
        for name in (evaluation.label_column, evaluation.prediction_column):
            if name:
                kinds[name] = "categorical"
        for name in evaluation.sensitive_features:
            kinds[name] = "categorical"
        if evaluation.score_column:
            kinds[evaluation.score_column] = "numeric"
    return kinds


def profile_system(
    workspace: Workspace,
    system_id: str,
    *,
    data: list[Path] | None = None,
    memory_limit: str | None = None,
    engine: str = "duckdb",
    master: str | None = None,
    table: str | None = None,
) -> ProfileRun:
    """Profile a system's reference data (the plan's `reference`, else the evaluation's
    predictions; or `data`, partitions merged; or the Spark catalog table `table`) into
    profile.json beside its card."""
    system, card = system_card(workspace, system_id)
    require_given(data or [], "--data")
    target = system.folder / PROFILE_FILE
    check_profile_target(target, within=workspace.root)
    if table is None and data is None and engine == "spark":
        table = reference_table(card)
    if table is not None:
        with located_in(system.card):
            check_reference_table(card, table)
        evaluation = card.evaluation
        profile = _profile_table(
            workspace,
            system_id,
            table,
            target,
            kinds=system_kinds(card),
            columns=None,
            declared=evaluation.predictions.computed_by if evaluation is not None else None,
            master=master,
        )
        return ProfileRun(profile, target)
    if not data:
        with located_in(system.card):
            data = reference_files(workspace, system, card)
    profile = _profile_files(
        workspace,
        system_id,
        data,
        system_kinds(card),
        None,
        memory_limit,
        engine,
        master,
        [workspace.relative(target)],
    )
    write_profile(target, profile, within=workspace.root)
    return ProfileRun(profile, target)
