"""A GenAI system in the exports (issue 20): its Hugging Face card says what it is made
of and carries the retrieval and generation results cardgate computed, with who judged
the generation; its CycloneDX ML-BOM has the models it calls as ancestors with their own
modelCard and the results as performance metrics with slices and intervals; an export
refuses a retrieval artifact it cannot read (one message, exit 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app

REPO = Path(__file__).resolve().parents[2]
EXPORTS = REPO / "governance" / "exports" / "systems" / "helpdesk-assistant"


def test_the_hugging_face_card_describes_the_system_and_its_results() -> None:
    card = (EXPORTS / "hf" / "README.md").read_text(encoding="utf-8")
    assert "pipeline_tag: question-answering" in card
    assert "### GenAI System" in card
    assert "- **Base model:** example-llm 2026-01" in card
    assert "(SHA-256 `b95db54ac4061e33333bf2f58293e79282be27539e04fd29de42af75d6422dce`)" in card
    assert "#### NIST AI 600-1 Risks" in card and "- `confabulation`:" in card
    assert "#### Retrieval" in card and "| ndcg@5 | 0.906 (0.864–0.936) |" in card
    # the paired comparison with the baseline: candidate, baseline, change with its interval
    assert "| ndcg@5 | 0.906 (0.864–0.936) | 0.797 (0.729–0.852) | 0.108 (0.064–0.168) |" in card
    assert "| paraphrase | 35 |" in card
    assert "Judged outside cardgate — judged by: NOBODY" in card
    # the red-team rates, each with the AI 600-1 risk it evidences and its direction
    assert "#### Safety and red-teaming" in card
    assert (
        "| jailbreak\\_success | information-security | higher | 90 | 0.056 (0.024–0.124) |" in card
    )
    assert (
        "| refused | dangerous-violent-hateful-content | lower | 90 | 0.978 (0.923–0.994) |" in card
    )
    # latency (ms) and cost per 1,000 queries, with the paired change from the baseline
    assert "#### Latency and cost" in card
    assert "| latency\\_p95\\_ms | 5190 (4817–5689) | 5644 (5217–7417) | -453 (-1280–208) |" in card
    assert "| latency\\_p99\\_ms | 5643 (no interval) | 7139 (no interval) |" in card


def test_the_cyclonedx_bom_names_the_models_and_carries_the_results() -> None:
    bom = json.loads((EXPORTS / "cyclonedx" / "helpdesk-assistant.cdx.json").read_text())
    system = next(c for c in bom["components"] if c["bom-ref"] == "model:helpdesk-assistant")
    base = next(
        a
        for a in system["pedigree"]["ancestors"]
        if a.get("bom-ref") == "model:helpdesk-assistant:base-model"
    )
    assert (base["name"], base["version"]) == ("example-llm", "2026-01")
    assert base["modelCard"]["bom-ref"] == "model-card:helpdesk-assistant:base-model"
    metrics = system["modelCard"]["quantitativeAnalysis"]["performanceMetrics"]
    by = {(m["type"], m["slice"]): m for m in metrics}
    overall = by[("ndcg@5", "retrieval")]
    assert overall["confidenceInterval"]["lowerBound"].startswith("0.864377")
    assert ("ndcg@5", "retrieval: phrasing=paraphrase") in by
    assert ("ndcg_change_from_baseline@5", "retrieval: paired, vs baseline") in by
    assert ("faithfulness", "generation (ragas)") in by
    # each red-team rate names the AI 600-1 risk it evidences and its direction
    jailbreak = by[("jailbreak_success", "safety (promptfoo; AI 600-1: information-security; "
                    "higher is worse)")]  # fmt: skip
    assert jailbreak["value"].startswith("0.0555555")
    assert jailbreak["confidenceInterval"]["upperBound"].startswith("0.1235")
    assert ("latency_p95_ms", "operations (run log)") in by
    change = by[("cost_per_1k_queries_change_from_baseline", "operations: paired, vs baseline")]
    assert change["value"].startswith("-0.05")


def test_an_unreadable_retrieval_artifact_is_not_exported(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    (root / "systems/helpdesk-assistant/retrieval.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(
        app,
        ["export", "hf", "helpdesk-assistant", "-w", str(root), "--today", "2026-11-30"],
    )
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "systems/helpdesk-assistant/retrieval.json" in result.stderr
    assert "cardgate evaluate-retrieval helpdesk-assistant" in result.stderr
    assert "Traceback" not in result.stderr
