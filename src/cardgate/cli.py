"""The `cardgate` command line: one thin function per command.

Library code raises typed errors (`cardgate.core.errors`); `_Group.invoke` is the one place
that turns them into a message and an exit code: 0 ok, 1 problems/findings, 2 usage or
configuration error. Heavy libraries (pandas, fairlearn, mkdocs) are imported inside the
commands that need them, never at module level.

Kept whole: it is the one list of commands and options a user sees; each function parses
its options, calls one library function and prints, so splitting it would scatter the
command line without shortening any command.
"""

from __future__ import annotations

import atexit
import contextlib
import difflib
import io
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer
from typer.core import TyperGroup

from cardgate import __version__
from cardgate.core.errors import CardgateError, ConfigurationError, UsageError
from cardgate.core.paths import display_path
from cardgate.core.text import visible

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cardgate.documents.workspace import Workspace


class _Group(TyperGroup):
    """Turns cardgate's typed errors, and any bug, into a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CardgateError as error:
            _fail(error.message, hint=error.hint, code=error.exit_code, details=error.details)
        except KeyboardInterrupt:
            _fail("interrupted", code=130)
        except BrokenPipeError:
            # The reader went away (`cardgate validate | head`): stop quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as error:  # the environment, not cardgate: say which file and why
            if os.environ.get("CARDGATE_DEBUG"):
                raise
            if isinstance(error, StandardOutputError):
                _fail(f"cannot write to standard output: {error.strerror or error}", code=2)
            if error.filename is None:
                _internal(error)
            _fail(f"{display_path(Path(error.filename))}: {error.strerror or error}", code=2)
        except Exception as error:  # a bug: say so, without a traceback
            if _is_cli_control(error) or os.environ.get("CARDGATE_DEBUG"):
                raise
            _internal(error)


def _internal(error: Exception) -> NoReturn:
    _fail(
        f"internal error: {type(error).__name__}: {error}",
        hint="this is a bug in cardgate; rerun with CARDGATE_DEBUG=1 for details and report it",
        code=2,
    )


class StandardOutputError(OSError):
    """Standard output cannot take what cardgate writes (a full disk, /dev/full)."""


class _GuardedOutput(io.RawIOBase):
    """Standard output's file descriptor, whose write errors say they are standard
    output's: a full disk there is the environment's failure, not a bug of cardgate."""

    def __init__(self, descriptor: int) -> None:
        self._descriptor = descriptor

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._descriptor

    def isatty(self) -> bool:
        return os.isatty(self._descriptor)

    def write(self, data: Any) -> int:
        try:
            return os.write(self._descriptor, data)
        except BrokenPipeError:
            raise
        except OSError as error:
            # Nothing more can be shown: later writes (and the final flush) go nowhere.
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._descriptor)
            raise StandardOutputError(error.errno, error.strerror) from error


def _guard_stdout() -> None:
    """Route standard output through `_GuardedOutput` (the console entry point only)."""
    stream = sys.stdout
    try:
        descriptor = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return  # not a real file (embedded, captured): leave it alone
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(_GuardedOutput(descriptor)),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=bool(stream.line_buffering),
    )


def _is_cli_control(error: Exception) -> bool:
    """Exit, Abort and usage errors of typer's (vendored or not) click: let them through."""
    return isinstance(error, typer.Exit | typer.Abort) or type(error).__module__.startswith(
        ("typer.", "click.")
    )


_DETAILS = 10
"""Detail lines shown under an error; the rest are counted (one message, not a page)."""


def _fail(message: str, *, hint: str = "", code: int, details: tuple[str, ...] = ()) -> NoReturn:
    typer.echo(f"cardgate: error: {visible(message)}", err=True)
    more = [f"…and {len(details) - _DETAILS} more"] if len(details) > _DETAILS else []
    for line in [*details[:_DETAILS], *more]:
        typer.echo(f"  {visible(line)}", err=True)
    if hint:
        typer.echo(f"  hint: {visible(hint)}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_Group,
    name="cardgate",
    help="Responsible-AI governance as code: validate, evaluate, gate and publish "
    "model cards, datasheets and NIST AI RMF checklists.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
)


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


