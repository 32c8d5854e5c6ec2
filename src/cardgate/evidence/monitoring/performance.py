"""The card's evaluation on one production window: its metrics, the card's thresholds
and the change of each overall metric against the approved evaluation — on every metric
when the window holds outcomes, on what predictions say alone (the selection rate by
group) when they have not arrived.
"""

from __future__ import annotations

import math
from typing import Any

from cardgate.core.errors import CardgateError
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.datacheck.source import DataSource
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.evaluation.query import held_columns, sql_literal
from cardgate.evidence.monitoring.decide import DriftSettings, change_state

LABEL_FREE = frozenset(
    {"selection_rate", "demographic_parity_difference", "demographic_parity_ratio"}
)
"""What a classifier's predictions say without outcomes: who is selected, by group."""


def window_performance(
    source: DataSource,
    evaluation: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
    *,
    engine: str = "auto",
    master: str | None = None,
) -> dict[str, Any]:
    """The card's evaluation on the window, and each overall metric's change against
    the approved evaluation (`engine`, `master`: `evaluate_settings`'s)."""
    predictions = evaluation.predictions.model_copy(
        update={"path": source.path.name, "query": None, "inputs": None}
    )
    on_window = evaluation.model_copy(update={"predictions": predictions})
    return _performance(source, on_window, approved, settings, engine=engine, master=master)


def window_selection(
    source: DataSource,
    evaluation: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
    *,
    engine: str = "duckdb",
    master: str | None = None,
) -> dict[str, Any]:
    """A classifier's window whose outcomes have not arrived: the selection rate overall
    and per group, the card's thresholds on it (demographic parity needs no outcomes) and
    its change against the approved evaluation — the same evaluation, its label held at
    one class (`held_label`; `outcomes: false` says so). A CSV file is read by a DuckDB query;
    Parquet files (one, or a Delta table's snapshot) by `engine`'s counting query
    ("duckdb" or "spark", `master`: where Spark runs), the label held there."""
    label = evaluation.label_column
    held = held_label(evaluation)
    update: dict[str, Any] = {"query": None, "inputs": None, "format": "rows", "computed_by": None}
    if source.format == "csv":
        columns = held_columns(label, held, stored=label in source.columns())
        update.update(
            path=None,
            query=f"SELECT {columns} FROM {sql_literal(source.path.name)}",
            inputs=[source.path.name],
        )
    else:
        update.update(path=source.path.name)
    on_window = selection_settings(evaluation, update)
    if source.format == "csv":
        return {**_performance(source, on_window, approved, settings), "outcomes": False}
    performance = _performance(
        source,
        on_window,
        approved,
        settings,
        engine="spark" if engine == "spark" else "duckdb",
        master=master,
        held_label=held,
    )
    return {**performance, "outcomes": False}


def selection_settings(
    evaluation: EvaluationSettings, predictions: dict[str, Any]
) -> EvaluationSettings:
    """The card's evaluation reduced to what predictions say alone (the selection rate and
    the thresholds on it), its predictions updated by `predictions`."""
    return evaluation.model_copy(
        update={
            "predictions": evaluation.predictions.model_copy(update=predictions),
            "score_column": None,
            "metrics": ["selection_rate"],
            "thresholds": [t for t in evaluation.thresholds if t.metric in LABEL_FREE],
        }
    )


def held_label(evaluation: EvaluationSettings) -> int | str:
    """The class every row's label is held at: the card's positive label (the other class
    is then the one the predictions name besides it, whatever the labels' type or
    spelling), else 0. The selection rate and demographic parity read predictions only."""
    positive = evaluation.positive_label
    return 0 if positive is None else positive


def _performance(
    source: DataSource,
    on_window: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
    *,
    engine: str = "auto",
    master: str | None = None,
    held_label: int | str | None = None,
) -> dict[str, Any]:
    from cardgate.evidence.evaluation.evaluate import evaluate_settings

    try:
        artifact = evaluate_settings(
            on_window,
            root=source.path.parent,
            system="window",
            engine=engine,
            master=master,
            held_label=held_label,
        )
    except CardgateError as error:
        # it names the window by its name alone (the predictions' path), as the query
        # that reads it (a window without outcomes), or not at all
        named_as = (source.path.name, "DuckDB query")
        raise error.about(f"window {source.display}", named_as=named_as) from error
    return performance_record(artifact, approved, settings)


def performance_record(
    artifact: EvaluationArtifact, approved: EvaluationArtifact | None, settings: DriftSettings
) -> dict[str, Any]:
    """A window's `performance`: the evaluation `artifact` of its rows, and each overall
    metric's change against the `approved` one."""
    overall = {
        name: {"value": e.value, "ci": list(e.ci) if e.ci is not None else None}
        for name, e in sorted(artifact.overall.metrics.items())
    }
    thresholds = [
        {
            "threshold": r.threshold,
            "metric": r.metric,
            "feature": r.feature,
            "group": r.group,
            "value": r.value,
            "ci": list(r.ci) if r.ci is not None else None,
            "state": r.state,
            "reason": r.reason,
        }
        for r in artifact.thresholds
    ]
    changes = []
    if approved is not None:
        for name, now in sorted(artifact.overall.metrics.items()):
            before = approved.overall.metrics.get(name)
            if before is None:
                continue
            changes.append(_change(name, now, before, settings.tolerance))
    return {
        "rows": artifact.overall.count,
        "overall": overall,
        "thresholds": thresholds,
        "changes": changes,
    }


def _change(name: str, now: Any, before: Any, tolerance: float) -> dict[str, Any]:
    record: dict[str, Any] = {
        "metric": name,
        "window": now.value,
        "approved": before.value,
        "difference": None,
        "ci": None,
    }
    if now.value is None or before.value is None or now.ci is None or before.ci is None:
        record["state"] = "undefined"
        return record
    difference = now.value - before.value
    # MOVER (Zou & Donner 2008): the difference of two independent estimates
    low = difference - math.hypot(now.value - now.ci[0], before.ci[1] - before.value)
    high = difference + math.hypot(now.ci[1] - now.value, before.value - before.ci[0])
    record.update(
        difference=difference,
        ci=[low, high],
        state=change_state(name, difference, low, high, tolerance),
    )
    return record
