"""Two builds into one --out queue (`cardgate.site.output.staged_site`): the second does
not remove the first one's staging folder as a killed build's leftover, and each site is
put in place whole."""

from __future__ import annotations

import threading
from pathlib import Path

from cardgate.site.output import BUILD_MARKER, staged_site


def _build(out: Path, name: str, started: threading.Event, release: threading.Event) -> None:
    with staged_site(out) as staging:
        staging.mkdir()
        (staging / BUILD_MARKER).write_text("", encoding="utf-8")
        started.set()
        release.wait(timeout=30)
        (staging / "index.html").write_text(name, encoding="utf-8")


def test_a_second_build_waits_for_the_first(tmp_path: Path) -> None:
    out = tmp_path / "site"
    first_started, second_started, release = (threading.Event() for _ in range(3))
    errors: list[BaseException] = []

    def run(name: str, started: threading.Event) -> None:
        try:
            _build(out, name, started, release)
        except BaseException as error:  # reported below, with the test's assertion
            errors.append(error)

    first = threading.Thread(target=run, args=("first", first_started))
    first.start()
    assert first_started.wait(timeout=30)
    second = threading.Thread(target=run, args=("second", second_started))
    second.start()
    # the second waits on the lock: it has not begun building while the first builds
    assert not second_started.wait(timeout=1.0)
    staging_folders = [p for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]
    assert len(staging_folders) == 1  # the first one's, not removed
    release.set()
    first.join(timeout=30)
    second.join(timeout=30)
    assert not errors, errors
    assert (out / "index.html").read_text(encoding="utf-8") == "second"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]
