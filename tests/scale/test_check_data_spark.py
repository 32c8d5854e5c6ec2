"""`check-data --engine spark` (issue 22): the data check's statistics queries, transpiled
by sqlglot and run by Apache Spark (local mode, this machine's Java 17) over a Parquet
file, give the artifact pandas and DuckDB write, byte for byte — on the worked example's
data and on generated data with nulls, NaN, many categories, dates and values stored as
text; `gate --release` recomputes it with the default engine; every misuse is one line,
exit 2. Spark starts once for the module (tests/scale/conftest.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.datacheck.run import check_dataset, recompute_data_check
from tests.conftest import REPO

ENGINES = ("pandas", "duckdb", "spark")
TODAY = "2025-03-20"

CONTRACT = """\
kind: datasheet
schema_version: 1
id: generated
name: Generated data
status: draft
owners: [{name: Ada}]
motivation: {purpose: testing}
composition: {instances: rows}
contract:
  path: data.parquet
  min_rows: 1
  freshness: {column: day, max_age_days: 30}
  columns:
    - {name: id, type: integer, unique: true, nullable: false}
    - {name: group, type: category, allowed_values: [%s], max_null_rate: 0.01}
    - {name: code, type: category, allowed_values: [%s]}
    - {name: amount, type: number, min: 0, max: 1000}
    - {name: count_text, type: integer, min: -3}
    - {name: flag_text, type: boolean}
    - {name: day, type: date, min: 2020-01-01, max: 2025-03-01}
    - {name: at_text, type: datetime, max: "2025-01-01T00:00:00"}
    - {name: name, type: string, pattern: '[a-z]+-[0-9]{2}', unique: true}
    - {name: score, type: number, min: 0, max: 1, max_null_rate: 0.2}
    - {name: absent, type: integer}
"""


def _generated(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    ids = np.arange(rows, dtype=np.int64)
    ids[rng.choice(rows, 7, replace=False)] = 3  # duplicates
    amount = rng.normal(400, 300, rows).round(2)
    amount[rng.choice(rows, 20, replace=False)] = np.nan
    amount[:2] = [np.inf, -np.inf]
    words = np.array(["12", "1.5", "abc", "1e3", "-4", "7", "-2", "0"], dtype=object)
    flags = np.array(["yes", "no", "TRUE", "f", "maybe", "1"], dtype=object)
    days = [
        None if i % 97 == 0 else dt.date(2019, 6, 1) + dt.timedelta(days=int(d))
        for i, d in enumerate(rng.integers(0, 2200, rows))
    ]
    stamps = [
        "not a date"
        if i % 211 == 0
        else (dt.datetime(2024, 1, 1) + dt.timedelta(minutes=int(m))).isoformat(sep=" ")
        for i, m in enumerate(rng.integers(0, 800_000, rows))
    ]
    names = [f"{'abcxyz'[i % 6]}{'q' * (i % 3)}-{i % 100:02d}" for i in range(rows)]
    names[5], names[6], names[7] = "ab-12\n", "AB-12", "ab-123"
    score = rng.uniform(-0.05, 1.05, rows)
    score[rng.random(rows) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "id": ids,
            "group": [
                None if i % 53 == 0 else f"g{v:03d}"
                for i, v in enumerate(rng.integers(0, 300, rows))
            ],
            "code": rng.integers(100, 400, rows),
            "amount": amount,
            "count_text": [
                None if i % 31 == 0 else w for i, w in enumerate(rng.choice(words, rows))
            ],
            "flag_text": rng.choice(flags, rows),
            "day": days,
            "at_text": stamps,
            "name": names,
            "score": score,
            "extra": rng.integers(0, 5, rows),
        }
    )
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.set_column(
        table.schema.get_field_index("day"), "day", pa.array(days, type=pa.date32())
    )


def _workspace(root: Path) -> Path:
    (root / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Test\n", encoding="utf-8"
    )
    folder = root / "datasets" / "generated"
    folder.mkdir(parents=True)
    groups = ", ".join(f"g{v:03d}" for v in range(250))
    codes = ", ".join(f"'{v}'" for v in range(100, 350))
    (folder / "datasheet.yaml").write_text(CONTRACT % (groups, codes), encoding="utf-8")
    return folder


def _check(workspace: Path, dataset: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["check-data", dataset, "-w", str(workspace), "--today", TODAY, *args]
    )
    return result.exit_code, result.stdout, result.stderr


def _artifacts(
    workspace: Path, dataset: str, folder: Path, data: Path | None = None
) -> dict[str, bytes]:
    """Each engine's data-check.json, in process (Spark: the module's session; the
    command line stops its session after each run); written to `out`, as a check of
    other data than the contract's is."""
    loaded = load_workspace(workspace)
    written = {}
    out = folder / "check.json"
    for engine in ENGINES:
        check_dataset(
            loaded,
            dataset,
            today=dt.date.fromisoformat(TODAY),
            data=data,
            engine=engine,
            master="local[2]" if engine == "spark" else None,
            out=out,
        )
        written[engine] = out.read_bytes()
    return written


