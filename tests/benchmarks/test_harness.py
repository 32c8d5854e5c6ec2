"""The benchmarks' harness measures what it says: interleaved runs, each child's own
peak RSS and CPU time, failures refused, medians with their range, results merged."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import harness

ALLOCATE = "import sys; block = bytearray({mib} << 20); block[::4096] = b'x' * len(block[::4096])"


def test_runs_alternate_and_record_each_childs_peak_memory(tmp_path: Path) -> None:
    log = tmp_path / "order.txt"
    append = "open({log!r}, 'a').write({name!r}); " + ALLOCATE
    commands = {
        name: [sys.executable, "-c", append.format(log=str(log), name=name, mib=mib)]
        for name, mib in (("A", 8), ("B", 120))
    }
    runs = harness.whole_process(commands, rounds=3)
    assert log.read_text() == "ABABAB"
    small, large = runs["A"].peak_rss_mib, runs["B"].peak_rss_mib
    assert len(small.values) == len(large.values) == 3
    # B's 120 MiB shows in B's peak only: the peak is each child's, not the largest so far
    assert large.low > small.high + 80
    assert all(cpu > 0 for cpu in runs["B"].cpu.values)
    assert all(
        wall >= cpu / 4
        for wall, cpu in zip(runs["B"].wall.values, runs["B"].cpu.values, strict=True)
    )


def test_a_small_child_of_a_large_process_reports_its_own_peak() -> None:
    ballast = bytearray(400 << 20)
    ballast[::4096] = b"x" * len(ballast[::4096])  # this process: over 400 MiB resident
    rss = harness.run_once([sys.executable, "-c", "pass"])[2]
    assert rss < 100, rss  # an interpreter doing nothing, not this process's high-water mark
    assert len(ballast) == 400 << 20


def test_fewer_rounds_for_some_commands_and_outputs_kept() -> None:
    commands = {
        "A": [sys.executable, "-c", "print('a')"],
        "B": [sys.executable, "-c", "print('b')"],
    }
    runs = harness.whole_process(commands, rounds=3, only={"B": 1})
    assert runs["A"].outputs == ["a\n"] * 3
    assert runs["B"].outputs == ["b\n"]


def test_a_failing_command_is_refused_unless_its_exit_code_is_expected() -> None:
    command = [sys.executable, "-c", "import sys; print('x', file=sys.stderr); sys.exit(1)"]
    with pytest.raises(RuntimeError, match="exited 1: x"):
        harness.run_once(command)
    assert harness.run_once(command, exit_codes=(0, 1))[3] == ""


def test_samples_report_the_median_and_the_range() -> None:
    sample = harness.Sample([3.0, 1.0, 2.0, 10.0])
    assert sample.median == 2.5
    assert sample.text() == "2.50 s (1.00–10.00)"
    assert sample.text(1000, "ms", 0) == "2,500 ms (1,000–10,000)"
    assert harness.Sample([0.5]).text() == "0.50 s"
    assert sample.summary() == {"median": 2.5, "min": 1.0, "max": 10.0, "runs": [3, 1, 2, 10]}


def test_in_process_runs_alternate_after_a_warm_up() -> None:
    calls: list[str] = []
    result = harness.in_process(
        {"A": lambda: calls.append("A"), "B": lambda: calls.append("B")}, rounds=2
    )
    assert calls == ["A", "B", "A", "B", "A", "B"]
    assert len(result["A"].values) == 2


def test_record_merges_sections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(harness, "RESULTS", tmp_path / "results.json")
    harness.record("first", {"value": 1})
    harness.record("second", {"value": 2})
    harness.record("first", {"value": 3})
    data = json.loads((tmp_path / "results.json").read_text())
    assert sorted(data["benchmarks"]) == ["first", "second"]
    assert data["benchmarks"]["first"]["value"] == 3
    assert data["benchmarks"]["second"]["machine"]["cores"] >= 1
    assert "cardgate" in data["versions"]
