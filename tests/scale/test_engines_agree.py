"""Every way of reading the same predictions gives the same evaluation (issue 22): rows
from CSV and Parquet, a DuckDB query over either, and the counts table that the printed
SQL produces — byte-identical artifacts apart from where the predictions came from.
Generated data with many groups and missing values in every column."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.artifact import artifact_data
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from cardgate.evidence.evaluation.query import counts_query

ROWS = 3_000
# provenance: where the rows came from differs by design
PROVENANCE = ("path", "sha256", "format", "query", "inputs")


def _table(seed: int, *, nulls: bool) -> pa.Table:
    rng = np.random.default_rng(seed)
    region = rng.choice([f"r{k}" for k in range(12)], ROWS)
    sex = rng.choice(["F", "M", "X"], ROWS, p=[0.45, 0.45, 0.1])
    score = rng.beta(2, 3, ROWS)
    label = (rng.random(ROWS) < score).astype(np.int64)
    prediction = (score > 0.4).astype(np.int64)

    def holes(values: Any, share: float) -> pa.Array:
        mask = rng.random(ROWS) < share if nulls else np.zeros(ROWS, bool)
        return pa.array(values, mask=mask)

    return pa.table(
        {
            "region": holes(region, 0.01),
            "sex": holes(sex, 0.01),
            "y_true": holes(label, 0.01),
            "y_pred": holes(prediction, 0.01),
            "score": holes(score, 0.02),
        }
    )


def _settings(
    predictions: dict[str, Any], *, scores: bool = True, regression: bool = False
) -> EvaluationSettings:
    if regression:
        return EvaluationSettings.model_validate(
            {
                "task": "regression",
                "label_column": "score",
                "prediction_column": "y_pred",
                "sensitive_features": ["region", "sex"],
                "metrics": ["mean_absolute_error", "root_mean_squared_error"],
                "predictions": predictions,
                "bootstrap": {"replicates": 50, "seed": 7},
            }
        )
    return EvaluationSettings.model_validate(
        {
            "task": "binary-classification",
            "label_column": "y_true",
            "prediction_column": "y_pred",
            **({"score_column": "score"} if scores else {}),
            "sensitive_features": ["region", "sex"],
            "metrics": ["accuracy", "selection_rate", "true_positive_rate"],
            "predictions": predictions,
            "bootstrap": {"replicates": 50, "seed": 7},
        }
    )


def _comparable(settings: EvaluationSettings, root: Path) -> dict[str, Any]:
    data = artifact_data(evaluate_settings(settings, root=root, system="s"))
    provenance = data["provenance"]
    for key in PROVENANCE:
        provenance["predictions"].pop(key, None)
    del provenance["settings_sha256"]  # the settings name the source
    return data


def _sources(
    tmp_path: Path, table: pa.Table, settings: EvaluationSettings
) -> dict[str, dict[str, Any]]:
    """Every reader of the same rows, and the counts table (Parquet and CSV) that the
    printed SQL gives, here run by DuckDB."""
    import duckdb

    pacsv.write_csv(table, tmp_path / "p.csv")
    pq.write_table(table, tmp_path / "p.parquet")
    connection = duckdb.connect()
    connection.register("t", table)
    counts = connection.sql(counts_query(settings, "SELECT * FROM t")).to_arrow_table()
    pq.write_table(counts, tmp_path / "counts.parquet")
    pacsv.write_csv(counts, tmp_path / "counts.csv")
    return {
        "parquet": {"path": "p.parquet"},
        "duckdb over csv": {"query": "SELECT * FROM read_csv('p.csv')", "inputs": ["p.csv"]},
        "duckdb over parquet": {
            "query": "SELECT * FROM read_parquet('p.parquet')",
            "inputs": ["p.parquet"],
        },
        "counts table": {"path": "counts.parquet", "format": "counts"},
        "counts table as csv": {"path": "counts.csv", "format": "counts"},
    }


@pytest.mark.parametrize("nulls", [False, True], ids=["complete", "with-nulls"])
@pytest.mark.parametrize("scores", [True, False], ids=["scores", "no-scores"])
def test_every_reader_gives_the_same_evaluation(tmp_path: Path, nulls: bool, scores: bool) -> None:
    table = _table(3, nulls=nulls)
    sources = _sources(tmp_path, table, _settings({"path": "p.csv"}, scores=scores))
    reference = json.dumps(_comparable(_settings({"path": "p.csv"}, scores=scores), tmp_path))
    for name, predictions in sources.items():
        got = json.dumps(_comparable(_settings(predictions, scores=scores), tmp_path))
        if name.startswith("counts table") and scores and nulls:
            # a counts table holds score bins, not scores: its rows without one are named
            # by the column the file has
            assert "null in column 'score_bin'" in got
            got = got.replace("null in column 'score_bin'", "null in column 'score'")
        assert got == reference, name


@pytest.mark.parametrize("nulls", [False, True], ids=["complete", "with-nulls"])
def test_every_reader_gives_the_same_regression(tmp_path: Path, nulls: bool) -> None:
    table = _table(5, nulls=nulls)
    settings = _settings({"path": "p.csv"}, regression=True)
    sources = _sources(tmp_path, table, settings)
    reference = json.dumps(_comparable(settings, tmp_path))
    if nulls:  # each missing column named, whichever reader
        assert "null in column 'score'" in reference and "null in column 'y_pred'" in reference
    for name, predictions in sources.items():
        got = json.dumps(_comparable(_settings(predictions, regression=True), tmp_path))
        assert got == reference, name
