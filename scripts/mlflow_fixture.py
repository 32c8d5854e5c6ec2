"""Record real MLflow evaluation tables, once, as fixtures of tests/genai/test_scores.py
(cardgate reads the JSON table file; it never imports or calls MLflow).

Offline and without a model: no LLM judge runs.

* `mlflow.genai.evaluate` (MLflow 3) with two code scorers (`@scorer`: a bool and a
  yes/no rating) on fixed answers; its `result_df` — one row per trace, a
  `<scorer>/value` column per scorer, `tags` with the row's `category` — saved with
  `mlflow.log_table(..., "eval_results_table.json")` (`DataFrame.to_json(orient="split",
  index=False)`), less the `trace` and `spans` columns (each row's whole trace: large).
* `mlflow.evaluate` (the classic default evaluator) needs matplotlib, which the `mlflow`
  extra does not install: its table is built as `default_evaluator._log_eval_table`
  builds it — the data, the predictions, `<metric>/score` and `<metric>/justification`
  per metric — from a `make_metric` custom metric's `MetricValue`, and saved with the
  same `mlflow.log_table` (the evaluator's `eval_results_table.json`).

    .venv/bin/python scripts/mlflow_fixture.py      (the mlflow extra: make .venv/.dev)
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import mlflow
import pandas as pd
from mlflow.genai.scorers import scorer
from mlflow.metrics import MetricValue

FIXTURES = Path(__file__).resolve().parents[1] / "tests/genai/fixtures"
QUESTIONS = [
    ("How do I reset my password?", "Choose 'Forgotten password' on the sign-in page [kb-01].",
     "account-access"),
    ("Why is my account locked?", "After five wrong passwords it locks [kb-02].", "account-access"),
    ("When is my repayment due?", "I cannot help with that.", "payments"),
    ("What does a late payment cost?", "A late payment costs 12 EUR [kb-09].", "payments"),
    ("Can I pay off my loan early?", "Yes, without a fee; see the loans article [kb-14].", "loans"),
]  # fmt: skip


@scorer
def cites_article(outputs: str) -> bool:
    return "[kb-" in outputs


@scorer
def concise(outputs: str) -> str:
    return "yes" if len(outputs) < 50 else "no"


def main() -> None:
    work = Path(tempfile.mkdtemp())
    try:
        mlflow.set_tracking_uri(f"sqlite:///{work}/mlflow.db")
        # artifacts (and traces) inside the temporary folder, not in the working directory
        mlflow.create_experiment("cardgate-fixture", artifact_location=str(work / "artifacts"))
        mlflow.set_experiment("cardgate-fixture")
        data = [
            {"inputs": {"question": q}, "outputs": a, "tags": {"category": c}}
            for q, a, c in QUESTIONS
        ]
        result = mlflow.genai.evaluate(data=data, scorers=[cites_article, concise])
        assert result.result_df is not None
        table = result.result_df.drop(columns=["trace", "spans"])
        _save(table, "mlflow-genai-eval_results_table.json", work)

        frame = pd.DataFrame(
            {"inputs": [q for q, _, _ in QUESTIONS], "outputs": [a for _, a, _ in QUESTIONS],
             "category": [c for _, _, c in QUESTIONS]}
        )  # fmt: skip
        grounded = [1.0 if "[kb-" in a else 0.0 for _, a, _ in QUESTIONS]
        value = MetricValue(
            scores=grounded,
            justifications=["cites an article" if g else "cites nothing" for g in grounded],
        )
        # default_evaluator._log_eval_table: `<name>/score`, `<name>/justification`
        frame = frame.assign(
            **{"grounded/v1/score": value.scores, "grounded/v1/justification": value.justifications}
        )
        _save(frame, "mlflow-eval_results_table.json", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _save(table: pd.DataFrame, name: str, work: Path) -> None:
    with mlflow.start_run() as run:
        mlflow.log_table(table, artifact_file="eval_results_table.json")
    path = mlflow.artifacts.download_artifacts(
        run_id=run.info.run_id, artifact_path="eval_results_table.json", dst_path=str(work)
    )
    text = Path(path).read_text(encoding="utf-8")
    json.loads(text)  # a JSON document, as written
    (FIXTURES / name).write_text(text, encoding="utf-8")
    print(f"wrote {FIXTURES / name} ({len(text):,} bytes)")


if __name__ == "__main__":
    main()
