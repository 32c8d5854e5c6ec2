"""A window's id and last day, from its file name or the command line."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path

from cardgate.core.errors import ConfigurationError
from cardgate.core.paths import display_path

_DATED = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def window_end(path: Path, given: str | None) -> dt.date:
    """A window's last day: `given`, else the date in its file (or Delta table's folder)
    name (YYYY-MM-DD, or YYYY-MM for the month's last day)."""
    if given is not None:
        try:
            return dt.date.fromisoformat(given)
        except ValueError as error:
            raise ConfigurationError(
                f"--end: '{given}' is not a date", hint="write it as YYYY-MM-DD"
            ) from error
    match = _DATED.search(path.name)
    if match is not None:
        year, month = int(match.group(1)), int(match.group(2))
        try:
            if match.group(3):
                return dt.date(year, month, int(match.group(3)))
            return dt.date(year, month, calendar.monthrange(year, month)[1])
        except ValueError:
            pass
    if path.is_dir():  # a Delta table's folder
        raise ConfigurationError(
            f"{display_path(path)}: no date in the Delta table's folder name to end the window",
            hint="pass --end YYYY-MM-DD (the window's last day), or name the folder after "
            "its period (2026-07.delta)",
        )
    raise ConfigurationError(
        f"{display_path(path)}: no date in the file name to end the window",
        hint="name the file after its period (2026-07.csv) or pass --end YYYY-MM-DD",
    )


def window_id(path: Path) -> str:
    name = path.name
    for suffix in (".csv.gz", ".csv", ".parquet", ".pq", ".delta"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name
