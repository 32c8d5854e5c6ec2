"""Bad inputs: a clear message naming the file, exit 1 or 2, no traceback, no artifact."""

from __future__ import annotations

import gzip
from typing import TYPE_CHECKING

import pandas as pd
import pytest

if TYPE_CHECKING:
    from conftest import DataWorkspace

CONTRACT = "path: {name}\ncolumns:\n  - {{name: a, type: integer}}"


def _fails(ws: DataWorkspace, code: int, *fragments: str, args: tuple[str, ...] = ()) -> None:
    exit_code, out, err = ws.check(*args)
    assert exit_code == code, (out, err)
    assert "Traceback" not in out + err
    assert "internal error" not in err
    for fragment in fragments:
        assert fragment in err
    assert not ws.artifact.exists()
    if ws.folder.is_dir():
        assert [p.name for p in ws.folder.iterdir() if p.name.startswith(".")] == []


def test_missing_file(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="gone.csv"))
    _fails(ws, 1, "gone.csv: data file not found", "hint:", args=("--engine", engine))


def test_empty_file(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    (ws.folder / "data.csv").write_bytes(b"")
    _fails(ws, 1, "data.csv: the data file is empty", args=("--engine", engine))


def test_truncated_gzip(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.csv.gz"))
    whole = gzip.compress(("a\n" + "1\n" * 100_000).encode())
    (ws.folder / "data.csv.gz").write_bytes(whole[: len(whole) // 2])
    _fails(ws, 1, "data.csv.gz: cannot read the csv.gz file", args=("--engine", engine))


def test_garbage_parquet(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.parquet"))
    (ws.folder / "data.parquet").write_bytes(b"this is not parquet at all")
    _fails(ws, 1, "data.parquet: cannot read the parquet file", args=("--engine", engine))


def test_truncated_parquet(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.parquet"))
    path = ws.data(pd.DataFrame({"a": range(1000)}), "data.parquet")
    path.write_bytes(path.read_bytes()[:-100])
    _fails(ws, 1, "data.parquet: cannot read the parquet file", args=("--engine", engine))


def test_unsupported_extension(ws: DataWorkspace) -> None:
    ws.contract(CONTRACT.format(name="data.xlsx"))
    (ws.folder / "data.xlsx").write_bytes(b"x")
    _fails(ws, 1, "unsupported data file type")


def test_path_outside_workspace_is_a_configuration_error(ws: DataWorkspace) -> None:
    ws.contract(CONTRACT.format(name="../../../etc/passwd.csv"))
    sheet = ws.folder / "datasheet.yaml"
    line = sheet.read_text(encoding="utf-8").splitlines().index("  path: ../../../etc/passwd.csv")
    where = f"datasheet.yaml:{line + 1}:9: contract.path:"
    _fails(ws, 2, where, "outside the workspace", "hint: name a file inside the workspace")


def test_data_option_may_point_anywhere(
    ws: DataWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    outside = tmp_path_factory.mktemp("exports") / "export.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(outside, index=False)
    code, _, err = ws.check("--data", str(outside))
    assert code == 0, err
    assert '"path": "export.csv"' in ws.artifact.read_text()


def test_no_contract_path_and_no_data_option(ws: DataWorkspace) -> None:
    ws.contract("columns:\n  - {name: a, type: integer}")
    _fails(ws, 2, "datasheet.yaml:", ": the contract names no data file", "--data")


def test_unknown_dataset(ws: DataWorkspace) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.dataset = "aplications"
    _fails(ws, 2, "unknown dataset 'aplications'", "did you mean 'applications'")


def test_invalid_datasheet(ws: DataWorkspace) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: text}")
    _fails(ws, 2, "the datasheet has problems", "cardgate validate")


def test_bad_today_and_engine(ws: DataWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.data(pd.DataFrame({"a": [1]}))
    _fails(ws, 2, "--today: '30/11/2026' is not a date", args=("--today", "30/11/2026"))
    _fails(ws, 2, "--engine: 'flink'", args=("--engine", "flink"))
    monkeypatch.setenv("CARDGATE_TODAY", "soon")
    _fails(ws, 2, "CARDGATE_TODAY: 'soon' is not a date")


def test_failed_read_keeps_the_previous_artifact(ws: DataWorkspace) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.data(pd.DataFrame({"a": [1]}))
    assert ws.check()[0] == 0
    before = ws.artifact.read_bytes()
    (ws.folder / "data.csv").write_bytes(b"")
    assert ws.check()[0] == 1
    assert ws.artifact.read_bytes() == before
