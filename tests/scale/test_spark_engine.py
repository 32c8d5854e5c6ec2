"""`evaluate --engine spark|duckdb` (issue 22): the counting query run by Apache Spark
(local mode, this machine's Java 17) or by DuckDB over a Parquet file of rows gives the
artifact cardgate computes from the rows itself, byte for byte apart from the engine it
records; `gate --release`, which computes again with the default engine, accepts it; and
every way to misuse the option is a clear error. Spark starts once for the module."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, InputError
from cardgate.evidence.evaluation.artifact import artifact_data, artifact_differences
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from tests.conftest import REPO
from tests.scale.test_engines_agree import _settings, _table

ENGINES = ("duckdb", "spark")


def _artifact(settings: Any, root: Path, engine: str = "auto") -> dict[str, Any]:
    return artifact_data(evaluate_settings(settings, root=root, system="s", engine=engine))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("nulls", "scores", "regression"),
    [(True, True, False), (False, False, False), (True, False, True)],
    ids=["scores-with-nulls", "complete-no-scores", "regression-with-nulls"],
)
def test_engine_gives_the_rows_artifact(
    tmp_path: Path, spark: Any, engine: str, nulls: bool, scores: bool, regression: bool
) -> None:
    pq.write_table(_table(11, nulls=nulls), tmp_path / "p.parquet")
    settings = _settings({"path": "p.parquet"}, scores=scores, regression=regression)
    rows = _artifact(settings, tmp_path)
    counted = _artifact(settings, tmp_path, engine)
    recorded = counted["provenance"].pop("engine")
    assert recorded["name"] == engine and recorded["version"]
    assert "engine" not in rows["provenance"]
    rows["provenance"].pop("versions"), counted["provenance"].pop("versions")
    assert json.dumps(counted) == json.dumps(rows)
    if nulls:  # the rows each engine dropped are named as the row reader names them
        assert counted["provenance"]["predictions"]["dropped"]


def test_gate_release_recomputes_a_spark_artifact_with_the_default_engine(
    tmp_path: Path, spark: Any
) -> None:
    pq.write_table(_table(13, nulls=True), tmp_path / "p.parquet")
    settings = _settings({"path": "p.parquet"})
    counted = _artifact(settings, tmp_path, "spark")
    again = _artifact(settings, tmp_path)
    assert artifact_differences(counted, again) == []
    forged = json.loads(json.dumps(counted))
    forged["overall"]["metrics"]["accuracy"]["value"] += 0.01
    assert artifact_differences(forged, again)  # the engine field hides nothing else


def test_engine_refuses_what_is_not_a_parquet_file_of_rows(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv

    table = _table(3, nulls=False)
    pacsv.write_csv(table, tmp_path / "p.csv")
    pq.write_table(table.drop(["sex"]), tmp_path / "narrow.parquet")
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really")
    cases = {
        "CSV": ({"path": "p.csv"}, ConfigurationError, "is CSV; the engines read Parquet"),
        "query": (
            {"query": "SELECT * FROM read_csv('p.csv')", "inputs": ["p.csv"]},
            ConfigurationError,
            "the predictions are a DuckDB query",
        ),
        "counts": (
            {"path": "p.csv", "format": "counts"},
            ConfigurationError,
            "the predictions are a counts table",
        ),
        "missing column": ({"path": "narrow.parquet"}, InputError, "sex"),
        "not Parquet": ({"path": "broken.parquet"}, InputError, "cannot read Parquet"),
    }
    for engine in ENGINES:
        for name, (predictions, kind, words) in cases.items():
            with pytest.raises(kind) as raised:
                evaluate_settings(_settings(predictions), root=tmp_path, system="s", engine=engine)
            assert words in raised.value.message, (engine, name, raised.value.message)


def test_cli_engine_options(tmp_path: Path, spark: Any) -> None:
    """Through the command, on the worked example's income-screening predictions (16,281
    rows with scores) written as Parquet: Spark writes the artifact the default engine
    writes, with the engine recorded; wrong options exit 2 with one line, no traceback."""
    import pyarrow.csv as pacsv

    workspace = tmp_path / "governance"
    shutil.copytree(REPO / "governance", workspace)
    system = workspace / "systems" / "income-screening"
    pq.write_table(pacsv.read_csv(system / "predictions.csv.gz"), system / "predictions.parquet")
    card = system / "model-card.yaml"
    text = card.read_text(encoding="utf-8")
    old = "path: systems/income-screening/predictions.csv.gz"
    assert text.count(old) == 1
    card.write_text(text.replace(old, old.replace(".csv.gz", ".parquet")), encoding="utf-8")
    runner = CliRunner()
    base = ["evaluate", "income-screening", "-w", str(workspace)]
    done = runner.invoke(app, base)
    assert done.exit_code == 0, done.output
    rows = json.loads((system / "evaluation.json").read_text(encoding="utf-8"))
    done = runner.invoke(app, [*base, "--engine", "spark", "--spark-master", "local[2]"])
    assert done.exit_code == 0, done.output
    counted = json.loads((system / "evaluation.json").read_text(encoding="utf-8"))
    assert counted["provenance"].pop("engine")["name"] == "spark"
    assert artifact_differences(rows, counted) == []
    assert rows["provenance"]["predictions"]["rows"] == 16_281
    for args, words in (
        (["--engine", "postgres"], "--engine: 'postgres' is not one of: auto, duckdb, spark"),
        (["--spark-master", "local[1]"], "--spark-master goes with --engine spark"),
    ):
        done = runner.invoke(app, [*base, *args])
        assert done.exit_code == 2, done.output
        assert words in done.output and "Traceback" not in done.output


@pytest.mark.parametrize("name", ["w[1]", "a*b", "q?", "c{d,e}"])
def test_spark_reads_the_named_file_not_a_pattern(tmp_path: Path, spark: Any, name: str) -> None:
    """Spark's readers take Hadoop patterns: `w[1].parquet` would read `w1.parquet`,
    `a*b.parquet` every match, while the artifact records the named file's SHA-256."""
    pq.write_table(_table(3, nulls=False), tmp_path / f"{name}.parquet")
    for decoy in ("w1", "aXb", "qZ", "cd"):
        pq.write_table(_table(4, nulls=False).slice(0, 100), tmp_path / f"{decoy}.parquet")
    settings = _settings({"path": f"{name}.parquet"})
    rows = _artifact(settings, tmp_path)
    counted = _artifact(settings, tmp_path, "spark")
    assert counted["provenance"]["predictions"]["rows"] == 3_000
    assert counted["overall"] == rows["overall"]
