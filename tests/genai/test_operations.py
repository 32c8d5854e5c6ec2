"""`cardgate evaluate-operations` end to end: latency quantiles and cost per query from a
run log, computed by hand on small logs, bootstrap intervals, the paired change from the
baseline's log; a malformed, hostile or huge run log is one message at file:line:col,
exit 1 or 2, nothing written, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cardgate.evidence.genai.operations_run import bootstrap, statistics
from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/operations.json"
LOG = f"systems/{SYSTEM}/run-log.jsonl"
BASELINE = f"systems/{SYSTEM}/run-log-baseline.csv"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The gate's base workspace with a run log of 100 queries at 100, 110, ... 1,090 ms, each
    costing 0.001, and the baseline's (CSV) 50 ms slower at 0.0012 each; not evaluated."""
    case = {"genai": True, "operations": True, "evaluation": False, "sign": []}
    return build_workspace(tmp_path / "ws", case)


def test_quantiles_by_hand() -> None:
    # type 7 (numpy's linear): position (n - 1) q between the sorted values, interpolated.
    # 10, 20, 30, 40: p50 at 1.5 -> 25; p95 at 2.85 -> 38.5; p99 at 2.97 -> 39.7
    found = statistics(np.array([40.0, 10.0, 30.0, 20.0]), np.array([0.001, 0.002, 0.003, 0.002]))
    assert found["latency_p50_ms"] == pytest.approx(25.0)
    assert found["latency_p95_ms"] == pytest.approx(38.5)
    assert found["latency_p99_ms"] == pytest.approx(39.7)
    assert found["cost_per_1k_queries"] == pytest.approx(2.0)  # mean 0.002, per 1,000


def test_the_paired_bootstrap_draws_the_same_queries_from_both_logs() -> None:
    rng = np.random.default_rng(0)
    latency = rng.lognormal(6, 0.5, 200)
    ours, theirs = bootstrap([(latency, None), (latency + 25.0, None)], 300, rng)
    # every replicate compares the same queries: the difference is exactly -25 in each
    assert np.allclose(ours["latency_p95_ms"] - theirs["latency_p95_ms"], -25.0)
    assert ours["latency_p95_ms"].std() > 10  # while each system's own p95 varies


def test_the_metrics_with_their_intervals(ws: Path) -> None:
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 0, out
    first = (ws / ARTIFACT).read_bytes()
    assert _run(ws, "evaluate-operations")[0] == 0
    assert (ws / ARTIFACT).read_bytes() == first  # deterministic
    data = json.loads(first)
    assert data["count"] == 100 and data["provenance"]["log"]["gives"] == "cost"
    metrics = data["metrics"]
    # 100, 110, ... 1,090: p50 at 49.5 -> 595; p95 at 94.05 -> 1,040.5; p99 at 98.01 -> 1,080.1
    assert metrics["latency_p50_ms"]["value"] == pytest.approx(595.0)
    assert metrics["latency_p95_ms"]["value"] == pytest.approx(1040.5)
    assert metrics["latency_p99_ms"]["value"] == pytest.approx(1080.1)
    # the order statistics (1-based) Binomial(100, q) picks: p50 the 40th and 61st, p95 the
    # 90th and 100th; a p99 has no upper end under 368 queries (0.99^100 = 37% > 2.5%)
    assert metrics["latency_p50_ms"]["ci"] == [490.0, 700.0]
    assert metrics["latency_p95_ms"]["ci"] == [990.0, 1090.0]
    assert metrics["latency_p99_ms"]["ci"] is None
    assert "100 queries are too few" in metrics["latency_p99_ms"]["reason"]
    assert "it needs 368" in metrics["latency_p99_ms"]["reason"]
    assert metrics["cost_per_1k_queries"] == {"value": 1.0, "ci": [1.0, 1.0], "reason": None}
    baseline = data["baseline"]
    assert (baseline["count"], baseline["unmatched"]) == (100, 0)
    assert baseline["baseline"]["latency_p95_ms"]["value"] == pytest.approx(1090.5)
    assert baseline["baseline"]["latency_p95_ms"]["ci"] == [1040.0, 1140.0]
    for name in ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms"):
        # 50 ms faster on every query: the paired interval is the point itself
        assert baseline["changes"][name]["value"] == pytest.approx(-50.0)
        assert baseline["changes"][name]["ci"] == pytest.approx([-50.0, -50.0])
    assert baseline["changes"]["cost_per_1k_queries"]["value"] == pytest.approx(-0.2)
    assert [t["state"] for t in data["thresholds"]] == ["within"] * 3


