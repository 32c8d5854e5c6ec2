"""Per-sample generation scores from the files the evaluation tools write, read strictly
(json and csv only: no tool is imported or called, no model is run). Each format was read
from the tool's source (versions named; tests/genai/fixtures/README.md says how each
fixture was made):

* `ragas` (0.4.0, `ragas/dataset_schema.py`) — `EvaluationResult.to_pandas()` saved as CSV
  (`DataFrame.to_csv`, with or without its index column) or as JSON Lines (`.jsonl`,
  `to_json(orient="records", lines=True)`): a sample is a row; its scores every numeric
  column but the sample's inputs (`user_input`, `retrieved_contexts`, `response`,
  `reference` …; 0.1's `question`, `answer`, `contexts`, `ground_truth`); its fields the
  other text columns (e.g. the test-set generator's `persona_name`, `query_style`).
* `deepeval` (4.1.10, `deepeval/test_run/test_run.py`, `test_run/api.py`,
  `evaluate/local_store.py`) — a test run: `test_run_<timestamp>.json` (the results
  folder), `.deepeval/.latest_run_full.json`, or `.deepeval/.latest_test_run.json` (the
  same under `testRunData`); a sample is one of `testCases[]`; its scores
  `metricsData[].score` by metric `name` (a metric that errored has none); its fields
  `metadata.*` (before 4.x: `additionalMetadata.*`).
* `promptfoo` (`src/types/index.ts`: `EvaluateSummaryV3`) — `promptfoo eval --output
  results.json` (`results.results[]`): a sample is a result (test × prompt × provider);
  its scores `score`, `pass` (`success`, 1 or 0) and every `namedScores` entry; its
  fields `vars.*` and `provider`.
* `inspect-ai` (0.3.285, `inspect_ai/log/_log.py`, `scorer/_metric.py`) — an eval log in
  JSON (`--log-format json`, or `inspect log convert --to json` of an `.eval` file): a
  sample is one of `samples[]`; when the log holds `reductions` (the scores reduced over
  epochs, which inspect's own metrics are computed from) a sample's scores are those, one
  per sample; otherwise each sample and epoch is one. A score is each scorer's `value` —
  a number, a boolean, `C`/`I`/`P`/`N` as 1/0/0.5/0, `yes`/`no`, a number as text
  (inspect's `value_to_float`), a mapping as `scorer.key`; its fields `metadata.*`.
* `lm-eval` (0.4.12, `lm_eval/evaluator.py`, `loggers/evaluation_tracker.py`) —
  `--log_samples` output, `samples_<task>_<date>.jsonl`: a line (a document under one
  filter); its scores each metric the line lists in `metrics`, except metrics whose
  per-sample value is not a number (bleu, chrf, f1 of some tasks, perplexities: the
  harness aggregates those over the whole set, so a mean of per-sample values would be
  wrong) — those are listed as not per-sample; its fields `doc.*` and `filter`.

* `mlflow` (3.x, `mlflow/tracking/client.py` `log_table`,
  `models/evaluation/default_evaluator.py`, `genai/evaluation/entities.py`) — an
  evaluation table as `mlflow.log_table` writes it (`eval_results_table.json`:
  `DataFrame.to_json(orient="split", index=False)`, `{"columns": [...], "data": [[...]]}`):
  `mlflow.evaluate`'s table (a `<metric>/score` column per metric) or `mlflow.genai.evaluate`'s
  `result_df` logged as a table (a `<scorer>/value` column per scorer: a number, a boolean,
  `yes`/`no` as 1/0; `unknown`, or a row whose `<scorer>/error_message` is set, is
  missing); a sample is a row (`trace_id` or `request_id`, else its row); its fields the
  other text and number columns, and `tags.*`.

A score that is missing, null or NaN (a judge that failed) is not a score: the sample is
left out of that metric (counted). Slice fields are text (numbers are written as text).
Every problem is an `InputError` at ``file:line:col`` (for the tools that write one JSON
document, line 1 with the JSON path of what is wrong) with a hint.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any, Literal, get_args

from cardgate.evidence.genai.mlflow_table import read_mlflow_table
from cardgate.evidence.genai.score_parsing import (
    TOOL_SCALES,
    Read,
    ScoredSample,
    ScoreFile,
    add_score,
    check_scale,
    flat_fields,
    json_document,
    json_lines,
    list_at,
    located,
    text_of,
)

Tool = Literal["ragas", "deepeval", "promptfoo", "inspect-ai", "lm-eval", "mlflow"]
TOOLS: tuple[str, ...] = get_args(Tool)

RAGAS_INPUTS = frozenset(
    {
        "user_input",
        "retrieved_contexts",
        "reference_contexts",
        "response",
        "multi_responses",
        "reference",
        "rubrics",
        "rubric",
        "retrieved_context_ids",
        "reference_context_ids",
        "reference_tool_calls",
        "reference_topics",
        "question",
        "contexts",
        "answer",
        "ground_truth",
        "ground_truths",
        "sample_id",
        "id",
    }
)
"""ragas's input columns (0.2 and later, and 0.1's names): never scores."""

INSPECT_VALUES = {
    "C": 1.0,
    "I": 0.0,
    "P": 0.5,
    "N": 0.0,
    "yes": 1.0,
    "no": 0.0,
    "true": 1.0,
    "false": 0.0,
}
"""inspect_ai's `value_to_float` for text values (CORRECT, INCORRECT, PARTIAL, NOANSWER)."""


