"""A DuckDB query as the predictions source: read-only, confined to its declared inputs.

The card's `evaluation.predictions.query` is one SELECT statement that DuckDB runs inside
the counting query (`counts_query`), so that only the counts table leaves DuckDB. It is
checked to be exactly one SELECT, alone and once wrapped; DuckDB reads only the files and
folders listed in `evaluation.predictions.inputs`, installs and loads no extension, and
its configuration is locked before the query runs (`duckdb_counts`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.core.paths import resolve_inside
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.stats import COUNTS_FLAGS_REGRESSION, SCORE_BINS

BATCH_ROWS = 1 << 18
QUERY = ("evaluation", "predictions", "query")


def quoted_name(identifier: str) -> str:
    """`identifier` as a SQL identifier (DuckDB's and Spark's quoting alike)."""
    return '"' + identifier.replace('"', '""') + '"'


def counts_query(settings: EvaluationSettings, inner: str, *, ordered: bool = True) -> str:
    """The SQL (DuckDB's dialect) that reduces `inner` (rows of predictions) to the
    documented counts table; `ordered`: rows in key order (DuckDB's `ORDER BY ALL`; the
    reader does not need it)."""
    features = [quoted_name(name) for name in settings.sensitive_features]
    label = quoted_name(settings.label_column)
    prediction = quoted_name(settings.prediction_column)
    if settings.task == "regression":
        error = f"({prediction} - {label})"
        select = [
            *features,
            "count(*) AS n",
            f"sum({error}) AS error_sum",
            f"sum(abs({error})) AS abs_error_sum",
            f"sum({error} * {error}) AS sq_error_sum",
            f"sum({error} * {error} * {error} * {error}) AS quad_error_sum",
            *(
                f"({column} IS NULL) AS {flag}"
                for column, flag in zip((label, prediction), COUNTS_FLAGS_REGRESSION, strict=True)
            ),
        ]
        group = [*features, f"({label} IS NULL)", f"({prediction} IS NULL)"]
    else:
        select = [
            *features,
            f"{label} AS {label}",
            f"{prediction} AS {prediction}",
            "count(*) AS n",
        ]
        group = [*features, label, prediction]
        if settings.score_column is not None:
            score = quoted_name(settings.score_column)
            # A null score has no bin (the row is dropped, as the row readers drop it);
            # NaN is caught by `> 1` where it sorts above every number (DuckDB, Postgres,
            # Spark) and by `<> itself` where it follows IEEE (BigQuery): bin -1, refused.
            bin_expr = (
                f"CASE WHEN {score} IS NULL THEN NULL "
                f"WHEN {score} < 0 OR {score} > 1 OR {score} <> {score} THEN -1 "
                f"ELSE least(floor({score} * {SCORE_BINS}), {SCORE_BINS - 1}) END"
            )
            select += [
                f"{bin_expr} AS score_bin",
                f"sum({score}) AS score_sum",
                f"sum({score} * {score}) AS score_sq_sum",
            ]
            group.append(bin_expr)
    order = " ORDER BY ALL" if ordered else ""
    return (
        f"SELECT {', '.join(select)} FROM ({inner}) AS predictions "
        f"GROUP BY {', '.join(group)}{order}"
    )


READ_ONLY_HINT = (
    "cardgate only reads predictions: no COPY, ATTACH, INSTALL, LOAD, SET, PRAGMA, CREATE, "
    "EXPORT or CALL, and no second statement"
)


def single_select(connection: Any, query: str) -> str:
    """`query` if DuckDB parses it as exactly one SELECT statement (without a trailing
    semicolon); `ConfigurationError` otherwise."""
    import duckdb

    try:
        statements = connection.extract_statements(query)
    except duckdb.Error as error:
        raise ConfigurationError(
            f"evaluation.predictions.query: must be one SELECT statement, and it does not "
            f"parse: {first_line(error)}",
            hint=READ_ONLY_HINT,
            at=QUERY,
        ) from error
    kinds = [statement.type.name for statement in statements]
    if kinds != ["SELECT"]:
        found = " then ".join(kinds) if kinds else "nothing"
        raise ConfigurationError(
            f"evaluation.predictions.query: must be exactly one SELECT statement; it is {found}",
            hint=READ_ONLY_HINT,
            at=QUERY,
        )
    return str(statements[0].query).strip().rstrip(";")


def duckdb_counts(settings: EvaluationSettings, *, root: Path) -> Iterator[Any]:
    """Run the user's query inside DuckDB, reduced there by GROUP BY.

    The query must be one SELECT (checked alone and once wrapped in the counting query, so
    a parenthesis or a comment cannot smuggle in a second statement); only the declared
    `inputs` are readable (external access off, the listed files and folders allowed), no
    extension is installed or loaded, and the configuration is locked before the query
    runs, so that it cannot lift these limits.
    """
    import duckdb

    assert settings.predictions.query is not None
    folders, files = [], []
    for entry in settings.predictions.inputs or []:
        target = resolve_inside(root, entry)  # checked by _query_inputs already
        if target.is_dir():
            folders.append(str(target) + os.sep)
        else:
            files.append(str(target))
    connection = duckdb.connect()
    try:
        inner = single_select(connection, settings.predictions.query)
        sql = single_select(connection, counts_query(settings, f"\n{inner}\n"))
        locked_connection(connection, folders=folders, files=files)
        with _working_directory(root):
            reader: Any = connection.sql(sql).to_arrow_reader(BATCH_ROWS)
            yield from reader
    except duckdb.Error as error:
        message = first_line(error)
        column = _missing_column(message)
        if column is not None:
            raise InputError(
                f"DuckDB query: column '{column}' is missing ({message})", at=QUERY
            ) from error
        raise InputError(
            f"DuckDB query failed: {message}",
            hint="paths in the query are relative to the workspace; it can read only the "
            "files and folders listed in evaluation.predictions.inputs",
            at=QUERY,
        ) from error
    finally:
        connection.close()


def locked_connection(connection: Any, *, folders: list[str], files: list[str]) -> None:
    """Let `connection` read only `folders` and `files`, install and load no extension,
    and lock its configuration so that a query cannot lift these limits."""
    connection.execute(f"SET allowed_directories=[{', '.join(sql_literal(f) for f in folders)}]")
    connection.execute(f"SET allowed_paths=[{', '.join(sql_literal(f) for f in files)}]")
    connection.execute("SET enable_external_access=false")
    connection.execute("SET autoinstall_known_extensions=false")
    connection.execute("SET autoload_known_extensions=false")
    connection.execute("SET allow_community_extensions=false")
    connection.execute("SET lock_configuration=true")


def _missing_column(message: str) -> str | None:
    marker = 'column with name "'
    if marker in message.lower():
        start = message.lower().index(marker) + len(marker)
        return message[start:].split('"', 1)[0]
    return None


def held_columns(label: str, value: int | str, *, stored: bool) -> str:
    """The select list (DuckDB's dialect) of rows whose column `label` reads `value` on
    every row, whether the rows hold it (`stored`) or not."""
    name = quoted_name(label)
    return f"* {f'EXCLUDE ({name})' if stored else ''}, {sql_literal(value)} AS {name}"


def sql_literal(value: int | str) -> str:
    """`value` as a SQL literal: a number as written, text quoted."""
    return str(value) if isinstance(value, int) else "'" + value.replace("'", "''") + "'"


@contextlib.contextmanager
def _working_directory(folder: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)
