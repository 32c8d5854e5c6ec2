"""Item 9 of issue #15: the pandas and DuckDB engines of `check-data` give one verdict.

One rule for both: a CSV file is UTF-8 with a header, and every row has the header's
number of fields; a file that breaks it cannot be checked (exit 1, naming the line), it
is never "contract met". The same malformed files go through both engines.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import DATASET, TODAY, invoke, one_line_error

ENGINES = ("pandas", "duckdb")


def _rows(workspace: Path) -> list[list[str]]:
    data = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    with gzip.open(data, "rt", encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def extra_fields(rows: list[list[str]], path: Path) -> None:
    rows[5] = [*rows[5], "surplus"]
    path.write_text(_csv(rows), encoding="utf-8")


def missing_fields(rows: list[list[str]], path: Path) -> None:
    rows[5] = rows[5][:-3]
    path.write_text(_csv(rows), encoding="utf-8")


def latin1(rows: list[list[str]], path: Path) -> None:
    rows[3][rows[0].index("purpose")] = "caf\u00e9"
    path.write_bytes(_csv(rows).encode("latin-1"))


def utf16(rows: list[list[str]], path: Path) -> None:
    path.write_bytes(_csv(rows).encode("utf-16"))


def repeated_column(rows: list[list[str]], path: Path) -> None:
    # A second 'Duration_Months' out of the contract's range: pandas checked the first
    # and met the contract, DuckDB failed with an internal error (and folds case).
    rows = [[*rows[0], "Duration_Months"], *([*row, "999"] for row in rows[1:])]
    path.write_text(_csv(rows), encoding="utf-8")


MALFORMED: dict[str, tuple[Callable[[list[list[str]], Path], None], str]] = {
    "extra fields": (extra_fields, "line 6: 23 fields where the header has 22"),
    "missing fields": (missing_fields, "line 6: 19 fields where the header has 22"),
    "latin-1": (latin1, "is not UTF-8 text"),
    "utf-16": (utf16, "is UTF-16 text"),
    "repeated column": (
        repeated_column,
        "column 'duration_months' appears twice (columns 2 and 23)",
    ),
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_malformed_csv_cannot_be_checked_by_either_engine(
    workspace: Path, case: str, engine: str
) -> None:
    make, expected = MALFORMED[case]
    path = workspace / "data.csv"
    make(_rows(workspace), path)
    code, out, err = invoke(
        "check-data", DATASET, "--data", path, "--engine", engine, "-w", workspace, "--today", TODAY
    )
    assert code == 1, out
    assert "contract met" not in out
    line = one_line_error(err)
    assert "data.csv" in line and expected in line


def _truncated_parquet(workspace: Path) -> Path:
    import pandas as pd

    rows = _rows(workspace)
    path = workspace / "data.parquet"
    pd.DataFrame(rows[1:], columns=rows[0]).to_parquet(path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


@pytest.mark.parametrize("engine", ENGINES)
def test_a_truncated_parquet_file_cannot_be_checked(workspace: Path, engine: str) -> None:
    path = _truncated_parquet(workspace)
    code, out, err = invoke(
        "check-data", DATASET, "--data", path, "--engine", engine, "-w", workspace, "--today", TODAY
    )
    assert code == 1, out
    line = one_line_error(err)
    assert "data.parquet" in line and "cannot read the parquet file" in line


def _verdicts(workspace: Path, path: Path, *, code: int) -> list[dict[str, object]]:
    """check-data's verdict on `path` by each engine (violations, rows, columns), each
    run exiting with `code`."""
    verdicts = []
    for engine in ENGINES:
        exit_code, out, err = invoke(
            "check-data", DATASET, "--data", path, "--engine", engine, "-w", workspace,
            "--today", TODAY, "-f", "json",
        )  # fmt: skip
        assert exit_code == code, err
        artifact = json.loads(out)
        assert artifact["passed"] is (code == 0)
        verdicts.append({key: artifact[key] for key in ("violations", "rows", "columns")})
    return verdicts


def test_extra_columns_are_one_verdict(workspace: Path) -> None:
    rows = _rows(workspace)
    rows = [[*row, "extra" if index == 0 else "x"] for index, row in enumerate(rows)]
    path = workspace / "data.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    pandas, duckdb = _verdicts(workspace, path, code=1)
    assert pandas["violations"] != []
    assert pandas == duckdb


def test_auto_reads_parquet_with_duckdb_and_a_small_csv_with_pandas(workspace: Path) -> None:
    """`auto`, as measured (benchmarks/README.md, check-data): DuckDB for a Parquet file
    at any size, pandas for a CSV file below 512 MB; the artifacts are the same bytes."""
    import datetime as dt

    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.datacheck.run import check_dataset

    source = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    parquet = workspace / "german-credit.parquet"
    pq.write_table(pacsv.read_csv(source), parquet)
    loaded = load_workspace(workspace)
    today = dt.date.fromisoformat(TODAY)
    from_csv = check_dataset(loaded, DATASET, today=today)
    assert from_csv.engine == "pandas"
    from_parquet = check_dataset(loaded, DATASET, today=today, data=parquet)
    assert from_parquet.engine == "duckdb"
    by_pandas = check_dataset(loaded, DATASET, today=today, data=parquet, engine="pandas")
    assert json.dumps(by_pandas.artifact, sort_keys=True) == json.dumps(
        from_parquet.artifact, sort_keys=True
    )


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_folder_named_like_a_hive_partition_adds_no_column(workspace: Path, suffix: str) -> None:
    """A data file under a folder named `key=value` is read as the file it is: DuckDB's
    Hive partition detection would add a column `key` the file does not hold, and the
    engines would disagree on the contract (one verdict, the same for both)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    source = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    path = workspace / "region=eu" / f"german-credit{suffix}"
    path.parent.mkdir()
    if suffix == ".parquet":
        pq.write_table(pacsv.read_csv(source), path)
    else:
        path.write_text(_csv(_rows(workspace)), encoding="utf-8")
    pandas, duckdb = _verdicts(workspace, path, code=0)
    assert pandas["violations"] == []
    assert "region" not in pandas["columns"]
    assert pandas == duckdb


