"""How every benchmark measures: whole processes and in-process calls, interleaved.

* `whole_process`: each command runs in a fresh interpreter, as a user runs it (imports
  and file reads included), the commands alternating A B C A B C ... for `rounds`
  rounds, so that a shared machine's drift falls on all of them alike. Each run records
  its wall time and its CPU time (user + system), from `os.wait4` (its own children
  included once they are waited for), and its peak RSS, from GNU time (`/usr/bin/time
  -f %M`, see `_TIME`).
* `in_process`: the same alternation for calls in this process, after one warm-up call
  each (the core's cost: no interpreter start, no imports).
* `Sample`: the runs of one thing; reported as the median with the min-max range.
* `machine` and `versions`: what ran them; `load` the load average, recorded with every
  table because this machine is shared.
* `record`: one benchmark's results merged into `benchmarks/results.json`.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results.json"
PACKAGES = (
    "cardgate",
    "fairlearn",
    "scikit-learn",
    "scipy",
    "pandas",
    "numpy",
    "pyarrow",
    "duckdb",
    "pydantic",
    "PyYAML",
    "jsonschema",
    "check-jsonschema",
    "mkdocs-material",
)


@dataclass
class Sample:
    """Measurements of one thing, in the order taken."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def text(self, scale: float = 1.0, unit: str = "s", digits: int = 2) -> str:
        """'1.23 s (1.10–1.40)': the median, then the range."""
        m, lo, hi = (v * scale for v in (self.median, self.low, self.high))
        if len(self.values) == 1:
            return f"{m:,.{digits}f} {unit}"
        return f"{m:,.{digits}f} {unit} ({lo:,.{digits}f}–{hi:,.{digits}f})"

    def summary(self) -> dict[str, Any]:
        return {
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "runs": list(self.values),
        }


@dataclass
class Runs:
    """Whole-process runs of one command."""

    wall: Sample = field(default_factory=Sample)
    cpu: Sample = field(default_factory=Sample)
    peak_rss_mib: Sample = field(default_factory=Sample)
    outputs: list[str] = field(default_factory=list)
    """Each run's standard output."""

    def summary(self) -> dict[str, Any]:
        return {
            "wall_s": self.wall.summary(),
            "cpu_s": self.cpu.summary(),
            "peak_rss_mib": self.peak_rss_mib.summary(),
        }


def run_once(
    command: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    exit_codes: Sequence[int] = (0,),
) -> tuple[float, float, float, str]:
    """(wall s, CPU s, peak RSS MiB, stdout) of one run of `command` in a new process.

    Raises RuntimeError when the command exits otherwise than `exit_codes` (a benchmark of
    a failure means nothing).
    """
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        start = time.perf_counter()
        process = subprocess.Popen(
            [*_TIME, "-f", "%M", "-o", peak.name, *command],
            cwd=cwd,
            env=None if env is None else dict(env),
            stdout=out,
            stderr=err,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
        reported = peak.read().split()
    if process.returncode not in exit_codes:
        raise RuntimeError(
            f"{' '.join(command)} exited {process.returncode}: {stderr.strip()[-2000:]}"
        )
    # KiB; the last word: time writes "Command exited with non-zero status N" first
    rss = int(reported[-1]) / 1024
    return wall, usage.ru_utime + usage.ru_stime, rss, stdout


_TIME = ("/usr/bin/time",)
"""GNU time measures the peak RSS: a child forked by this (large) process would inherit
this process's high-water mark in its own `ru_maxrss` (Linux keeps it across exec), so
`os.wait4`'s figure is at least this process's size; time's child starts from time's."""


def whole_process(
    commands: Mapping[str, Sequence[str]],
    *,
    rounds: int,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    only: Mapping[str, int] | None = None,
    exit_codes: Sequence[int] = (0,),
) -> dict[str, Runs]:
    """Each command `rounds` times in fresh processes, alternating A B A B ...

    `only`: fewer rounds for some commands (name -> rounds), taken in the first rounds.
    """
    results = {name: Runs() for name in commands}
    for index in range(rounds):
        for name, command in commands.items():
            if only is not None and index >= only.get(name, rounds):
                continue
            wall, cpu, rss, stdout = run_once(command, cwd=cwd, env=env, exit_codes=exit_codes)
            runs = results[name]
            runs.wall.values.append(wall)
            runs.cpu.values.append(cpu)
            runs.peak_rss_mib.values.append(rss)
            runs.outputs.append(stdout)
    return results


def in_process(
    functions: Mapping[str, Callable[[], object]],
    *,
    rounds: int,
    cpu: dict[str, Sample] | None = None,
) -> dict[str, Sample]:
    """Each function `rounds` times in this process, alternating, after one warm-up call:
    wall seconds; with `cpu`, also this process's CPU seconds (all its threads) per call."""
    for function in functions.values():
        function()
    results = {name: Sample() for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            function()
            results[name].values.append(time.perf_counter() - start)
            if cpu is not None:
                cpu.setdefault(name, Sample()).values.append(time.process_time() - start_cpu)
    return results


def load() -> list[float]:
    """The 1, 5 and 15-minute load averages (2 cores here: above 2 means waiting)."""
    return [round(x, 2) for x in os.getloadavg()]


def versions(python: Path | str | None = None) -> dict[str, str]:
    """Installed versions of the packages the benchmarks compare, in this interpreter or
    in another one (`python`, e.g. a peer's virtual environment)."""
    if python is not None:
        code = (
            "import json\nfrom importlib.metadata import version, PackageNotFoundError\n"
            "out = {}\n"
            f"for name in {list(PACKAGES)!r}:\n"
            "    try: out[name] = version(name)\n"
            "    except PackageNotFoundError: pass\n"
            "print(json.dumps(out))"
        )
        done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
        found: dict[str, str] = json.loads(done.stdout)
        return found
    out = {}
    for name in PACKAGES:
        with contextlib.suppress(PackageNotFoundError):
            out[name] = version(name)
    return out


def machine() -> dict[str, Any]:
    """What the benchmarks ran on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory, 1),
        "python": sys.version.split()[0],
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load": load(),
    }


def peer_python(name: str, requirements: Sequence[str]) -> Path:
    """The interpreter of a throwaway virtual environment `benchmarks/.work/venvs/NAME`
    with exactly `requirements` (pinned) installed, created on first use; never the
    project's environment."""
    folder = WORK / "venvs" / name
    python = folder / "bin" / "python"
    stamp = folder / "requirements.txt"
    wanted = "\n".join(requirements) + "\n"
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", *requirements], check=True
    )
    stamp.write_text(wanted)
    return python


def record(section: str, data: Mapping[str, Any]) -> None:
    """Merge one benchmark's results into benchmarks/results.json (machine and versions
    refreshed; other benchmarks' sections kept, so one script can be re-run alone)."""
    existing: dict[str, Any] = {}
    if RESULTS.exists():
        existing = json.loads(RESULTS.read_text(encoding="utf-8"))
    benchmarks = dict(existing.get("benchmarks", {}))
    benchmarks[section] = {"machine": machine(), **data}
    out = {
        "about": "written by `make bench` (benchmarks/run_all.py); medians, min and max of "
        "interleaved runs; see benchmarks/README.md for the method",
        "versions": versions(),
        "benchmarks": dict(sorted(benchmarks.items())),
    }
    RESULTS.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
