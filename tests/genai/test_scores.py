"""The importers of generation scores, each on a fixture of its tool's format: promptfoo's
and inspect_ai's written by the tools themselves (offline, no model), ragas' serialised by
pandas as `EvaluationResult.to_pandas()` builds it, deepeval's and lm-evaluation-harness'
written to the shape their source serialises (tests/genai/fixtures/README.md says which
source and version): every sample, every score, the missing ones, the slice fields; and
bad files refused at file:line:col."""

from __future__ import annotations

import json
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
    # inputs, contexts and pandas' unnamed index column are neither scores nor fields
    assert first.fields == {"category": "accounts"}
    assert "faithfulness" not in found.samples[3].scores  # the judge failed: empty cell
    assert found.missing == {"faithfulness": 1}
    assert [s.scores["answer_relevancy"] for s in found.samples] == [0.93, 0.88, 0.71, 0.12]


def test_ragas_jsonl() -> None:
    found = _read("ragas.jsonl", "ragas")
    assert [s.sample_id for s in found.samples] == ["row 1", "row 2", "row 3"]
    assert [s.scores.get("faithfulness") for s in found.samples] == [1.0, 0.0, None]
    assert found.missing == {"faithfulness": 1}
    assert [s.fields["category"] for s in found.samples] == ["accounts", "cards", "accounts"]


def test_ragas_test_set_columns_are_fields_and_context_ids_are_inputs(tmp_path: Path) -> None:
    rows = [
        {"user_input": "q", "retrieved_context_ids": [3, 4], "reference_context_ids": [3],
         "persona_name": "new customer", "query_style": "MISSPELLED", "context_recall": 0.5},
    ]  # fmt: skip
    path = tmp_path / "ragas.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    (sample,) = read_scores(path, "ragas.jsonl", "ragas").samples
    assert sample.scores == {"context_recall": 0.5}
    assert sample.fields == {"persona_name": "new customer", "query_style": "MISSPELLED"}


def test_deepeval_test_run() -> None:
    found = _read("deepeval-test-run.json", "deepeval")
    assert [s.sample_id for s in found.samples] == ["test_case_0", "test_case_1", "test_case_2"]
    assert found.samples[0].scores == {"Answer Relevancy": 0.9, "Faithfulness": 1.0}
    assert found.samples[1].scores == {"Faithfulness": 0.0}  # the errored metric has none
    assert found.samples[2].scores == {}  # no metric evaluated it: no metricsData
    assert found.missing == {"Answer Relevancy": 1}
    assert found.samples[1].fields == {"metadata.category": "cards", "metadata.language": "en"}


def test_deepeval_latest_test_run_and_older_metadata(tmp_path: Path) -> None:
    """.deepeval/.latest_test_run.json holds the run under `testRunData`; deepeval before
    4.x named a golden's metadata `additionalMetadata`."""
    run = json.loads((FIXTURES / "deepeval-test-run.json").read_text(encoding="utf-8"))
    for case in run["testCases"]:
        case["additionalMetadata"] = case.pop("metadata")
    path = tmp_path / ".latest_test_run.json"
    path.write_text(json.dumps({"testRunData": run}), encoding="utf-8")
    found = read_scores(path, path.name, "deepeval")
    expected = _read("deepeval-test-run.json", "deepeval")
    assert found.samples == expected.samples
    assert found.missing == expected.missing


