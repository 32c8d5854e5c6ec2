"""`cardgate serve` end to end: a real process on a free port of 127.0.0.1, fetched over
HTTP, rebuilt when a YAML file changes. Every wait is bounded; the process is always
stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import TODAY

DEADLINE = 90.0  # seconds for the first build, and again for the rebuild


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(check: Callable[[], bool], process: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"cardgate serve exited ({process.returncode}) before {what}:\n{output}")
        if check():
            return
        time.sleep(0.3)
    pytest.fail(f"timed out after {DEADLINE:.0f}s waiting for {what}")


@pytest.fixture
def served(workspace_root: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cardgate", "serve", "--port", str(port), "-w", str(workspace_root)],
        cwd=workspace_root,
        env={**os.environ, "CARDGATE_TODAY": TODAY},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopped with everything it started
    )
    try:
        yield f"http://127.0.0.1:{port}", process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_serve_serves_the_site_and_rebuilds_on_a_yaml_change(
    served: tuple[str, subprocess.Popen[str]], workspace_root: Path
) -> None:
    url, process = served
    index = f"{url}/index.html"
    _wait_for(lambda: "Fraud alerts" in (_fetch(index) or ""), process, "the first build")
    page = _fetch(f"{url}/systems/fraud-alerts/index.html") or ""
    assert "Grace Hopper" in page

    card = workspace_root / "systems/fraud-alerts/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace('"Fraud alerts"', '"Fraud alerts, second edition"'), "utf-8")
    _wait_for(
        lambda: "Fraud alerts, second edition" in (_fetch(index) or ""),
        process,
        "the rebuild after the model card changed",
    )
    assert process.poll() is None
