"""One production window against the reference: its monitoring.json entry.

Drift of every column of the reference profile (`drift`, decided by `decide`), the
card's evaluation on the window when its outcomes have arrived (the same
`evaluate_settings` as `cardgate evaluate`, so the same metrics, intervals and threshold
states), the change of each metric against the approved evaluation with the interval of
the difference (MOVER, from the two intervals), and the datasheet's contract checked on
the window (the clauses of `check-data`, on the window's rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.digests import file_sha256
from cardgate.core.errors import InputError
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.datacheck.source import DataSource, open_source
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.monitoring.artifact import sealed
from cardgate.evidence.monitoring.decide import (
    DriftSettings,
    benjamini_hochberg,
    change_state,
    drift_state,
    window_breaches,
)
from cardgate.evidence.monitoring.drift import chi2_homogeneity, chi2_p_value, column_drift
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import ColumnProfile, Profile, SourceRecord


@dataclass(frozen=True)
class WindowInput:
    """A window to monitor: its file, id and last day, and the path to record."""

    path: Path
    id: str
    end: dt.date
    recorded_path: str


def window_entry(
    window: WindowInput,
    reference: Profile,
    settings: DriftSettings,
    *,
    evaluation: EvaluationSettings | None = None,
    approved: EvaluationArtifact | None = None,
    contract: DataContract | None = None,
    memory_limit: str | None = None,
) -> dict[str, Any]:
    """The window's sealed entry (InputError naming the file when it cannot be used)."""
    source = open_source(window.path)
    try:
        digest = file_sha256(window.path)
    except OSError as error:
        raise InputError(f"{source.display}: cannot read: {error}") from error
    record = SourceRecord(window.recorded_path, digest, 0, source.suffix)
    kinds = {name: column.kind for name, column in reference.columns.items()}
    columns = sorted(reference.columns)
    if evaluation is not None and evaluation.label_column in columns:
        header = source.csv_header() if source.format == "csv" else _parquet_columns(source)
        if evaluation.label_column not in header:  # outcomes not collected with the window
            columns.remove(evaluation.label_column)
    profile = measure_profile(
        source,
        subject=reference.subject,
        recorded=record,
        kinds={name: kinds[name] for name in columns},
        columns=columns,
        memory_limit=memory_limit,
    )
    outcomes = evaluation is None or _has_outcomes(source, profile, evaluation)
    awaited = {} if outcomes or evaluation is None else {evaluation.label_column: AWAITED}
    rows = drift_rows(reference, profile, settings, awaited)
    performance = None
    if evaluation is not None and outcomes:
        performance = window_performance(source, evaluation, approved, settings)
    elif evaluation is not None and evaluation.task == "binary-classification":
        performance = window_selection(source, evaluation, approved, settings)
    checked = None
    if contract is not None:
        checked = window_contract(source, contract, window.end, memory_limit=memory_limit)
    compared = [row for row in rows if row["aspect"] == "values" and row["state"] != "not-compared"]
    drifted = [row for row in compared if row["state"] == "drift"]
    breaches = window_breaches(
        rows,
        (performance or {}).get("thresholds", []),
        (performance or {}).get("changes", []),
        (checked or {}).get("violations", []),
    )
    entry: dict[str, Any] = {
        "id": window.id,
        "end": window.end.isoformat(),
        "data": record.as_dict(),
        "settings": settings.as_dict(),
        "drift": {
            "columns": rows,
            "compared": len(compared),
            "drifted": len(drifted),
            "share": len(drifted) / len(compared) if compared else None,
        },
        "performance": performance,
        "contract": checked,
        "breaches": [b.as_dict() for b in breaches],
    }
    return sealed(entry)


AWAITED = "outcomes not yet in: no label in this window"


