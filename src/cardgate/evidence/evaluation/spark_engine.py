"""`evaluate --engine spark`: the counts table computed by Apache Spark.

Spark reads the Parquet file (or, on a cluster, the path the cluster sees), runs the
counting query that `cardgate sql --dialect spark` prints for the card's columns (one
GROUP BY: only the counts table, a few KB, comes back to this process) and returns it as
Arrow. Local mode by default (`local[*]`, this machine's cores); `--spark-master URL` runs
it on a cluster, and ``SPARK_REMOTE=sc://host:port`` through Spark Connect. Needs the
`spark` extra (PySpark, sqlglot) and a Java 17+ runtime. One session per process, shared
by the systems one `cardgate evaluate` run evaluates; Spark's log shows errors only.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from cardgate.core.errors import ConfigurationError, InputError, first_line
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.delta_table import DeltaSnapshot, spark_rows
from cardgate.evidence.evaluation.spark_probe import CONNECT_HINT, check_reachable

LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
LOG_URI = LOG_CONFIG.as_uri()
VIEW = "cardgate_predictions"
_SESSIONS: dict[str, Any] = {}
SPARK_HINT = (
    "PySpark needs a Java 17+ runtime (java on PATH or JAVA_HOME); "
    "for a cluster, --spark-master URL or SPARK_REMOTE=sc://host:port"
)


def spark_session(master: str | None = None) -> Any:
    """The process's Spark session for `master` (default: ``SPARK_REMOTE`` when set, else
    ``local[*]``); `ConfigurationError` when PySpark is missing or Spark cannot start."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise ConfigurationError(
            "--engine spark needs PySpark, which is not installed",
            hint="pip install 'cardgate[spark]' (and a Java 17+ runtime)",
        ) from error
    remote = os.environ.get("SPARK_REMOTE", "").strip() if master is None else ""
    key = remote or master or "local[*]"
    session = _SESSIONS.get(key)
    if session is not None:
        return session
    check_reachable(remote or key, connect=bool(remote))
    builder: Any = SparkSession.builder.appName("cardgate")
    if remote:
        builder = builder.remote(remote)
    else:
        builder = (
            builder.master(key)
            .config(
                "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}"
            )
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
        )
    try:
        with warnings.catch_warnings():  # PySpark's notice about the pandas release
            warnings.simplefilter("ignore", FutureWarning)
            session = builder.getOrCreate()
    except Exception as error:  # PySpark raises its own types, Java's gateway others
        if remote:
            _forget_connect_session()
        raise ConfigurationError(
            f"cannot start Spark ({'Spark Connect' if remote else key}): {first_line(error)}",
            hint=CONNECT_HINT if remote else SPARK_HINT,
        ) from error
    _SESSIONS[key] = session
    return session


def _forget_connect_session() -> None:
    """Drop the Spark Connect session a failed start left behind: PySpark registers it as
    the process's default and active session before its first call to the server, and
    whatever asks for the active session next (MLflow's client does, to find a model
    registry) would retry that unreachable server for many minutes. Its channel is closed
    without a call to the server (`stop` would release the session there: more retries)."""
    from pyspark.sql.connect.session import SparkSession as ConnectSession

    with contextlib.suppress(Exception):
        for session in (ConnectSession._default_session, ConnectSession.getActiveSession()):
            if session is not None:
                with contextlib.suppress(Exception):
                    session.client.close()
        ConnectSession._default_session = None
        ConnectSession._active_session.session = None


def stop_sessions() -> None:
    """Stop the sessions this process started and Spark's gateway to its JVM (with its
    threads: a process with threads does not fork its page workers, `core.parallel`)."""
    while _SESSIONS:
        _, session = _SESSIONS.popitem()
        with contextlib.suppress(Exception):
            session.stop()
    try:
        from pyspark import SparkContext
    except ImportError:
        return
    gateway = SparkContext._gateway
    if gateway is not None:
        with contextlib.suppress(Exception):
            gateway.shutdown()
        SparkContext._gateway = None
        SparkContext._jvm = None
        _reap(getattr(gateway, "proc", None))
    for thread in threading.enumerate():  # py4j's reader ends once its socket closes
        if type(thread).__module__.startswith(("py4j", "pyspark")):
            thread.join(timeout=5)


def _reap(process: Any) -> None:
    """Wait for Spark's JVM (started by PySpark as this process's child) to end."""
    if process is None:
        return
    with contextlib.suppress(Exception):
        if process.stdin is not None:
            process.stdin.close()  # PySpark's JVM ends when its standard input closes
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def spark_counts(
    settings: EvaluationSettings,
    paths: Sequence[Path],
    display: str,
    *,
    master: str | None = None,
    held_label: int | str | None = None,
    table: DeltaSnapshot | None = None,
) -> Iterator[Any]:
    """The counts table of the Parquet files `paths`, computed by Spark, as Arrow batches
    (`held_label`, `table`: `engines.engine_counts`'s)."""
    from cardgate.evidence.evaluation.warehouse import counts_sql

    query = counts_sql(settings, dialect="spark", table=VIEW)
    session = spark_session(master)
    try:
        # by name, as Delta reads a table's files (a column added later: null before it)
        rows = spark_rows(session, paths, table, merge=True)
        if held_label is not None:
            from pyspark.sql.functions import lit

            rows = rows.withColumn(settings.label_column, lit(held_label))
        rows.createOrReplaceTempView(VIEW)
        counts = arrow_result(session, query)
    except Exception as error:  # AnalysisException, Py4JJavaError, SparkConnect errors
        raise InputError(
            f"{display}: Spark could not compute the counts: {first_line(error)}",
            hint="the file must be Parquet with the card's columns; "
            "'cardgate sql SYSTEM --dialect spark --table T' prints the query Spark ran",
        ) from error
    finally:
        _drop_view(session)
    yield from counts.to_batches()


def arrow_result(session: Any, query: str) -> Any:
    """The result of the Spark SQL `query`, as an Arrow table (timestamps as UTC values,
    not in this machine's time zone as `collect` gives them)."""
    with warnings.catch_warnings():  # PySpark's notice about the pandas release
        warnings.simplefilter("ignore", FutureWarning)
        return session.sql(query).toArrow()


def _drop_view(session: Any) -> None:
    with contextlib.suppress(Exception):  # nothing to drop when the read failed
        session.catalog.dropTempView(VIEW)
