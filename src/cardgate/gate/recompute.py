"""A computed artifact computed again for ``--release`` and compared with the committed
one: the integrity rules' one way to say "cannot be recomputed" and "differs" (GATE-ART001
for evaluations, data checks and retrieval evaluations; GATE-MON003 for monitoring
records). Light: the computation itself is passed in and imported by the caller."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cardgate.core.errors import CardgateError
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

SHOWN = 3  # differences named in a finding; the rest are counted by the command's own run


def recomputed(
    ctx: RuleContext,
    family: str,
    relative: str,
    recorded: Any,
    compute: Callable[[], dict[str, Any]],
    *,
    command: str,
    restore: str,
    why: str = "recomputed for --release",
) -> Iterator[Finding]:
    """A system's artifact computed again (once per run: the gate's cache, by `family`
    and system) and compared with the `recorded` JSON data."""
    assert ctx.system is not None  # pragma: no mutate
    system_id = ctx.system.id
    # any key unique in the gate's cache would do: mutating it changes nothing
    cache: dict[str, Any] = ctx.gate.cache.setdefault(family, {})  # pragma: no mutate
    if system_id not in cache:
        try:
            cache[system_id] = compute()
        except CardgateError as error:
            cache[system_id] = error
    again = cache[system_id]
    if isinstance(again, CardgateError):
        yield ctx.finding(
            relative,
            f"{relative} cannot be recomputed from its inputs: {again.message}",
            hint=restore,
        )
        return
    yield from differences(ctx, relative, recorded, again, command, why=why)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def differences(
    ctx: RuleContext,
    relative: str,
    recorded: Any,
    again: Any,
    command: str,
    *,
    why: str = "recomputed for --release",
) -> Iterator[Finding]:
    """One finding naming the first differences between the recorded artifact and the
    one computed again; none when they agree."""
    from cardgate.evidence.evaluation.artifact import artifact_differences

    found = artifact_differences(recorded, again, limit=SHOWN)
    if not found:
        return
    shown = "; ".join(
        f"{where}: {_short(old)}, recomputed {_short(new)}" for where, old, new in found
    )
    yield ctx.finding(
        relative,
        f"{relative} differs from what its inputs give ({why}): {shown}",
        hint=f"never edit an artifact: run {command}, commit it and sign again",
    )
