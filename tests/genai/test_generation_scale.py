"""A judged score on its own scale (a rubric from 1 to 5, `sources[].scale`): its mean's
interval is the one of a mean of scores in [0, 1], taken on that scale — not chosen by
whether the scores happen to lie in [0, 1], and not a percentile bootstrap that collapses
to a point when every sample scored the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cardgate.evidence.evaluation.intervals import wilson, z_value
from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

CARD = f"systems/{SYSTEM}/model-card.yaml"
SCORES = f"systems/{SYSTEM}/ragas.csv"
ARTIFACT = f"systems/{SYSTEM}/generation.json"


def _workspace(tmp_path: Path, score: str, limit: str) -> Path:
    """60 samples that each scored `score` for faithfulness on a rubric from 1 to 5, and
    the card's threshold on it (`limit`)."""
    ws = build_workspace(tmp_path / "ws", {"genai": True, "evaluation": False, "sign": []})
    rows = ["user_input,response,faithfulness,category"]
    rows += [f"Q{i}?,A{i}.,{score},{'rates' if i % 2 else 'documents'}" for i in range(60)]
    (ws / SCORES).write_text("\n".join(rows) + "\n", encoding="utf-8")
    _edit(
        ws / CARD,
        "{tool: ragas, path: systems/loan-approval/ragas.csv}",
        "{tool: ragas, path: systems/loan-approval/ragas.csv, scale: {min: 1, max: 5}}",
    )
    _edit(ws / CARD, "      - metric: faithfulness\n        min: 0.6\n", limit)
    return ws


def _evaluated(ws: Path) -> dict[str, object]:
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 0, out
    data: dict[str, object] = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    return data


def test_every_sample_at_the_bottom_of_a_1_to_5_rubric(tmp_path: Path) -> None:
    """All 60 at 1, the rubric's lowest: the mean lies in [1, 1 + 4 x Wilson's upper end
    for 0 of 60]. Read as scores in [0, 1] (they all lie in it) it was 1 of 60 ones:
    [0.94, 1.00], and `max: 1.05` read within; on its scale the interval reaches past it."""
    ws = _workspace(tmp_path, "1", "      - metric: faithfulness\n        max: 1.05\n")
    data = _evaluated(ws)
    (summary,) = data["scores"]  # type: ignore[misc]
    overall = summary["overall"]["metrics"]["faithfulness"]
    _, top = wilson(0.0, 60.0, z_value(0.95))
    assert overall["value"] == 1.0
    assert overall["ci"] == pytest.approx([1.0, 1 + 4 * top])
    (record,) = data["thresholds"]  # type: ignore[misc]
    assert record["state"] == "inconclusive", record["reason"]


def test_every_sample_in_the_middle_of_the_rubric_is_not_a_point(tmp_path: Path) -> None:
    """All 60 at 3: a percentile bootstrap gave 3.000–3.000 and `max: 3.1` within; the
    interval of a mean on the scale keeps the rubric's possible spread."""
    ws = _workspace(tmp_path, "3", "      - metric: faithfulness\n        max: 3.1\n")
    data = _evaluated(ws)
    (summary,) = data["scores"]  # type: ignore[misc]
    low, high = summary["overall"]["metrics"]["faithfulness"]["ci"]
    assert low < 3.0 < high and high > 3.1
    for part in summary["features"][0]["slices"]:  # per slice too
        low, high = part["metrics"]["faithfulness"]["ci"]
        assert low < 3.0 < high
    (record,) = data["thresholds"]  # type: ignore[misc]
    assert record["state"] == "inconclusive", record["reason"]


def test_a_change_from_a_baseline_on_the_same_rubric(tmp_path: Path) -> None:
    """The baseline judged on the same 1-to-5 rubric, every sample as the candidate (all
    3): the change is 0 with the interval n samples all agreeing leave, ±z²/(n + z²) on
    [0, 1], times the rubric's width 4 (a paired bootstrap gave the point 0–0)."""
    ws = _workspace(tmp_path, "3", "      - metric: faithfulness\n        max: 3.1\n")
    baseline = f"systems/{SYSTEM}/ragas-baseline.csv"
    (ws / baseline).write_bytes((ws / SCORES).read_bytes())
    _edit(
        ws / CARD,
        "ragas.csv, scale: {min: 1, max: 5}}\n",
        "ragas.csv, scale: {min: 1, max: 5}}\n    baseline:\n      sources:\n"
        f"        - {{tool: ragas, path: {baseline}, scale: {{min: 1, max: 5}}}}\n",
    )
    data = _evaluated(ws)
    change = data["baseline"]["changes"]["faithfulness"]  # type: ignore[index]
    z = z_value(0.95)
    assert change["value"] == 0.0
    assert change["ci"] == pytest.approx([-4 * z * z / (60 + z * z), 4 * z * z / (60 + z * z)])
