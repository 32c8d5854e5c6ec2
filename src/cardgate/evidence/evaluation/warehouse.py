"""The counts query for the warehouse where the predictions live (`cardgate sql`).

cardgate reduces every evaluation to a counts table (docs/counts-table.md) that any SQL
engine can fill. One source query — DuckDB's, `query.counts_query`, the one `evaluate`
runs itself over a DuckDB query — is transpiled by sqlglot into the target dialect, with
the predictions table the user names in that dialect's own syntax. The team runs the
printed query where its data is, saves the result as CSV or Parquet, and points the card
at it (`evaluation.predictions: {path: FILE, format: counts}`); `evaluate` then computes
every number, interval and verdict from it exactly as from the rows
(tests/scale/test_engines_agree.py). Needs the `sql` extra (sqlglot).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.paths import PathEscapeError, resolve_inside
from cardgate.documents.schemas.evaluation import ComputedBy, Dialect, EvaluationSettings
from cardgate.evidence.evaluation.query import counts_query

DIALECTS: tuple[str, ...] = typing.get_args(Dialect)
PLACEHOLDER = "cardgate_predictions"
_NAN_UNEQUAL = ("postgres", "snowflake")
"""Dialects without an ``isnan`` function, where NaN equals NaN (so ``x = 'NaN'`` tests it)."""
# one part of a table name: letters, digits, _, $ and - (BigQuery project ids)
_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_$-]*")


def require_sqlglot() -> None:
    """`ConfigurationError` (exit 2) when sqlglot, of the `sql` extra, is missing."""
    try:
        import sqlglot  # noqa: F401
    except ImportError as error:
        raise ConfigurationError(
            "cardgate sql needs sqlglot, which is not installed",
            hint="pip install 'cardgate[sql]'",
        ) from error


def counts_sql(settings: EvaluationSettings, *, dialect: str, table: str) -> str:
    """The query, in `dialect`, that reduces the rows of `table` to the counts table for
    `settings` (its declared columns, task and score binning). `ConfigurationError` for an
    unknown dialect, a name that is not a table name, or a construct the dialect cannot
    express (never a silently different query)."""
    source = counts_query(settings, f"SELECT * FROM {PLACEHOLDER}", ordered=False)
    return transpiled(source, dialect=dialect, table=table, what="the counts query")


def transpiled(source: str, *, dialect: str, table: str, what: str) -> str:
    """`source` (DuckDB's dialect, reading the table `PLACEHOLDER`) in `dialect`, reading
    `table` named in that dialect's own syntax (`what` names the query in errors)."""
    require_sqlglot()
    from sqlglot import exp, parse_one
    from sqlglot.errors import ErrorLevel, SqlglotError, UnsupportedError

    if dialect not in DIALECTS:
        raise ConfigurationError(
            f"--dialect: '{dialect}' is not one of: {', '.join(DIALECTS)}",
            hint="the dialects whose transpilation is tested",
        )
    parts = table.split(".")
    if not 1 <= len(parts) <= 3 or not all(_PART.fullmatch(part) for part in parts):
        raise ConfigurationError(
            f"--table: '{table}' is not a table name",
            hint="name the table as the warehouse does, e.g. project.dataset.predictions or "
            "catalog.schema.predictions (letters, digits, _, $ and -, up to three dotted parts)",
        )
    tree = parse_one(source, read="duckdb")
    target = exp.to_table(table, dialect=dialect)
    for node in list(tree.find_all(exp.Table)):
        if node.name == PLACEHOLDER:
            node.replace(target.copy())
    if dialect in _NAN_UNEQUAL:
        for test in list(tree.find_all(exp.IsNan)):
            nan = exp.cast(exp.Literal.string("NaN"), exp.DataType.build("double"))
            test.replace(exp.EQ(this=test.this.copy(), expression=nan))
    try:
        return str(tree.sql(dialect=dialect, pretty=True, unsupported_level=ErrorLevel.RAISE))
    except (UnsupportedError, SqlglotError) as error:
        raise ConfigurationError(
            f"{what} cannot be written in {dialect}: {error}",
            hint="print the duckdb or spark dialect and run it where that engine reads the "
            "data (docs/scale.md)",
        ) from error


def header(system: str, dialect: str, table: str) -> list[str]:
    """The comment lines printed above the query: what it is and what to do with it."""
    return [
        f"-- cardgate: the counts table of system '{system}' from {table} ({dialect}).",
        "-- Run it where the data lives; save the result as CSV or Parquet in the workspace,",
        "-- and set the card's evaluation.predictions to {path: FILE, format: counts}.",
    ]


_COMPUTED_BY = ("evaluation", "predictions", "computed_by")


def same_query(text: str, expected: str, dialect: str) -> bool:
    """Whether the SQL `text` is the query `expected`, comments, case of keywords and
    layout aside (both as sqlglot writes them back in `dialect`); False when `text` does
    not parse as one statement."""
    require_sqlglot()
    import sqlglot
    from sqlglot.errors import SqlglotError

    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except SqlglotError:
        return False
    if len(statements) != 1:
        return False
    found = statements[0].sql(dialect=dialect, comments=False)
    wanted = sqlglot.parse_one(expected, read=dialect).sql(dialect=dialect, comments=False)
    return bool(found == wanted)


def computed_by_record(
    settings: EvaluationSettings, *, root: Path, rows: int
) -> dict[str, Any] | None:
    """What the artifact records of a counts table computed elsewhere (the card's
    `predictions.computed_by`): `external_record`, the card's own query being what
    `cardgate sql` prints for its columns. None without `computed_by`."""
    computed = settings.predictions.computed_by
    if computed is None:
        return None
    return external_record(
        computed,
        root=root,
        rows=rows,
        expected=lambda dialect, table: counts_sql(settings, dialect=dialect, table=table),
        at=_COMPUTED_BY,
        what=("counts query", "counts table adds", "evaluation.predictions.computed_by"),
    )


def external_record(
    computed: ComputedBy,
    *,
    root: Path,
    rows: int,
    expected: Callable[[str, str], str],
    at: tuple[str, ...],
    what: tuple[str, str, str],
) -> dict[str, Any]:
    """What an artifact records of a result computed elsewhere (a counts table, a
    contract's statistics) as `computed` declares it: the engine, the query file and its
    SHA-256, the tables and versions read, the rows the engine reported (checked against
    the `rows` the result adds up to), and whether the query is the document's own — the
    `expected(dialect, table)` text, for the engine and the one table read. `at`: where
    the document declares `computed`; `what`: the query's name, what the result "adds up"
    to, and the declaration's dotted path, for messages."""
    import hashlib

    from cardgate.core.inputs import DOCUMENT_BYTES, read_regular

    query_name, result_adds, declared = what
    try:
        path = resolve_inside(root, computed.query)
    except PathEscapeError as error:
        raise ConfigurationError(f"{declared}.query: {error}", at=(*at, "query")) from error
    relative = path.relative_to(root.resolve()).as_posix()
    try:
        data = read_regular(path, limit=DOCUMENT_BYTES)
    except FileNotFoundError as error:
        raise InputError(
            f"the {query_name} '{relative}' does not exist",
            hint="commit the SQL that was run (cardgate sql prints it) where computed_by.query "
            "says",
            at=(*at, "query"),
        ) from error
    except OSError as error:
        raise InputError(
            f"the {query_name} '{relative}' cannot be read: {error.strerror or error}",
            at=(*at, "query"),
        ) from error
    if computed.rows is not None and computed.rows != rows:
        raise InputError(
            f"the {result_adds} up to {rows} rows; computed_by.rows says the query read "
            f"{computed.rows}",
            hint="the result file is not the result of that run: export it again, or correct "
            "computed_by.rows",
            at=(*at, "rows"),
        )
    text = data.decode("utf-8", errors="replace")
    own = len(computed.tables) == 1 and same_query(
        text, expected(computed.engine, computed.tables[0].name), computed.engine
    )
    return {
        "engine": computed.engine,
        "query": relative,
        "query_sha256": hashlib.sha256(data).hexdigest(),
        "query_is_the_cards": own,
        "tables": [{"name": table.name, "version": table.version} for table in computed.tables],
        "rows": computed.rows,
    }
