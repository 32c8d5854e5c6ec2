"""The profile's portable SQL (what Spark and warehouses run: no `histogram()`) gives, run
by DuckDB, the profile of DuckDB's own one-pass query; and the sketch's bucket index is
the one its definition says, next to every boundary (where engines' logarithms differ in
the last bit), on DuckDB as in Python."""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cardgate.core.files import canonical_json
from cardgate.evidence.datacheck.source import open_source
from cardgate.evidence.monitoring import sketch
from cardgate.evidence.monitoring.measure import measure_profile
from cardgate.evidence.monitoring.profile import MAX_CATEGORIES, Profile, SourceRecord
from cardgate.evidence.monitoring.profile_sql import (
    ProfileQueries,
    infer_kinds,
    named_keys,
    settle,
    view_sql,
)


def boundary_values() -> list[float]:
    """Every 97th boundary γ^k (k from the smallest bucket to the largest double), its
    neighbours one unit in the last place away, and 1.0 (where ln is exactly 0)."""
    values = [1.0, -1.0]
    for k in range(sketch.OFFSET + 1, 354_891, 97):
        edge = sketch.GAMMA**k
        if math.isfinite(edge):
            values += [edge, math.nextafter(edge, math.inf), -math.nextafter(edge, 0.0)]
    return values


def generated(rows: int, seed: int) -> pa.Table:
    """Missing values, NaN, ±inf, negatives, zeros, boundary values, numbers stored as
    text, booleans, few and many (past MAX_CATEGORIES) categories."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(0, 500, rows).round(2)
    amount[rng.choice(rows, rows // 20, replace=False)] = np.nan
    amount[:4] = [np.inf, -np.inf, 0.0, 1.0][:rows]
    edges = np.array(boundary_values())
    on_edges = rng.choice(edges, rows)
    on_edges[rng.random(rows) < 0.05] = 0.0
    words = np.array(["12", "1.5", "abc", "1e3", "-4", "0", " 7"], dtype=object)
    mask = rng.random(rows) < 0.1
    return pa.table(
        {
            "amount": amount,
            "edges": on_edges,
            "count": pa.array(rng.integers(-5, 50, rows), mask=mask),
            "text_numbers": pa.array(
                [str(v) for v in rng.integers(0, 100, rows)], mask=rng.random(rows) < 0.05
            ),
            "mixed_text": pa.array(rng.choice(words, rows).tolist()),
            "flag": pa.array(rng.random(rows) < 0.3, mask=rng.random(rows) < 0.02),
            "group": pa.array(
                [f"g{v}" for v in rng.integers(0, 40, rows)], mask=rng.random(rows) < 0.03
            ),
            "label": rng.integers(0, 2, rows),
            "day": pa.array(rng.integers(19_000, 19_100, rows).astype("int32"), pa.date32()),
            "at": pa.array(rng.integers(0, 10**6, rows) * 500_000, pa.timestamp("us")),
            "at_utc": pa.array(rng.integers(0, 10**6, rows) * 500_000, pa.timestamp("us", "UTC")),
            "price": pa.array(
                [Decimal(int(v)).scaleb(-3) for v in rng.integers(-(10**15), 10**15, rows)],
                pa.decimal128(18, 3),
            ),
            "float_code": pa.array(
                rng.choice([1e20, 0.1, 1e-7, 123456789.0, 2.5e-5, 1.0, np.nan], rows),
                mask=rng.random(rows) < 0.05,
            ),
            "float32_code": pa.array(rng.choice([0.1, 1e20, 3.0], rows), pa.float32()),
            "id": pa.array([f"row-{i}" for i in range(rows)]),
        }
    )


def portable_profile(path: Path, kinds: dict[str, str]) -> Profile:
    """The profile from `profile_sql`'s two queries, run by DuckDB."""
    connection = duckdb.connect()
    reader = f"read_parquet('{path}')"
    described = connection.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
    from cardgate.evidence.datacheck.duckdb_engine import physical_kind

    stored = {str(row[0]): str(physical_kind(str(row[1]))) for row in described}
    names = list(stored)
    typed = dict(kinds)
    typed.update(
        infer_kinds(
            lambda sql: connection.execute(sql).fetchone(),
            reader,
            [n for n in names if n not in kinds],
            stored,
        )
    )
    connection.execute(f"CREATE VIEW v AS SELECT {view_sql(names, typed, stored)} FROM {reader}")
    queries = ProfileQueries(names, typed, stored, "v")  # type: ignore[arg-type]
    scalars = connection.execute(queries.scalars_sql()).fetchall()[0]
    assert scalars is not None
    truncated = queries.truncated(scalars)
    counts_sql = queries.counts_sql(truncated)
    counts = []
    if counts_sql:
        table = connection.sql(counts_sql).to_arrow_table()
        counts = named_keys(table, queries.typed_keys(truncated))
    columns = queries.assemble(scalars, counts)
    buckets = {i: columns[n].buckets for i, n in enumerate(names) if typed[n] == "numeric"}
    settle(buckets, [stored[n] for n in names], "v", lambda sql: connection.execute(sql).fetchall())
    rows = int(scalars[0])
    return Profile("s", [SourceRecord("data.parquet", "0" * 64, rows, "parquet")], rows, columns)