RecomputeOption = Annotated[
    bool,
    typer.Option(
        help="Use the verdict of gate --release: every evaluation and data check computed "
        "again and compared with the committed artifact (slower)."
    ),
]
"""`--recompute` of the commands that show the gate's verdict (build, export)."""

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: the nearest folder with cardgate.yaml).",
        file_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cardgate {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Responsible-AI governance as code."""


def _workspace_root(workspace: Path | None) -> Path:
    from cardgate.documents.workspace import workspace_root

    return workspace_root(workspace)


def _load(workspace: Path | None) -> Workspace:
    from cardgate.documents.workspace import load_workspace

    return load_workspace(_workspace_root(workspace))


def _check_engine(
    engine: str, engines: tuple[str, ...], *, spark_master: str | None, memory_limit: str | None
) -> None:
    """The --engine, --spark-master and --memory-limit of a command that measures data."""
    if engine not in engines:
        raise ConfigurationError(f"--engine: '{engine}' is not one of: {', '.join(engines)}")
    if spark_master is not None and engine != "spark":
        raise UsageError("--spark-master goes with --engine spark")
    if memory_limit is not None and engine == "spark":
        raise UsageError(f"--memory-limit is DuckDB's; it does not go with --engine {engine}")


@contextlib.contextmanager
def _spark_stopped(engine: str) -> Iterator[None]:
    """The command's work, then (--engine spark) Spark's sessions stopped."""
    try:
        yield
    finally:
        if engine == "spark":
            from cardgate.evidence.evaluation.spark_engine import stop_sessions

            stop_sessions()


SPARK_MASTER_HELP = (
    "Where --engine spark runs (default local[*], or SPARK_REMOTE for Spark Connect)."
)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder to make a workspace.")] = Path(),
    name: Annotated[str | None, typer.Option(help="Name of the portfolio.")] = None,
) -> None:
    """Create a workspace: cardgate.yaml, policy.yaml, systems/, datasets/, .schemas/."""
    from cardgate.authoring.json_schemas import write_schemas
    from cardgate.authoring.scaffold import init_workspace

    created = init_workspace(folder, name=name)
    created.extend(write_schemas(folder / ".schemas", within=folder))
    for path in created:
        typer.echo(f"created {display_path(path)}")


@app.command()
def new(
    kind: Annotated[str, typer.Argument(help="model-card, datasheet or checklist.")],
    identifier: Annotated[str, typer.Argument(metavar="ID", help="Id of the system/dataset.")],
    system: Annotated[
        str | None, typer.Option(help="For a checklist: the system it answers for.")
    ] = None,
    checklist: Annotated[
        str, typer.Option(help="For a checklist: the checklist definition id.")
    ] = "nist-ai-rmf-core",
    data: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="For a datasheet: draft the contract, row count, SHA-256 and composition "
            "facts from this CSV or Parquet file.",
            dir_okay=False,
        ),
    ] = None,
    from_mlflow: Annotated[
        str | None,
        typer.Option(
            "--from-mlflow",
            metavar="RUN_ID",
            help="For a model card: draft the model's details, parameters, reported metrics "
            "and datasets from this MLflow run (needs cardgate[mlflow]).",
        ),
    ] = None,
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            help="With --from-mlflow: the MLflow tracking store, e.g. sqlite:///mlflow.db "
            "(default: MLFLOW_TRACKING_URI, else MLflow's default)."
        ),
    ] = None,
    missing: Annotated[
        bool,
        typer.Option(
            "--missing",
            help="For a checklist that exists: print the blocks of the items it does not "
            "answer yet (the risk tier raised, the policy changed), to append under its "
            "items:; writes nothing.",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Scaffold a document from its template, or draft it from what exists (never overwrites)."""
    from cardgate.authoring.scaffold import missing_items, new_document
    from cardgate.documents.workspace import Workspace, load_config, load_workspace

    root = _workspace_root(workspace)
    tier, required = None, None
    if kind == "checklist":  # the system's tier and the policy's items for it
        from cardgate.gate.policy import checklist_scope
        from cardgate.gate.rules import RULES

        tier, required = checklist_scope(
            load_workspace(root), system or identifier, checklist, RULES
        )
    if missing:
        if kind != "checklist":
            raise UsageError("--missing goes with a checklist: cardgate new checklist ID")
        owner = system or identifier
        blocks = missing_items(
            load_workspace(root), owner, checklist, risk_tier=tier, required=required
        )
        typer.echo(blocks, nl=False)
        if not blocks:
            typer.echo("nothing missing: the checklist answers every item asked of it", err=True)
        return
    # drafting from a run matches its datasets to the workspace's datasheets
    documents = (
        load_workspace(root)
        if from_mlflow is not None
        else Workspace(root=root, config=load_config(root))
    )
    target = new_document(
        documents,
        kind,
        identifier,
        system=system,
        checklist=checklist,
        data=data,
        risk_tier=tier,
        required_items=required,
        mlflow_run=from_mlflow,
        tracking_uri=tracking_uri,
    )
    typer.echo(f"wrote {display_path(target)}")
    if data is not None:
        import shlex

        from cardgate.authoring.drafts import data_location

        if data_location(data, workspace=documents, folder=target.parent) is None:
            typer.echo(
                f"  {display_path(data)} is outside the workspace, so the contract names no "
                f"file: check it with cardgate check-data {identifier} --data "
                f"{shlex.quote(display_path(data))}; gate --release checks the data again, "
                f"from a file inside the workspace: copy it in (e.g. to "
                f"{display_path(target.parent)}/) and set contract.path"
            )


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files to report on (default: the workspace).")
    ] = None,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    only_documents: Annotated[
        bool,
        typer.Option(
            help="Leave out given files that are not documents of the workspace (for "
            "pre-commit, which passes every YAML file it matches)."
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Validate documents against their schemas and each other."""
    from cardgate.gate.policy_check import validation_problems
    from cardgate.validation.report import render_validation, run_validation

    report = run_validation(
        paths or [],
        workspace=workspace,
        only_documents=only_documents,
        checks=(validation_problems,),
    )
    render_validation(report, sys.stdout, as_json=output_format is TextOrJson.json)
    raise typer.Exit(report.exit_code)


@app.command()
def schema(
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the JSON Schemas (default: <workspace>/.schemas)."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Write one JSON Schema (draft 2020-12) per document kind, for editors."""
    from cardgate.authoring.json_schemas import write_schemas

    root = out if out is not None else _workspace_root(workspace)
    folder = out if out is not None else root / ".schemas"
    for path in write_schemas(folder, within=root):
        typer.echo(f"wrote {display_path(path)}")


@app.command()
def coverage(
    system: Annotated[str | None, typer.Argument(help="System id (default: every system).")] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, csv or markdown.")
    ] = "text",
    crosswalk: Annotated[
        str | None,
        typer.Option(help="Also show another framework's references, e.g. iso-42001."),
    ] = None,
    framework: Annotated[
        str | None,
        typer.Option(help="Framework to cover: nist (default), eu-ai-act or nyc-ll144."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Coverage of a framework (NIST AI RMF 1.0 unless --framework) by the checklist answers."""
    from cardgate.frameworks.coverage_report import report_coverage

    report_coverage(
        _load(workspace),
        sys.stdout,
        system=system,
        output_format=output_format,
        crosswalk=crosswalk,
        framework=framework,
    )


@app.command("check-data")
def check_data(
    dataset: Annotated[str, typer.Argument(help="Dataset id (its datasheet's folder name).")],
    data: Annotated[
        Path | None,
        typer.Option(
            help="Data file, or Delta table (a folder holding _delta_log/), to check "
            "(default: the contract's path). A file other than the contract's path is "
            "checked and reported, and data-check.json left as it is (see --out)."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            help="Write the artifact to this file instead of data-check.json beside the "
            "datasheet (the only way to keep a check of a file other than the contract's)."
        ),
    ] = None,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    today: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="Reference date for freshness, YYYY-MM-DD (default: CARDGATE_TODAY, else "
            "the date).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="auto, pandas (in memory), duckdb (streamed, larger than memory) or spark "
            "(a Parquet file or Delta table; the statistics query runs there); auto: duckdb "
            "for Parquet files and for anything over 512 MB, else pandas."
        ),
    ] = "auto",
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit, e.g. 1GB (implies duckdb).")
    ] = None,
    spark_master: Annotated[str | None, typer.Option(help=SPARK_MASTER_HELP)] = None,
    table: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: compute the contract's statistics from this Spark "
            "catalog table (the contract declares it under computed_by)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Check a data file against its datasheet's contract; write data-check.json beside it.

    data-check.json records the data the datasheet pins (contract.path): a check of
    another file (--data) is printed, and written only to --out.
    """
    from cardgate.core.clock import today as reference_date
    from cardgate.evidence.datacheck.report import render_json, render_text
    from cardgate.evidence.datacheck.run import ENGINES, Engine, check_dataset

    _check_engine(engine, ENGINES, spark_master=spark_master, memory_limit=memory_limit)
    if table is not None and (engine != "spark" or data is not None):
        raise UsageError("--table goes with --engine spark, without --data")
    checked = cast("Engine", engine)
    with _spark_stopped(engine):
        result = check_dataset(
            _load(workspace),
            dataset,
            today=reference_date(today),
            data=data,
            engine=checked,
            memory_limit=memory_limit,
            master=spark_master,
            table=table,
            out=out,
        )
    (render_json if output_format is TextOrJson.json else render_text)(result, sys.stdout)
    raise typer.Exit(result.exit_code)


@app.command()
def evaluate(
    system: Annotated[
        str | None,
        typer.Argument(help="System id (default: every system with an 'evaluation:' section)."),
    ] = None,
    workspace: WorkspaceOption = None,
    engine: Annotated[
        str,
        typer.Option(
            help="auto (cardgate reads the rows), duckdb or spark (the counting query runs "
            "there; a Parquet file of rows)."
        ),
    ] = "auto",
    spark_master: Annotated[str | None, typer.Option(help=SPARK_MASTER_HELP)] = None,
    table: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: compute the card's counts table from this Spark "
            "catalog table (the card declares it under predictions.computed_by)."
        ),
    ] = None,
) -> None:
    """Compute fairness and performance metrics from predictions; write evaluation.json.

    Exit 0 when every artifact was written (threshold failures are reported; the gate
    decides), 1 on unusable predictions, 2 on usage or configuration errors.
    """
    from cardgate.evidence.evaluation.engines import check_engine
    from cardgate.evidence.evaluation.report import render_summary
    from cardgate.evidence.evaluation.run import evaluable_systems, evaluate_system
    from cardgate.gate.evaluate_policy import evaluation_verdicts, workspace_policy

    check_engine(engine)
    if spark_master is not None and engine != "spark":
        raise UsageError("--spark-master goes with --engine spark")
    if table is not None and (engine != "spark" or system is None):
        raise UsageError("--table goes with --engine spark and one SYSTEM")
    loaded = _load(workspace)
    targets = [system] if system is not None else evaluable_systems(loaded)
    unusable = [] if system is not None else _invalid_cards(loaded)
    if not targets and not unusable:
        raise ConfigurationError(
            "no system has an 'evaluation:' section in a valid model card",
            hint="add evaluation settings to a model card, or name a SYSTEM",
        )
    policy = workspace_policy(loaded)
    with _spark_stopped(engine):
        for target in targets:
            run = evaluate_system(
                loaded, target, progress=True, engine=engine, master=spark_master, table=table
            )
            verdicts, described = evaluation_verdicts(policy, loaded, run)
            for line in render_summary(run.artifact, verdicts, policy=described):
                typer.echo(visible(line))
            if run.path is not None:
                typer.echo(f"wrote {display_path(run.path)}")
    if unusable:
        _fail(
            "not evaluated: the model card does not validate",
            details=tuple(unusable),
            hint="cardgate validate shows what to fix",
            code=2,
        )


def _invalid_cards(loaded: Workspace) -> list[str]:
    """The model cards (as shown) of the systems whose card does not validate: whether
    they have an evaluation to run is unknown until they do."""
    return [
        display_path(docs.folder / "model-card.yaml")
        for _, docs in sorted(loaded.systems.items())
        if docs.model_card is None
    ]


@app.command("sql")
def sql(
    name: Annotated[
        str,
        typer.Argument(
            help="System id (its model card's evaluation), or with --data-check a dataset id.",
            metavar="SYSTEM",
        ),
    ],
    table: Annotated[
        str,
        typer.Option(help="The table where the rows live, e.g. project.dataset.preds."),
    ],
    dialect: Annotated[
        str,
        typer.Option(help="duckdb, spark, bigquery, snowflake, trino or postgres."),
    ] = "duckdb",
    data_check: Annotated[
        bool,
        typer.Option(
            "--data-check",
            help="Print the statistics query of the dataset's contract (check-data's one pass).",
        ),
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Print the SQL that reduces SYSTEM's predictions to the counts table evaluate reads.

    Run it in your warehouse, save the result as CSV or Parquet, and point the card's
    evaluation.predictions at it with format: counts. With --data-check, the query of a
    dataset's contract statistics (null counts, ranges, categories, distinct values) that
    check-data computes in one pass. Needs the 'sql' extra (sqlglot).
    """
    if data_check:
        from cardgate.evidence.datacheck.run import dataset_contract
        from cardgate.evidence.datacheck.statistics_sql import statistics_header, warehouse_sql

        contract = dataset_contract(_load(workspace), name)[0]
        query, legend = warehouse_sql(contract, dialect=dialect, table=table)
        head = [*statistics_header(name, dialect, table), *legend]
    else:
        from cardgate.evidence.evaluation.run import system_settings
        from cardgate.evidence.evaluation.warehouse import counts_sql, header

        _, settings = system_settings(_load(workspace), name)
        query = counts_sql(settings, dialect=dialect, table=table)
        head = header(name, dialect, table)
    for line in [*head, *query.splitlines()]:
        typer.echo(visible(line))


@app.command("evaluate-retrieval")
def evaluate_retrieval(
    system: Annotated[
        str | None,
        typer.Argument(help="System id (default: every system with 'genai.retrieval_evaluation')."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Compute retrieval metrics (recall, precision, MRR, nDCG, hit rate at k) from
    labelled queries and ranked results; write retrieval.json.

    Exit 0 when every artifact was written (the gate decides the thresholds), 1 on
    unusable queries or runs, 2 on usage or configuration errors.
    """
    from cardgate.evidence.genai.report import summary_lines
    from cardgate.evidence.genai.retrieval_run import (
        evaluate_retrieval_system,
        retrievable_systems,
    )

    loaded = _load(workspace)
    targets = [system] if system is not None else retrievable_systems(loaded)
    if not targets:
        raise ConfigurationError(
            "no system has a 'genai.retrieval_evaluation:' section in a valid model card",
            hint="add retrieval evaluation settings to a GenAI card, or name a SYSTEM",
        )
    for target in targets:
        run = evaluate_retrieval_system(loaded, target)
        for line in summary_lines(run.artifact):
            typer.echo(visible(line))
        typer.echo(f"wrote {display_path(run.path)}")


@app.command("profile")
def profile(
    subject: Annotated[str, typer.Argument(help="A dataset id or a system id.")],
    data: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="PATH",
            help="Data file(s) or Delta table(s) to profile instead of the reference; "
            "partitions are merged (a system's must be what its card names as its "
            "reference data, or the gate refuses the record: GATE-MON003).",
        ),
    ] = None,
    memory_limit: Annotated[str | None, typer.Option(help="DuckDB memory limit, e.g. 1GB.")] = None,
    engine: Annotated[
        str,
        typer.Option(help="duckdb (streamed, larger than memory) or spark (Parquet files)."),
    ] = "duckdb",
    spark_master: Annotated[str | None, typer.Option(help=SPARK_MASTER_HELP)] = None,
    table: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark: profile this Spark catalog table instead (a system's: "
            "the table its card names, monitoring.reference_table, which --engine spark "
            "profiles by default; the queries Spark ran go to profile.sql; evidence "
            "counts-with-query, docs/scale.md)."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Profile reference data (per column: counts, missing values, a mergeable histogram);
    write profile.json beside the datasheet or the model card."""
    from cardgate.evidence.monitoring.measure import ENGINES
    from cardgate.evidence.monitoring.profiling import profile_dataset, profile_system
    from cardgate.evidence.monitoring.report import profile_lines

    _check_engine(engine, ENGINES, spark_master=spark_master, memory_limit=memory_limit)
    if table is not None and (engine != "spark" or data is not None):
        raise UsageError("--table goes with --engine spark, without --data")
    loaded = _load(workspace)
    if subject not in loaded.systems and subject not in loaded.datasets:
        known = sorted({*loaded.systems, *loaded.datasets})
        match = difflib.get_close_matches(subject, known, n=1, cutoff=0.6)
        raise UsageError(
            f"unknown system or dataset '{subject}'",
            hint=f"did you mean '{match[0]}'?"
            if match
            else "systems: "
            + (", ".join(sorted(loaded.systems)) or "none")
            + "; datasets: "
            + (", ".join(sorted(loaded.datasets)) or "none"),
        )
    measure = profile_system if subject in loaded.systems else profile_dataset
    with _spark_stopped(engine):
        run = measure(
            loaded,
            subject,
            data=data,
            memory_limit=memory_limit,
            engine=engine,
            master=spark_master,
            table=table,
        )
    for line in profile_lines(run):
        typer.echo(visible(line))


@app.command("monitor")
def monitor(
    system: Annotated[str, typer.Argument(help="System id.")],
    window: Annotated[
        list[Path] | None,
        typer.Option(
            metavar="PATH",
            help="A production window's data file or Delta table folder (repeat for several).",
        ),
    ] = None,
    end: Annotated[
        list[str] | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="Each window's last day, YYYY-MM-DD (default: from its file or folder name; "
            "required with --table).",
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            help="With --engine spark and one --end, instead of --window: the window is this "
            "Spark catalog table (the queries Spark ran go to monitoring-ID.sql beside "
            "monitoring.json; evidence counts-with-query, docs/scale.md)."
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            help="Reference profile (default: profile.json beside the card).", dir_okay=False
        ),
    ] = None,
    memory_limit: Annotated[str | None, typer.Option(help="DuckDB memory limit, e.g. 1GB.")] = None,
    engine: Annotated[
        str,
        typer.Option(
            help="duckdb (streamed, larger than memory) or spark (Parquet windows, or a "
            "catalog table with --table: the profile, the contract's statistics and the "
            "evaluation's counts run there)."
        ),
    ] = "duckdb",
    spark_master: Annotated[str | None, typer.Option(help=SPARK_MASTER_HELP)] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Compare production windows with the reference and the approved evaluation;
    append one entry per window to monitoring.json. Exit 1 when a window breaches."""
    from cardgate.evidence.monitoring.measure import ENGINES
    from cardgate.evidence.monitoring.report import monitor_lines
    from cardgate.evidence.monitoring.run import monitor_system

    _check_engine(engine, ENGINES, spark_master=spark_master, memory_limit=memory_limit)
    if table is not None and (engine != "spark" or window):
        raise UsageError("--table goes with --engine spark, without --window")
    if table is not None and len(end or []) != 1:
        raise UsageError("--table takes one --end YYYY-MM-DD: the window's last day")
    if table is None and not window:
        raise UsageError("give --window FILE (or --engine spark --table NAME --end YYYY-MM-DD)")
    with _spark_stopped(engine):
        run = monitor_system(
            _load(workspace),
            system,
            window or [],
            ends=end,
            profile=reference,
            memory_limit=memory_limit,
            engine=engine,
            master=spark_master,
            table=table,
        )
    for line in monitor_lines(run):
        typer.echo(visible(line))
    raise typer.Exit(1 if run.breached else 0)


@app.command("evaluate-generation")
def evaluate_generation(
    system: Annotated[
        str | None,
        typer.Argument(
            help="System id (default: every system with 'genai.generation_evaluation')."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Aggregate judged generation scores (ragas, deepeval, promptfoo, inspect_ai,
    lm-evaluation-harness, MLflow files) per slice with intervals; write generation.json.

    Exit 0 when every artifact was written (the gate decides the thresholds), 1 on
    unusable score files, 2 on usage or configuration errors.
    """
    from cardgate.evidence.genai.generation_run import (
        evaluate_generation_system,
        generation_systems,
    )
    from cardgate.evidence.genai.report import generation_lines

    loaded = _load(workspace)
    targets = [system] if system is not None else generation_systems(loaded)
    for target in _judged_targets(targets, "generation_evaluation", "score files"):
        run = evaluate_generation_system(loaded, target)
        _echo_written(generation_lines(run.artifact), run.path)


@app.command("evaluate-safety")
def evaluate_safety(
    system: Annotated[
        str | None,
        typer.Argument(help="System id (default: every system with 'genai.safety_evaluation')."),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Count judged red-team outcomes (refusal, jailbreak success, toxicity, PII leaks, from
    the same files as generation scores) as rates per slice with Wilson intervals, each
    mapped to its NIST AI 600-1 risk; write safety.json.

    Exit 0 when every artifact was written (the gate decides the thresholds), 1 on
    unusable files, 2 on usage or configuration errors.
    """
    from cardgate.evidence.genai.report import safety_lines
    from cardgate.evidence.genai.safety_run import evaluate_safety_system, safety_systems

    loaded = _load(workspace)
    targets = [system] if system is not None else safety_systems(loaded)
    for target in _judged_targets(targets, "safety_evaluation", "judged red-team files"):
        run = evaluate_safety_system(loaded, target)
        _echo_written(safety_lines(run.artifact), run.path)


@app.command("evaluate-operations")
def evaluate_operations(
    system: Annotated[
        str | None,
        typer.Argument(
            help="System id (default: every system with 'genai.operations_evaluation')."
        ),
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Aggregate a run log (one query per line: latency, cost or tokens) into latency
    p50/p95/p99 and cost per query with bootstrap intervals, and the paired change from
    the baseline's log; write operations.json.

    Exit 0 when every artifact was written (the gate decides the thresholds), 1 on an
    unusable run log, 2 on usage or configuration errors.
    """
    from cardgate.evidence.genai.operations_run import (
        evaluate_operations_system,
        operations_systems,
    )
    from cardgate.evidence.genai.report import operations_lines

    loaded = _load(workspace)
    targets = [system] if system is not None else operations_systems(loaded)
    for target in _judged_targets(targets, "operations_evaluation", "run log"):
        run = evaluate_operations_system(loaded, target)
        _echo_written(operations_lines(run.artifact), run.path)


def _judged_targets(targets: list[str], section: str, files: str) -> list[str]:
    """The systems to evaluate; none is a configuration error naming the section."""
    if not targets:
        raise ConfigurationError(
            f"no system has a 'genai.{section}:' section in a valid model card",
            hint=f"name a GenAI card's {files} under {section}, or a SYSTEM",
        )
    return targets


def _echo_written(lines: list[str], path: Path) -> None:
    for line in lines:
        typer.echo(visible(line))
    typer.echo(f"wrote {display_path(path)}")


@app.command()
def build(
    strict: Annotated[
        bool, typer.Option(help="Fail on unreadable documents, unrendered pages, broken links.")
    ] = False,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the HTML (default: <site folder>/build).")
    ] = None,
    pdf: Annotated[
        bool, typer.Option(help="Also print one PDF per system with headless Chromium.")
    ] = False,
    recompute: RecomputeOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Render the review site (Markdown pages, then mkdocs build)."""
    from cardgate.documents import parse_cache
    from cardgate.site.build import build_site, render_build
    from cardgate.site.mkdocs_run import MkdocsWorker

    # --recompute shows gate --release's verdict: like it, on the documents' own bytes,
    # never on the parse cache
    faithful = parse_cache.bypassed() if recompute else contextlib.nullcontext()
    with MkdocsWorker.start() as mkdocs, faithful:  # MkDocs imports while the workspace loads
        result = build_site(
            _load(workspace), out=out, strict=strict, pdf=pdf, mkdocs=mkdocs, recompute=recompute
        )
    render_build(result, sys.stdout)
    raise typer.Exit(result.exit_code)


@app.command()
def serve(
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8000,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the HTML (default: <site folder>/build).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Build the review site, serve it on 127.0.0.1 and rebuild when a file changes."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import build_site, site_layout
    from cardgate.site.serve import serve as serve_site

    root = _workspace_root(workspace)
    layout = site_layout(load_workspace(root), out=out)
    serve_site(
        lambda: build_site(load_workspace(root), out=out),
        layout,
        root,
        port=port,
        report=lambda line: typer.echo(visible(line)),
    )


TodayOption = Annotated[
    str | None,
    typer.Option(
        metavar="YYYY-MM-DD",
        help="Today's date, YYYY-MM-DD, for freshness and expiry (default: CARDGATE_TODAY, "
        "else the date).",
    ),
]


@app.command()
def gate(
    systems: Annotated[
        list[str] | None, typer.Argument(help="Systems to gate (default: every system).")
    ] = None,
    release: Annotated[
        bool, typer.Option(help="Release strictness: draft incompleteness becomes errors.")
    ] = False,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="Format on stdout: text, json, sarif, junit, github, markdown, codequality.",
        ),
    ] = "text",
    output: Annotated[
        list[str] | None,
        typer.Option(
            metavar="FORMAT=PATH",
            help="Also write FORMAT=PATH, e.g. sarif=gate.sarif (repeatable).",
        ),
    ] = None,
    changed_since: Annotated[
        str | None,
        typer.Option(
            help="Gate in full only systems whose files (or the files they read) changed "
            "since this git ref; the others still meet the date (review age, freshness)."
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            metavar="PRESET|FILE",
            help="Gate with a shipped preset (baseline, strict, eu-ai-act-high-risk) under "
            "the workspace's policy.yaml (its settings on top, as if it extended the "
            "preset), or with a policy file in the workspace instead of policy.yaml; "
            "whatever the result demands less than the preset, the baseline or policy.yaml "
            "is reported (GATE-POL001).",
        ),
    ] = None,
    today: TodayOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Run the release gate: exit 0 pass, 1 failed, 2 usage or configuration error."""
    from cardgate.core.clock import pinned_by as date_pinned_by
    from cardgate.core.clock import today as reference_date
    from cardgate.gate.engine import run_gate
    from cardgate.reporting.registry import REPORTERS, reporter, write_reports

    outputs = []
    for item in output or []:
        name, _, path = item.partition("=")
        if name not in REPORTERS or not path:
            raise UsageError(
                f"--output '{item}' is not FORMAT=PATH",
                hint="formats: " + ", ".join(REPORTERS),
            )
        outputs.append((name, path))
    try:
        reporter(output_format)
    except UsageError as error:
        raise error.about("--format") from None
    result = run_gate(
        _workspace_root(workspace),
        release=release,
        strict=strict,
        today=reference_date(today),
        changed_since=changed_since,
        systems=systems or None,
        policy=policy,
        pinned_by=date_pinned_by(today),
    )
    write_reports(result, sys.stdout, output_format=output_format, outputs=outputs)
    raise typer.Exit(result.exit_code)


@app.command()
def status(
    systems: Annotated[
        list[str] | None, typer.Argument(help="Systems to report on (default: every system).")
    ] = None,
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    today: TodayOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """What is left before each system can ship, in order: exit 0 ready, 1 work left."""
    from cardgate.core.clock import today as reference_date
    from cardgate.gate.status import workspace_status
    from cardgate.reporting.status import render_json, render_text

    report = workspace_status(
        _workspace_root(workspace), systems=systems or None, today=reference_date(today)
    )
    (render_json if output_format is TextOrJson.json else render_text)(report, sys.stdout)
    raise typer.Exit(report.exit_code)


@app.command()
def sign(
    system: Annotated[str, typer.Argument(help="System id.")],
    role: Annotated[str, typer.Option(help="Role signing, e.g. owner, legal, risk.")],
    name: Annotated[
        str | None, typer.Option(help="Name of the person signing (default: the key's signer).")
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option(
            help="Private SSH key to sign with (ssh-keygen -Y sign); its public half must be "
            "in the workspace's allowed_signers, for this role.",
            dir_okay=False,
        ),
    ] = None,
    acknowledge: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CODE",
            help="A failing gate rule the signer accepts, by code (repeatable); recorded.",
        ),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Conditions or remarks.")] = None,
    today: TodayOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a sign-off bound to the digests of the system's documents (signoffs.yaml).

    Refused while the system's documents do not validate or its release gate fails
    (sign-off rules aside), unless each failing rule is acknowledged by code.
    """
    from cardgate.core.clock import today as reference_date
    from cardgate.core.errors import InputError
    from cardgate.gate.signoffs import git_commit, signing_refusals
    from cardgate.gate.signoffs import sign as record_signoff

    if name is None and key is None:
        raise UsageError("--name is required without --key", hint="or sign with --key PATH")
    loaded = _load(workspace)
    date = reference_date(today)
    refused = signing_refusals(loaded, system, today=date, acknowledged=acknowledge or [])
    if refused:
        codes = sorted(
            {line.split(": ", 2)[1].split(" ", 1)[0] for line in refused if ": " in line}
        )
        raise InputError(
            f"refusing to sign {system}:",
            details=tuple(refused),
            hint="fix them first"
            + (
                ", or accept them on the record: "
                + " ".join(f"--acknowledge {code}" for code in codes if code.startswith("GATE-"))
                if any(code.startswith("GATE-") for code in codes)
                else ""
            ),
        )
    path, signoff = record_signoff(
        loaded,
        system,
        role=role,
        name=name or "",
        note=note,
        today=date,
        key=key,
        acknowledged=acknowledge or [],
    )
    signed = f", SSH-signed by {signoff.signer}" if signoff.signer else ""
    typer.echo(
        visible(  # the name, the note and the signer are anyone's text: no terminal codes
            f"signed {system} as {signoff.role} ({signoff.name}, {signoff.date.isoformat()}"
            f"{signed}): covers {len(signoff.documents)} files; wrote {display_path(path)}"
        )
    )
    if signoff.commit is None and git_commit(loaded.root) is not None:
        typer.echo(
            "note: files it covers have changes not committed, so it records no commit: "
            "the review site cannot show what changes after it (commit, then sign, to "
            "record one)"
        )


@app.command("export")
def export(
    format_name: Annotated[
        str,
        typer.Argument(metavar="FORMAT", help="Format to export to (see docs/interop.md), or all."),
    ],
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[SYSTEM|DATASET]...",
            help="Systems and datasets to export (default: every one).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Folder for the files (default: <workspace>/exports).", file_okay=False),
    ] = None,
    recompute: RecomputeOption = False,
    today: TodayOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Export systems and datasets to an interchange format (Hugging Face cards, ...).

    Files go under OUT/systems/<id>/<format>/ and OUT/datasets/<id>/<format>/; documents
    are never rewritten, and a file an export did not write is never replaced.
    """
    from cardgate.core.clock import today as reference_date
    from cardgate.interop.exporting import DEFAULT_FOLDER, plan_exports, write_exports
    from cardgate.interop.registry import chosen_formats
    from cardgate.interop.source import export_source

    chosen = chosen_formats(format_name)
    loaded = _load(workspace)
    source = export_source(loaded, today=reference_date(today), recompute=recompute)
    files, warnings = plan_exports(source, chosen, targets or [])
    run = write_exports(files, out or loaded.root / DEFAULT_FOLDER, warnings=warnings)
    for warning in run.warnings:
        typer.echo(f"cardgate: warning: {visible(warning)}", err=True)
    unchanged = f" ({len(run.unchanged)} unchanged)" if run.unchanged else ""
    typer.echo(
        f"exported {len(files)} files to {display_path(run.out)}: wrote {len(run.written)}"
        f"{unchanged}"
    )


@app.command("import")
def import_(
    format_name: Annotated[str, typer.Argument(metavar="FORMAT", help="Format of FILE.")],
    file: Annotated[Path, typer.Argument(help="The file to import.", dir_okay=False)],
    name: Annotated[
        str, typer.Option("--as", metavar="NAME", help="Id of the new document (its folder).")
    ],
    workspace: WorkspaceOption = None,
) -> None:
    """Draft a new document (a model card or a datasheet) from a file in another format.

    Never overwrites: what the file holds that has no field in cardgate's documents is
    listed and kept under 'extensions:'.
    """
    from cardgate.documents.workspace import Workspace, load_config
    from cardgate.interop.importing import import_document
    from cardgate.interop.registry import import_format

    entry = import_format(format_name)
    root = _workspace_root(workspace)
    target, draft = import_document(
        Workspace(root=root, config=load_config(root)), entry, file, name
    )
    typer.echo(f"wrote {display_path(target)} (a draft {draft.kind}: review every TODO)")
    if draft.unmapped:
        typer.echo(f"not mapped ({len(draft.unmapped)}; kept under extensions.{entry.name}):")
        for line in draft.unmapped:
            typer.echo(f"  {visible(line)}")


@app.command("log-mlflow")
def log_mlflow(
    system: Annotated[str, typer.Argument(help="System id.")],
    run: Annotated[str, typer.Option("--run", metavar="RUN_ID", help="The MLflow run id.")],
    tracking_uri: Annotated[
        str | None,
        typer.Option(
            help="The MLflow tracking store, e.g. sqlite:///mlflow.db (default: "
            "MLFLOW_TRACKING_URI, else MLflow's default)."
        ),
    ] = None,
    today: TodayOption = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Log the model card, evaluation.json and the release gate's verdict to an MLflow run
    (artifacts and tags; needs cardgate[mlflow]). Exit 0 when logged, whatever the verdict."""
    from cardgate.core.clock import pinned_by as date_pinned_by
    from cardgate.core.clock import today as reference_date
    from cardgate.tracking.mlflow_log import log_to_run

    logged = log_to_run(
        _load(workspace),
        system,
        run,
        tracking_uri=tracking_uri,
        today=reference_date(today),
        pinned_by=date_pinned_by(today),
    )
    verdict = "passed" if logged.passed else "failed"
    typer.echo(
        visible(
            f"logged to MLflow run {logged.run_id}: {', '.join(logged.artifacts)}; "
            f"{len(logged.tags)} tags (gate --release {verdict})"
        )
    )
    for what in logged.missing:
        typer.echo(visible(f"not logged: no {what}"))


@app.command()
def rules(
    output_format: Annotated[
        TextOrJson, typer.Option("--format", "-f", help="Output format.")
    ] = TextOrJson.text,
    codes: Annotated[
        bool, typer.Option("--codes", help="List the validation codes (CG…, CL…) instead.")
    ] = False,
) -> None:
    """List the gate's rules: code, name, default severity, NIST AI RMF subcategories."""
    from cardgate.gate.docs import render_code_list, render_rule_list

    if codes:
        render_code_list(sys.stdout, as_json=output_format is TextOrJson.json)
        return
    render_rule_list(sys.stdout, as_json=output_format is TextOrJson.json)


@app.command()
def explain(
    rule: Annotated[
        str,
        typer.Argument(metavar="CODE", help="Rule code, name or alias, or a validation code."),
    ],
) -> None:
    """Print one rule's documentation: rationale, what fails, what passes, remediation."""
    from cardgate.gate.docs import render_rule

    render_rule(rule, sys.stdout)


def main() -> NoReturn:
    """Console-script entry point."""
    _guard_stdout()
    try:
        app(prog_name="cardgate")
    except SystemExit as done:
        _leave(done.code)
    _leave(0)


def _flushed(status: int) -> int:
    """`status`, or 2 when what the command printed could not all be written."""
    try:
        sys.stdout.flush()
    except StandardOutputError as error:
        with contextlib.suppress(OSError):
            sys.stderr.write(
                f"cardgate: error: cannot write to standard output: {error.strerror or error}\n"
            )
        return 2
    except (OSError, ValueError):  # a closed pipe or stream: nothing more to say
        return status
    return status


def _leave(code: object) -> NoReturn:
    """Exit with `code`, skipping the interpreter's object-by-object teardown.

    A command over a large portfolio ends with millions of objects alive; freeing them one
    by one costs a fifth of a second and has no effect. Exit handlers (temporary folders,
    logging) still run and the streams are flushed; only the freeing is skipped, as mypy
    does.
    """
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    status = code if isinstance(code, int) else (0 if code is None else 1)
    status = _flushed(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    main()
