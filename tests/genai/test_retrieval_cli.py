"""`cardgate evaluate-retrieval` end to end, and what `validate` and `gate` make of a GenAI
card: the artifact is deterministic and records its inputs' digests; bad input is one
message at file:line:col with a hint, exit 1 or 2, no traceback, nothing written; the
fast commands stay light."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gate.conftest import SYSTEM, build_workspace
from tests.genai.cli_helpers import edit_once as _edit
from tests.genai.cli_helpers import run_cli as _run

CARD = f"systems/{SYSTEM}/model-card.yaml"
ARTIFACT = f"systems/{SYSTEM}/retrieval.json"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """The gate's base workspace with a GenAI section, not yet evaluated or signed."""
    return build_workspace(tmp_path / "ws", {"genai": True, "evaluation": False, "sign": []})


def test_writes_a_deterministic_artifact_with_its_inputs_digests(ws: Path) -> None:
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 0, out
    assert "60 labelled queries, metrics at k=5" in out
    assert f"wrote {ARTIFACT}" in out.replace("\\", "/") or "retrieval.json" in out
    first = (ws / ARTIFACT).read_bytes()
    code, _ = _run(ws, "evaluate-retrieval")  # every system that has the section
    assert code == 0
    assert (ws / ARTIFACT).read_bytes() == first
    data = json.loads(first)
    for key, name in (("queries", "queries.jsonl"), ("run", "run.trec")):
        digest = hashlib.sha256((ws / f"systems/{SYSTEM}" / name).read_bytes()).hexdigest()
        assert data["provenance"][key] == {"path": f"systems/{SYSTEM}/{name}", "sha256": digest}
    # 54 of 60 queries have a relevant document first, the other 6 second
    assert data["overall"]["metrics"]["mrr"]["value"] == pytest.approx((54 + 6 * 0.5) / 60)
    assert data["overall"]["metrics"]["hit_rate"]["value"] == 1.0
    low, high = data["overall"]["metrics"]["mrr"]["ci"]
    assert low < (54 + 3) / 60 < high
    # 60 hits of 60: Wilson's interval of a proportion, not the bootstrap's point 1.0–1.0
    wilson = 60 / (60 + 1.959963984540054**2)
    assert data["overall"]["metrics"]["hit_rate"]["ci"] == pytest.approx([wilson, 1.0])
    for found in data["features"][0]["slices"]:
        low, high = found["metrics"]["hit_rate"]["ci"]
        assert low < 1.0 == high, found
    assert [s["slice"] for s in data["features"][0]["slices"]] == ["documents", "rates"]


def test_a_metric_at_1_on_every_query_has_an_interval_not_a_point(ws: Path) -> None:
    """Every query ranks both its relevant documents first: ndcg, mrr and recall are 1 on
    each of the 60, and their intervals are Wilson's for 60 of 60 (`bounded_mean`), where
    the percentile bootstrap gave the point 1.0–1.0, on which a min threshold was met."""
    run = ws / f"systems/{SYSTEM}/run.trec"
    run.write_text(run.read_text(encoding="utf-8").replace(" Q0 x", " Q0 d"), encoding="utf-8")
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 0, out
    data = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    wilson = 60 / (60 + 1.959963984540054**2)
    for metric in ("ndcg", "mrr", "recall"):
        found = data["overall"]["metrics"][metric]
        assert found["value"] == 1.0
        assert found["ci"] == pytest.approx([wilson, 1.0]), metric
        for part in data["features"][0]["slices"]:  # 30 of 30 each
            low, high = part["metrics"][metric]["ci"]
            assert low == pytest.approx(30 / (30 + 1.959963984540054**2)) and high == 1.0


