"""data-check.json: deterministic, the same from both engines, and what it records."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pandas as pd
import pytest

from cardgate.core.digests import canonical_sha256, file_sha256
from cardgate.documents.workspace import load_workspace

if TYPE_CHECKING:
    from conftest import DataWorkspace

MIXED = """\
path: {name}
min_rows: 1
allow_extra_columns: false
freshness: {{column: seen, max_age_days: 10}}
columns:
  - {{name: id, type: integer, unique: true, nullable: false}}
  - {{name: age, type: integer, min: 18, max: 99, max_null_rate: 0.1}}
  - {{name: score, type: number, min: 0, max: 1}}
  - {{name: grade, type: category, allowed_values: [A, B, C]}}
  - {{name: code, type: string, pattern: '[A-Z]{{2}}-[0-9]+'}}
  - {{name: ok, type: boolean}}
  - {{name: seen, type: date, min: 2020-01-01}}
  - {{name: at, type: datetime, max: "2026-01-01T00:00:00"}}
"""


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 3, 5, 6, 7, 8],
            "age": [17, 25, None, 130, 40, 99, 18, None],
            "score": [0.5, 1.5, -0.25, 0.0, None, 1.0, 0.75, 2.0],
            "grade": ["A", "B", "D", None, "A", "E", "C", "C"],
            "code": ["AB-1", "ab-2", "XY-99", "X-1", None, "QQ-7", "ZZ-", "AB-1"],
            "ok": [True, False, True, None, False, True, True, False],
            "seen": pd.to_datetime(
                [
                    "2019-05-01",
                    "2024-01-02",
                    None,
                    "2025-03-04",
                    "2025-03-01",
                    "2021-01-01",
                    "2018-01-01",
                    "2025-02-02",
                ]
            ),
            "at": pd.to_datetime(
                [
                    "2025-01-01 10:00",
                    "2026-06-01 00:00",
                    "2024-12-31 23:59:59",
                    None,
                    "2027-01-01 08:30",
                    "2025-05-05 05:05",
                    "2025-01-01",
                    "2025-01-01",
                ],
                format="ISO8601",
            ),
            "extra": range(8),
        }
    )


@pytest.mark.parametrize("name", ["data.csv", "data.csv.gz", "data.parquet"])
def test_engines_write_identical_artifacts(ws: DataWorkspace, name: str) -> None:
    ws.contract(MIXED.format(name=name))
    frame = _frame()
    if name.endswith(".parquet"):
        ws.data(frame, name)
    else:
        frame.to_csv(ws.folder / name, index=False)
    written = {}
    for engine in ("pandas", "duckdb"):
        code, _, err = ws.check("--engine", engine, "--today", "2025-03-20")
        assert code == 1, err
        written[engine] = ws.artifact.read_bytes()
    assert written["pandas"] == written["duckdb"]
    artifact = json.loads(written["pandas"])
    clauses = sorted((v["clause"], v["column"] or "") for v in artifact["violations"])
    assert clauses == [
        ("allowed-values", "grade"),
        ("extra-columns", ""),
        ("freshness", "seen"),
        ("nulls", "age"),
        ("pattern", "code"),
        ("range", "age"),
        ("range", "at"),
        ("range", "score"),
        ("range", "seen"),
        ("unique", "id"),
    ]


def test_artifact_records_the_data_and_contract(ws: DataWorkspace) -> None:
    ws.contract(MIXED.format(name="data.parquet"))
    path = ws.data(_frame(), "data.parquet")
    ws.check("--today", "2025-03-20")
    artifact = json.loads(ws.artifact.read_text())
    contract = load_workspace(ws.root).datasets["applications"].datasheet.contract  # type: ignore[union-attr]
    assert artifact["kind"] == "data-check"
    assert artifact["schema_version"] == 1
    assert artifact["dataset"] == "applications"
    assert artifact["datasheet"] == "datasets/applications/datasheet.yaml"
    assert artifact["contract_sha256"] == canonical_sha256(contract)
    assert artifact["data"] == {
        "path": "datasets/applications/data.parquet",
        "format": "parquet",
        "sha256": file_sha256(path),
        "bytes": path.stat().st_size,
    }
    assert artifact["rows"] == 8
    assert artifact["columns"][-1] == "extra"
    assert artifact["reference_date"] == "2025-03-20"
    assert artifact["passed"] is False
    assert artifact["profile"]["age"] == {
        "type": "integer",
        "stored_as": "float",
        "nulls": 2,
        "null_rate": 0.25,
        "min": 17,
        "max": 130,
        "distinct": None,
    }
    assert artifact["profile"]["grade"]["distinct"] == 5
    assert artifact["profile"]["seen"]["max"] == "2025-03-04"


def test_same_inputs_same_bytes_and_no_date_without_freshness(ws: DataWorkspace) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer}")
    ws.data(pd.DataFrame({"a": [1, 2]}))
    ws.check("--today", "2020-01-01")
    first = ws.artifact.read_bytes()
    ws.check("--today", str(dt.date(2030, 1, 1)))
    assert ws.artifact.read_bytes() == first
    assert json.loads(first)["reference_date"] is None
    assert first.endswith(b"\n")


def test_contract_digest_ignores_yaml_formatting(ws: DataWorkspace) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer, min: 1}")
    ws.data(pd.DataFrame({"a": [1, 2]}))
    ws.check()
    first = json.loads(ws.artifact.read_text())["contract_sha256"]
    ws.contract(
        "# reformatted\npath: 'data.csv'\ncolumns:\n  - name: a\n    min: 1\n    type: integer"
    )
    ws.check()
    assert json.loads(ws.artifact.read_text())["contract_sha256"] == first
