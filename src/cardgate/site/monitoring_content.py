"""The monitoring section of a system's page: what `cardgate monitor` recorded, as the
gate reads it (never decided again). Per window: its rows, drift, breaches and the
decision recorded; a chart per overall metric over the windows (value and interval, the
approved value and the tolerance as lines, breaching windows named); the latest window's
drift table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.monitoring.artifact import MonitoringArtifact, Window
from cardgate.evidence.monitoring.decide import EFFECTS
from cardgate.site.charts import Bar, Line, bar_chart
from cardgate.site.templating import metric_words, sentence_start

CHARTED = ("accuracy", "roc_auc", "false_positive_rate", "selection_rate", "balanced_accuracy")
"""Overall metrics charted over the windows (those the windows carry)."""

STATE_CSS = {"drift": "fail", "noise": "warning", "stable": "pass", "not-compared": "muted"}


def monitoring_values(
    artifact: MonitoringArtifact | None, card: ModelCard | None, today: dt.date
) -> dict[str, Any] | None:
    """What the page shows of the system's monitoring.json (None: there is none)."""
    if artifact is None:
        return None
    decisions = {}
    if card is not None and card.monitoring is not None:
        decisions = {d.window: d for d in card.monitoring.decisions or []}
    latest = artifact.latest(today)
    windows = []
    for window in sorted(artifact.windows, key=lambda w: (w.end, w.id)):
        decision = decisions.get(window.id)
        windows.append(
            {
                "id": window.id,
                "end": window.end,
                "rows": window.rows,
                "computed_by": window.computed_by,
                "evidence": window.evidence,
                "compared": window.drift.compared,
                "drifted": window.drift.drifted,
                "breaches": [b.model_dump() for b in window.breaches],
                "decision": decision,
                "latest": latest is not None and window.id == latest.id,
                "future": window.end > today,
            }
        )
    tolerance = artifact.windows[0].settings.tolerance if artifact.windows else 0.0
    return {
        "reference": artifact.reference,
        "approved": artifact.approved,
        "windows": windows,
        "charts": _charts(artifact, tolerance),
        "latest": _drift_rows(latest) if latest is not None else None,
        "latest_id": latest.id if latest is not None else "",
        "plan": card.monitoring if card is not None else None,
    }


def _charts(artifact: MonitoringArtifact, tolerance: float) -> list[dict[str, Any]]:
    ordered = sorted(artifact.windows, key=lambda w: (w.end, w.id))
    charts = []
    for metric in CHARTED:
        bars, approved = [], None
        for window in ordered:
            performance = window.performance
            overall = performance.overall.get(metric) if performance is not None else None
            if performance is None or overall is None:
                continue
            change = next((c for c in performance.changes if c.metric == metric), None)
            worse = change is not None and change.state == "worse"
            if change is not None:
                approved = change.approved
            ci = overall.ci
            bars.append(
                Bar(
                    f"{window.id}{' — breach' if worse else ''}",
                    overall.value,
                    ci,
                    muted=not worse,
                )
            )
        if not bars:
            continue
        lines = []
        if approved is not None:
            lines.append(Line(float(approved), f"approved {approved:.3f}"))
        title = f"{metric_words(metric)} per window"
        description = (
            f"{sentence_start(metric_words(metric))} in each monitored window with its 95% "
            "interval; the line is the approved evaluation's value. A window marked breach is "
            f"worse than the approved value by more than the tolerance ({tolerance:g}), beyond "
            "noise."
        )
        charts.append(
            {
                "svg": bar_chart(title, bars, lines=lines, description=description),
                "caption": description,
            }
        )
    return charts


def _drift_rows(window: Window) -> list[dict[str, Any]]:
    rows = []
    for row in window.drift.columns:
        effects = {name: row.effects.get(name) for name in EFFECTS}
        rows.append(
            {
                "column": row.column if row.aspect == "values" else f"{row.column} (missing)",
                "kind": row.kind,
                "effects": effects,
                "floors": row.floors,
                "p_adjusted": row.p_adjusted,
                "state": row.state,
                "css": STATE_CSS.get(row.state, "muted"),
                "reason": row.reason,
                "thresholds": window.settings.thresholds,
            }
        )
    return rows