def test_a_baseline_that_agrees_on_every_query_is_not_shown_within_the_tolerance(ws: Path) -> None:
    """The baseline's run is the candidate's: every paired difference is 0. The paired
    bootstrap gave the change the point 0–0, and GATE-RAG003 read 'within' a tolerance of
    0.02 on 60 queries; `summary.change_limits` gives Wilson's interval for no gain and no
    loss in 60, ±z²/(60 + z²) = ±0.060, which straddles −0.02: inconclusive."""
    folder = ws / f"systems/{SYSTEM}"
    (folder / "run-baseline.trec").write_bytes((folder / "run.trec").read_bytes())
    _edit(
        ws / CARD,
        "    run: systems/loan-approval/run.trec\n",
        "    run: systems/loan-approval/run.trec\n    baseline:\n"
        "      run: systems/loan-approval/run-baseline.trec\n"
        "      tolerance: 0.02\n      metrics: [ndcg, mrr, hit_rate]\n",
    )
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 0, out
    data = json.loads((ws / ARTIFACT).read_text(encoding="utf-8"))
    edge = 1.959963984540054**2 / (60 + 1.959963984540054**2)
    comparisons = data["baseline"]["comparisons"]
    assert [c["metric"] for c in comparisons] == [
        "ndcg_change_from_baseline", "mrr_change_from_baseline", "hit_rate_change_from_baseline"
    ]  # fmt: skip
    for comparison in comparisons:
        assert comparison["value"] == 0.0
        assert comparison["ci"] == pytest.approx([-edge, edge]), comparison
        assert comparison["state"] == "inconclusive", comparison


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "message"),
    [
        (
            "queries.jsonl",
            '{"query_id": "q02", "category": "documents", ',
            '{"query_id": "q02", "category": 3, ',
            "queries.jsonl:3:21",
            "needs the slice field 'category' (text)",
        ),
        (
            "queries.jsonl",
            '"relevant": {"d5": 2, "d105": 1}',
            '"relevant": {"d5": 0, "d105": 0}',
            "queries.jsonl:6:42",
            "has no relevant document",
        ),
        (
            "queries.jsonl",
            '{"query_id": "q03"',
            '{"query_id": "q01"',
            "queries.jsonl:4:2",
            "query 'q01' is already on line 2",
        ),
        (
            "queries.jsonl",
            '"relevant": {"d5": 2, "d105": 1}',
            '"relevant": {"d5": 2, "d5": 0, "d105": 1}',
            "queries.jsonl:6:64",
            'has the key "d5" twice',
        ),
        (
            "queries.jsonl",
            '{"query_id": "q04"',
            '{"query_id": q04',
            "queries.jsonl:5:14",
            "not JSON",
        ),
        (
            "run.trec",
            "q01 Q0 d1 1 9 cand",
            "q01 Q0 d1 1 nine cand",
            "run.trec:6:13",
            "score 'nine'",
        ),
        ("run.trec", "q01 Q0 d101 2 8 cand", "q01 Q0 d1 2 8 cand", "run.trec:7:8", "ranked twice"),
        ("run.trec", "q01 Q0 d1 1 9 cand", "q01 Q0 d1 1 9", "run.trec:6:1", "has 5 fields"),
        (
            "queries.jsonl",
            '"relevant": {"d5": 2, "d105": 1}',
            '"relevant": {"d5": 1' + "0" * 400 + ', "d105": 1}',
            "queries.jsonl:6:42",
            "is not an integer from 0 to 2147483647",  # beyond any float: not a crash
        ),
        (
            "queries.jsonl",
            '{"query_id": "q04"',
            "[" * 100_000 + "]" * 100_000 + '\n{"query_id": "q04"',
            "queries.jsonl:5:1",
            "nested too deeply",
        ),
    ],
)
def test_bad_input_is_one_located_message_and_nothing_written(
    ws: Path, file: str, old: str, new: str, where: str, message: str
) -> None:
    _run(ws, "evaluate-retrieval", SYSTEM)
    before = (ws / ARTIFACT).read_bytes()
    _edit(ws / f"systems/{SYSTEM}" / file, old, new)
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 1, out
    assert f"systems/{SYSTEM}/{where}: " in out, out
    assert message in out
    assert "hint" in out.lower()
    assert "Traceback" not in out
    assert (ws / ARTIFACT).read_bytes() == before  # the old artifact is untouched