def test_promptfoo_results() -> None:
    found = _read("promptfoo-results.json", "promptfoo")
    assert len(found.samples) == 3
    assert [s.scores for s in found.samples] == [
        {"score": 1.0, "pass": 1.0, "grounded": 1.0, "concise": 1.0},
        {"score": 0.5, "pass": 0.0, "grounded": 0.0, "concise": 1.0},
        {"score": 0.75, "pass": 1.0, "grounded": 1.0, "concise": 0.5},
    ]
    assert found.samples[1].fields == {
        "vars.question": "Can I have two cards?",
        "vars.passages": "Each account holder may hold one debit card.",
        "vars.category": "cards",
        "provider": "echo",  # the label is empty: the provider's id
    }
    assert found.missing == {}
    # the per-prompt aggregates promptfoo wrote agree with the per-sample scores read
    data = json.loads((FIXTURES / "promptfoo-results.json").read_text(encoding="utf-8"))
    metrics = data["results"]["prompts"][0]["metrics"]
    assert sum(s.scores["score"] for s in found.samples) == metrics["score"]
    assert sum(s.scores["pass"] for s in found.samples) == metrics["testPassCount"]
    for name, total in metrics["namedScores"].items():
        assert sum(s.scores[name] for s in found.samples) == total


def test_a_promptfoo_error_is_no_score(tmp_path: Path) -> None:
    data = json.loads((FIXTURES / "promptfoo-results.json").read_text(encoding="utf-8"))
    data["results"]["results"][1].update(
        error="API error: 500", failureReason=2, success=False, score=0, namedScores={}
    )
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    found = read_scores(path, "results.json", "promptfoo")
    assert found.samples[1].scores == {}
    assert found.missing == {"pass": 1, "score": 1}


