"""The Spark session the Spark tests share: started once per module, local mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    import threading

    from cardgate.evidence.evaluation.spark_engine import spark_session, stop_sessions

    # Spark's JVM keeps the folder it starts in: its default warehouse (spark-warehouse/)
    # goes there, not into the checkout
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("spark"))
    try:
        session = spark_session("local[2]")
    finally:
        os.chdir(previous)
    yield session
    stop_sessions()
    # the tests after these fork page workers: no thread of Spark may be left behind
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
