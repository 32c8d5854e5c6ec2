"""One production window against the reference: its monitoring.json entry.

Drift of every column of the reference profile (`drift`, decided by `decide`), the
card's evaluation on the window and each metric's change against the approved evaluation
(`performance`: every metric when the outcomes have arrived, the selection rates by group
when not), and the datasheet's contract checked on the window (the clauses of
`check-data`, on the window's rows).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.datacheck.source import DataSource, data_sha256, open_source
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.evaluation.delta_table import check_unchanged
from cardgate.evidence.monitoring.artifact import sealed
from cardgate.evidence.monitoring.decide import (
    DriftSettings,
    benjamini_hochberg,
    drift_state,
    window_breaches,
)
from cardgate.evidence.monitoring.drift import chi2_homogeneity, chi2_p_value, column_drift
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.performance import window_performance, window_selection
from cardgate.evidence.monitoring.profile import ColumnProfile, Profile, SourceRecord


@dataclass(frozen=True)
class WindowInput:
    """A window to monitor: its file (or Delta table's folder), id and last day, the path
    to record, and the workspace (`root`) a Delta log's data files must stay inside."""

    path: Path
    id: str
    end: dt.date
    recorded_path: str
    root: Path


def window_entry(
    window: WindowInput,
    reference: Profile,
    settings: DriftSettings,
    *,
    evaluation: EvaluationSettings | None = None,
    approved: EvaluationArtifact | None = None,
    contract: DataContract | None = None,
    memory_limit: str | None = None,
    engine: str = "duckdb",
    master: str | None = None,
) -> dict[str, Any]:
    """The window's sealed entry (InputError naming the file when it cannot be used).
    `engine` "spark" (`master`: where it runs) measures the profile, the contract's
    statistics and the evaluation's counts (a window without outcomes: its selection
    rates) with Spark, from Parquet files. A Delta table's latest version is read; the
    entry records it and one SHA-256 over its folder, as `profile` does (a commit during
    the read: InputError)."""
    source = open_source(window.path, root=window.root)
    version = str(source.table.version) if source.table is not None else None
    digest = data_sha256(source, window.root)
    record = SourceRecord(window.recorded_path, digest, 0, source.suffix, version)
    kinds = {name: column.kind for name, column in reference.columns.items()}
    columns = sorted(reference.columns)
    if evaluation is not None and evaluation.label_column in columns:
        header = source.columns()
        if evaluation.label_column not in header:  # outcomes not collected with the window
            columns.remove(evaluation.label_column)
    profile = measure_profile(
        source,
        subject=reference.subject,
        recorded=record,
        kinds={name: kinds[name] for name in columns},
        columns=columns,
        memory_limit=memory_limit,
        engine=engine,
        master=master,
    )
    outcomes = evaluation is None or _has_outcomes(source, profile, evaluation)
    awaited = {} if outcomes or evaluation is None else {evaluation.label_column: AWAITED}
    rows = drift_rows(reference, profile, settings, awaited)
    performance = None
    if evaluation is not None and outcomes:
        performance = window_performance(
            source,
            evaluation,
            approved,
            settings,
            engine="spark" if engine == "spark" else "auto",
            master=master,
        )
    elif evaluation is not None and evaluation.task == "binary-classification":
        performance = window_selection(
            source, evaluation, approved, settings, engine=engine, master=master
        )
    checked = None
    if contract is not None:
        checked = window_contract(
            source, contract, window.end, memory_limit=memory_limit, engine=engine, master=master
        )
    if source.table is not None:
        check_unchanged(source.path, source.display, source.table.version)
    return assembled(
        window, {"data": record.as_dict()}, rows, settings, performance=performance, checked=checked
    )


def assembled(
    window: WindowInput | Any,
    provenance: dict[str, Any],
    rows: list[dict[str, Any]],
    settings: DriftSettings,
    *,
    performance: dict[str, Any] | None,
    checked: dict[str, Any] | None,
) -> dict[str, Any]:
    """The sealed entry of the window (its `id` and `end`) whose drift rows are `rows`,
    recording `provenance` (its data file's, or a table's `computed_by` and evidence)."""
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
        **provenance,
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
    return label in (source.columns())


def window_contract(
    source: DataSource,
    contract: DataContract,
    end: dt.date,
    *,
    memory_limit: str | None,
    engine: str = "duckdb",
    master: str | None = None,
) -> dict[str, Any]:
    """The contract's column clauses on the window's rows (`check-data`'s engine and
    clauses). A window is a slice: the table's row limits do not apply, freshness is
    judged on the window's last day, and columns the window does not carry are left out
    (the reference profile's columns are checked to be present). `engine` "spark":
    check-data's Spark engine measures the statistics."""
    from cardgate.evidence.datacheck import duckdb_engine, spark_engine
    from cardgate.evidence.datacheck.clauses import evaluate

    sliced = sliced_contract(contract, source.columns())
    if sliced is None:
        return {"passed": True, "violations": []}
    if engine == "spark":
        table = spark_engine.measure(source, sliced, master=master)
    else:
        table = duckdb_engine.measure(source, sliced, memory_limit=memory_limit)
    violations = [v.as_dict() for v in evaluate(sliced, table, today=end)]
    return {"passed": not violations, "violations": violations}


def sliced_contract(contract: DataContract, header: list[str]) -> DataContract | None:
    """The contract's clauses a window of the columns `header` is checked against (None:
    none of its columns)."""
    columns = [column for column in contract.columns if column.name in header]
    freshness = contract.freshness
    if freshness is not None and freshness.column not in header:
        freshness = None
    if not columns:
        return None
    return contract.model_copy(
        update={
            "columns": columns,
            "min_rows": None,
            "max_rows": None,
            "allow_extra_columns": True,
            "freshness": freshness,
        }
    )
