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

from cardgate.core.errors import ConfigurationError
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.query import counts_query

DIALECTS = ("duckdb", "spark", "bigquery", "snowflake", "trino", "postgres")
_PLACEHOLDER = "cardgate_predictions"
# one part of a table name: letters, digits, _, $ and - (BigQuery project ids)
_PART = re.compile(r"[A-Za-z_][A-Za-z0-9_$-]*")


def _require_sqlglot() -> None:
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
    _require_sqlglot()
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
            hint="name the predictions table as the warehouse does, e.g. "
            "project.dataset.predictions or catalog.schema.predictions (letters, digits, _, "
            "$ and -, up to three dotted parts)",
        )
    source = counts_query(settings, f"SELECT * FROM {_PLACEHOLDER}", ordered=False)
    tree = parse_one(source, read="duckdb")
    target = exp.to_table(table, dialect=dialect)
    for node in list(tree.find_all(exp.Table)):
        if node.name == _PLACEHOLDER:
            node.replace(target.copy())
    try:
        return str(tree.sql(dialect=dialect, pretty=True, unsupported_level=ErrorLevel.RAISE))
    except (UnsupportedError, SqlglotError) as error:
        raise ConfigurationError(
            f"the counts query cannot be written in {dialect}: {error}",
            hint="run the duckdb dialect where DuckDB can read the data, or compute the "
            "counts table as docs/counts-table.md describes",
        ) from error


def header(system: str, dialect: str, table: str) -> list[str]:
    """The comment lines printed above the query: what it is and what to do with it."""
    return [
        f"-- cardgate: the counts table of system '{system}' from {table} ({dialect}).",
        "-- Run it where the data lives; save the result as CSV or Parquet in the workspace,",
        "-- and set the card's evaluation.predictions to {path: FILE, format: counts}.",
    ]