PROMPTFOO_ERROR = 2
"""promptfoo's `ResultFailureReason.ERROR`: the test errored (no output was graded)."""


def read_scores(
    path: Path, shown: str, tool: str, scale: tuple[float, float] | None = None
) -> ScoreFile:
    """The samples of the file at `path` (`shown`: how messages name it) as `tool` wrote
    it; every score on `scale` (default: the tool's, `TOOL_SCALES`)."""
    readers = {
        "ragas": _ragas,
        "deepeval": _deepeval,
        "promptfoo": _promptfoo,
        "inspect-ai": _inspect,
        "lm-eval": _lm_eval,
        "mlflow": read_mlflow_table,
    }
    samples, missing, not_per_sample = readers[tool](path, shown)
    if not samples:
        raise located(shown, "1:1", "holds no scored sample", f"is it a {tool} file?")
    ids: dict[str, int] = {}
    for index, sample in enumerate(samples):
        if sample.sample_id in ids:
            first = samples[ids[sample.sample_id]].where
            raise located(
                shown,
                sample.where,
                f"sample '{sample.sample_id}' appears twice (first at {first})",
                "every sample needs its own id",
            )
        ids[sample.sample_id] = index
    check_scale(samples, shown, tool, scale or TOOL_SCALES.get(tool))
    return ScoreFile(tool, samples, dict(sorted(missing.items())), tuple(sorted(not_per_sample)))


def _ragas(path: Path, shown: str) -> Read:
    if path.name.lower().endswith(".jsonl"):
        rows = []
        hint = "one JSON object per line (DataFrame.to_json(orient='records', lines=True))"
        for number, row in json_lines(text_of(path, shown), shown, hint):
            if not isinstance(row, dict):
                raise located(shown, f"{number}:1", "not a JSON object", "one object per line")
            rows.append((number, row))
    else:
        text = text_of(path, shown)
        # a row's retrieved contexts may exceed csv's default field limit (128 KiB); the
        # file is within the in-memory limit already
        csv.field_size_limit(max(csv.field_size_limit(), len(text)))
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        try:
            for row in reader:
                rows.append((reader.line_num, {k: _csv_value(v) for k, v in row.items() if k}))
        except csv.Error as error:
            raise located(
                shown, f"{reader.line_num}:1", f"not CSV: {error}", "save it with to_csv()"
            ) from error
    metrics = sorted(
        {
            key
            for _, row in rows
            for key, value in row.items()
            if key not in RAGAS_INPUTS and _is_number(value)
        }
    )
    hint = "ragas scores are numbers (NaN or empty where the judge failed)"
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    for number, row in rows:
        scores: dict[str, float] = {}
        for name in metrics:
            value = row.get(name)
            if isinstance(value, str):
                raise located(
                    shown, f"{number}:1", f"score '{name}': {value!r} is not a number", hint
                )
            add_score(scores, missing, name, value, shown, f"{number}:1", hint)
        identifier = row.get("sample_id", row.get("id"))
        fields = {
            key: value
            for key, value in flat_fields("", row)
            if key not in RAGAS_INPUTS and key not in metrics
        }
        sample_id = str(identifier) if identifier is not None else f"row {number}"
        asked = row.get("user_input", row.get("question"))
        question = asked if isinstance(asked, str) else None
        samples.append(ScoredSample(sample_id, scores, fields, f"{number}:1", question))
    return samples, missing, set()


