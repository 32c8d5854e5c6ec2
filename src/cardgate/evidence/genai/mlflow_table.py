"""MLflow's evaluation tables as a source of per-sample scores (`scores`, tool `mlflow`;
MLflow 3.x, read from its source: `mlflow/tracking/client.py` `log_table`,
`models/evaluation/default_evaluator.py` `_log_eval_table`,
`genai/evaluation/entities.py` `EvalResult.get_assessments_dict`).

`mlflow.log_table` writes a DataFrame as `to_json(orient="split", index=False)`:
`{"columns": [...], "data": [[...], ...]}` — `eval_results_table.json` of `mlflow.evaluate`
(a `<metric>/score` and `<metric>/justification` column per metric) or a logged
`mlflow.genai.evaluate` `result_df` (a `<scorer>/value`, `/rationale`, `/error_message`,
`/error_code` column per scorer; a value is a number, a boolean, or `yes`/`no`/`unknown`,
mlflow.genai's `CategoricalRating`). A sample is a row (`trace_id` or `request_id`, else
its position); its scores each `/score` and `/value` column (yes/no as 1/0; `unknown`, a
null, or a row whose `<scorer>/error_message` is set, is missing); its fields the other
text and number columns (not the content columns: request, response, trace …) and
`tags.*`. `latency` and `token_count` of `mlflow.evaluate` are not scores.
"""

from __future__ import annotations

from pathlib import Path

from cardgate.evidence.genai.score_parsing import (
    Read,
    ScoredSample,
    add_score,
    flat_fields,
    json_document,
    list_at,
    located,
)

MLFLOW_RATINGS = {"yes": 1.0, "no": 0.0, "unknown": None}
"""mlflow.genai's `CategoricalRating` (yes, no, unknown) as a score."""
MLFLOW_NOT_FIELDS = frozenset({"trace", "spans", "assessments", "trace_metadata", "request",
                               "response", "inputs", "outputs", "expectations"})  # fmt: skip
"""Columns of an MLflow table that are content, not slice fields."""


def read_mlflow_table(path: Path, shown: str) -> Read:
    """The samples of an MLflow evaluation table (see the module docstring)."""
    hint = (
        "an MLflow evaluation table (eval_results_table.json, as mlflow.log_table writes it): "
        '{"columns": [...], "data": [[...], ...]}'
    )
    table = json_document(path, shown, hint)
    columns = table.get("columns") if isinstance(table, dict) else None
    rows = list_at(table, ("data",), shown, hint)
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise located(shown, "1:1", "has no 'columns' list of names", hint)
    scored = {
        column: column.rsplit("/", 1)[0]
        for column in columns
        if column.endswith(("/score", "/value")) and column.rsplit("/", 1)[0]
    }
    if not scored:
        raise located(shown, "1:1", "has no '<metric>/score' or '<scorer>/value' column", hint)
    samples: list[ScoredSample] = []
    missing: dict[str, int] = {}
    for index, row in enumerate(rows):
        where = f"1:1: data[{index}]"
        if not isinstance(row, list) or len(row) != len(columns):
            raise located(shown, where, f"is not a row of {len(columns)} values", hint)
        record = dict(zip(columns, row, strict=True))
        scores: dict[str, float] = {}
        for column, name in scored.items():
            value = record[column]
            if record.get(f"{name}/error_message") not in (None, ""):
                value = None  # the scorer failed on this row
            elif isinstance(value, str) and value.strip().lower() in MLFLOW_RATINGS:
                value = MLFLOW_RATINGS[value.strip().lower()]
            add_score(scores, missing, name, value, shown, f"{where}.{column}", hint)
        fields = {
            key: text
            for key, text in flat_fields("", record)
            if key not in MLFLOW_NOT_FIELDS and "/" not in key
        }
        fields.update(flat_fields("tags", record.get("tags")))
        identifier = record.get("trace_id") or record.get("request_id") or f"data[{index}]"
        samples.append(ScoredSample(str(identifier), scores, fields, where))
    return samples, missing, set()
