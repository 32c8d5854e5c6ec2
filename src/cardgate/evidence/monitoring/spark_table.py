"""`profile SUBJECT --engine spark --table NAME`: the reference profile measured by Spark
from a table of its catalog.

cardgate cannot hash a table, so a profile of one is an external computation, recorded as
`evaluate --table` and `check-data --table` record theirs (`evaluation.spark_table`):
Spark runs the profile's portable queries (`spark_measure.measure_view`, the queries that
measure a Parquet file) on the table, only the counts come back, and cardgate writes the
statements Spark ran to ``profile.sql`` beside ``profile.json`` (atomically; a file
already there is replaced only when cardgate wrote it). The profile records, in place of
the SHA-256 of files (its `sources` are empty), `computed_by`: the engine, the table (and
the version its subject's document declares for it, when it declares Spark's computation
from that table: Spark's catalog tables have none of their own), that query file and its
SHA-256, the rows counted — and the evidence level ``counts-with-query``, which GATE-MON004
weighs per risk tier as GATE-FA006 and GATE-DC005 weigh evaluations and data checks.
Nothing can read the table again for `gate --release`: what it checks of such a profile is
its record and the query file.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from cardgate.core.errors import CardgateError, InputError, first_line
from cardgate.core.files import check_target, write_file
from cardgate.evidence.monitoring.profile import Kind, Profile, TableRecord

QUERY_FILE = "profile.sql"
QUERY_MARK = b"-- cardgate: the profile queries"
"""How the query file `--table` writes begins (a file that does not is never replaced)."""


def measure_table_profile(
    table: str,
    *,
    subject: str,
    kinds: Mapping[str, Kind],
    columns: Iterable[str] | None,
    version: str | None,
    query_path: Path,
    recorded: str,
    master: str | None = None,
) -> tuple[Profile, str]:
    """The profile of the Spark catalog table `table` (its `columns`, default every one;
    `kinds` as `measure.measure_profile`'s) and the text of the statements Spark ran, to
    be written at `query_path` (`recorded`: that path as the profile records it).
    `InputError` when Spark has no such table, the table lacks a column asked for, or
    Spark cannot compute the profile."""
    from cardgate.evidence.datacheck.spark_engine import physical_kind
    from cardgate.evidence.evaluation.spark_engine import spark_session
    from cardgate.evidence.evaluation.spark_table import check_table_has, table_frame
    from cardgate.evidence.evaluation.warehouse import require_sqlglot
    from cardgate.evidence.monitoring.spark_measure import VALUES, VIEW, measure_view

    require_sqlglot()
    session = spark_session(master)
    frame = table_frame(session, table)
    stored = {field.name: physical_kind(field.dataType) for field in frame.schema.fields}
    names = list(stored) if columns is None else list(dict.fromkeys(columns))
    check_table_has(table, stored, names, what="the profile")
    ran = [f"CREATE OR REPLACE TEMPORARY VIEW {VIEW} AS\nSELECT * FROM {table}"]
    try:
        frame.createOrReplaceTempView(VIEW)
        rows, measured = measure_view(session, kinds, names, stored, ran=ran)
    except CardgateError:
        raise
    except Exception as error:  # AnalysisException, Py4JJavaError, Spark Connect errors
        raise InputError(
            f"table {table}: Spark could not compute the profile: {first_line(error)}",
            hint="is the table readable by this session? 'cardgate profile --engine spark "
            "--data' profiles an export of its rows",
        ) from error
    finally:
        for view in (VALUES, VIEW):
            with contextlib.suppress(Exception):
                session.catalog.dropTempView(view)
    head = [
        f"{QUERY_MARK.decode()} of '{subject}' from {table} (spark), in the order Spark ran",
        "-- them (cardgate profile --engine spark --table): the profile.json beside this file",
        "-- holds their results.",
    ]
    text = "\n".join(head) + "\n\n" + ";\n\n".join(ran) + ";\n"
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    record = TableRecord("spark", table, version, recorded, digest, rows)
    return Profile(subject, [], rows, measured, record), text


def check_query_target(path: Path, *, within: Path) -> None:
    """`UnsafeWriteError` unless the query file may be written at `path` (before Spark
    runs: nothing is written when it may not)."""
    from cardgate.evidence.evaluation.spark_table import query_written_with

    check_target(path, within=within, replaceable=query_written_with(QUERY_MARK), what=_WHAT)


def write_query(path: Path, text: str, *, within: Path) -> None:
    """Write the statements Spark ran at `path`, atomically (never over a file that is not
    a query file cardgate wrote)."""
    from cardgate.evidence.evaluation.spark_table import query_written_with

    write_file(path, text, within=within, replaceable=query_written_with(QUERY_MARK), what=_WHAT)


_WHAT = "a profile query written by cardgate"
