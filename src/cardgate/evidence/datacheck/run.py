"""`cardgate check-data` as one call: find the contract and the file, measure, judge, record.

The dataset's committed ``data-check.json`` records a check of the data its datasheet
pins (``contract.path``): the gate and the sign-offs rely on it. A check of another file
(``--data`` naming a file other than ``contract.path``) is reported and written only
where ``--out`` says, never over the committed artifact. When the contract names no
file, ``--data`` is how the data is named, and its check is the dataset's.
"""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from cardgate.core.errors import CardgateError, ConfigurationError, InputError, UsageError
from cardgate.core.inputs import IN_MEMORY_BYTES
from cardgate.core.paths import PathEscapeError, display_path, written_from
from cardgate.documents.located import located_in
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.artifact import (
    artifact_path,
    build_artifact,
    check_artifact_target,
    write_artifact,
)
from cardgate.evidence.datacheck.clauses import Violation, evaluate
from cardgate.evidence.datacheck.source import (
    DataSource,
    data_sha256,
    open_source,
    require_utf8,
)
from cardgate.evidence.datacheck.stats import TableStats
from cardgate.evidence.evaluation.delta_table import check_unchanged

Engine = Literal["auto", "pandas", "duckdb", "spark"]
ENGINES: tuple[Engine, ...] = typing.get_args(Engine)
Measured = Literal["pandas", "duckdb", "spark", "elsewhere"]
"""Who measured: an engine, or the warehouse whose statistics the contract names."""
_COMPUTED_BY = ("contract", "computed_by")

AUTO_DUCKDB_BYTES = 512 * 1024 * 1024
"""`auto` streams files larger than this through DuckDB instead of loading them (or than
$CARDGATE_MAX_IN_MEMORY_BYTES when lower), decompressed size included."""


@dataclass
class DataCheckResult:
    """What one check found, and the artifact that records it."""

    dataset: str
    source: DataSource
    engine: Measured
    table: TableStats
    violations: list[Violation]
    artifact: dict[str, Any]
    artifact_path: Path | None
    """Where the artifact was written; None when it was not (a check of other data)."""
    pinned: Path | None = None
    """The data the datasheet pins (``contract.path``), when the check was of another
    file: the dataset's committed artifact (`committed`) was left as it was."""
    committed: Path | None = None
    """The dataset's data-check.json, beside its datasheet."""

    @property
    def passed(self) -> bool:
        return not self.violations

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    @property
    def artifact_display(self) -> str | None:
        return display_path(self.artifact_path) if self.artifact_path is not None else None


def dataset_contract(workspace: Workspace, dataset: str) -> tuple[DataContract, Path, str]:
    """The contract of `dataset`, its datasheet's folder and display path (config errors)."""
    docs = workspace.datasets.get(dataset)
    if docs is None:
        match = difflib.get_close_matches(dataset, list(workspace.datasets), n=1, cutoff=0.6)
        known = ", ".join(sorted(workspace.datasets)) or "none"
        raise ConfigurationError(
            f"unknown dataset '{dataset}'",
            hint=f"did you mean '{match[0]}'?" if match else f"datasets here: {known}",
        )
    sheet = docs.datasheet
    shown = display_path(docs.folder / "datasheet.yaml")
    if sheet is None:
        raise ConfigurationError(
            f"{shown}: the datasheet has problems", hint="run 'cardgate validate' and fix them"
        )
    if sheet.contract is None:
        raise ConfigurationError(
            f"{shown}: the datasheet has no 'contract:'",
            hint="describe the data file's columns under 'contract:' "
            "(see 'cardgate new datasheet')",
        )
    return sheet.contract, docs.folder, shown


