"""A Spark cluster, not local mode (issue 22): `--spark-master spark://HOST:PORT` and
``SPARK_REMOTE=sc://HOST:PORT`` against separate processes, as a team's cluster is reached.

The module starts Spark's standalone cluster from the PySpark wheel's own launcher
(`bin/spark-class`): a master, a worker whose executors are JVMs of their own, and a
Spark Connect server (`spark-submit` of `SparkConnectServer`) whose driver runs its queries
on that cluster. `evaluate`, `check-data`, `profile` and `monitor` run in fresh processes
as a user runs them — once with ``--spark-master`` (cardgate's process is the driver, the
worker's executors scan the Parquet files) and once through Spark Connect (cardgate's
process is a gRPC client of the server's driver) — and write DuckDB's files byte for byte,
apart from the engine an evaluation records. Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from tests.scale.test_check_data_spark import TODAY, _generated, _workspace
from tests.scale.test_engines_agree import _table
from tests.scale.test_monitor_spark import SYSTEM, _example
from tests.scale.test_spark_connect import CARD

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 240


@dataclass(frozen=True)
class Cluster:
    master: str  # spark://127.0.0.1:PORT
    remote: str  # sc://127.0.0.1:PORT


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(log: Path, words: str, process: subprocess.Popen[bytes]) -> None:
    """Wait until `words` appear in the process's log; fail with the log's end if the
    process ends or the time runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if words in text:
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    pytest.fail(f"Spark did not start ({words!r} not in {log.name}):\n{tail}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    import pyspark

    home = Path(pyspark.__file__).parent
    folder = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_MASTER_OPTS": "-Dspark.master.rest.enabled=false",
    }
    env.pop("SPARK_REMOTE", None)
    master_port, connect_port = _free_port(), _free_port()
    master = f"spark://127.0.0.1:{master_port}"
    launcher = str(home / "bin" / "spark-class")
    commands = {
        "master": (
            [
                launcher,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(master_port),
                "--webui-port",
                str(_free_port()),
            ],
            "I have been elected leader",
        ),
        "worker": (
            [
                launcher,
                "org.apache.spark.deploy.worker.Worker",
                "--host",
                "127.0.0.1",
                "--cores",
                "2",
                "--memory",
                "2g",
                "--webui-port",
                str(_free_port()),
                "--work-dir",
                str(folder / "work"),
                master,
            ],
            "Successfully registered with master",
        ),
        # the Connect server's application takes one of the worker's two cores, so that a
        # --spark-master application (the other core) is not left waiting for executors
        "connect": (
            [
                str(home / "bin" / "spark-submit"),
                "--master",
                master,
                "--class",
                "org.apache.spark.sql.connect.service.SparkConnectServer",
                "--conf",
                "spark.cores.max=1",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.session.timeZone=UTC",
                "--conf",
                f"spark.connect.grpc.binding.port={connect_port}",
                "--conf",
                "spark.connect.grpc.binding.address=127.0.0.1",
                "spark-internal",
            ],
            "Spark Connect server started",
        ),
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, (command, ready) in commands.items():
            log = folder / f"{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    command,
                    cwd=folder,  # the Connect driver's spark-warehouse/ goes there
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # spark-class execs java: one group to stop
                )
            processes.append(process)
            _wait_for(log, ready, process)
        yield Cluster(master=master, remote=f"sc://127.0.0.1:{connect_port}")
    finally:
        for process in reversed(processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _workspaces(root: Path) -> dict[str, Path]:
    """Two workspaces, each run with one engine: the scored system and the generated
    dataset of test_spark_connect, and the worked example's monitoring as Parquet."""
    made = {}
    for engine in ("duckdb", "spark"):
        base = root / engine
        base.mkdir(parents=True)
        datasets = _workspace(base)
        pq.write_table(_generated(5_000, 3), datasets / "data.parquet")
        system = base / "systems" / "scored"
        system.mkdir(parents=True)
        (system / "model-card.yaml").write_text(CARD, encoding="utf-8")
        pq.write_table(_table(17, nulls=True), system / "predictions.parquet")
        made[engine] = base
    return made


def _commands(example: Path, reference: Path, window: Path) -> dict[str, list[str]]:
    """Each command by the file it writes."""
    return {
        "evaluation": ["evaluate", "scored"],
        "data-check": ["check-data", "generated", "--today", TODAY],
        "profile": ["profile", SYSTEM, "-w", str(example), "--data", str(reference)],
        "monitoring": ["monitor", SYSTEM, "-w", str(example), "--window", str(window)],
    }


def _written(base: Path, example: Path, name: str) -> bytes:
    folder = example / "systems" / SYSTEM
    return {
        "evaluation": base / "systems" / "scored" / "evaluation.json",
        "data-check": base / "datasets" / "generated" / "data-check.json",
        "profile": folder / "profile.json",
        "monitoring": folder / "monitoring.json",
    }[name].read_bytes()


ROUTES = {
    # each --spark-master run is an application of its own (a driver here, executors
    # started by the worker): two commands; Connect's server is started once, so all four
    "--spark-master": ("evaluation", "profile"),
    "SPARK_REMOTE": ("evaluation", "data-check", "profile", "monitoring"),
}


@pytest.mark.parametrize("route", list(ROUTES))
def test_a_cluster_gives_duckdbs_files(tmp_path: Path, cluster: Cluster, route: str) -> None:
    bases = _workspaces(tmp_path)
    outputs: dict[str, dict[str, bytes]] = {}
    for engine, base in bases.items():
        example, reference, windows = _example(base, 1)
        env = {k: v for k, v in os.environ.items() if k != "SPARK_REMOTE"}
        options = ["--engine", engine]
        if engine == "spark" and route == "--spark-master":
            options += ["--spark-master", cluster.master]
        elif engine == "spark":
            env["SPARK_REMOTE"] = cluster.remote
        commands = _commands(example, reference, windows[0])
        outputs[engine] = {}
        for name in ROUTES[route]:
            command = commands[name]
            if "-w" not in command:
                command = [*command, "-w", str(base)]
            if engine == "duckdb":
                run = CliRunner().invoke(app, [*command, *options])
                code, err = run.exit_code, run.stderr
            else:  # a fresh process, the way a user runs it
                done = subprocess.run(
                    [sys.executable, "-m", "cardgate", *command, *options],
                    cwd=base,  # a local driver's spark-warehouse/ goes there
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                code, err = done.returncode, done.stderr
            assert code in (0, 1), (command, err)  # 1: the generated data breaks its contract
            assert "Traceback" not in err, err
            outputs[engine][name] = _written(base, example, name)
    spark, duckdb = outputs["spark"], outputs["duckdb"]
    for name in ROUTES[route]:
        if name != "evaluation":
            assert spark[name] == duckdb[name], name
    evaluations = {
        "spark": json.loads(spark["evaluation"]),
        "duckdb": json.loads(duckdb["evaluation"]),
    }
    for engine, artifact in evaluations.items():
        assert artifact["provenance"].pop("engine")["name"] == engine
        artifact["provenance"].pop("versions")
    assert evaluations["spark"] == evaluations["duckdb"]
    assert evaluations["spark"]["overall"]["metrics"]  # numbers, not an empty artifact


def test_an_unreachable_cluster_is_one_line_exit_2(tmp_path: Path) -> None:
    """No server at the address: one message naming it, exit 2, nothing written."""
    base = _workspaces(tmp_path)["spark"]
    closed = _free_port()
    for option, env in (
        (["--spark-master", f"spark://127.0.0.1:{closed}"], {}),
        ([], {"SPARK_REMOTE": f"sc://127.0.0.1:{closed}"}),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "cardgate",
                "evaluate",
                "scored",
                "-w",
                str(base),
                "--engine",
                "spark",
                *option,
            ],
            cwd=base,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 2, (option, env, done.stderr)
        assert "cannot start Spark" in done.stderr and "Traceback" not in done.stderr
        assert not (base / "systems" / "scored" / "evaluation.json").exists()


def test_a_master_url_without_a_port_number_is_refused_before_spark_starts() -> None:
    from cardgate.core.errors import ConfigurationError
    from cardgate.evidence.evaluation.spark_engine import spark_session

    with pytest.raises(ConfigurationError, match=r"no Spark master answers at 127\.0\.0\.1:x"):
        spark_session("spark://127.0.0.1:x")


@pytest.mark.parametrize("answer", [b"HTTP/1.1 400 Bad Request\r\n\r\n", b""])
def test_a_connect_address_where_no_http2_server_answers_is_refused_at_once(
    answer: bytes,
) -> None:
    """Something else listens at the Connect address (a web server answering HTTP/1, or
    a listener that says nothing): refused within the probe's time, where the Connect
    client would retry it for many minutes."""
    import threading

    from cardgate.core.errors import ConfigurationError
    from cardgate.evidence.evaluation.spark_probe import PROBE_SECONDS, check_reachable

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            connection.recv(1024)
            if answer:
                connection.sendall(answer)
            time.sleep(PROBE_SECONDS + 1)

    threading.Thread(target=serve, daemon=True).start()
    started = time.monotonic()
    with server, pytest.raises(ConfigurationError, match="is not a Spark Connect server"):
        check_reachable(f"sc://127.0.0.1:{port}", connect=True)
    assert time.monotonic() - started < PROBE_SECONDS + 5


FORGET = """
from pyspark.sql.connect.session import SparkSession
from cardgate.evidence.evaluation.spark_engine import _forget_connect_session

left = SparkSession.builder.remote("sc://127.0.0.1:9").create()  # no call to the server yet
assert SparkSession.getActiveSession() is left
_forget_connect_session()
assert SparkSession.getActiveSession() is None and SparkSession._default_session is None
print("forgotten")
"""


def test_a_failed_connect_start_leaves_no_session_behind() -> None:
    """PySpark registers a Connect session as the process's active one before it first
    calls the server; after a failed start cardgate drops it, or the next caller that asks
    for the active session (MLflow's client does) would retry that server for minutes.
    In a fresh process: a Connect session cannot share one with the module's others."""
    done = subprocess.run(
        [sys.executable, "-c", FORGET], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "forgotten" in done.stdout, done.stderr
