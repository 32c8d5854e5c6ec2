"""The run log read as a stream (`run_log`) and the operations bootstrap in bounded
chunks: the columns kept equal what the lines say; the artifact of a generated log (slices,
tokens, a CSV baseline with unmatched queries) equals the one cardgate computed when it
kept every line as a record (`fixtures/operations-generated.json`, written by that code;
rewritten when the latency quantiles' intervals became distribution-free, checked to
differ from it only in those intervals, the spreads' built from them, and the gate
fixture's p95 limit of 1200 and the settings digest);
reading keeps tens of bytes a query and the bootstrap a bounded chunk (tracemalloc, no
timing); a bad line deep in a large log is reported at its line:col, and the first bad
line is the one reported."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from cardgate.core.errors import InputError
from cardgate.evidence.genai import operations_run, retrieval_stats
from cardgate.evidence.genai.run_log import query_key, read_run_log
from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

FIXTURE = Path(__file__).parent / "fixtures" / "operations-generated.json"
CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/operations.json"
CATEGORIES = ("billing", "loans", "payments")


def _line(i: int, rng: random.Random) -> str:
    return json.dumps(
        {
            "query_id": f"q{i:07d}",
            "category": CATEGORIES[i % 3],
            "latency_ms": round(rng.lognormvariate(6.0, 0.4), 1),
            "input_tokens": rng.randint(300, 600),
            "output_tokens": rng.randint(20, 300),
        }
    )


def write_log(path: Path, count: int, *, seed: int = 0, bad: dict[int, str] | None = None) -> None:
    """`count` queries like the worked example's log; `bad`: line number -> its text."""
    rng = random.Random(seed)
    lines = [(bad or {}).get(i, _line(i, rng)) for i in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generated_workspace(root: Path) -> Path:
    """The gate's base workspace whose run log is 1,500 generated queries (tokens, three
    categories) and whose baseline (CSV, costs) has 1,400 of them and 50 others."""
    case = {"genai": True, "operations": True, "evaluation": False, "sign": []}
    ws = build_workspace(root, case)
    write_log(ws / f"systems/{SYSTEM}/run-log.jsonl", 1500)
    rng = random.Random(1)
    baseline = ["query_id,latency_ms,cost"] + [
        f"q{i:07d},{rng.lognormvariate(6.1, 0.4):.1f},{rng.uniform(0.0003, 0.0009):.6f}"
        for i in [*range(1, 1401), *range(5001, 5051)]
    ]
    (ws / f"systems/{SYSTEM}/run-log-baseline.csv").write_text("\n".join(baseline) + "\n")
    _edit(
        ws / CARD,
        "run-log-baseline.csv\n    bootstrap: {replicates: 200}\n",
        "run-log-baseline.csv\n"
        "    prices: {input_per_1k_tokens: 0.0005, output_per_1k_tokens: 0.0015}\n"
        "    slices: [category]\n    min_group_size: 400\n    bootstrap: {replicates: 200}\n",
    )
    return ws


def test_the_columns_equal_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "run-log.jsonl"
    write_log(path, 1000)
    log = read_run_log(path, "run-log.jsonl", ["category"])
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(log) == 1000 and log.gives == "tokens" and log.cost is None
    assert log.latency.tolist() == [row["latency_ms"] for row in rows]
    assert log.tokens is not None
    assert log.tokens.tolist() == [[row["input_tokens"], row["output_tokens"]] for row in rows]
    assert log.keys.tobytes() == b"".join(query_key(row["query_id"]) for row in rows)
    assert log.slices["category"].labels() == [row["category"] for row in rows]


def test_a_generated_log_gives_the_artifact_of_the_record_reader(tmp_path: Path) -> None:
    ws = generated_workspace(tmp_path / "ws")
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 0, out
    found = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for data in (found, expected):
        del data["provenance"]["versions"]  # cardgate's and numpy's, not the computation
    assert found["baseline"]["unmatched"] == 150 and len(found["features"]) == 1
    assert found == expected


def test_reading_keeps_tens_of_bytes_a_query(tmp_path: Path) -> None:
    count = 30_000
    path = tmp_path / "run-log.jsonl"
    write_log(path, count)
    tracemalloc.start()
    try:
        log = read_run_log(path, "run-log.jsonl", ["category"])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(log) == count
    # a digest, a line number, a latency, two token counts and a slice code (~72 bytes),
    # and the arrays' slack; a record and a dict a line, or the file's text, are far more
    assert peak < 200 * count, peak


def test_the_bootstrap_draws_a_bounded_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(3)
    latency, cost = rng.lognormal(6, 0.5, 200_000), rng.uniform(0, 0.01, 200_000)
    tracemalloc.start()
    try:
        (chunked,) = operations_run.bootstrap([(latency, cost)], 30, np.random.default_rng(0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # at most 2**21 resampled queries at once (10 replicates here): ~17 MB an array, where
    # 30 replicates at once took 48 MB an array
    assert peak < 90 << 20, peak
    monkeypatch.setattr(retrieval_stats, "_NUMBERS", 1 << 40)  # every replicate at once
    (whole,) = operations_run.bootstrap([(latency, cost)], 30, np.random.default_rng(0))
    for name, values in whole.items():
        assert np.array_equal(values, chunked[name]), name  # the same replicates


DEEP = 30_001


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        (
            {DEEP: '{"query_id": "x", "category": "loans", "latency_ms": -3}'},
            f"run-log.jsonl:{DEEP}:1: latency_ms -3 is negative",
        ),
        (
            {DEEP: '{"query_id": "x", "category": "loans", "latency_ms": 3, "cost": }'},
            f"run-log.jsonl:{DEEP}:65: not JSON",
        ),
        (
            {DEEP: _line(7, random.Random(0))},
            f"run-log.jsonl:{DEEP}:1: query 'q0000007' is logged twice (first on line 7)",
        ),
        # the first bad line is reported, whatever is wrong further on
        (
            {5: '{"query_id": "x", "category": "loans", "latency_ms": -3}', DEEP: "{"},
            "run-log.jsonl:5:1: latency_ms -3 is negative",
        ),
        ({9: _line(4, random.Random(0)), DEEP: "["}, "run-log.jsonl:9:1: query 'q0000004'"),
    ],
)
def test_a_bad_line_deep_in_a_large_log_is_located(
    tmp_path: Path, bad: dict[int, str], fragment: str
) -> None:
    path = tmp_path / "run-log.jsonl"
    write_log(path, 40_000, bad=bad)
    with pytest.raises(InputError) as error:
        read_run_log(path, "run-log.jsonl", ["category"])
    assert fragment in str(error.value)


def test_a_bad_byte_or_csv_cell_deep_in_a_large_log(tmp_path: Path) -> None:
    path = tmp_path / "run-log.jsonl"
    write_log(path, 40_000, bad={3: '{"query_id": "x", "category": "loans"}'})
    raw = path.read_bytes().split(b"\n")
    raw[DEEP - 1] = b'{"query_id": "\xff"}'
    path.write_bytes(b"\n".join(raw))
    with pytest.raises(InputError) as error:
        read_run_log(path, "run-log.jsonl", ["category"])
    assert "run-log.jsonl:3:1: has no latency_ms" in str(error.value)  # the first bad line
    raw[2] = _line(3, random.Random(5)).encode()
    path.write_bytes(b"\n".join(raw))
    with pytest.raises(InputError) as error:
        read_run_log(path, "run-log.jsonl", ["category"])
    assert f"run-log.jsonl:{DEEP}:1: not UTF-8 text" in str(error.value)
    csv = tmp_path / "run-log.csv"
    rows = [f"q{i},{i % 900},0.001" for i in range(1, 40_000)]
    rows[DEEP - 2] = f"q{DEEP - 1},12,free"  # line 1 is the header
    csv.write_text("query_id,latency_ms,cost\r\n" + "\r\n".join(rows) + "\r\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        read_run_log(csv, "run-log.csv")
    column = len(f"q{DEEP - 1},12,") + 1
    assert f"run-log.csv:{DEEP}:{column}: cost 'free' is not a number" in str(error.value)
