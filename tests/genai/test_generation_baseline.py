"""Generation scores compared with the baseline configuration's (champion / challenger):
`genai.generation_evaluation.baseline` names the baseline's judged score files; each score
is compared on the samples both configurations scored with a paired interval; a
threshold on `<score>_change_from_baseline` is decided by the one decider (GATE-GEN002),
and the baseline's files are inputs whose digests GATE-GEN001 checks. On a copy of the
worked example (its scores are SYNTHETIC: the mechanics, not the numbers, are tested)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import REPO
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

SYSTEM = "helpdesk-assistant"
FOLDER = f"systems/{SYSTEM}"
CARD = f"{FOLDER}/model-card.yaml"
ARTIFACT = f"{FOLDER}/generation.json"
BASELINE = f"{FOLDER}/ragas-scores-baseline.csv"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    return root


def _column(path: Path, name: str) -> list[float | None]:
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return [float(row[name]) if row[name] else None for row in rows]


def test_the_paired_change_by_hand(ws: Path) -> None:
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 0, out
    assert "faithfulness against the baseline (121 samples in both)" in out, out
    data = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    ours = _column(ws / f"{FOLDER}/ragas-scores.csv", "faithfulness")
    theirs = _column(ws / BASELINE, "faithfulness")
    pairs = [(a, b) for a, b in zip(ours, theirs, strict=True) if a is not None and b is not None]
    change = data["baseline"]["changes"]["faithfulness"]
    assert data["baseline"]["count"]["faithfulness"] == len(pairs) == 121
    assert change["value"] == pytest.approx(float(np.mean([a - b for a, b in pairs])))
    assert data["baseline"]["baseline"]["faithfulness"]["value"] == pytest.approx(
        float(np.mean([b for _, b in pairs]))
    )
    low, high = change["ci"]
    assert low < change["value"] < high
    (record,) = [t for t in data["thresholds"] if t["metric"].endswith("_change_from_baseline")]
    assert (record["metric"], record["min"], record["state"]) == (
        "faithfulness_change_from_baseline",
        -0.02,
        "within",
    )


def test_the_same_scores_change_by_zero_within_what_the_samples_can_tell(ws: Path) -> None:
    """The baseline judged exactly as the candidate: every paired difference is 0, and the
    interval is Wilson's for no gain and no loss in n samples, ±z²/(n + z²) (121 samples:
    ±0.031), not the point 0–0 the paired bootstrap gave: samples that all agree do not
    show that every other sample would."""
    shutil.copyfile(ws / f"{FOLDER}/ragas-scores.csv", ws / BASELINE)
    assert _run(ws, "evaluate-generation", SYSTEM)[0] == 0
    data = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    for metric, change in data["baseline"]["changes"].items():
        n = data["baseline"]["count"][metric]
        edge = 1.959964**2 / (n + 1.959964**2)
        assert change["value"] == 0.0
        assert change["ci"] == pytest.approx([-edge, edge], abs=1e-6), (metric, n)


def test_a_candidate_worse_than_the_baseline_is_blocked_and_a_changed_baseline_is_stale(
    ws: Path,
) -> None:
    assert _run(ws, "evaluate-generation", SYSTEM)[0] == 0
    _edit(ws / CARD, "        min: -0.02\n", "        min: 0.1\n")  # demand +0.1 over it
    assert _run(ws, "evaluate-generation", SYSTEM)[0] == 0
    code, out = _run(ws, "gate", "--today", "2026-11-30")
    assert code == 1
    assert "GATE-GEN002" in out and "faithfulness_change_from_baseline" in out, out
    text = (ws / BASELINE).read_text(encoding="utf-8").replace("0.9", "0.8", 1)
    (ws / BASELINE).write_text(text, encoding="utf-8")
    code, out = _run(ws, "gate", "--today", "2026-11-30")
    assert "GATE-GEN001" in out and "baseline's ragas scores" in out, out


def test_a_change_needs_the_baseline_and_is_overall_only(ws: Path) -> None:
    _edit(
        ws / CARD,
        "    baseline:\n      sources:\n"
        "        - {tool: ragas, path: systems/helpdesk-assistant/ragas-scores-baseline.csv}\n",
        "",
    )
    code, out = _run(ws, "validate")
    assert code == 1
    assert "'faithfulness_change_from_baseline' needs the baseline's scores" in out, out
    _edit(
        ws / CARD,
        "      - metric: faithfulness_change_from_baseline\n",
        "      - feature: phrasing\n        metric: faithfulness_change_from_baseline\n",
    )
    code, out = _run(ws, "validate")
    assert code == 1 and "is compared overall only (no 'feature')" in out, out


def test_samples_without_ids_paired_by_row_must_ask_the_same(ws: Path) -> None:
    """ragas files have no id column: rows are paired by order, and a baseline whose rows
    are in another order would be compared sample against the wrong sample. Paired rows
    must ask the same question, else one located error (exit 1) and no artifact."""
    before = (ws / ARTIFACT).read_bytes()
    lines = (ws / BASELINE).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1], lines[2] = lines[2], lines[1]
    (ws / BASELINE).write_text("".join(lines), encoding="utf-8")
    code, out = _run(ws, "evaluate-generation", SYSTEM)
    assert code == 1, out
    assert "ragas-scores.csv:2:1: sample 'row 2' asks 'forgotten password reset'" in out
    assert "not the same sample" in out and "sample_id" in out and "Traceback" not in out
    assert (ws / ARTIFACT).read_bytes() == before