def test_a_threshold_on_an_unknown_slice_feature_is_located_in_the_card(ws: Path) -> None:
    _edit(ws / CARD, "      - metric: ndcg\n", "      - metric: ndcg\n        feature: language\n")
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 2, out
    assert f"{CARD}:114:18: threshold on feature 'language'" in out, out
    assert not (ws / ARTIFACT).exists()


def test_the_artifact_never_replaces_a_document(ws: Path) -> None:
    _edit(ws / CARD, "    k: 5\n", "    k: 5\n    artifact: model-card.yaml\n")
    card = (ws / CARD).read_bytes()
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 2, out
    assert "artifact" in out
    assert (ws / CARD).read_bytes() == card


def test_a_card_without_the_section_is_told_what_to_add(tmp_path: Path) -> None:
    ws = build_workspace(tmp_path / "plain", {"evaluation": False, "sign": []})
    code, out = _run(ws, "evaluate-retrieval", SYSTEM)
    assert code == 2
    assert "has no 'genai.retrieval_evaluation:' section" in out
    code, out = _run(ws, "evaluate-retrieval")
    assert code == 2
    assert "no system has a 'genai.retrieval_evaluation:' section" in out


def test_validate_reports_a_changed_prompt_and_an_unknown_risk_at_their_positions(
    ws: Path,
) -> None:
    code, out = _run(ws, "validate")
    assert "CG131" not in out and "CG132" not in out, out
    (ws / f"systems/{SYSTEM}/prompt.txt").write_text("Answer anything.\n", encoding="utf-8")
    _edit(ws / CARD, "    - risk: confabulation\n", "    - risk: confabulations\n")
    code, out = _run(ws, "validate")
    assert code == 1, out
    now = hashlib.sha256(b"Answer anything.\n").hexdigest()
    assert f"{CARD}:94:17: CG131 prompt template 'answer' changed since it was pinned" in out
    assert now in out  # the hint gives the digest to pin after review
    assert f"{CARD}:102:13: CG132 'confabulations' is not a risk of NIST AI 600-1" in out
    assert "did you mean 'confabulation'?" in out


def test_a_second_mention_of_a_risk_is_reported(ws: Path) -> None:
    _edit(
        ws / CARD,
        "  retrieval_evaluation:\n",
        "    - risk: confabulation\n      exposure: Again.\n      mitigations: [More.]\n"
        "  retrieval_evaluation:\n",
    )
    code, out = _run(ws, "validate")
    assert code == 1
    assert f"{CARD}:105:13: CG132 risk 'confabulation' is named twice" in out


def test_validate_and_gate_read_the_artifact_without_numpy(ws: Path) -> None:
    assert _run(ws, "evaluate-retrieval", SYSTEM)[0] == 0
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom cardgate.cli import app\n"
        f"for args in (['validate', '-w', {str(ws)!r}], ['gate', '-w', {str(ws)!r}]):\n"
        "    result = CliRunner().invoke(app, args)\n"
        "    assert result.exception is None or isinstance(result.exception, SystemExit)\n"
        "    assert 'GATE-RAG' not in result.output, result.output\n"
        "print(sorted(m for m in ('pandas','fairlearn','mkdocs','numpy','duckdb',"
        "'cardgate.evidence.genai.retrieval_run') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_system_without_retrieval_may_not_describe_a_retriever(ws: Path) -> None:
    """`retrieval: false` and a retriever (or a retrieval evaluation) contradict each
    other: validate refuses the card at the section."""
    _edit(ws / CARD, "  corpus:\n", "  retrieval: false\n  corpus:\n")
    code, out = _run(ws, "validate")
    assert code == 1, out
    assert f"{CARD}:86:3: " in out, out  # the genai section
    assert "a system without retrieval ('retrieval: false') has no components.vector_index" in out
    assert "retrieval_evaluation" in out
    assert "Traceback" not in out