@pytest.mark.parametrize("rows", [1, 300, MAX_CATEGORIES + 500])
def test_portable_queries_give_duckdbs_profile(tmp_path: Path, rows: int) -> None:
    path = tmp_path / "data.parquet"
    pq.write_table(generated(rows, seed=rows), path)
    kinds = {"label": "categorical", "float_code": "categorical", "float32_code": "categorical"}
    recorded = SourceRecord("data.parquet", "0" * 64, 0, "parquet")
    duck = measure_profile(open_source(path), subject="s", recorded=recorded, kinds=kinds)  # type: ignore[arg-type]
    portable = portable_profile(path, kinds)
    assert canonical_json(portable.as_dict()) == canonical_json(duck.as_dict())
    if rows > MAX_CATEGORIES:
        assert duck.columns["id"].truncated and duck.columns["id"].count == rows
        assert not duck.columns["group"].truncated
    assert duck.columns["edges"].count > 0


def test_bucket_of_is_its_definition_next_to_every_boundary() -> None:
    """γ^(k-1) < |x| ≤ γ^k, decided in decimal arithmetic, for values on and around
    boundaries (where ceil(ln|x| / ln γ) alone depends on the last bit of ln)."""
    for value in boundary_values():
        index = sketch.bucket_of(value)
        k = abs(index) + sketch.OFFSET
        magnitude = Decimal(abs(value))
        assert sketch.boundary(k - 1) < magnitude <= sketch.boundary(k), value
        assert (index > 0) == (value > 0)


def test_duckdb_buckets_boundary_values_as_python_does(tmp_path: Path) -> None:
    values = boundary_values()
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t AS SELECT unnest(?::DOUBLE[]) AS v0", [values])
    connection.execute(
        f"CREATE VIEW w AS SELECT v0, v0 AS o0, {sketch.quotient_sql('v0')} AS q0 FROM t"
    )
    found = connection.execute(
        f"SELECT histogram({sketch.bucket_sql('v0', 'q0')}) FROM w"
    ).fetchone()
    assert found is not None
    buckets = {0: {int(k): int(n) for k, n in found[0].items()}}
    assert buckets[0][sketch.UNDECIDED] > len(values) / 2  # most are next to a boundary
    settle(buckets, ["float"], "w", lambda sql: connection.execute(sql).fetchall())
    expected: dict[int, int] = {}
    for value in values:
        expected[sketch.bucket_of(value)] = expected.get(sketch.bucket_of(value), 0) + 1
    assert buckets[0] == expected


def test_a_wide_file_is_measured_a_few_columns_a_scan(tmp_path: Path) -> None:
    """130 columns (three scans of `COLUMNS_PER_SCAN`; 65 of text, whose kinds are
    inferred in two): the same profile as the portable queries' one pass, every column in
    its place. (One query over every column took 1.3 GB at 200 columns of 50 rows, and
    more memory than the machine at 5,000; measured by hand, not here.)"""
    from cardgate.evidence.monitoring.profile_sql import COLUMNS_PER_SCAN

    rng = np.random.default_rng(7)
    columns = {}
    for i in range(130):
        if i % 2:
            columns[f"n{i}"] = pa.array(rng.normal(i, 1 + i % 7, 400))
        else:
            columns[f"c{i}"] = pa.array([f"v{(j * (i + 1)) % (2 + i % 5)}" for j in range(400)])
    assert len(columns) > 2 * COLUMNS_PER_SCAN
    path = tmp_path / "data.parquet"
    pq.write_table(pa.table(columns), path)
    recorded = SourceRecord("data.parquet", "0" * 64, 0, "parquet")
    duck = measure_profile(open_source(path), subject="s", recorded=recorded, kinds={})
    assert list(duck.columns) == list(columns) and duck.rows == 400
    assert canonical_json(portable_profile(path, {}).as_dict()) == canonical_json(duck.as_dict())


def test_a_wide_csv_file_is_parsed_once_and_measured_alike(tmp_path: Path) -> None:
    """A CSV file of more columns than one scan is parsed once into a temporary table
    (every scan of the file itself would parse it whole): its profile is, column by
    column, the profile of the file read a scan's share at a time (no table), with
    missing cells, NaN and infinite text, numbers written as text and categories."""
    from cardgate.evidence.monitoring.profile_sql import COLUMNS_PER_SCAN

    rng = np.random.default_rng(11)
    width = 2 * COLUMNS_PER_SCAN + 7
    cells: dict[str, list[str]] = {}
    for i in range(width):
        values = rng.normal(i, 1 + i % 5, 300)
        if i % 3 == 0:
            cells[f"c{i}"] = [f"v{int(abs(v)) % (2 + i % 4)}" for v in values]
        else:
            cells[f"n{i}"] = [repr(round(float(v), 3)) for v in values]
        column = cells[next(reversed(cells))]
        column[i % 300] = ""
        if i % 3 == 1:
            column[(i + 1) % 300] = "NaN"
            column[(i + 2) % 300] = "inf"
    path = tmp_path / "wide.csv"
    names = list(cells)
    lines = [",".join(names)] + [",".join(cells[n][row] for n in names) for row in range(300)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kinds = {n: "numeric" if n.startswith("n") else "categorical" for n in names}

    def profiled(columns: list[str]) -> dict[str, object]:
        recorded = SourceRecord("wide.csv", "0" * 64, 0, "csv")
        profile = measure_profile(
            open_source(path),
            subject="s",
            recorded=recorded,
            kinds={n: kinds[n] for n in names[: width // 2]},  # the rest inferred
            columns=columns,
        )
        assert profile.rows == 300
        return {n: column.as_dict() for n, column in profile.columns.items()}

    whole = profiled(names)
    assert list(whole) == names
    for first in range(0, width, COLUMNS_PER_SCAN):
        share = names[first : first + COLUMNS_PER_SCAN]
        assert profiled(share) == {n: whole[n] for n in share}
    # a CSV cell is text: "NaN" and "inf" are not finite numbers, an empty cell is missing
    assert whole["n1"]["invalid"] == 2 and whole["n1"]["nulls"] == 1