def check_dataset(
    workspace: Workspace,
    dataset: str,
    *,
    today: dt.date,
    data: Path | None = None,
    engine: Engine = "auto",
    memory_limit: str | None = None,
    master: str | None = None,
    table: str | None = None,
    out: Path | None = None,
) -> DataCheckResult:
    """Check the dataset's data file against its contract and write `data-check.json`.

    `data` (the user's own choice on the command line) overrides `contract.path`, which
    is resolved against the datasheet's folder and confined to the workspace; a file
    other than `contract.path` is checked and reported, and its artifact written only to
    `out` (never over the dataset's `data-check.json`: the gate and the sign-offs rely on
    it recording the pinned data). `out` writes the artifact there instead of beside the
    datasheet. `table` (with `engine` "spark"): first compute the contract's statistics
    from that Spark catalog table (`spark_table`), then check them.
    Raises ConfigurationError (exit 2), UsageError (exit 2: `out` is the committed
    artifact for other data) or InputError (exit 1, file unusable); a file that breaks
    the contract is not an error but a result with violations.
    """
    contract, folder, shown = dataset_contract(workspace, dataset)
    committed = artifact_path(folder)
    pinned = _pinned_other_than(workspace, dataset, contract, data)
    target = out.absolute() if out is not None else None if pinned is not None else committed
    within = workspace.root
    if target is not None and out is not None:
        if pinned is not None and _same_file(target, committed):
            raise UsageError(
                f"--out {display_path(out)} is the committed data-check artifact of "
                f"'{dataset}', and {display_path(data) if data is not None else '--data'} is "
                f"not the data its datasheet pins ({shown}: contract.path {contract.path})",
                hint="write the check of other data elsewhere, or check the pinned data "
                "(drop --data), or change contract.path in a reviewed change",
            )
        within = workspace.root if target.is_relative_to(workspace.root) else target.parent
    if target is not None:
        check_artifact_target(target, within=within)  # before the work, not after
    if table is not None:
        from cardgate.evidence.datacheck.spark_table import write_table_statistics

        if engine != "spark" or data is not None or memory_limit is not None:
            raise ConfigurationError(
                "--table goes with --engine spark, without --data or --memory-limit"
            )
        with located_in(workspace.datasets[dataset].sheet):
            write_table_statistics(
                contract,
                root=workspace.root,
                folder=folder,
                dataset=dataset,
                table=table,
                master=master,
            )
        engine, master = "auto", None  # the statistics file is read as any other
    source, chosen, stats, violations, artifact = _measure(
        workspace,
        dataset,
        today=today,
        data=data,
        engine=engine,
        memory_limit=memory_limit,
        master=master,
    )
    if target is not None:
        write_artifact(target, artifact, within=within)
    return DataCheckResult(
        dataset, source, chosen, stats, violations, artifact, target, pinned, committed
    )


def _pinned_other_than(
    workspace: Workspace, dataset: str, contract: DataContract, data: Path | None
) -> Path | None:
    """The file `contract.path` pins when `data` names another one; else None (no
    `--data`, the pinned file itself, or a contract that names no file)."""
    if data is None or contract.path is None:
        return None
    try:
        pinned = contract_file(workspace, dataset, contract)
    except (ConfigurationError, InputError):  # outside the workspace, or not there:
        return workspace.datasets[dataset].folder / contract.path  # --data is not it
    return None if _same_file(data, pinned) else pinned


def _same_file(one: Path, other: Path) -> bool:
    """Whether two paths name the same file (links and `..` resolved; a hard link too)."""
    if one.absolute().resolve() == other.absolute().resolve():
        return True
    try:
        return one.exists() and other.exists() and one.samefile(other)
    except OSError:
        return False


def recompute_data_check(
    workspace: Workspace, dataset: str, *, today: dt.date | None, data: Path | None = None
) -> dict[str, Any]:
    """The dataset's data-check artifact computed again, in memory, writing nothing: for
    `gate --release`, which compares it with the committed one. `data` is the file the
    artifact records (default: the contract's); `today` the reference date it recorded
    (None when its contract has no freshness clause). Raises what `check-data` raises."""
    return _measure(workspace, dataset, today=today or dt.date(1970, 1, 1), data=data)[4]


