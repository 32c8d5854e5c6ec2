"""Pause Python's cyclic garbage collector around bulk work on many small objects.

Loading a portfolio and gating it allocate hundreds of thousands of small, long-lived
objects and almost no reference cycles. The collector's generational passes rescan them
again and again: measured here, 2-3x the time of the work itself. Reference counting still
frees everything as usual; only cycle detection waits until the block ends.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_collector() -> Iterator[None]:
    """Disable the cyclic collector inside the block (re-entrant; restores the old state)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def frozen_heap() -> Iterator[None]:
    """Leave every object alive now out of the collector's passes inside the block.

    For work that creates much short-lived garbage with cycles (a MkDocs build) while a
    large, long-lived structure (the loaded portfolio) stays in memory: the collector keeps
    running for the new objects but no longer rescans the old ones.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