def _csv_value(text: str | None) -> Any:
    """A CSV cell: a number where it reads as one, None when empty, else the text."""
    if text is None or text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _deepeval(path: Path, shown: str) -> Read:
    hint = (
        'a deepeval test run: {"testCases": [{"name": ..., "metricsData": [...]}]}, '
        'or .latest_test_run.json\'s {"testRunData": {...}}'
    )
    data = json_document(path, shown, hint)
    if isinstance(data, dict) and isinstance(data.get("testRunData"), dict):
        data = data["testRunData"]  # .deepeval/.latest_test_run.json
    cases = list_at(data, ("testCases",), shown, hint)
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    for index, case in enumerate(cases):
        where = f"1:1: testCases[{index}]"
        if not isinstance(case, dict):
            raise located(shown, where, "is not an object", hint)
        # deepeval writes without None fields: a case no metric evaluated has no list
        metrics = case.get("metricsData", [])
        if not isinstance(metrics, list):
            raise located(shown, where, "'metricsData' is not a list", hint)
        scores: dict[str, float] = {}
        for metric in metrics:
            if not isinstance(metric, dict) or not isinstance(metric.get("name"), str):
                raise located(shown, where, "a metricsData entry has no 'name'", hint)
            add_score(scores, missing, metric["name"], metric.get("score"), shown, where, hint)
        name = case.get("name")
        # 4.x writes a golden's metadata as `metadata`; earlier versions `additionalMetadata`
        metadata = case.get("metadata", case.get("additionalMetadata"))
        samples.append(
            ScoredSample(
                str(name) if name is not None else f"testCases[{index}]",
                scores,
                dict(flat_fields("metadata", metadata)),
                where,
            )
        )
    return samples, missing, set()


def _promptfoo(path: Path, shown: str) -> Read:
    hint = 'promptfoo\'s output file: {"results": {"version": 3, "results": [...]}}'
    results = list_at(json_document(path, shown, hint), ("results", "results"), shown, hint)
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    for index, result in enumerate(results):
        where = f"1:1: results.results[{index}]"
        if not isinstance(result, dict):
            raise located(shown, where, "is not an object", hint)
        scores: dict[str, float] = {}
        named = result.get("namedScores") or {}
        if not isinstance(named, dict):
            raise located(shown, where, "'namedScores' is not an object", hint)
        values = {"score": result.get("score"), "pass": result.get("success"), **named}
        # failureReason 2 (ERROR): the provider failed, nothing was judged; its 0 is no score
        errored = result.get("failureReason") == PROMPTFOO_ERROR
        for name, value in values.items():
            add_score(scores, missing, str(name), None if errored else value, shown, where, hint)
        fields = dict(flat_fields("vars", result.get("vars")))
        provider = result.get("provider")
        if isinstance(provider, dict):
            label = provider.get("label") or provider.get("id")
            if isinstance(label, str):
                fields["provider"] = label
        identifier = (
            result.get("id") or f"test {result.get('testIdx')}, prompt {result.get('promptIdx')}"
        )
        samples.append(ScoredSample(str(identifier), scores, fields, where))
    return samples, missing, set()


