"""Every contract clause, passing and failing, through both engines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

if TYPE_CHECKING:
    from conftest import DataWorkspace

AGES = pd.DataFrame({"age": [17, 30, -1, 999, 45, 100, -1]})


def _violations(ws: DataWorkspace, engine: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ws.result("--engine", engine, *args)["violations"]
    return found


def _clauses(ws: DataWorkspace, engine: str, *args: str) -> list[tuple[str, str | None]]:
    return [(v["clause"], v["column"]) for v in _violations(ws, engine, *args)]


def test_range_counts_and_examples(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: age, type: integer, min: 17, max: 100}")
    ws.data(AGES)
    (violation,) = _violations(ws, engine)
    assert violation["clause"] == "range"
    assert violation["count"] == 3
    assert violation["examples"] == [-1, 999]
    assert violation["message"] == "3 values outside [17, 100] (e.g. -1, 999)"


def test_range_passes(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: age, type: integer, min: -1, max: 999}")
    ws.data(AGES)
    assert _violations(ws, engine) == []


def test_examples_show_both_ends_at_most_five(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.parquet\ncolumns:\n  - {name: x, type: number, max: 0}")
    ws.data(pd.DataFrame({"x": [float(v) for v in range(1, 11)] + [0.5]}), "data.parquet")
    (violation,) = _violations(ws, engine)
    assert violation["count"] == 11
    assert violation["examples"] == [0.5, 1, 2, 9, 10]


def test_date_range(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: data.csv\ncolumns:\n  - {name: day, type: date, min: 2024-01-01, max: 2024-12-31}"
    )
    ws.data(pd.DataFrame({"day": ["2023-12-31", "2024-06-01", "2025-01-01"]}))
    (violation,) = _violations(ws, engine)
    assert violation["examples"] == ["2023-12-31", "2025-01-01"]


@pytest.mark.parametrize("name", ["data.csv", "data.parquet"])
def test_null_rate(ws: DataWorkspace, engine: str, name: str) -> None:
    ws.contract(
        f"path: {name}\ncolumns:\n"
        "  - {name: income, type: number, max_null_rate: 0.25}\n"
        "  - {name: id, type: integer, nullable: false}"
    )
    ws.data(pd.DataFrame({"income": [1.0, None, None, 4.0], "id": [1, 2, 3, 4]}), name)
    (violation,) = _violations(ws, engine)
    assert (violation["clause"], violation["column"], violation["count"]) == ("nulls", "income", 2)
    assert violation["message"] == "null rate 0.5 > max 0.25"


def test_not_nullable(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: id, type: string, nullable: false}")
    ws.data(pd.DataFrame({"id": ["a", None, "c"]}))
    (violation,) = _violations(ws, engine)
    assert violation["message"] == "1 value missing; the column is not nullable"


def test_unparsable_values_are_type_violations(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: data.csv\ncolumns:\n"
        "  - {name: age, type: integer}\n  - {name: ok, type: boolean}\n"
        "  - {name: when, type: datetime}"
    )
    ws.data(
        pd.DataFrame(
            {
                "age": ["17", "abc", "1.5", "40"],
                "ok": ["yes", "no", "maybe", "TRUE"],
                "when": ["2024-01-01", "2024-01-01T10:00:00", "yesterday", "2024-02-30"],
            }
        )
    )
    found = {v["column"]: v for v in _violations(ws, engine)}
    assert found["age"]["examples"] == ["1.5", "abc"]
    assert found["age"]["message"] == "2 values not an integer (e.g. '1.5', 'abc')"
    assert found["ok"]["examples"] == ["maybe"]
    assert found["when"]["examples"] == ["2024-02-30", "yesterday"]


def test_infinite_and_nan_integers_are_type_violations_without_a_warning(
    ws: DataWorkspace, engine: str
) -> None:
    """'inf' and 'nan' in an integer column: not integers, and no numpy RuntimeWarning on
    stderr (pandas computed inf % 1)."""
    import warnings

    ws.contract("path: data.csv\ncolumns:\n  - {name: age, type: integer}")
    ws.data(pd.DataFrame({"age": ["17", "inf", "-inf", "nan", "40"]}))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        (violation,) = _violations(ws, engine)
    assert violation["examples"] == ["-inf", "inf", "nan"]


def test_stored_type_that_cannot_hold_the_contract_type(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: data.parquet\ncolumns:\n  - {name: day, type: date}\n  - {name: name, type: string}"
    )
    ws.data(pd.DataFrame({"day": [1.5, 2.5], "name": [1, 2]}), "data.parquet")
    found = _violations(ws, engine)
    assert [(v["column"], v["message"]) for v in found] == [
        ("day", "stored as float, which cannot hold date values"),
        ("name", "stored as int, which cannot hold string values"),
    ]


def test_allowed_values(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: data.csv\ncolumns:\n  - {name: sex, type: category, allowed_values: [Male, Female]}"
    )
    ws.data(pd.DataFrame({"sex": ["Male", "Female", "male", "X", "X"]}))
    (violation,) = _violations(ws, engine)
    assert (violation["count"], violation["examples"]) == (3, ["X", "male"])
    profile = ws.result("--engine", engine)["profile"]["sex"]
    assert profile["distinct"] == 4


def test_pattern(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: zip, type: string, pattern: '[0-9]{5}'}")
    ws.data(pd.DataFrame({"zip": ["12345", "1234", "123456", "ab123"]}))
    (violation,) = _violations(ws, engine)
    assert (violation["count"], violation["examples"]) == (3, ["1234", "123456", "ab123"])


def test_unique(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: id, type: integer, unique: true}")
    ws.data(pd.DataFrame({"id": [1, 2, 2, 3, 3, 3, None]}))
    (violation,) = _violations(ws, engine)
    assert (violation["clause"], violation["count"], violation["examples"]) == (
        "unique",
        3,
        [2, 3],
    )


def test_rows_and_columns(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: data.csv\nmin_rows: 5\nallow_extra_columns: false\n"
        "columns:\n  - {name: a, type: integer}\n  - {name: b, type: integer}"
    )
    ws.data(pd.DataFrame({"a": [1, 2], "c": [1, 2]}))
    assert _clauses(ws, engine) == [
        ("rows", None),
        ("extra-columns", None),
        ("column-missing", "b"),
    ]


def test_max_rows(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\nmax_rows: 1\ncolumns:\n  - {name: a, type: integer}")
    ws.data(pd.DataFrame({"a": [1, 2]}))
    assert _clauses(ws, engine) == [("rows", None)]


def test_header_only_file_has_no_rows(ws: DataWorkspace, engine: str) -> None:
    ws.contract("path: data.csv\ncolumns:\n  - {name: a, type: integer}")
    (ws.folder / "data.csv").write_text("a\n", encoding="utf-8")
    (violation,) = _violations(ws, engine)
    assert violation["message"] == "the file has no rows"


FRESH = (
    "path: data.csv\nfreshness: {column: snapshot_date, max_age_days: 30}\n"
    "columns:\n  - {name: snapshot_date, type: date}"
)


def test_freshness_fails_with_injected_today(ws: DataWorkspace, engine: str) -> None:
    ws.contract(FRESH)
    ws.data(pd.DataFrame({"snapshot_date": ["2026-08-01", "2026-09-01"]}))
    result = ws.result("--engine", engine, "--today", "2026-11-30")
    (violation,) = result["violations"]
    assert violation["message"] == (
        "newest 2026-09-01 is 90 days old > max_age 30 days (as of 2026-11-30)"
    )
    assert result["reference_date"] == "2026-11-30"


def test_freshness_passes_and_reads_cardgate_today(
    ws: DataWorkspace, engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDGATE_TODAY", "2026-09-15")
    ws.contract(FRESH)
    ws.data(pd.DataFrame({"snapshot_date": ["2026-08-01", "2026-09-01"]}))
    result = ws.result("--engine", engine)
    assert result["violations"] == []
    assert result["reference_date"] == "2026-09-15"


def test_a_newest_date_in_the_future_is_not_freshness(ws: DataWorkspace, engine: str) -> None:
    """One row dated 2099 would keep the data "fresh" for ever: a date past the check's
    day (beyond a day of time-zone skew) is a freshness violation, not the newest data."""
    ws.contract(FRESH)
    ws.data(pd.DataFrame({"snapshot_date": ["2026-08-01", "2099-12-31"]}))
    result = ws.result("--engine", engine, "--today", "2026-11-30")
    (violation,) = result["violations"]
    assert violation["clause"] == "freshness"
    assert violation["message"] == (
        "newest 2099-12-31 is after the day of the check (2026-11-30): a date in the "
        "future says nothing of how fresh the data is"
    )
    tomorrow = ws.result("--engine", engine, "--today", "2099-12-30")
    assert tomorrow["violations"] == []  # a day of time-zone skew is not the future


def test_feed_full_of_nulls_fails_with_exit_1(ws: DataWorkspace, engine: str) -> None:
    ws.contract(
        "path: feed.csv\ncolumns:\n"
        "  - {name: income, type: number, max_null_rate: 0.01}\n"
        "  - {name: age, type: integer, min: 17, max: 100}"
    )
    ws.data(pd.DataFrame({"income": [None] * 50, "age": [None] * 49 + [30]}), "feed.csv")
    code, out, _ = ws.check("--engine", engine)
    assert code == 1
    assert out.splitlines()[:2] == [
        "applications: 1 violation in 50 rows",
        "  income null rate 1 > max 0.01",
    ]


def test_nan_in_parquet_counts_as_missing(ws: DataWorkspace, engine: str) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    ws.contract("path: data.parquet\ncolumns:\n  - {name: x, type: number, max_null_rate: 0.1}")
    values = np.array([1.0, np.nan, 3.0, np.nan] * 250_000)
    pq.write_table(
        pa.table({"x": pa.array(values, from_pandas=False)}),
        ws.folder / "data.parquet",
        row_group_size=100_000,
    )
    result = ws.result("--engine", engine)
    assert result["profile"]["x"]["nulls"] == 500_000
    assert result["profile"]["x"]["max"] == 3
    assert [v["clause"] for v in result["violations"]] == ["nulls"]


def test_a_long_column_name_does_not_pad_every_violation(ws: DataWorkspace, engine: str) -> None:
    """Violations align on column names up to 32 characters: one 500-character name is
    printed as it is, not padded against."""
    long = "x" * 500
    ws.contract(
        "path: data.csv\ncolumns:\n  - {name: age, type: integer, min: 17, max: 100}\n"
        f"  - {{name: {long}, type: integer, max: 0}}"
    )
    ws.data(pd.DataFrame({"age": [17, 200], long: [1, 0]}))
    code, out, _ = ws.check("--engine", engine)
    assert code == 1
    lines = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(lines) == 2
    assert max(len(line) for line in lines if line.lstrip().startswith("age")) < 100