def drift_rows(
    reference: Profile,
    window: Profile,
    settings: DriftSettings,
    skipped: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Every column's drift rows (its values; its missing values when either sample has
    any), with p-values adjusted together and each row's state; `skipped`: columns not
    compared, with why (a label whose outcomes have not arrived is not drift)."""
    rows: list[dict[str, Any]] = []
    for name in sorted(reference.columns):
        ref = reference.columns[name]
        if skipped and name in skipped:
            rows.append(_skipped_row(ref, window.columns.get(name), skipped[name]))
            continue
        cur = window.columns[name]
        rows.append(_values_row(ref, cur, settings))
        if ref.nulls + ref.invalid + cur.nulls + cur.invalid > 0:
            rows.append(_missing_row(ref, cur))
    adjusted = benjamini_hochberg([row["p_value"] for row in rows])
    for row, p_adjusted in zip(rows, adjusted, strict=True):
        row["p_adjusted"] = p_adjusted
        if row["state"] != "not-compared":
            row["state"], row["reason"] = drift_state(row["effects"], p_adjusted, settings)
    return rows


def _skipped_row(ref: ColumnProfile, cur: ColumnProfile | None, reason: str) -> dict[str, Any]:
    return {
        "column": ref.name,
        "aspect": "values",
        "kind": ref.kind,
        "reference_rows": ref.count,
        "window_rows": cur.count if cur is not None else 0,
        "effects": {},
        "floors": {},
        "test": None,
        "p_value": None,
        "state": "not-compared",
        "reason": reason,
    }


def _values_row(ref: ColumnProfile, cur: ColumnProfile, settings: DriftSettings) -> dict[str, Any]:
    row: dict[str, Any] = {
        "column": ref.name,
        "aspect": "values",
        "kind": ref.kind,
        "reference_rows": ref.count,
        "window_rows": cur.count,
        "effects": {},
        "floors": {},
        "test": None,
        "p_value": None,
        "state": "not-compared",
        "reason": "",
    }
    if ref.truncated or cur.truncated:
        row["reason"] = "more distinct values than a profile keeps"
    elif min(ref.count, cur.count) < settings.min_rows:
        row["reason"] = f"fewer than {settings.min_rows} values to compare"
    else:
        drift = column_drift(ref, cur)
        effects: dict[str, float | None] = {"psi": drift.psi, "js": drift.js}
        if drift.kind == "numeric":
            effects["wasserstein"] = drift.wasserstein
            effects["ks"] = drift.ks
        row.update(
            effects={k: _finite(v) for k, v in effects.items()},
            floors={k: _finite(v) for k, v in drift.floors.items()},
            test=drift.test,
            p_value=drift.p_value,
            state="stable",
        )
    return row


def _missing_row(ref: ColumnProfile, cur: ColumnProfile) -> dict[str, Any]:
    ref_missing, cur_missing = ref.nulls + ref.invalid, cur.nulls + cur.invalid
    ref_rows, cur_rows = ref.rows, cur.rows
    statistic, degrees = chi2_homogeneity(
        [ref_missing, ref_rows - ref_missing], [cur_missing, cur_rows - cur_missing]
    )
    share_ref = ref_missing / ref_rows if ref_rows else 0.0
    share_cur = cur_missing / cur_rows if cur_rows else 0.0
    return {
        "column": ref.name,
        "aspect": "missing",
        "kind": ref.kind,
        "reference_rows": ref_rows,
        "window_rows": cur_rows,
        "effects": {
            "missing": abs(share_cur - share_ref),
            "reference_share": share_ref,
            "window_share": share_cur,
        },
        "floors": {},
        "test": "chi-squared",
        "p_value": chi2_p_value(statistic, degrees),
        "state": "stable",
        "reason": "",
    }


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value


def _has_outcomes(source: DataSource, profile: Profile, evaluation: EvaluationSettings) -> bool:
    label = evaluation.label_column
    if label in profile.columns:
        return profile.columns[label].count > 0
    return label in (source.csv_header() if source.format == "csv" else _parquet_columns(source))


def _parquet_columns(source: DataSource) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.ParquetFile(source.path).schema_arrow.names)


LABEL_FREE = frozenset(
    {"selection_rate", "demographic_parity_difference", "demographic_parity_ratio"}
)
"""What a classifier's predictions say without outcomes: who is selected, by group."""


