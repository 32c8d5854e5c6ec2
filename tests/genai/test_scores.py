"""The importers of generation scores, each on a fixture written to its tool's documented
format (tests/genai/fixtures; no tool is installed or called): every sample, every score,
the missing ones, the slice fields; and bad files refused at file:line:col."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cardgate.core.errors import InputError
from cardgate.evidence.genai.scores import read_scores

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str, tool: str):  # type: ignore[no-untyped-def]
    return read_scores(FIXTURES / name, name, tool)


def test_ragas_csv() -> None:
    found = _read("ragas.csv", "ragas")
    assert [s.sample_id for s in found.samples] == ["row 2", "row 3", "row 4", "row 5"]
    first = found.samples[0]
    assert first.scores == {
        "answer_relevancy": 0.93,
        "context_precision": 0.99999999995,
        "context_recall": 1.0,
        "faithfulness": 1.0,
    }
    assert first.fields == {"category": "accounts"}  # inputs and contexts are not fields
    assert "faithfulness" not in found.samples[3].scores  # the judge failed: empty cell
    assert found.missing == {"faithfulness": 1}
    assert [s.scores["answer_relevancy"] for s in found.samples] == [0.93, 0.88, 0.71, 0.12]


def test_ragas_jsonl() -> None:
    found = _read("ragas.jsonl", "ragas")
    assert [s.sample_id for s in found.samples] == ["row 1", "row 2", "row 3"]
    assert [s.scores.get("faithfulness") for s in found.samples] == [1.0, 0.0, None]
    assert found.missing == {"faithfulness": 1}
    assert [s.fields["category"] for s in found.samples] == ["accounts", "cards", "accounts"]


def test_deepeval_test_run() -> None:
    found = _read("deepeval-test-run.json", "deepeval")
    assert [s.sample_id for s in found.samples] == ["test_case_0", "test_case_1"]
    assert found.samples[0].scores == {"Answer Relevancy": 0.9, "Faithfulness": 1.0}
    assert found.samples[1].scores == {"Faithfulness": 0.0}  # the errored metric has none
    assert found.missing == {"Answer Relevancy": 1}
    assert found.samples[1].fields == {"category": "cards", "language": "en"}


def test_promptfoo_results() -> None:
    found = _read("promptfoo-results.json", "promptfoo")
    assert [s.sample_id for s in found.samples] == ["4f1c2a", "8d0e77"]
    assert found.samples[0].scores == {"faithfulness": 0.9, "pass": 1.0, "score": 1.0}
    assert found.samples[1].scores == {"faithfulness": 0.5, "pass": 0.0, "score": 0.5}
    assert found.samples[1].fields == {
        "vars.question": "Can I have two cards?",
        "vars.category": "cards",
        "provider": "openai:gpt-4o-mini",  # the label is empty: the provider's id
    }
    assert found.missing == {}


def test_inspect_ai_log() -> None:
    found = _read("inspect-log.json", "inspect-ai")
    assert [s.sample_id for s in found.samples] == ["1", "2", "3"]
    # C, I, P as inspect's value_to_float gives them; a mapping value as scorer.key
    assert [s.scores["model_graded_qa"] for s in found.samples] == [1.0, 0.0, 0.5]
    assert [s.scores["refusal.refused"] for s in found.samples] == [0.0, 0.0, 1.0]
    assert [s.scores["refusal.harmful"] for s in found.samples] == [0.0, 1.0, 0.0]
    assert found.samples[2].fields == {"metadata.category": "adversarial"}


def test_lm_evaluation_harness_samples() -> None:
    found = _read("samples_mmlu_law_2026-11-20T10-00-00.jsonl", "lm-eval")
    assert [s.sample_id for s in found.samples] == ["0", "1", "2"]
    assert [s.scores for s in found.samples] == [
        {"acc": 1.0, "acc_norm": 1.0},
        {"acc": 0.0, "acc_norm": 1.0},
        {"acc": 1.0, "acc_norm": 0.0},
    ]
    assert found.samples[0].fields["doc.subject"] == "law"
    assert found.samples[0].fields["filter"] == "none"


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("name", "tool", "old", "new", "where", "message"),
    [
        ("ragas.csv", "ragas", "1.0,0.88,", "1.0,high,", "ragas.csv:3:1", "'answer_relevancy'"),
        ("ragas.jsonl", "ragas", '"faithfulness":0.0', '"faithfulness":"no"', "ragas.jsonl:2:1",
         "'no' is not a number"),
        ("ragas.jsonl", "ragas", '{"user_input":"Can', '{"user_input" "Can', "ragas.jsonl:2:15",
         "not JSON"),
        ("deepeval-test-run.json", "deepeval", '"score": 0.0,', '"score": "zero",',
         "deepeval-test-run.json:1:1: testCases[1]", "'zero' is not a number"),
        ("promptfoo-results.json", "promptfoo", '"results": [', '"results": {',
         "promptfoo-results.json:", "not JSON"),
        ("inspect-log.json", "inspect-ai", '"value": "I"', '"value": "maybe"',
         "inspect-log.json:1:1: samples[1]", "'maybe' is not a number"),
        ("samples_mmlu_law_2026-11-20T10-00-00.jsonl", "lm-eval",
         '"metrics": ["acc", "acc_norm"], "doc_hash": "77c0"', '"doc_hash": "77c0"',
         "samples_mmlu_law_2026-11-20T10-00-00.jsonl:2:1", "has no 'metrics' list"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_located_error(
    tmp_path: Path, name: str, tool: str, old: str, new: str, where: str, message: str
) -> None:
    path = _broken(tmp_path, name, old, new)
    with pytest.raises(InputError) as caught:
        read_scores(path, name, tool)
    assert caught.value.message.startswith(where), caught.value.message
    assert message in caught.value.message
    assert caught.value.hint


def test_a_file_of_another_tool_is_refused_with_a_hint() -> None:
    with pytest.raises(InputError) as caught:
        _read("promptfoo-results.json", "deepeval")
    assert "has no list at 'testCases'" in caught.value.message
    assert "deepeval test run" in caught.value.hint