def test_tokens_are_priced_by_the_card(ws: Path) -> None:
    lines = [
        json.dumps(
            {
                "query_id": f"q{i:02d}",
                "latency_ms": 100,
                "input_tokens": 1000 + i,
                "output_tokens": 100,
            }
        )
        for i in range(40)
    ]
    (ws / LOG).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _edit(
        ws / CARD,
        "    bootstrap: {replicates: 200}\n    thresholds:\n      - metric: latency_p95",
        "    prices: {input_per_1k_tokens: 0.5, output_per_1k_tokens: 2}\n"
        "    bootstrap: {replicates: 200}\n    thresholds:\n      - metric: latency_p95",
    )
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 0, out
    data = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    # a query costs (1000 + i) / 1000 * 0.5 + 100 / 1000 * 2 = 0.7 + i / 2000; mean i = 19.5
    expected = 1000 * (0.7 + 19.5 / 2000)
    assert data["metrics"]["cost_per_1k_queries"]["value"] == pytest.approx(expected)
    assert data["provenance"]["currency"] == "USD"
    # the baseline's log gives costs, this one tokens: both priced, so the change is there
    assert data["baseline"]["count"] == 40 and data["baseline"]["unmatched"] == 60


def test_tokens_without_prices_is_a_configuration_error(ws: Path) -> None:
    (ws / LOG).write_text('{"query_id": "a", "latency_ms": 1, "input_tokens": 3, '
                          '"output_tokens": 4}\n', encoding="utf-8")  # fmt: skip
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 2, out
    assert "needs their 'prices'" in out and f"{CARD}:" in out
    assert not (ws / ARTIFACT).exists()


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": NaN}\n',
            "run-log.jsonl:1:1: latency_ms is nan",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": -5}\n',
            "run-log.jsonl:1:1: latency_ms -5 is negative",
        ),
        ("run-log.jsonl", '{"query_id": "a", "latency_ms": 1e999}\n', "latency_ms is inf"),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": "fast"}\n',
            "latency_ms 'fast' is not a number",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": true}\n',
            "latency_ms True is not a number",
        ),
        ("run-log.jsonl", '{"query_id": "a"}\n', "run-log.jsonl:1:1: has no latency_ms"),
        ("run-log.jsonl", '{"latency_ms": 3}\n', "has no query_id"),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 3}\n{"query_id": "a", "latency_ms": 4}\n',
            "run-log.jsonl:2:1: query 'a' is logged twice (first on line 1)",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 3, "cost": 0.1}\n{"query_id": "b", "latency_ms": 4}\n',
            "run-log.jsonl:2:1: gives neither cost nor tokens, where the lines before give cost",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 3, "input_tokens": 2.5, "output_tokens": 1}\n',
            "input_tokens 2.5 is not a whole number",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 3, "cost": 1, "input_tokens": 2, '
            '"output_tokens": 1}\n',
            "gives both a cost and token counts",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 3}\n{"query_id": "b", \n',
            "run-log.jsonl:2:",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 300, "latency_ms": 3, "cost": 0.1}\n',
            'run-log.jsonl:1:38: not JSON: has the key "latency_ms" twice',
        ),
        ("run-log.jsonl", "[1, 2]\n", "run-log.jsonl:1:1: is not a JSON object"),
        (
            "run-log.jsonl",
            "[" * 100_000 + "]" * 100_000 + "\n",
            "run-log.jsonl:1:1: not JSON: is nested",
        ),
        (
            "run-log.jsonl",
            '{"query_id": "a", "latency_ms": 1' + "0" * 400 + "}\n",
            "run-log.jsonl:1:1: latency_ms 10000000000000000000... is too large",
        ),
        ("run-log.jsonl", "\n\n", "run-log.jsonl:1:1: holds no query"),
        (
            "run-log.jsonl",
            '{"query_id": "<script>alert(1)</script>", "latency_ms": -1}\n',
            "is negative",
        ),
        (
            "run-log-baseline.csv",
            "query_id,latency_ms,cost\nq00,12,0.1\nq01,-3,0.1\n",
            "run-log-baseline.csv:3:5: latency_ms -3 is negative",
        ),
        (
            "run-log-baseline.csv",
            "query_id,latency_ms,cost\nq00,12,0.1\nq01,7,free\n",
            "run-log-baseline.csv:3:7: cost 'free' is not a number",
        ),
        (
            "run-log-baseline.csv",
            "query_id,latency_ms,cost\nq00,12\n",
            "run-log-baseline.csv:2:1: has 2 fields, the header 3",
        ),
        (
            "run-log-baseline.csv",
            "query_id,latency_ms,cost\nq00,nan,0.1\n",
            "run-log-baseline.csv:2:5: latency_ms is nan",
        ),
    ],
)
def test_a_bad_run_log_is_one_located_message(
    ws: Path, name: str, text: str, fragment: str
) -> None:
    (ws / f"systems/{SYSTEM}" / name).write_text(text, encoding="utf-8")
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 1, out
    assert fragment in out, out
    assert "Traceback" not in out and not (ws / ARTIFACT).exists()


