"""`cardgate evaluate-generation` end to end: the means of the judged scores with their
intervals, per slice, the missing scores counted, the thresholds decided; bad input is
one message at file:line:col, exit 1 or 2, nothing written."""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from cardgate.evidence.evaluation.intervals import wilson, z_value
from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/generation.json"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The gate's base workspace with a GenAI section, not yet evaluated or signed."""
    return build_workspace(tmp_path / "ws", {"genai": True, "evaluation": False, "sign": []})


def test_the_means_of_the_judged_scores_per_slice(ws: Path) -> None:
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 0, out
    assert "faithfulness: 1 samples without a score left out" in out
    first = (ws / ARTIFACT).read_bytes()
    assert _run(ws, "evaluate-generation")[0] == 0
    assert (ws / ARTIFACT).read_bytes() == first  # deterministic
    data = json.loads(first)
    source = data["provenance"]["sources"][0]
    csv_path = ws / f"systems/{SYSTEM}/ragas.csv"
    assert source["sha256"] == hashlib.sha256(csv_path.read_bytes()).hexdigest()
    assert source["samples"] == 60 and source["missing"] == {"faithfulness": 1}
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    scores = {s["metric"]: s for s in data["scores"]}
    assert sorted(scores) == ["answer_relevancy", "faithfulness"]
    for metric, summary in scores.items():
        values = [float(r[metric]) for r in rows if r[metric]]
        overall = summary["overall"]
        assert overall["count"] == len(values)
        assert math.isclose(overall["metrics"][metric]["value"], sum(values) / len(values))
        low, high = overall["metrics"][metric]["ci"]
        assert low < sum(values) / len(values) < high
        for part in summary["features"][0]["slices"]:
            mine = [float(r[metric]) for r in rows if r[metric] and r["category"] == part["slice"]]
            assert part["count"] == len(mine)
            assert math.isclose(part["metrics"][metric]["value"], sum(mine) / len(mine))
    assert [t["state"] for t in data["thresholds"]] == ["within"]


def test_every_tool_s_file_is_aggregated(ws: Path) -> None:
    names = {
        "ragas": "ragas.jsonl",
        "deepeval": "deepeval-test-run.json",
        "promptfoo": "promptfoo-results.json",
        "inspect-ai": "inspect-log.json",
        "mlflow": "mlflow-genai-eval_results_table.json",
        "lm-eval": "samples_arc_easy_2026-11-20T10-00-00.123456.jsonl",
    }
    for tool, name in names.items():
        shutil.copy(FIXTURES / name, ws / f"systems/{SYSTEM}" / name)
        _edit(
            ws / CARD,
            "      - {tool: ragas, path: systems/loan-approval/ragas.csv}\n",
            f"      - {{tool: {tool}, path: systems/loan-approval/{name}}}\n",
        )
        text = (ws / CARD).read_text(encoding="utf-8")
        text = text.replace("    slices: [category]\n    min_group_size: 15\n",
                            "    min_group_size: 15\n")  # fmt: skip
        text = text.replace("    thresholds:\n      - metric: faithfulness\n        min: 0.6\n", "")
        (ws / CARD).write_text(text, encoding="utf-8")
        code, out = _run(ws, "evaluate-generation", SYSTEM)
        assert code == 0, (tool, out)
        data = json.loads((ws / ARTIFACT).read_text())
        assert data["provenance"]["sources"][0]["tool"] == tool
        assert data["scores"], tool
        _edit(
            ws / CARD,
            f"      - {{tool: {tool}, path: systems/loan-approval/{name}}}\n",
            "      - {tool: ragas, path: systems/loan-approval/ragas.csv}\n",
        )
    # the last one: lm-eval's accuracy over the three documents
    scores = {s["metric"]: s for s in data["scores"]}
    assert scores["acc"]["overall"]["metrics"]["acc"]["value"] == pytest.approx(2 / 3)
    # a score that is 0 or 1 per sample is a proportion: Wilson's interval of 2 of 3, not
    # the percentile bootstrap's, which is a point when every sample passes
    low, high = (float(v) for v in wilson(np.array(2.0), np.array(3.0), z_value(0.95)))
    assert scores["acc"]["overall"]["metrics"]["acc"]["ci"] == pytest.approx([low, high])


def test_a_bad_score_is_located_and_nothing_is_written(ws: Path) -> None:
    assert _run(ws, "evaluate-generation", SYSTEM)[0] == 0
    before = (ws / ARTIFACT).read_bytes()
    _edit(ws / f"systems/{SYSTEM}/ragas.csv", "Reference 3.,1.0,", "Reference 3.,yes,")
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 1, out
    assert f"systems/{SYSTEM}/ragas.csv:5:1: score 'faithfulness': 'yes' is not a number" in out
    assert "Traceback" not in out
    assert (ws / ARTIFACT).read_bytes() == before


def test_a_slice_field_the_samples_lack_is_named(ws: Path) -> None:
    _edit(ws / CARD, "    slices: [category]\n    min_group_size: 15\n",
          "    slices: [language]\n    min_group_size: 15\n")  # fmt: skip
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 1, out
    assert "sample 'row 2' has no slice field 'language' (its fields: category)" in out
    assert not (ws / ARTIFACT).exists()


def test_a_threshold_on_a_score_no_source_has_is_located_in_the_card(ws: Path) -> None:
    _edit(ws / CARD, "      - metric: faithfulness\n", "      - metric: faithfulnes\n")
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 2, out
    assert f"{CARD}:123:17: no source has a score 'faithfulnes'" in out
    assert "answer_relevancy, faithfulness" in out


def test_one_score_from_two_sources_is_refused(ws: Path) -> None:
    shutil.copy(FIXTURES / "ragas.jsonl", ws / f"systems/{SYSTEM}/ragas.jsonl")
    _edit(
        ws / CARD,
        "      - {tool: ragas, path: systems/loan-approval/ragas.csv}\n",
        "      - {tool: ragas, path: systems/loan-approval/ragas.csv}\n"
        "      - {tool: ragas, path: systems/loan-approval/ragas.jsonl}\n",
    )
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 2, out
    assert "score 'answer_relevancy' comes from two sources" in out
    assert f"{CARD}:119:9" in out
