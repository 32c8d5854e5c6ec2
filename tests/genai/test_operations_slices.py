"""Latency and cost per slice of the run log (`operations_evaluation.slices`): each slice's
quantiles and cost by hand, the quantiles' distribution-free intervals (order statistics)
and the cost's from the bootstrap within the slice, the spread
between slices with its permutation noise floor (the retrieval engine's
`summary.slice_feature` with a statistic that is not a mean), thresholds per slice and on
the spread decided by the one decider and re-decided by the gate (GATE-OPS002)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from cardgate.evidence.genai.operations_run import column_statistic
from cardgate.evidence.genai.summary import slice_feature
from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/operations.json"
LOG = f"systems/{SYSTEM}/run-log.jsonl"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """160 queries: region 'eu' (even) at 100, 120, ... 1,680 ms and 'us' (odd) 30 ms slower,
    costing 0.001 (eu) and 0.003 (us); sliced by region, with per-slice limits."""
    case = {"genai": True, "operations": True, "evaluation": False, "sign": []}
    root = build_workspace(tmp_path / "ws", case)
    lines = []
    for i in range(160):
        region = "eu" if i % 2 == 0 else "us"
        latency = 100 + 10 * i + (20 if region == "us" else 0)
        cost = 0.001 if region == "eu" else 0.003
        lines.append(
            json.dumps({"query_id": f"q{i:02d}", "region": region, "latency_ms": latency,
                        "cost": cost})
        )  # fmt: skip
    (root / LOG).write_text("\n".join(lines) + "\n", encoding="utf-8")
    _edit(
        root / CARD,
        "run-log-baseline.csv\n    bootstrap: {replicates: 200}\n    thresholds:\n",
        "run-log-baseline.csv\n    bootstrap: {replicates: 200}\n    slices: [region]\n"
        "    min_group_size: 20\n    thresholds:\n"
        "      - {metric: latency_p95_ms, feature: region, max: 2000}\n"
        "      - {metric: cost_per_1k_queries, feature: region, group: us, max: 2}\n"
        "      - {metric: cost_per_1k_queries_difference, feature: region, max: 0.5}\n",
    )
    return root


def test_each_slice_by_hand_and_the_spread_with_its_noise_floor(ws: Path) -> None:
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 0, out
    # the terminal shows each slice and each spread with its noise floor, as retrieval's
    assert "    region=eu (80): latency_p50_ms " in out, out
    assert "    region: cost_per_1k_queries_difference 2" in out and "noise floor" in out, out
    first = (ws / ARTIFACT).read_bytes()
    assert _run(ws, "evaluate-operations", SYSTEM)[0] == 0
    assert (ws / ARTIFACT).read_bytes() == first  # deterministic
    data = json.loads(first)
    (feature,) = data["features"]
    assert feature["feature"] == "region"
    by_slice = {s["slice"]: s for s in feature["slices"]}
    eu, us = by_slice["eu"], by_slice["us"]
    assert (eu["count"], us["count"], eu["suppressed"]) == (80, 80, False)
    eu_latency = np.array([100 + 20 * j for j in range(80)], dtype=float)
    for name, q in (("latency_p50_ms", 0.5), ("latency_p95_ms", 0.95)):
        assert eu["metrics"][name]["value"] == pytest.approx(np.quantile(eu_latency, q))
        assert us["metrics"][name]["value"] == pytest.approx(np.quantile(eu_latency + 30, q))
        low, high = eu["metrics"][name]["ci"]
        assert low <= eu["metrics"][name]["value"] <= high <= eu_latency.max()
    # Binomial(80, q): the p50 between the 31st and 50th latencies, the p95 between the
    # 72nd and the largest; a p99 of 80 queries has no upper end (0.99^80 = 45% > 2.5%)
    assert eu["metrics"]["latency_p50_ms"]["ci"] == [eu_latency[30], eu_latency[49]]
    assert eu["metrics"]["latency_p95_ms"]["ci"] == [eu_latency[71], eu_latency[79]]
    assert eu["metrics"]["latency_p99_ms"]["ci"] is None
    assert eu["metrics"]["latency_p99_ms"]["reason"].startswith("80 queries are too few")
    assert eu["metrics"]["cost_per_1k_queries"]["value"] == pytest.approx(1.0)
    assert us["metrics"]["cost_per_1k_queries"]["ci"] == pytest.approx([3.0, 3.0])
    spreads = {d["metric"]: d for d in feature["differences"]}
    cost = spreads["cost_per_1k_queries_difference"]
    assert cost["value"] == pytest.approx(2.0) and cost["groups_compared"] == ["eu", "us"]
    assert cost["noise_floor"] < 2.0 and cost["p_value"] < 0.05  # every us query costs more
    latency = spreads["latency_p50_ms_difference"]
    assert latency["value"] == pytest.approx(30.0)
    assert latency["noise_floor"] > 30.0  # 30 ms between slices spread over 1,600 ms: noise
    # the overall values are the ones without slices
    assert data["metrics"]["cost_per_1k_queries"]["value"] == pytest.approx(2.0)


def test_per_slice_thresholds_and_the_gate(ws: Path) -> None:
    assert _run(ws, "evaluate-operations", SYSTEM)[0] == 0
    records = json.loads((ws / ARTIFACT).read_text())["thresholds"]
    found = [(r["threshold"], r["metric"], r.get("group"), r["state"]) for r in records]
    assert found[:4] == [
        (0, "latency_p95_ms", "eu", "within"),
        (0, "latency_p95_ms", "us", "within"),
        (1, "cost_per_1k_queries", "us", "beyond"),  # 3.0 per 1,000 against max 2
        (2, "cost_per_1k_queries_difference", None, "beyond"),  # 2.0, beyond its floor
    ]
    code, out = _run(ws, "gate", "--today", "2026-11-30")
    assert code == 1
    assert "GATE-OPS002" in out and "cost_per_1k_queries for group 'us'" in out, out
    assert "cost_per_1k_queries_difference for 'region'" in out, out


def test_a_missing_slice_field_is_located_and_a_change_has_no_slices(ws: Path) -> None:
    text = (ws / LOG).read_text().replace('"region": "us", ', "", 1)
    (ws / LOG).write_text(text, encoding="utf-8")
    code, out = _run(ws, "evaluate-operations", SYSTEM)
    assert code == 1, out
    assert "run-log.jsonl:2:1: needs the slice field 'region' (text)" in out, out
    assert "Traceback" not in out and not (ws / ARTIFACT).exists()
    _edit(
        ws / CARD,
        "      - metric: latency_p95_ms_change_from_baseline\n",
        "      - feature: region\n        metric: latency_p95_ms_change_from_baseline\n",
    )
    code, out = _run(ws, "validate")
    assert code == 1 and "is compared overall only (no 'feature')" in out, out


def test_the_general_statistic_agrees_with_the_mean_path() -> None:
    # a mean through the general path (resampled rows, permuted labels by slice) gives the
    # mean path's point values, and a spread whose null floor is of the same size
    rng = np.random.default_rng(3)
    values = rng.normal(10, 2, (90, 1))
    labels = ["a", "b", "c"] * 30
    common = {"min_group_size": 10, "replicates": 400, "level": 0.95, "unit": "rows"}
    plain = slice_feature("f", labels, values, ["m"], rng=np.random.default_rng(0), **common)
    general = slice_feature(
        "f", labels, values, ["m"], rng=np.random.default_rng(0), **common,
        statistic=lambda rows: rows.mean(axis=-2),
    )  # fmt: skip
    for mine, theirs in zip(plain["slices"], general["slices"], strict=True):
        assert mine["metrics"]["m"]["value"] == pytest.approx(theirs["metrics"]["m"]["value"])
    (d1,), (d2,) = plain["differences"], general["differences"]
    assert d1["value"] == pytest.approx(d2["value"])
    assert d2["noise_floor"] == pytest.approx(d1["noise_floor"], rel=0.25)
    # the operations statistic: latency quantiles and the cost per 1,000 queries
    of_rows = column_statistic(with_cost=True)
    rows = np.array([[10.0, 0.001], [20.0, 0.002], [30.0, 0.003], [40.0, 0.002]])
    assert of_rows(rows) == pytest.approx([25.0, 38.5, 39.7, 2.0])
