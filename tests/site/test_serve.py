"""`cardgate serve` end to end: a real process on a free port of 127.0.0.1, fetched over
HTTP, rebuilt when a YAML file changes. Every wait is bounded; the process is always
stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
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


def test_a_change_made_while_the_first_build_runs_is_rebuilt(tmp_path: Path) -> None:
    """The watcher's first fingerprint predates the first build: a card saved while that
    build runs (or the moment the site answers) is seen at the next poll, not taken as the
    state the site already shows."""
    from cardgate.site.build import BuildResult, SiteLayout
    from cardgate.site.serve import serve

    workspace = tmp_path / "ws"
    card = workspace / "systems/a/model-card.yaml"
    card.parent.mkdir(parents=True)
    card.write_text("name: first\n", encoding="utf-8")
    site = tmp_path / "site"
    layout = SiteLayout(
        site_dir=site,
        config_file=site / "mkdocs.yml",
        docs_dir=site / "docs",
        out_dir=site / "build",
    )
    stop = threading.Event()
    builds: list[str] = []

    def build() -> BuildResult:
        builds.append(card.read_text(encoding="utf-8"))
        if len(builds) == 1:
            card.write_text("name: second, saved during the first build\n", encoding="utf-8")
        else:
            stop.set()
        return BuildResult(layout=layout)

    watcher = threading.Thread(
        target=serve,
        args=(build, layout, workspace),
        kwargs={"port": _free_port(), "interval": 0.05, "report": lambda line: None, "stop": stop},
        daemon=True,
    )
    watcher.start()
    watcher.join(timeout=10)
    stop.set()  # stops a watcher that never rebuilt
    watcher.join(timeout=30)
    assert builds == ["name: first\n", "name: second, saved during the first build\n"]