def _inspect_log() -> dict[str, object]:
    return json.loads((FIXTURES / "inspect-log.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_inspect_ai_log_reads_the_scores_reduced_over_epochs() -> None:
    found = _read("inspect-log.json", "inspect-ai")
    # two epochs in the log; one sample each, as inspect reduces them for its metrics
    assert [s.sample_id for s in found.samples] == ["q1", "q2", "q3", "q4"]
    assert [s.scores["match"] for s in found.samples] == [1.0, 0.0, 1.0, 0.0]
    # a mapping value as scorer.key
    assert [s.scores["refusal.harmful"] for s in found.samples] == [0.0, 0.0, 0.0, 1.0]
    assert found.samples[3].fields == {"metadata.category": "adversarial"}
    # the means agree with the metrics inspect itself recorded in the log
    results = {s["name"]: s["metrics"] for s in _inspect_log()["results"]["scores"]}  # type: ignore[index]
    mean = sum(s.scores["match"] for s in found.samples) / len(found.samples)
    assert mean == results["match"]["accuracy"]["value"]
    harmful = sum(s.scores["refusal.harmful"] for s in found.samples) / len(found.samples)
    assert harmful == results["harmful"]["mean"]["value"]


def test_inspect_ai_log_without_reductions_has_one_sample_per_epoch(tmp_path: Path) -> None:
    log = _inspect_log()
    del log["reductions"]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    found = read_scores(path, "log.json", "inspect-ai")
    assert [s.sample_id for s in found.samples][:5] == ["q1", "q2", "q3", "q4", "q1 (epoch 2)"]
    # C and I as inspect's value_to_float gives them
    assert [s.scores["match"] for s in found.samples] == [1.0, 0.0, 1.0, 0.0] * 2


@pytest.mark.parametrize(
    ("value", "expected"),
    [("C", 1.0), ("I", 0.0), ("P", 0.5), ("N", 0.0), ("yes", 1.0), ("False", 0.0),
     ("0.25", 0.25), (True, 1.0), (3, 3.0)],
)  # fmt: skip
def test_inspect_values_as_value_to_float_reads_them(
    tmp_path: Path, value: object, expected: float
) -> None:
    log = _inspect_log()
    del log["reductions"]
    log["samples"][0]["scores"]["match"]["value"] = value  # type: ignore[index]
    path = tmp_path / "log.json"
    path.write_text(json.dumps(log), encoding="utf-8")
    assert read_scores(path, "log.json", "inspect-ai").samples[0].scores["match"] == expected


def test_an_inspect_eval_archive_is_refused_with_the_convert_command(tmp_path: Path) -> None:
    path = tmp_path / "2026-11-20T10-00-00_assistant-qa_x.eval"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError) as caught:
        read_scores(path, path.name, "inspect-ai")
    assert "is an .eval log" in caught.value.message
    assert "inspect log convert --to json" in (caught.value.hint or "")


LM_EVAL = "samples_arc_easy_2026-11-20T10-00-00.123456.jsonl"


def test_lm_evaluation_harness_samples() -> None:
    found = _read(LM_EVAL, "lm-eval")
    assert [s.sample_id for s in found.samples] == ["0", "1", "2"]
    assert [s.scores for s in found.samples] == [
        {"acc": 1.0, "acc_norm": 1.0},
        {"acc": 0.0, "acc_norm": 1.0},
        {"acc": 1.0, "acc_norm": 1.0},
    ]
    assert found.samples[0].fields["doc.id"] == "Mercury_7175875"
    assert found.samples[0].fields["doc.answerKey"] == "C"
    assert found.samples[0].fields["filter"] == "none"
    assert found.not_per_sample == ()


def test_lm_eval_metrics_aggregated_over_the_set_are_not_scores(tmp_path: Path) -> None:
    """bleu's per-sample value is (reference, prediction), f1's of a multiple-choice task
    (gold, pred): the harness aggregates them over the set (lm_eval/api/metrics.py)."""
    lines = (FIXTURES / LM_EVAL).read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    for row in rows:
        row["metrics"] = ["acc", "f1"]
        row["f1"] = [row["target"], "2"]
    path = tmp_path / LM_EVAL
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    found = read_scores(path, LM_EVAL, "lm-eval")
    assert [s.scores for s in found.samples] == [{"acc": 1.0}, {"acc": 0.0}, {"acc": 1.0}]
    assert found.not_per_sample == ("f1",)


def _broken(tmp_path: Path, name: str, old: str, new: str) -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURES / name, path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_mlflow_genai_evaluate_table() -> None:
    # mlflow.genai.evaluate's result_df, logged with mlflow.log_table: a row per trace
    found = _read("mlflow-genai-eval_results_table.json", "mlflow")
    assert len(found.samples) == 5 and found.samples[0].sample_id.startswith("tr-")
    # `concise` is a yes/no rating, `cites_article` a bool: 1 and 0
    assert [s.scores for s in found.samples] == [
        {"concise": 0.0, "cites_article": 1.0},
        {"concise": 1.0, "cites_article": 1.0},
        {"concise": 1.0, "cites_article": 0.0},
        {"concise": 1.0, "cites_article": 1.0},
        {"concise": 0.0, "cites_article": 1.0},
    ]
    assert [s.fields["tags.category"] for s in found.samples] == [
        "account-access", "account-access", "payments", "payments", "loans"
    ]  # fmt: skip
    assert "request" not in found.samples[0].fields and found.missing == {}


def test_mlflow_evaluate_table() -> None:
    # mlflow.evaluate's eval_results_table.json: `<metric>/score` per row
    found = _read("mlflow-eval_results_table.json", "mlflow")
    assert [s.sample_id for s in found.samples] == [f"data[{i}]" for i in range(5)]
    assert [s.scores for s in found.samples] == [{"grounded/v1": v} for v in (1, 1, 0, 1, 1)]
    assert found.samples[2].fields == {"category": "payments"}


def test_an_mlflow_scorer_that_failed_or_rated_unknown_is_no_score(tmp_path: Path) -> None:
    table = {
        "columns": ["trace_id", "safe/value", "safe/error_message", "category"],
        "data": [["a", "yes", None, "x"], ["b", "no", "judge timed out", "x"],
                 ["c", "unknown", None, "y"], ["d", float("nan"), None, "y"]],
    }  # fmt: skip
    path = tmp_path / "table.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    found = read_scores(path, "table.json", "mlflow")
    assert [s.scores for s in found.samples] == [{"safe": 1.0}, {}, {}, {}]
    assert found.missing == {"safe": 3}


@pytest.mark.parametrize(
    ("name", "tool", "old", "new", "where", "message"),
    [
        ("ragas.csv", "ragas", "1.0,0.88,", "1.0,high,", "ragas.csv:3:1", "'answer_relevancy'"),
        ("ragas.jsonl", "ragas", '"faithfulness":0.0', '"faithfulness":"no"', "ragas.jsonl:2:1",
         "'no' is not a number"),
        ("ragas.jsonl", "ragas", '{"user_input":"Can', '{"user_input" "Can', "ragas.jsonl:2:15",
         "not JSON"),
        ("ragas.jsonl", "ragas", '"faithfulness":0.0', '"faithfulness":0.0,"faithfulness":1.0',
         "ragas.jsonl:2:", 'has the key "faithfulness" twice'),  # readers differ: refused
        ("promptfoo-results.json", "promptfoo", '"score": 0.75,\n        "success"',
         '"score": 0.75,\n        "score": 1.0,\n        "success"', "promptfoo-results.json:",
         'has the key "score" twice'),
        ("deepeval-test-run.json", "deepeval", '"score": 0.0,', '"score": "zero",',
         "deepeval-test-run.json:1:1: testCases[1]", "'zero' is not a number"),
        ("promptfoo-results.json", "promptfoo", '"results": [', '"results": {',
         "promptfoo-results.json:", "not JSON"),
        ("promptfoo-results.json", "promptfoo", '"score": 0.75,\n        "success"',
         '"score": "high",\n        "success"',
         "promptfoo-results.json:1:1: results.results[2]", "'high' is not a number"),
        ("inspect-log.json", "inspect-ai", '"value": "I"', '"value": "maybe"',
         "inspect-log.json:1:1: samples[1]", "'maybe' is not a number"),
        (LM_EVAL, "lm-eval", '"metrics": ["acc", "acc_norm"]', '"metric": ["acc", "acc_norm"]',
         f"{LM_EVAL}:1:1", "has no 'metrics' list"),
        ("mlflow-eval_results_table.json", "mlflow", '"cites an article"],["Why',
         '"cites an article", 3],["Why', "mlflow-eval_results_table.json:1:1: data[0]",
         "is not a row of 5 values"),
        ("mlflow-eval_results_table.json", "mlflow", '"payments",0.0,', '"payments","pass",',
         "mlflow-eval_results_table.json:1:1: data[2].grounded/v1/score",
         "'pass' is not a number"),
        ("mlflow-eval_results_table.json", "mlflow", '"grounded\\/v1\\/score"', '"grounded"',
         "mlflow-eval_results_table.json:1:1", "has no '<metric>/score'"),
        ("mlflow-eval_results_table.json", "mlflow", '{"columns":', '{"cols":',
         "mlflow-eval_results_table.json:1:1", "has no 'columns' list"),
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


DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "1" + "0" * 400


@pytest.mark.parametrize(
    ("tool", "name", "text", "where", "message"),
    [
        (tool, f"deep{suffix}", DEEP + "\n", "1:1", "nested too deeply")
        for tool, suffix in (("ragas", ".jsonl"), ("deepeval", ".json"), ("promptfoo", ".json"),
                             ("inspect-ai", ".json"), ("lm-eval", ".jsonl"), ("mlflow", ".json"))
    ] + [
        ("ragas", "huge.jsonl", f'{{"faithfulness": {HUGE}}}\n', "1:1", "is too large"),
        ("deepeval", "huge.json",
         f'{{"testCases": [{{"name": "a", "metricsData": [{{"name": "f", "score": {HUGE}}}]}}]}}',
         "1:1: testCases[0]", "is too large"),
        ("promptfoo", "huge.json", f'{{"results": {{"results": [{{"score": {HUGE}}}]}}}}',
         "1:1: results.results[0]", "is too large"),
        ("inspect-ai", "huge.json",
         f'{{"samples": [{{"id": 1, "scores": {{"s": {{"value": {HUGE}}}}}}}]}}',
         "1:1: samples[0]", "is too large"),
        ("lm-eval", "huge.jsonl", f'{{"doc_id": 0, "metrics": ["acc"], "acc": {HUGE}}}\n',
         "1:1", "is too large"),
        ("mlflow", "huge.json", f'{{"columns": ["a/score"], "data": [[{HUGE}]]}}',
         "1:1: data[0].a/score", "is too large"),
        ("ragas", "empty.csv", "", "1:1", "holds no scored sample"),
        ("inspect-ai", "twice.json",
         '{"samples": [{"id": "q1", "scores": {}}], "reductions": [{"scorer": "match", '
         '"samples": [{"sample_id": "q1", "value": 0}, {"sample_id": "q1", "value": 1}]}]}',
         "1:1: reductions[0]", "score 'match' is given twice for one sample"),
        ("deepeval", "twice.json",
         '{"testCases": [{"name": "a", "metricsData": [{"name": "f", "score": 0}, '
         '{"name": "f", "score": 1}]}]}',
         "1:1: testCases[0]", "score 'f' is given twice for one sample"),
        ("lm-eval", "twice.jsonl",
         '{"doc_id": 0, "metrics": ["acc"], "acc": 1}\n'
         '{"doc_id": 0, "metrics": ["acc"], "acc": 0}\n',
         "2:1", "sample '0' appears twice (first at 1:1)"),
    ],
)  # fmt: skip
def test_a_hostile_file_is_one_located_error_of_its_tool(
    tmp_path: Path, tool: str, name: str, text: str, where: str, message: str
) -> None:
    # nesting beyond the recursion limit, an integer beyond any float, an empty file, a
    # repeated sample: an InputError at file:line:col, never a crash
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_scores(path, name, tool)
    assert caught.value.message.startswith(f"{name}:{where}"), caught.value.message
    assert message in caught.value.message, caught.value.message


def test_a_ragas_row_with_long_retrieved_contexts_is_read(tmp_path: Path) -> None:
    # ragas writes every retrieved passage into one cell: beyond csv's default 128 KiB limit
    path = tmp_path / "ragas.csv"
    path.write_text(f'retrieved_contexts,faithfulness\n"{"x" * 300_000}",0.5\n', encoding="utf-8")
    found = read_scores(path, "ragas.csv", "ragas")
    assert [s.scores for s in found.samples] == [{"faithfulness": 0.5}]


@pytest.mark.parametrize("score", ["7.5", "-3"])
def test_a_score_off_the_tools_scale_is_refused(tmp_path: Path, score: str) -> None:
    """One impossible score (ragas scores from 0 to 1) would move a mean past a
    threshold: refused at its row, with the card's way out for another scale."""
    path = _broken(tmp_path, "ragas.csv", "0.93", score)
    with pytest.raises(InputError) as raised:
        read_scores(path, "ragas.csv", "ragas")
    message = raised.value.message
    assert message.startswith("ragas.csv:2:1: score 'answer_relevancy' of sample 'row 2' is ")
    assert "outside the scale 0 to 1" in message
    assert "sources[].scale" in raised.value.hint
    found = read_scores(path, "ragas.csv", "ragas", (-5.0, 10.0))  # the card's own scale
    assert found.samples[0].scores["answer_relevancy"] == float(score)


def test_unbounded_tools_keep_their_scores(tmp_path: Path) -> None:
    """lm-eval's metrics have no common scale: a perplexity of 3.5 is kept."""
    rows = [json.loads(line) for line in (FIXTURES / LM_EVAL).read_text("utf-8").splitlines()]
    rows[0]["acc"] = 3.5
    path = tmp_path / LM_EVAL
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    assert read_scores(path, LM_EVAL, "lm-eval").samples[0].scores["acc"] == 3.5