def _with_pattern(workspace: Path, column: str, pattern: str) -> None:
    sheet = workspace / "datasets" / DATASET / "datasheet.yaml"
    text = sheet.read_text(encoding="utf-8")
    entry = f"    - name: {column}\n      type: category\n      nullable: false\n"
    assert entry in text
    quoted = json.dumps(pattern)
    sheet.write_text(text.replace(entry, f"{entry}      pattern: {quoted}\n"), encoding="utf-8")


def test_a_backtracking_pattern_is_matched_in_linear_time_by_both_engines(
    workspace: Path,
) -> None:
    """The pandas engine matched with Python's `re`, which backtracks: this pattern on
    the values of one column kept check-data (and gate --release) busy for hours."""
    import time

    _with_pattern(workspace, "checking_account_status", r"(a|\S+\s?)+X")
    started = time.monotonic()
    pandas, duckdb = _verdicts(
        workspace, workspace / "datasets" / DATASET / "german-credit.csv.gz", code=1
    )
    assert time.monotonic() - started < 60
    assert [v["clause"] for v in pandas["violations"]] == ["pattern"]  # type: ignore[index]
    assert pandas == duckdb


def test_a_pattern_matches_the_same_values_in_both_engines(workspace: Path) -> None:
    """RE2's `\\d` is 0-9, Python's every script's digits: a value '٣ DM' passed the
    pandas engine and failed DuckDB's."""
    rows = _rows(workspace)
    column = rows[0].index("checking_account_status")
    rows[4][column] = "\u0663 DM"
    path = workspace / "data.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    _with_pattern(workspace, "checking_account_status", r"(\d|\.|[a-z<>=/ ]|DM)+")
    pandas, duckdb = _verdicts(workspace, path, code=1)
    assert pandas == duckdb
    assert any("\u0663 DM" in json.dumps(v, ensure_ascii=False) for v in pandas["violations"])  # type: ignore[union-attr]