def _measure(
    workspace: Workspace,
    dataset: str,
    *,
    today: dt.date,
    data: Path | None,
    engine: Engine = "auto",
    memory_limit: str | None = None,
    master: str | None = None,
) -> tuple[DataSource, Measured, TableStats, list[Violation], dict[str, Any]]:
    """Measure the data file against the contract: (source, engine, table, violations,
    artifact data)."""
    contract, folder, shown = dataset_contract(workspace, dataset)
    source = open_source(
        data if data is not None else contract_file(workspace, dataset, contract),
        root=workspace.root,
        option="--data" if data is not None else None,
    )
    digest = data_sha256(
        source, workspace.root, exclude=[workspace.relative(artifact_path(folder))]
    )
    if contract.format != "statistics":
        source.columns()  # each named once, whichever engine reads them
        require_utf8(source, [column.name for column in contract.columns])
    chosen: Measured
    computed_by: dict[str, Any] | None = None
    if contract.format == "statistics":
        if source.table is not None:
            raise ConfigurationError(
                f"{shown}: the contract's file holds statistics computed elsewhere "
                f"(format: statistics), and {source.display} is a Delta table",
                hint="write the statistics query's one row as a .csv or .parquet file",
            )
        if engine != "auto" or memory_limit is not None or master is not None:
            raise ConfigurationError(
                f"{shown}: the contract's file holds statistics computed elsewhere "
                "(format: statistics), not rows for an engine to read",
                hint="drop --engine, --memory-limit and --spark-master (docs/scale.md)",
            )
        from cardgate.evidence.datacheck import statistics_file

        chosen = "elsewhere"
        declared = contract.computed_by
        table = statistics_file.measure(
            source, contract, dialect=declared.engine if declared else "duckdb"
        )
        computed_by = _computed_by_record(workspace, dataset, contract, table.rows)
    elif engine == "auto":
        in_memory = min(AUTO_DUCKDB_BYTES, IN_MEMORY_BYTES.value())
        streamed = memory_limit or source.size > in_memory or source.expanded_size() > in_memory
        # a Parquet file: DuckDB, at every size (measured: benchmarks/README.md, check-data);
        # a Delta table whose reader features the engines cannot apply: delta-rs reads it
        columnar = source.format == "parquet"
        chosen = "duckdb" if (streamed or columnar) and _files_hold(source) else "pandas"
    else:
        chosen = engine
    if chosen == "elsewhere":
        pass  # measured above
    elif chosen == "duckdb":
        from cardgate.evidence.datacheck import duckdb_engine

        table = duckdb_engine.measure(source, contract, memory_limit=memory_limit)
    elif chosen == "spark":
        from cardgate.evidence.datacheck import spark_engine

        table = spark_engine.measure(source, contract, master=master)
    else:
        from cardgate.evidence.datacheck import pandas_engine

        try:
            table = pandas_engine.measure(source, contract)
        except MemoryError as error:
            raise CardgateError(
                f"{source.display}: not enough memory to load the file with pandas",
                hint="stream it instead: --engine duckdb (optionally --memory-limit 1GB)",
            ) from error
    if source.table is not None:
        check_unchanged(source.path, source.display, source.table.version)
    violations = evaluate(contract, table, today=today)
    recorded = _recorded_path(workspace, source.path)
    artifact = build_artifact(
        dataset=dataset,
        datasheet=workspace.relative(folder / "datasheet.yaml"),
        contract=contract,
        data_path=recorded,
        data_format=source.suffix,
        data_table=(
            {"name": recorded, "version": str(source.table.version)}
            if source.table is not None
            else None
        ),
        data_sha256=digest,
        data_bytes=source.size,
        table=table,
        violations=violations,
        today=today,
        statistics=chosen == "elsewhere",
        computed_by=computed_by,
    )
    return source, chosen, table, violations, artifact


def _computed_by_record(
    workspace: Workspace, dataset: str, contract: DataContract, rows: int
) -> dict[str, Any] | None:
    """What the artifact records of the contract's `computed_by` (the evaluation's record,
    the contract's own query being what `cardgate sql --data-check` prints)."""
    computed = contract.computed_by
    if computed is None:
        return None
    from cardgate.evidence.datacheck.statistics_sql import warehouse_sql
    from cardgate.evidence.evaluation.warehouse import external_record

    with located_in(workspace.datasets[dataset].sheet):
        return external_record(
            computed,
            root=workspace.root,
            rows=rows,
            expected=lambda dialect, table: warehouse_sql(contract, dialect=dialect, table=table)[
                0
            ],
            at=_COMPUTED_BY,
            what=("statistics query", "statistics add", "contract.computed_by"),
        )


def _files_hold(source: DataSource) -> bool:
    """Whether the engines read the data (not a Delta table that needs reader
    features)."""
    try:
        source.parquet_files("duckdb")
    except ConfigurationError:
        return False
    return True


def contract_file(workspace: Workspace, dataset: str, contract: DataContract) -> Path:
    """The data file the dataset's contract names (`contract.path`, resolved against the
    datasheet's folder and confined to the workspace); errors at the datasheet's line."""
    with located_in(workspace.datasets[dataset].sheet):
        if contract.path is None:
            raise ConfigurationError(
                "the contract names no data file ('contract.path')",
                hint="set contract.path, or pass --data PATH",
                at=("contract",),
            )
        folder = workspace.datasets[dataset].folder
        try:
            path = workspace.resolve(contract.path, base=folder)
        except PathEscapeError as error:
            raise ConfigurationError(
                f"contract.path: {error}",
                hint="name a file inside the workspace, or pass --data PATH",
                at=("contract", "path"),
            ) from error
        if not path.exists():
            meant = written_from(workspace.root, contract.path, base=folder, instead=workspace.root)
            shown = workspace.relative(folder)
            raise InputError(
                f"{display_path(path)}: data file not found (contract.path is read from the "
                f"datasheet's folder, {shown}/)",
                hint=f"did you mean '{meant}'?"
                if meant is not None
                else "check the datasheet's contract.path, or pass --data PATH (a file, or a "
                "Delta table's folder)",
                at=("contract", "path"),
            )
        return path


def _recorded_path(workspace: Workspace, path: Path) -> str:
    """Workspace-relative when inside it; else the bare file name (machine-independent)."""
    try:
        return path.resolve().relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        return path.name