@pytest.mark.parametrize("rows", [5_000, 20_011])
def test_generated_data_gives_one_artifact(tmp_path: Path, spark: Any, rows: int) -> None:
    folder = _workspace(tmp_path)
    pq.write_table(_generated(rows, rows), folder / "data.parquet")
    written = _artifacts(tmp_path, "generated", folder)
    assert written["spark"] == written["duckdb"] == written["pandas"]
    artifact = json.loads(written["spark"])
    clauses = {(v["clause"], v["column"]) for v in artifact["violations"]}
    for expected in [
        ("unique", "id"),
        ("allowed-values", "group"),
        ("allowed-values", "code"),
        ("range", "amount"),
        ("type", "count_text"),
        ("type", "flag_text"),
        ("range", "day"),
        ("type", "at_text"),
        ("pattern", "name"),
        ("range", "score"),
        ("column-missing", "absent"),
    ]:
        assert expected in clauses, (expected, sorted(clauses, key=str))


TEXT_EDGES = (
    CONTRACT[: CONTRACT.index("  min_rows")]
    + """\
  columns:
    - {name: at, type: datetime, max: "2025-01-01T09:00:00"}
    - {name: x, type: number, max: 5}
    - {name: i, type: integer}
    - {name: b, type: boolean}
"""
)


def test_values_stored_as_text_are_parsed_as_duckdb_parses_them(tmp_path: Path, spark: Any) -> None:
    """Spark's casts accept what DuckDB's refuse in places (a date padded with spaces):
    the statistics query refuses them for both. (pandas differs from both on a compact
    date and on offsets, which ISO 8601 allows and DuckDB's cast does not: not compared.)"""
    folder = _workspace(tmp_path)
    (folder / "datasheet.yaml").write_text(TEXT_EDGES, encoding="utf-8")
    edges = {
        "at": [
            "2025-01-01T10:00:00Z",
            "2025-01-01",
            " 2025-01-01 ",
            "2025-13-01",
            "2025-01-01 10:00:00.5",
        ],
        "x": [" 7 ", "1e3", "inf", "-Infinity", "NaN"],
        "i": ["1.0", "2.5", " 3", "+4", "1e400"],
        "b": ["Yes", " no ", "T", "2", ""],
    }
    pq.write_table(pa.table(edges), folder / "data.parquet")
    written = _artifacts(tmp_path, "generated", folder)
    assert written["spark"] == written["duckdb"]
    assert b"' 2025-01-01 '" in written["spark"]


def test_worked_example_data_gives_one_artifact(tmp_path: Path, spark: Any) -> None:
    """The worked example's datasets, as Parquet: the same artifact from each engine, and
    `gate --release`'s recomputation (the default engine) agrees with Spark's."""
    workspace = tmp_path / "governance"
    shutil.copytree(REPO / "governance", workspace)
    for dataset in ("german-credit", "adult"):
        folder = workspace / "datasets" / dataset
        data = folder / f"{dataset}.parquet"
        pq.write_table(pacsv.read_csv(folder / f"{dataset}.csv.gz"), data)
        written = _artifacts(workspace, dataset, folder, data)
        assert written["spark"] == written["duckdb"] == written["pandas"], dataset
        again = recompute_data_check(
            load_workspace(workspace), dataset, today=dt.date.fromisoformat(TODAY), data=data
        )
        recorded = json.loads(written["spark"])
        assert again == {k: v for k, v in recorded.items() if k in again}


def test_spark_reads_the_named_file_not_a_pattern(tmp_path: Path, spark: Any) -> None:
    folder = _workspace(tmp_path)
    pq.write_table(_generated(300, 1), folder / "d[1].parquet")
    pq.write_table(_generated(50, 2), folder / "d1.parquet")
    code, out, err = _check(
        tmp_path,
        "generated",
        "--engine",
        "spark",
        "--data",
        str(folder / "d[1].parquet"),
        "--format",
        "json",
    )
    assert code == 1, err
    assert json.loads(out)["rows"] == 300


def test_misuse_is_one_line_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _workspace(tmp_path)
    pq.write_table(_generated(100, 3), folder / "data.parquet")
    pacsv.write_csv(_generated(100, 3), folder / "data.csv")
    cases = [
        (["--engine", "spark", "--data", str(folder / "data.csv")], "this one is CSV"),
        (["--spark-master", "local[1]"], "--spark-master goes with --engine spark"),
        (["--engine", "spark", "--memory-limit", "1GB"], "does not go with --engine spark"),
        (["--engine", "flink"], "is not one of: auto, pandas, duckdb, spark"),
    ]
    for args, words in cases:
        code, _, err = _check(tmp_path, "generated", *args)
        assert code == 2, (args, err)
        assert words in err and "Traceback" not in err, err
    (folder / "broken.parquet").write_bytes(b"PAR1 not really")
    code, _, err = _check(
        tmp_path, "generated", "--engine", "spark", "--data", str(folder / "broken.parquet")
    )
    assert code == 1, err
    assert "broken.parquet: cannot read the parquet file" in err and "Traceback" not in err
    monkeypatch.setenv("SPARK_REMOTE", "sc://127.0.0.1:9")  # nothing listens there
    code, _, err = _check(tmp_path, "generated", "--engine", "spark")
    assert code == 2, err
    assert "cannot start Spark (sc://127.0.0.1:9)" in err and "hint:" in err
    assert "no Spark Connect server answers" in err
    assert "Traceback" not in err
    assert not (folder / "data-check.json").exists()
