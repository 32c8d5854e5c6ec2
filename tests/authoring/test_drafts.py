"""`cardgate new datasheet ID --from FILE`: a datasheet drafted from its data file.

The drafted contract describes the file as it is, so `check-data` passes on that file with
either engine; the template's guidance stays; nothing is ever overwritten.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.digests import file_sha256
from cardgate.evidence.datacheck.infer import profile_file

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    assert run("init", str(folder))[0] == 0
    return folder


def frame(rows: int = 240) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    data = pd.DataFrame(
        {
            "applicant_id": np.arange(1000, 1000 + rows),
            "income": np.where(rng.random(rows) < 0.1, np.nan, rng.random(rows) * 9e4 + 1e3),
            "tiny": rng.random(rows) * 1e-7,
            "approved": rng.random(rows) < 0.4,
            "applied_on": [
                dt.date(2025, 1, 1) + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, rows)
            ],
            "seen_at": pd.to_datetime("2025-01-01 09:00")
            + pd.to_timedelta(rng.integers(0, 10**7, rows), unit="s"),
            "answer": rng.choice(["yes", "no", "1", "null"], rows),
            "note": [f"free text {i}" for i in range(rows)],
            "sex": rng.choice(["F", "M", None], rows),
        }
    )
    return data


def draft(root: Path, name: str, data: Path) -> dict[str, object]:
    code, out = run("new", "datasheet", name, "--from", str(data), "-w", str(root))
    assert code == 0, out
    path = root / "datasets" / name / "datasheet.yaml"
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def check(root: Path, name: str, *extra: str) -> None:
    for engine in ("pandas", "duckdb"):
        code, out = run("check-data", name, "--engine", engine, "-w", str(root), *extra)
        assert code == 0, f"{engine}: {out}"
        assert "contract met" in out


def test_a_parquet_file_drafts_a_contract_it_meets(root: Path) -> None:
    data = frame()
    path = root / "datasets" / "applications" / "applications.parquet"
    path.parent.mkdir(parents=True)
    data.to_parquet(path)
    sheet = draft(root, "applications", path)
    assert sheet["sha256"] == file_sha256(path)
    composition = sheet["composition"]
    assert isinstance(composition, dict)
    assert composition["count"] == len(data)
    assert composition["instances"] == "TODO"  # what only people know stays open
    assert composition["sensitive_attributes"] == ["sex"]
    assert "income 10." in str(composition["missing_data"])
    contract = sheet["contract"]
    assert isinstance(contract, dict)
    assert contract["path"] == "applications.parquet"
    columns = {column["name"]: column for column in contract["columns"]}
    assert list(columns) == list(data.columns)
    assert {name: c["type"] for name, c in columns.items()} == {
        "applicant_id": "integer",
        "income": "number",
        "tiny": "number",
        "approved": "boolean",
        "applied_on": "date",
        "seen_at": "datetime",
        "answer": "category",
        "note": "string",
        "sex": "category",
    }
    assert columns["applicant_id"]["nullable"] is False
    assert columns["applicant_id"]["min"] == 1000
    assert columns["applicant_id"]["max"] == 1000 + len(data) - 1
    assert columns["tiny"]["min"] == data["tiny"].min()  # exactly, not rounded
    assert columns["applied_on"]["min"] == min(data["applied_on"]).isoformat()
    assert columns["answer"]["allowed_values"] == ["1", "no", "null", "yes"]  # still text
    rate = data["income"].isna().mean()
    assert rate <= columns["income"]["max_null_rate"] < rate + 0.001
    assert columns["sex"]["sensitive"] is True
    assert run("validate", "-w", str(root))[0] == 0
    check(root, "applications")


def test_a_gzipped_csv_drafts_a_contract_it_meets(root: Path) -> None:
    path = root / "datasets" / "raw.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        frame().to_csv(stream, index=False)
    sheet = draft(root, "raw", path)
    contract = sheet["contract"]
    assert isinstance(contract, dict) and contract["path"] == "../raw.csv.gz"
    check(root, "raw")


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_folder_named_like_a_hive_partition_adds_no_column(root: Path, suffix: str) -> None:
    """A file under `region=eu/` drafts the columns it holds, not a `region` column
    guessed from the folder's name (which no engine's check would then find)."""
    path = root / "data" / "region=eu" / f"part{suffix}"
    path.parent.mkdir(parents=True)
    data = frame()
    data.to_parquet(path) if suffix == ".parquet" else data.to_csv(path, index=False)
    contract = draft(root, "part", path)["contract"]
    assert isinstance(contract, dict)
    assert [column["name"] for column in contract["columns"]] == list(data.columns)
    check(root, "part")


def test_the_template_guidance_stays(root: Path) -> None:
    path = root / "datasets" / "small.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a,b\n1,x\n2,x\n", encoding="utf-8")
    draft(root, "small", path)
    text = (root / "datasets" / "small" / "datasheet.yaml").read_text(encoding="utf-8")
    assert "# For what purpose was the dataset created? What gap does it fill? (required)" in text
    assert "the gate: GATE-DC001, GATE-DC002, GATE-DC003" in text
    assert "# yaml-language-server: $schema=../../.schemas/datasheet.schema.json" in text


def test_a_file_outside_the_workspace_is_checked_with_data(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "export.csv"
    outside.write_text("id,group\n1,a\n2,b\n3,a\n", encoding="utf-8")
    code, out = run("new", "datasheet", "export", "--from", str(outside), "-w", str(root))
    assert code == 0, out  # the command says so, as the README's first steps do it
    assert "is outside the workspace, so the contract names no file" in out
    assert "cardgate check-data export --data " in out and "export.csv" in out
    # the check of a file outside cannot be repeated by gate --release (GATE-ART001)
    assert "gate --release checks the data again, from a file inside the workspace" in out
    assert "copy it in (e.g. to " in out and "datasets/export/) and set contract.path" in out
    sheet = yaml.safe_load((root / "datasets/export/datasheet.yaml").read_text(encoding="utf-8"))
    contract = sheet["contract"]
    assert isinstance(contract, dict) and "path" not in contract
    text = (root / "datasets" / "export" / "datasheet.yaml").read_text(encoding="utf-8")
    assert "is outside the workspace" in text
    check(root, "export", "--data", str(outside))


def test_an_existing_datasheet_is_never_overwritten(root: Path) -> None:
    path = root / "datasets" / "data.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a\n1\n", encoding="utf-8")
    target = root / "datasets" / "data" / "datasheet.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("# mine\n", encoding="utf-8")
    code, out = run("new", "datasheet", "data", "--from", str(path), "-w", str(root))
    assert code == 2
    assert "already exists" in out
    assert target.read_text(encoding="utf-8") == "# mine\n"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"a,b\n", "unsupported data file type"),
        ("empty.csv", b"", "is empty"),
        ("broken.parquet", b"PAR1 not really", "cannot read the parquet file"),
        # names check-data reads as written, which DuckDB would draft trimmed or renamed
        ("spaced.csv", b"id, amount\n1, 2\n", "spaced.csv:1:4: column 2's name ' amount' has"),
        ("twice.csv", b"id,x,id\n1,2,3\n", "twice.csv:1:6: column 'id' appears twice (columns 1"),
        ("blank.csv", b"id,,x\n1,2,3\n", "blank.csv:1:4: column 2 of the header has no name"),
    ],
)
def test_unreadable_files_leave_no_document(
    root: Path, name: str, content: bytes, message: str
) -> None:
    path = root / name
    path.write_bytes(content)
    result = runner.invoke(app, ["new", "datasheet", "bad", "--from", str(path), "-w", str(root)])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (root / "datasets" / "bad").exists()


def test_a_column_no_contract_type_fits_is_refused(root: Path) -> None:
    path = root / "nested.parquet"
    pd.DataFrame({"tags": [[1, 2], [3]]}).to_parquet(path)
    code, out = run("new", "datasheet", "nested", "--from", str(path), "-w", str(root))
    assert code == 1
    assert "column 'tags'" in out and "contract cannot describe" in out


def test_from_is_for_datasheets(root: Path) -> None:
    path = root / "x.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    code, out = run("new", "model-card", "x", "--from", str(path), "-w", str(root))
    assert code == 2 and "--from drafts a datasheet only" in out


def test_profile_streams_within_a_memory_limit(tmp_path: Path) -> None:
    """DuckDB measures the file in a stream: a limit far below the data's size in memory."""
    rows = 2_000_000
    rng = np.random.default_rng(1)
    data = pd.DataFrame(
        {"x": rng.random(rows), "group": rng.choice(["a", "b", "c"], rows), "n": np.arange(rows)}
    )
    path = tmp_path / "large.parquet"
    data.to_parquet(path, row_group_size=100_000)
    assert data.memory_usage(deep=True).sum() > 40 * 2**20  # 2.5 times the limit
    profile = profile_file(path, memory_limit="16MB")
    assert profile.rows == rows
    by_name = {column.name: column for column in profile.columns}
    assert by_name["group"].categories == ("a", "b", "c")
    assert by_name["n"].maximum == rows - 1


def test_a_missing_from_file_is_named_with_its_option(root: Path) -> None:
    """The hint is about --from, the path the user typed, not a datasheet's contract.path
    (there is no datasheet yet)."""
    code, out = run("new", "datasheet", "gone", "--from", str(root / "gone.csv"), "-w", str(root))
    assert code == 1, out
    assert "gone.csv: data file not found" in out
    assert "check the path given to --from" in out and "contract.path" not in out
    assert not (root / "datasets" / "gone").exists()
