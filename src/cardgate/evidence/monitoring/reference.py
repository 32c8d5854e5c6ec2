"""What a system's card declares as its reference data — the data its windows are
compared with: a file (`monitoring.reference`, else the evaluation's predictions file) or
a Spark catalog table (`monitoring.reference_table`, else the table Spark computed the
evaluation's counts from). `cardgate profile` profiles it; the gate (GATE-MON003)
refuses a reference profiled from other data than the card names."""

from __future__ import annotations

from pathlib import Path

from cardgate.core.errors import ConfigurationError
from cardgate.core.paths import PathEscapeError, display_path
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.workspace import SystemDocs, Workspace


def reference_table(card: ModelCard) -> str | None:
    """The catalog table the card names as its reference data, if any."""
    plan = card.monitoring
    if plan is not None and plan.reference is not None:
        return None  # a file, named explicitly
    if plan is not None and plan.reference_table is not None:
        return plan.reference_table
    evaluation = card.evaluation
    computed = evaluation.predictions.computed_by if evaluation is not None else None
    if computed is not None and computed.engine == "spark" and len(computed.tables) == 1:
        return computed.tables[0].name
    return None


def reference_at(card: ModelCard) -> DataPath:
    """Where the card names its reference data: the data path errors about it point at."""
    plan = card.monitoring
    if plan is not None and plan.reference is not None:
        return ("monitoring", "reference")
    if plan is not None and plan.reference_table is not None:
        return ("monitoring", "reference_table")
    evaluation = card.evaluation
    if evaluation is None:
        return ("monitoring",)
    if reference_table(card) is not None:
        return ("evaluation", "predictions", "computed_by")
    return ("evaluation", "predictions", "path")


def declared_reference(card: ModelCard) -> str | None:
    """The card's reference data as it names it — its table, else the workspace-relative
    path of its file or folder — or None when it names none."""
    table = reference_table(card)
    if table is not None:
        return table
    plan = card.monitoring
    if plan is not None and plan.reference:
        return plan.reference
    evaluation = card.evaluation
    return evaluation.predictions.path if evaluation is not None else None


def is_declared_source(workspace: Workspace, card: ModelCard, path: str) -> bool:
    """Whether the workspace-relative `path` a profile records as its source is the file
    (or Delta table's folder) the card names as its reference data, or a file in the
    folder it names."""
    declared = declared_reference(card)
    if declared is None or reference_table(card) is not None:
        return False
    try:
        named, source = workspace.resolve(declared), workspace.resolve(path)
    except PathEscapeError:
        return False
    return source == named or named in source.parents


_DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq")


def reference_files(workspace: Workspace, system: SystemDocs, card: ModelCard) -> list[Path]:
    """The files the card names as its reference data: its file, or Delta table's
    folder; or, for a plain folder of partitions, every data file under it (sorted; not
    hidden, nor Spark's `_SUCCESS`-style markers, nor links)."""
    path = reference_file(workspace, system, card)
    if not path.is_dir() or (path / "_delta_log").is_dir():
        return [path]
    files = sorted(
        (
            found
            for found in path.rglob("*")
            if found.name.lower().endswith(_DATA_SUFFIXES)
            and not any(part.startswith((".", "_")) for part in found.relative_to(path).parts)
            and not found.is_symlink()
            and found.is_file()
        ),
        key=lambda found: found.relative_to(path).as_posix(),
    )
    if not files:
        raise ConfigurationError(
            f"the reference folder {display_path(path)} holds no data file",
            hint="put the reference's .csv, .csv.gz or .parquet partitions in it, or name "
            "a file (monitoring.reference)",
            at=reference_at(card),
        )
    return files


def reference_file(workspace: Workspace, system: SystemDocs, card: ModelCard) -> Path:
    """The file (or folder) the card names as its reference data. Errors carry the data
    path of the card field that names it (`reference_at`)."""
    at = reference_at(card)
    table = reference_table(card)
    if table is not None:
        raise ConfigurationError(
            f"the reference data is the Spark table {table}",
            hint=f"cardgate profile {system.id} --engine spark (or --data FILE to profile "
            "files instead)",
            at=at,
        )
    relative = declared_reference(card)
    if relative is None:
        raise ConfigurationError(
            "no reference data: set monitoring.reference",
            hint="the file of features, predictions and outcomes the system was approved on",
            at=at,
        )
    try:
        return workspace.resolve(relative)
    except PathEscapeError as error:
        raise ConfigurationError(f"{'.'.join(map(str, at))}: {error}", at=at) from error


def check_reference_table(card: ModelCard, table: str) -> None:
    """`ConfigurationError` unless `table` is the reference table the card names."""
    declared = reference_table(card)
    if declared == table:
        return
    named = f"names {declared}" if declared is not None else "names no table"
    raise ConfigurationError(
        f"the table {table} is not the system's reference data: its card {named}",
        hint=f"declare it (monitoring.reference_table: {table}) and have the card signed "
        "again, or profile the reference the card names",
        at=reference_at(card),
    )
