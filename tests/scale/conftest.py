"""The Spark session the Spark tests share: started once per module, local mode."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    import threading

    from cardgate.evidence.evaluation.spark_engine import spark_session, stop_sessions

    session = spark_session("local[2]")
    yield session
    stop_sessions()
    # the tests after these fork page workers: no thread of Spark may be left behind
    assert threading.active_count() == 1, [t.name for t in threading.enumerate()]
