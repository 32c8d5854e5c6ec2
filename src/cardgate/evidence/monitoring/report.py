"""What `cardgate profile` and `cardgate monitor` print: the verdicts as recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cardgate.core.paths import display_path
from cardgate.evidence.monitoring.decide import number
from cardgate.evidence.monitoring.profiling import ProfileRun
from cardgate.evidence.monitoring.run import MonitorRun


def profile_lines(run: ProfileRun) -> Iterator[str]:
    profile = run.profile
    numeric = sum(1 for c in profile.columns.values() if c.kind == "numeric")
    table = profile.computed_by
    read = (
        f"{len(profile.sources)} file(s)"
        if table is None
        else f"{table.engine} table {table.table}"
    )
    yield (
        f"profile of {profile.subject}: {profile.rows:,} rows from {read}, "
        f"{len(profile.columns)} columns ({numeric} numeric, "
        f"{len(profile.columns) - numeric} categorical)"
    )
    if table is not None:
        yield (
            f"evidence counts-with-query: cardgate cannot hash a table; the queries Spark ran "
            f"are in {table.query}"
        )
        yield f"wrote {table.query}"
    yield f"wrote {display_path(run.path)}"


def monitor_lines(run: MonitorRun) -> Iterator[str]:
    for entry in run.added:
        yield from _window_lines(entry)
    for window in run.unchanged:
        yield f"window {window}: already recorded (same data, same settings)"
    if run.added:
        yield f"wrote {display_path(run.path)} ({len(run.windows)} windows, {len(run.added)} new)"
    else:
        yield f"{display_path(run.path)} unchanged ({len(run.windows)} windows, none new)"


def _window_lines(entry: dict[str, Any]) -> Iterator[str]:
    drift = entry["drift"]
    share = "" if drift["share"] is None else f" ({drift['share']:.0%})"
    verdict = "BREACH" if entry["breaches"] else "ok"
    table = entry.get("computed_by")
    rows = (table or entry.get("data") or {}).get("rows", 0)
    yield (
        f"window {entry['id']} (to {entry['end']}, {rows:,} rows): {verdict}; "
        f"{drift['drifted']} of {drift['compared']} columns drifted{share}"
    )
    if table is not None:
        yield (
            f"  evidence counts-with-query: measured by {table['engine']} from the table "
            f"{table['tables'][0]['name']}; the queries it ran are in {table['query']}"
        )
    for breach in entry["breaches"]:
        yield f"  {breach['kind']}: {breach['subject']}: {breach['message']}"
    performance = entry.get("performance")
    if performance:
        for change in performance["changes"]:
            if change["state"] in ("worse", "better") and change["difference"] is not None:
                yield (
                    f"  {change['metric']}: {number(change['window'])} "
                    f"(approved {number(change['approved'])}, {change['state']})"
                )