def window_performance(
    source: DataSource,
    evaluation: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
) -> dict[str, Any]:
    """The card's evaluation on the window, and each overall metric's change against
    the approved evaluation."""
    predictions = evaluation.predictions.model_copy(
        update={"path": source.path.name, "query": None, "inputs": None}
    )
    on_window = evaluation.model_copy(update={"predictions": predictions})
    return _performance(source, on_window, approved, settings)


def window_selection(
    source: DataSource,
    evaluation: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
) -> dict[str, Any]:
    """A classifier's window whose outcomes have not arrived: the selection rate overall
    and per group, the card's thresholds on it (demographic parity needs no outcomes) and
    its change against the approved evaluation — the same evaluation, its label held at
    the negative class (`outcomes: false` says so)."""
    label = evaluation.label_column
    header = source.csv_header() if source.format == "csv" else _parquet_columns(source)
    quoted = '"' + label.replace('"', '""') + '"'
    table = "'" + source.path.name.replace("'", "''") + "'"
    negative = _negative_label(evaluation)
    if label in header:
        columns = f"* EXCLUDE ({quoted}), {negative} AS {quoted}"
    else:
        columns = f"*, {negative} AS {quoted}"
    predictions = evaluation.predictions.model_copy(
        update={
            "path": None,
            "query": f"SELECT {columns} FROM {table}",
            "inputs": [source.path.name],
            "format": "rows",
            "computed_by": None,
        }
    )
    on_window = evaluation.model_copy(
        update={
            "predictions": predictions,
            "score_column": None,
            "metrics": ["selection_rate"],
            "thresholds": [t for t in evaluation.thresholds if t.metric in LABEL_FREE],
        }
    )
    return {**_performance(source, on_window, approved, settings), "outcomes": False}


def _negative_label(evaluation: EvaluationSettings) -> str:
    """A SQL literal of the negative class: 0, or a value that is not the positive label."""
    positive = evaluation.positive_label
    if positive is None or isinstance(positive, int):
        return "0" if positive != 0 else "1"
    return "'" + ("not " + positive).replace("'", "''") + "'"


def _performance(
    source: DataSource,
    on_window: EvaluationSettings,
    approved: EvaluationArtifact | None,
    settings: DriftSettings,
) -> dict[str, Any]:
    from cardgate.evidence.evaluation.evaluate import evaluate_settings

    artifact = evaluate_settings(on_window, root=source.path.parent, system="window")
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


def window_contract(
    source: DataSource, contract: DataContract, end: dt.date, *, memory_limit: str | None
) -> dict[str, Any]:
    """The contract's column clauses on the window's rows (`check-data`'s engine and
    clauses). A window is a slice: the table's row limits do not apply, freshness is
    judged on the window's last day, and columns the window does not carry are left out
    (the reference profile's columns are checked to be present)."""
    from cardgate.evidence.datacheck.clauses import evaluate
    from cardgate.evidence.datacheck.duckdb_engine import measure

    header = source.csv_header() if source.format == "csv" else _parquet_columns(source)
    columns = [column for column in contract.columns if column.name in header]
    freshness = contract.freshness
    if freshness is not None and freshness.column not in header:
        freshness = None
    sliced = contract.model_copy(
        update={
            "columns": columns,
            "min_rows": None,
            "max_rows": None,
            "allow_extra_columns": True,
            "freshness": freshness,
        }
    )
    if not columns:
        return {"passed": True, "violations": []}
    table = measure(source, sliced, memory_limit=memory_limit)
    violations = [v.as_dict() for v in evaluate(sliced, table, today=end)]
    return {"passed": not violations, "violations": violations}