def test_a_huge_run_log_is_refused(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CARDGATE_MAX_IN_MEMORY_BYTES", "1000")
    line = '{"query_id": "q", "latency_ms": 1}\n'
    (ws / LOG).write_text("".join(line.replace('"q"', f'"q{i}"') for i in range(100)))
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 1, out
    assert LOG in out and "Traceback" not in out and not (ws / ARTIFACT).exists()


def test_a_run_log_in_another_format_or_outside_the_workspace(ws: Path) -> None:
    _edit(
        ws / CARD, "log: systems/loan-approval/run-log.jsonl", "log: systems/loan-approval/log.txt"
    )
    (ws / f"systems/{SYSTEM}/log.txt").write_text("query_id latency_ms\n", encoding="utf-8")
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 1 and "a run log is JSON Lines (.jsonl) or CSV (.csv)" in out, out
    _edit(ws / CARD, "log: systems/loan-approval/log.txt", "log: ../../etc/passwd.jsonl")
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 2 and f"{CARD}:" in out and "Traceback" not in out, out


def test_an_unknown_metric_or_a_change_without_a_baseline_is_a_schema_error(ws: Path) -> None:
    _edit(ws / CARD, "      - metric: latency_p95_ms\n", "      - metric: latency_p90_ms\n")
    code, out = _run(ws, "validate")
    assert code == 1 and "'latency_p90_ms' is not an operational metric" in out, out
    _edit(ws / CARD, "      - metric: latency_p90_ms\n", "      - metric: latency_p95_ms\n")
    _edit(ws / CARD, "    baseline_log: systems/loan-approval/run-log-baseline.csv\n", "")
    code, out = _run(ws, "validate")
    assert code == 1 and "needs the baseline's log" in out, out
    # at the threshold that needs it, not at the section
    lines = (ws / CARD).read_text(encoding="utf-8").splitlines()
    number = next(
        i
        for i, text in enumerate(lines, 1)
        if "metric: latency_p95_ms_change_from_baseline" in text
    )
    assert f"{CARD}:{number}:17: CG105 'metric': 'latency_p95_ms_change_from_baseline'" in out


def test_the_gate_blocks_a_hand_edited_operations_artifact(ws: Path) -> None:
    assert _run(ws, "evaluate-operations", SYSTEM)[0] == 0
    _edit(ws / ARTIFACT, '"value": 1040.5', '"value": 500.5')
    code, out = _run(ws, "gate", "--release", "--today", "2026-11-30")
    assert code == 1
    assert "GATE-ART001" in out and "operations.json" in out, out