def _inspect(path: Path, shown: str) -> Read:
    hint = (
        'an inspect_ai eval log in JSON: {"samples": [{"id": ..., "scores": {...}}]} '
        "(write it with --log-format json, or convert an .eval log: inspect log convert "
        "--to json)"
    )
    if path.suffix.lower() == ".eval":
        raise located(shown, "1:1", "is an .eval log (a zip archive), not JSON", hint)
    data = json_document(path, shown, hint)
    entries = list_at(data, ("samples",), shown, hint)
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    fields: dict[str, dict[str, str]] = {}
    places: dict[str, str] = {}
    for index, entry in enumerate(entries):
        where = f"1:1: samples[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("scores"), dict):
            raise located(shown, where, "has no 'scores' object", hint)
        identifier = str(entry.get("id", index))
        fields.setdefault(identifier, dict(flat_fields("metadata", entry.get("metadata"))))
        places.setdefault(identifier, where)
        scores: dict[str, float] = {}
        for scorer, score in entry["scores"].items():
            value = score.get("value") if isinstance(score, dict) else None
            _inspect_add(scores, missing, str(scorer), value, shown, where, hint)
        epoch = entry.get("epoch")
        name = identifier if epoch in (None, 1) else f"{identifier} (epoch {epoch})"
        samples.append(ScoredSample(name, scores, fields[identifier], where))
    reductions = data.get("reductions") if isinstance(data, dict) else None
    if not reductions:
        return samples, missing, set()
    # Scores reduced over epochs: one per sample, as inspect's own metrics use them (the
    # epochs of a sample are not independent samples).
    if not isinstance(reductions, list):
        raise located(shown, "1:1: reductions", "is not a list", hint)
    reduced: dict[str, dict[str, float]] = {}
    missing = {}
    for index, reduction in enumerate(reductions):
        where = f"1:1: reductions[{index}]"
        if not isinstance(reduction, dict) or not isinstance(reduction.get("samples"), list):
            raise located(shown, where, "has no 'samples' list", hint)
        scorer = str(reduction.get("scorer"))
        for entry in reduction["samples"]:
            if not isinstance(entry, dict) or "sample_id" not in entry:
                raise located(shown, where, "a sample has no 'sample_id'", hint)
            identifier = str(entry["sample_id"])
            if identifier not in fields:
                raise located(shown, where, f"sample '{identifier}' is not in 'samples'", hint)
            scores = reduced.setdefault(identifier, {})
            _inspect_add(scores, missing, scorer, entry.get("value"), shown, where, hint)
    found = [ScoredSample(i, reduced.get(i, {}), fields[i], places[i]) for i in fields]
    return found, missing, set()


def _inspect_add(
    scores: dict[str, float],
    missing: dict[str, int],
    scorer: str,
    value: Any,
    shown: str,
    where: str,
    hint: str,
) -> None:
    """A scorer's value: one score, or one per key of a mapping (`scorer.key`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            add_score(scores, missing, f"{scorer}.{key}", _inspect_value(item), shown, where, hint)
    else:
        add_score(scores, missing, scorer, _inspect_value(value), shown, where, hint)


def _inspect_value(value: Any) -> Any:
    """inspect's `value_to_float` for text: C/I/P/N, yes/no, true/false, a number."""
    if not isinstance(value, str):
        return value
    if value in INSPECT_VALUES:
        return INSPECT_VALUES[value]
    if value.lower() in INSPECT_VALUES:
        return INSPECT_VALUES[value.lower()]
    try:
        number = float(value)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def _lm_eval(path: Path, shown: str) -> Read:
    hint = "lm-evaluation-harness --log_samples output: one JSON object per line, with 'metrics'"
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    not_per_sample: set[str] = set()
    for number, row in json_lines(text_of(path, shown), shown, hint):
        names = row.get("metrics") if isinstance(row, dict) else None
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise located(shown, f"{number}:1", "has no 'metrics' list", hint)
        scores: dict[str, float] = {}
        for name in names:
            value = row.get(name)
            if isinstance(value, list | dict):
                # e.g. bleu's (reference, prediction): aggregated by the harness over the set
                not_per_sample.add(name)
                continue
            add_score(scores, missing, name, value, shown, f"{number}:1", hint)
        fields = dict(flat_fields("doc", row.get("doc")))
        if isinstance(row.get("filter"), str):
            fields["filter"] = row["filter"]
        doc_id = row.get("doc_id", number)
        flt = row.get("filter")
        name = f"{doc_id}" if flt in (None, "none") else f"{doc_id} [{flt}]"
        samples.append(ScoredSample(name, scores, fields, f"{number}:1"))
    return samples, missing, not_per_sample
