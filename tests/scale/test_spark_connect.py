"""Spark Connect (issue 22): with ``SPARK_REMOTE`` set, `evaluate` and `check-data` run
their queries through a Spark Connect client (gRPC; the DataFrame and SQL calls of
`pyspark.sql.connect`, results as Arrow), not through Spark's JVM gateway. Here the
server is the one PySpark starts itself for ``SPARK_REMOTE=local[2]`` (its connect jar
ships in the wheel); a cluster's ``sc://host:15002`` server is reached by the same client
code. The artifacts equal DuckDB's byte for byte apart from the engine recorded. Each
command runs in its own process, as a user runs it: a Connect session and a classic one
cannot share a process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from cardgate.cli import app
from tests.scale.test_check_data_spark import TODAY, _generated, _workspace
from tests.scale.test_engines_agree import _table

CARD = """\
kind: model-card
schema_version: 1
id: scored
name: Scored
status: draft
lifecycle_stage: development
risk_tier: limited
owners: [{name: Ada}]
model_details: {description: Scores cases, model_version: "1", model_type: trees}
intended_use: {primary_uses: [Rank cases for review]}
evaluation:
  predictions: {path: systems/scored/predictions.parquet}
  task: binary-classification
  label_column: y_true
  prediction_column: y_pred
  score_column: score
  sensitive_features: [region, sex]
  metrics: [accuracy, selection_rate, true_positive_rate]
  bootstrap: {replicates: 50, seed: 7}
"""


def _connect(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`cardgate ARGS` in a fresh process whose Spark is reached through Spark Connect."""
    env = {**os.environ, "SPARK_REMOTE": "local[2]"}
    return subprocess.run(
        [sys.executable, "-m", "cardgate", *args],
        cwd=root,  # Spark's warehouse folder goes where it starts
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_evaluate_and_check_data_through_spark_connect(tmp_path: Path) -> None:
    datasets = _workspace(tmp_path)
    pq.write_table(_generated(5_000, 3), datasets / "data.parquet")
    system = tmp_path / "systems" / "scored"
    system.mkdir(parents=True)
    (system / "model-card.yaml").write_text(CARD, encoding="utf-8")
    pq.write_table(_table(17, nulls=True), system / "predictions.parquet")
    written: dict[str, dict[str, bytes]] = {}
    for engine in ("duckdb", "spark"):
        commands = [
            ["evaluate", "scored", "-w", str(tmp_path), "--engine", engine],
            ["check-data", "generated", "-w", str(tmp_path), "--today", TODAY],
        ]
        commands[1] += ["--engine", engine]
        for args in commands:
            if engine == "spark":
                result = _connect(tmp_path, *args)
                code, err = result.returncode, result.stderr
            else:
                run = CliRunner().invoke(app, args)
                code, err = run.exit_code, run.stderr
            assert code in (0, 1), err  # 1: the generated data breaks its contract
            assert "Traceback" not in err, err
        written[engine] = {
            "evaluation": (system / "evaluation.json").read_bytes(),
            "data-check": (datasets / "data-check.json").read_bytes(),
        }
    assert written["spark"]["data-check"] == written["duckdb"]["data-check"]
    evaluations = {engine: json.loads(files["evaluation"]) for engine, files in written.items()}
    for engine, artifact in evaluations.items():
        recorded = artifact["provenance"].pop("engine")
        assert recorded["name"] == engine
        artifact["provenance"].pop("versions")
    assert evaluations["spark"] == evaluations["duckdb"]
    assert evaluations["spark"]["overall"]  # numbers, not an empty artifact
