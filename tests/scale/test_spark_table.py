"""`evaluate SYSTEM --engine spark --table NAME` (issue 22): the card's counts query run by
Spark on a catalog table (here one made by saveAsTable in a temporary local database)
gives the evaluation of the same rows read from a file, number for number; it is recorded
as an external computation — the query, its SHA-256, the table — at the evidence level
``counts-with-query``, and `gate --release` recomputes it from the counts file written.
A card that does not declare the computation, a missing table or column: clear errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, InputError
from cardgate.evidence.evaluation.artifact import artifact_data
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from cardgate.evidence.evaluation.spark_table import write_table_counts
from tests.scale.test_engines_agree import _comparable, _settings, _table

TABLE = "cardgate_test.predictions"
COMPUTED = {
    "path": "counts.parquet",
    "format": "counts",
    "computed_by": {"engine": "spark", "query": "counts.sql", "tables": [{"name": TABLE}]},
}


@pytest.fixture(scope="module")
def catalog_table(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The predictions `_table(11)` as a Spark catalog table, and as a Parquet file. The
    catalog is Spark's in-memory one: it ends with the module's session."""
    folder = tmp_path_factory.mktemp("warehouse")
    pq.write_table(_table(11, nulls=True), folder / "p.parquet")
    spark.sql(f"CREATE DATABASE IF NOT EXISTS cardgate_test LOCATION '{folder / 'db'}'")
    spark.read.parquet(str(folder / "p.parquet")).write.saveAsTable(TABLE)
    return folder / "p.parquet"


@pytest.mark.parametrize("layout", ["counts.parquet", "counts.csv"])
def test_a_table_gives_the_rows_evaluation(
    tmp_path: Path, catalog_table: Path, layout: str
) -> None:
    (tmp_path / "p.parquet").write_bytes(catalog_table.read_bytes())
    rows = _comparable(_settings({"path": "p.parquet"}), tmp_path)
    settings = _settings({**COMPUTED, "path": layout})
    write_table_counts(settings, root=tmp_path, system="s", table=TABLE, master="local[2]")
    assert (tmp_path / "counts.sql").read_text(encoding="utf-8").startswith("-- cardgate:")
    artifact = evaluate_settings(settings, root=tmp_path, system="s")
    predictions = artifact.provenance.predictions
    assert predictions.evidence == "counts-with-query"
    assert predictions.computed_by is not None
    record = predictions.computed_by.model_dump()
    assert record["engine"] == "spark" and record["query_is_the_cards"] is True
    assert record["tables"] == [{"name": TABLE, "version": None}]
    counted = _comparable(settings, tmp_path)
    counted["provenance"]["predictions"].pop("computed_by")
    got = json.dumps(counted).replace("null in column 'score_bin'", "null in column 'score'")
    assert got == json.dumps(rows)
    # what gate --release does: the same artifact again, from the counts file
    again = artifact_data(evaluate_settings(settings, root=tmp_path, system="s"))
    assert again == artifact_data(artifact)


def test_what_is_not_declared_or_not_there_is_refused(tmp_path: Path, catalog_table: Path) -> None:
    cases: list[tuple[dict[str, Any], str, type[Exception], str]] = [
        ({"path": "p.parquet"}, TABLE, ConfigurationError, "not a counts table computed by Spark"),
        (COMPUTED, "other.table", ConfigurationError, "from other.table"),
        (
            {**COMPUTED, "computed_by": {**COMPUTED["computed_by"], "tables": [{"name": "nope"}]}},
            "nope",
            InputError,
            "Spark has no table 'nope'",
        ),
        ({**COMPUTED, "path": "counts.csv.gz"}, TABLE, ConfigurationError, ".parquet or .csv"),
    ]
    for predictions, table, kind, words in cases:
        with pytest.raises(kind) as raised:
            write_table_counts(
                _settings(predictions), root=tmp_path, system="s", table=table, master="local[2]"
            )
        assert words in raised.value.message, raised.value.message
    narrow = _settings(COMPUTED).model_copy(update={"sensitive_features": ["region", "age"]})
    with pytest.raises(InputError, match=f"table {TABLE}: column 'age' is missing") as missing:
        write_table_counts(narrow, root=tmp_path, system="s", table=TABLE, master="local[2]")
    assert missing.value.at == ("evaluation", "sensitive_features", 1)  # file:line:col there
    assert not (tmp_path / "counts.parquet").exists()


@pytest.mark.parametrize("layout", ["counts.parquet", "counts.csv"])
def test_files_cardgate_did_not_write_are_never_replaced(
    tmp_path: Path, catalog_table: Path, layout: str
) -> None:
    """The card names where --table writes: the signers' file, a dataset's data or a
    hand-written query there are refused and left as they were; its own files from an
    earlier run are replaced."""
    from cardgate.core.files import UnsafeWriteError

    signers = tmp_path / "allowed_signers"
    signers.write_text("ada@example.org ssh-ed25519 AAAA\n", encoding="utf-8")
    named = {**COMPUTED["computed_by"], "query": "allowed_signers"}
    with pytest.raises(ConfigurationError, match=r"a \.sql file"):
        write_table_counts(
            _settings({**COMPUTED, "path": layout, "computed_by": named}),
            root=tmp_path,
            system="s",
            table=TABLE,
            master="local[2]",
        )
    data = tmp_path / layout
    if layout.endswith(".csv"):
        data.write_text("age,income\n31,50000\n", encoding="utf-8")
    else:
        pq.write_table(pa.table({"age": [31], "income": [50_000]}), data)
    before = data.read_bytes()
    settings = _settings({**COMPUTED, "path": layout})
    with pytest.raises(UnsafeWriteError, match="a counts table with these columns"):
        write_table_counts(settings, root=tmp_path, system="s", table=TABLE, master="local[2]")
    assert data.read_bytes() == before and not (tmp_path / "counts.sql").exists()
    data.unlink()
    (tmp_path / "counts.sql").write_text("SELECT 1 -- mine\n", encoding="utf-8")
    with pytest.raises(UnsafeWriteError, match="a counts query written by cardgate"):
        write_table_counts(settings, root=tmp_path, system="s", table=TABLE, master="local[2]")
    assert (tmp_path / "counts.sql").read_text(encoding="utf-8") == "SELECT 1 -- mine\n"
    assert not data.exists()  # nothing written when either file is refused
    (tmp_path / "counts.sql").unlink()
    for _ in range(2):  # the second run replaces what the first wrote
        write_table_counts(settings, root=tmp_path, system="s", table=TABLE, master="local[2]")
    assert signers.read_text(encoding="utf-8").startswith("ada@")


def test_cli_table_option_goes_with_spark_and_one_system(tmp_path: Path) -> None:
    for args in (
        ["--table", TABLE],
        ["x", "--table", TABLE],
        ["--engine", "spark", "--table", "t"],
    ):
        result = CliRunner().invoke(app, ["evaluate", *args, "-w", str(tmp_path)])
        assert result.exit_code == 2, result.output
        assert "--table goes with --engine spark and one SYSTEM" in result.output


def test_a_card_without_the_computation_is_refused_at_its_predictions() -> None:
    from tests.conftest import REPO

    base = ["evaluate", "income-screening", "-w", str(REPO / "governance")]
    result = CliRunner().invoke(app, [*base, "--engine", "spark", "--table", TABLE])
    assert result.exit_code == 2, result.output
    line = result.output.splitlines()[0]
    assert "income-screening/model-card.yaml:" in line, line
    assert "the card's predictions are not a counts table computed by Spark" in line
    assert "computed_by: {engine: spark" in result.output and "Traceback" not in result.output
