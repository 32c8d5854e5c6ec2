"""Map a pure function over many items with forked worker processes.

For bulk work that is pure Python and CPU-bound (rendering a thousand pages), threads do
not help and a process pool pays for pickling its inputs. A fork shares the parent's
memory as it is: each child takes every n-th item, sends back only its results, and
exits. The parent works on its own share meanwhile, so with two cores the work takes
about half the time.

Results come back in the items' order whatever the number of workers, so output stays
deterministic. Correctness never depends on the workers: where fork is not available
(Windows) or not safe (macOS, or a process running other threads), when the machine has
one core, when there is too little work, or when a child fails in any way, the parent
computes the missing share itself. `CARDGATE_JOBS=1` turns forking off
(`CARDGATE_JOBS=N` sets the number of processes).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")

MIN_ITEMS_PER_WORKER = 50
"""Below this much work per process, forking costs more than it saves."""


def available_jobs() -> int:
    """How many processes to use: `CARDGATE_JOBS`, else the CPUs this process may use."""
    explicit = os.environ.get("CARDGATE_JOBS", "").strip()
    if explicit.isdigit() and int(explicit) > 0:
        return int(explicit)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - platforms without affinity
        return max(1, os.cpu_count() or 1)


def worker_count(items: int, *, jobs: int | None = None) -> int:
    """How many processes `fork_map` would use for `items` items (1: no fork)."""
    wanted = available_jobs() if jobs is None else jobs
    workers = min(wanted, items // MIN_ITEMS_PER_WORKER)
    return workers if workers >= 2 and _can_fork() else 1


def fork_map(
    function: Callable[[Item], Result], items: Sequence[Item], *, jobs: int | None = None
) -> list[Result]:
    """``[function(item) for item in items]``, shared among forked processes.

    `function` must not depend on side effects in the parent: a child's changes to
    memory are lost, only its return values come back (and must be picklable).
    """
    workers = worker_count(len(items), jobs=jobs)
    if workers < 2:
        return [function(item) for item in items]
    children: list[tuple[int, int, int]] = []  # (share, pid, read end of its pipe)
    for share in range(1, workers):
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child; its coverage is not collected
            os.close(read_end)
            _child(function, items[share::workers], write_end)
        os.close(write_end)
        children.append((share, pid, read_end))
    try:
        shares: dict[int, list[Result]] = {0: [function(item) for item in items[0::workers]]}
    except BaseException:
        for _, pid, read_end in children:  # leave no worker behind
            os.close(read_end)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        raise
    for share, pid, read_end in children:
        received = _receive(pid, read_end)
        expected = len(items[share::workers])
        if received is None or len(received) != expected:
            received = [function(item) for item in items[share::workers]]
        shares[share] = cast("list[Result]", received)
    merged: list[Result] = []
    for index in range(len(items)):
        merged.append(shares[index % workers][index // workers])
    return merged


def _can_fork() -> bool:
    """Fork only where it is safe: Linux and the BSDs, and a process with one thread.

    A thread of the parent (``cardgate serve``'s web server) may hold a lock at the moment
    of the fork, which the child would then wait for forever; such processes work alone.
    macOS system libraries are not fork-safe (Python's own multiprocessing stopped forking
    there), and Windows has no fork.
    """
    return (
        hasattr(os, "fork")
        and sys.platform not in ("win32", "darwin")
        and threading.active_count() == 1
    )


def _child(function: Callable[[Item], Result], items: Sequence[Item], write_end: int) -> None:
    """Compute a share, send it, and leave without running the parent's exit handlers."""
    code = 1
    try:
        payload = pickle.dumps([function(item) for item in items], pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as stream:
            stream.write(payload)
        code = 0
    except BaseException:  # the parent recomputes this share and reports any error itself
        pass
    finally:
        os._exit(code)


def _receive(pid: int, read_end: int) -> list[object] | None:
    """A child's results, or None when it failed."""
    with os.fdopen(read_end, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(pid, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        received = pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    return received if isinstance(received, list) else None


__all__ = ["MIN_ITEMS_PER_WORKER", "available_jobs", "fork_map", "worker_count"]
