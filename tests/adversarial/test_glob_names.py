"""A data file whose name holds DuckDB's pattern characters (``[``, ``*``, ``?``) is read
as that one file, by every DuckDB reader: the data check, the drafted contract (and
through `duckdb_engine.reader_sql` the monitoring windows), and `evaluate --engine duckdb`.
Read as a pattern, ``w[1].csv`` measured ``w1.csv`` — a file other than the one whose
SHA-256 the artifact records — and ``a*b.csv`` every file it matched."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cardgate.core.paths import glob_literal
from cardgate.documents.schemas.contract import DataContract
from cardgate.evidence.datacheck.duckdb_engine import measure
from cardgate.evidence.datacheck.infer import profile_file
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.evaluation.artifact import artifact_data
from cardgate.evidence.evaluation.evaluate import evaluate_settings
from tests.scale.test_engines_agree import _settings, _table

NAMES = ("w[1]", "a*b", "q?", "x[a-z]")


def test_each_pattern_character_becomes_a_one_character_class() -> None:
    assert glob_literal("d/w[1]*?.csv") == "d/w[[]1][*][?].csv"
    assert glob_literal(Path("/plain/name.parquet")) == "/plain/name.parquet"


@pytest.mark.parametrize("name", NAMES)
def test_the_data_check_and_the_draft_read_the_named_file(tmp_path: Path, name: str) -> None:
    named = tmp_path / f"{name}.csv"
    named.write_text("x\n1\n2\n", encoding="utf-8")
    for decoy in ("w1", "aXb", "qZ", "xq"):  # what each name matches as a pattern
        (tmp_path / f"{decoy}.csv").write_text("x\n7\n8\n9\n10\n", encoding="utf-8")
    contract = DataContract.model_validate({"columns": [{"name": "x", "type": "integer"}]})
    stats = measure(open_source(named), contract)
    assert stats.rows == 2
    assert profile_file(named).rows == 2


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_engine_duckdb_reads_the_named_file(tmp_path: Path, name: str) -> None:
    pq.write_table(_table(3, nulls=False), tmp_path / f"{name}.parquet")
    for decoy in ("w1", "aXb", "qZ", "xq"):
        pq.write_table(_table(4, nulls=False).slice(0, 100), tmp_path / f"{decoy}.parquet")
    settings = _settings({"path": f"{name}.parquet"})
    rows = artifact_data(evaluate_settings(settings, root=tmp_path, system="s"))
    counted = artifact_data(evaluate_settings(settings, root=tmp_path, system="s", engine="duckdb"))
    assert counted["provenance"]["predictions"]["rows"] == 3_000
    assert counted["overall"] == rows["overall"]
