"""The one notion of "today": the system date, or CARDGATE_TODAY when set.

Freshness checks, sign-off and waiver expiry compare against today's date. Reading it in
one place lets tests and CI pin it (`CARDGATE_TODAY=2026-11-30`) so that results, and
the artifacts that record the reference date, are reproducible.
"""

from __future__ import annotations

import datetime as dt
import os

from cardgate.core.errors import ConfigurationError

TODAY_ENV = "CARDGATE_TODAY"


def parse_date(text: str, *, source: str) -> dt.date:
    """A YYYY-MM-DD date, or a configuration error that names where it came from."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise ConfigurationError(
            f"{source}: '{text}' is not a date", hint="write it as YYYY-MM-DD"
        ) from error


def pinned_by(override: str | None = None) -> str | None:
    """What set `today(override)` when it is not the system date: ``--today`` or
    CARDGATE_TODAY (a run judged as of a chosen date says so, e.g. in the gate's verdict
    line: stale evidence reads fresh on an earlier one), else None."""
    if override is not None:
        return "--today"
    return TODAY_ENV if os.environ.get(TODAY_ENV) else None


def today(override: str | None = None) -> dt.date:
    """`override` (e.g. a `--today` option) if given, else CARDGATE_TODAY, else the date."""
    if override is not None:
        return parse_date(override, source="--today")
    pinned = os.environ.get(TODAY_ENV)
    if pinned:
        return parse_date(pinned, source=TODAY_ENV)
    return dt.date.today()
