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


def test_missing_file_of_the_contract_or_of_data(ws: DataWorkspace) -> None:
    """The hint names what gave the missing path: the contract's path, or --data."""
    ws.contract(CONTRACT.format(name="gone.csv"))
    _fails(ws, 1, "gone.csv: data file not found", "check the datasheet's contract.path")
    ws.data(pd.DataFrame({"a": [1]}), "gone.csv")
    missing = str(ws.root / "other.csv")
    _fails(ws, 1, "other.csv: data file not found", args=("--data", missing))
    err = ws.check("--data", missing)[2]
    assert "check the path given to --data" in err and "contract.path" not in err


def test_empty_file(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    (ws.folder / "data.csv").write_bytes(b"")
    _fails(ws, 1, "data.csv: the data file is empty", args=("--engine", engine))


def test_truncated_gzip(ws: DataWorkspace, engine: str) -> None:
    ws.contract(CONTRACT.format(name="data.csv.gz"))
    whole = gzip.compress(("a\n" + "1\n" * 100_000).encode())
    (ws.folder / "data.csv.gz").write_bytes(whole[: len(whole) // 2])
    _fails(ws, 1, "data.csv.gz: cannot read the csv.gz file", args=("--engine", engine))


def test_bytes_not_utf8_in_a_column_no_clause_names(ws: DataWorkspace, engine: str) -> None:
    """Latin-1 text in a column the contract does not name: no engine reads that column,
    and neither checked its bytes ('contract met' on a file that is not UTF-8 text)."""
    ws.contract(CONTRACT.format(name="data.csv"))
    rows = [f"{i},{'Zürich' if i == 70 else 'Bern'}" for i in range(100)]
    (ws.folder / "data.csv").write_bytes("\n".join(["a,city", *rows, ""]).encode("latin-1"))
    _fails(
        ws,
        1,
        "data.csv: is not UTF-8 text (line 72)",
        "hint: save it as UTF-8",
        args=("--engine", engine),
    )


def test_lines_ending_in_cr_alone_are_read(ws: DataWorkspace, engine: str) -> None:
    """A CSV saved with classic Mac OS line endings (CR alone): DuckDB and pyarrow read
    it, and the header read before them was an internal error ("new-line character seen
    in unquoted field")."""
    ws.contract(CONTRACT.format(name="data.csv"))
    (ws.folder / "data.csv").write_bytes(b"a,city\r1,Bern\r2,Basel\r")
    code, out, err = ws.check("--engine", engine)
    assert code == 0, (out, err)
    assert "contract met by 2 rows" in out and "internal error" not in err


@pytest.mark.parametrize(
    ("name", "content"), [("data.csv.gz", gzip.compress(b"")), ("data.csv", b"\n1\n")]
)
def test_a_csv_without_a_header_row(
    ws: DataWorkspace, engine: str, name: str, content: bytes
) -> None:
    """A .csv.gz of nothing (or a first line that is empty): DuckDB's reader of no columns
    was an internal error ('read_csv requires at least a single column as input')."""
    ws.contract(CONTRACT.format(name=name))
    (ws.folder / name).write_bytes(content)
    _fails(ws, 1, f"{name}: has no header row (its first line is empty)", args=("--engine", engine))


def test_a_header_column_without_a_name(ws: DataWorkspace, engine: str) -> None:
    """A trailing comma in the header: the pandas engine met the contract, DuckDB's
    reader (which names no column '') was an internal error. One message, both engines."""
    ws.contract(CONTRACT.format(name="data.csv"))
    (ws.folder / "data.csv").write_bytes(b"a,city,\n1,Bern,\n2,Basel,\n")
    _fails(ws, 1, "data.csv:1:8: column 3 of the header has no name", args=("--engine", engine))


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
    """A file other than the one the datasheet pins is checked and reported; its check
    is written only where --out says, never over the dataset's committed data-check.json
    (the artifact the gate and the sign-offs rely on)."""
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.data(pd.DataFrame({"a": [1, 2, 3]}))
    code, _, err = ws.check()
    assert code == 0, err
    committed = ws.artifact.read_bytes()
    exports = tmp_path_factory.mktemp("exports")
    outside = exports / "export.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(outside, index=False)
    code, out, err = ws.check("--data", str(outside))
    assert code == 0, err
    assert ws.artifact.read_bytes() == committed
    assert "is not the data the datasheet pins" in out and "data-check.json is unchanged" in out
    assert "wrote nothing (to keep this check, give --out PATH)" in out
    report = ws.result("--data", str(outside))
    assert report["artifact"] is None and report["pinned_data"].endswith("data.csv")
    assert report["data"]["path"] == "export.csv"
    kept = exports / "export-check.json"
    code, out, err = ws.check("--data", str(outside), "--out", str(kept))
    assert code == 0, err
    assert f"wrote {kept}" in out
    assert '"path": "export.csv"' in kept.read_text(encoding="utf-8")
    assert ws.artifact.read_bytes() == committed
    assert [p.name for p in exports.iterdir() if p.name.startswith(".")] == []


def test_out_never_replaces_the_committed_artifact_with_other_data(
    ws: DataWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.data(pd.DataFrame({"a": [1, 2, 3]}))
    assert ws.check()[0] == 0
    committed = ws.artifact.read_bytes()
    other = tmp_path_factory.mktemp("exports") / "export.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(other, index=False)
    code, out, err = ws.check("--data", str(other), "--out", str(ws.artifact))
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    assert "is the committed data-check artifact of 'applications'" in err
    assert "is not the data its datasheet pins" in err and "contract.path data.csv" in err
    assert ws.artifact.read_bytes() == committed


def test_data_naming_the_pinned_file_records_the_check(ws: DataWorkspace) -> None:
    """--data spelled otherwise (another route, a link) for the pinned file itself is the
    dataset's own check: written beside the datasheet, as without --data."""
    ws.contract(CONTRACT.format(name="data.csv"))
    ws.data(pd.DataFrame({"a": [1, 2, 3]}))
    link = ws.root / "alias.csv"
    link.symlink_to(ws.folder / "data.csv")
    for spelled in (str(ws.folder / ".." / ws.dataset / "data.csv"), str(link)):
        ws.artifact.unlink(missing_ok=True)
        code, out, err = ws.check("--data", spelled)
        assert code == 0, err
        assert ws.artifact.is_file() and "wrote " in out and "not the data" not in out


def test_without_a_contract_path_data_names_the_datasets_data(
    ws: DataWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    ws.contract("columns:\n  - {name: a, type: integer}")
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


def test_data_beside_a_contract_path_outside_the_workspace_is_checked_not_recorded(
    ws: DataWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """contract.path's error hint says 'or pass --data PATH': that works, and since the
    file cannot be the (unusable) pinned one, its check is reported, not recorded."""
    ws.contract(CONTRACT.format(name="../../../etc/passwd.csv"))
    outside = tmp_path_factory.mktemp("exports") / "export.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(outside, index=False)
    code, out, err = ws.check("--data", str(outside))
    assert code == 0, err
    assert "is not the data the datasheet pins" in out and not ws.artifact.exists()


def test_a_contract_path_written_from_the_workspace_is_found_and_shown(ws: DataWorkspace) -> None:
    """contract.path is read from the datasheet's folder; one written from the workspace
    (as evaluation.predictions.path is) named datasets/x/datasets/x/data.csv, 'not
    found' without the datasheet's line: the error is at contract.path, says where it was
    read from, and the hint is the path to write."""
    ws.data(pd.DataFrame({"a": [1]}))
    sheet = ws.contract(CONTRACT.format(name=f"datasets/{ws.dataset}/data.csv"))
    line = (
        sheet.read_text(encoding="utf-8")
        .splitlines()
        .index(f"  path: datasets/{ws.dataset}/data.csv")
    )
    _fails(
        ws,
        1,
        f"datasheet.yaml:{line + 1}:9: ",
        "data file not found (contract.path is read from the datasheet's folder, "
        f"datasets/{ws.dataset}/)",
        "hint: did you mean 'data.csv'?",
    )
    ws.contract(CONTRACT.format(name="gone.csv"))
    _fails(ws, 1, "gone.csv: data file not found", "hint: check the datasheet's contract.path")
