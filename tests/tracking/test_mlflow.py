"""MLflow round trip, against a local SQLite tracking store (no server, no network).

A scikit-learn model is trained and logged to MLflow as a pipeline would; `cardgate new
model-card --from-mlflow` drafts its card from the run, and `cardgate log-mlflow` logs
the card, evaluation.json and the gate's verdict back to the run.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.digests import file_sha256
from cardgate.documents.workspace import load_workspace

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")  # offline, as cardgate's commands
import mlflow  # (the cardgate[mlflow] extra: `make test` installs it)
from mlflow import MlflowClient

runner = CliRunner()
TODAY = "2026-06-01"


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@dataclass(frozen=True)
class Store:
    uri: str
    folder: Path
    experiment: str
    root: Path
    """A workspace with the training data and its datasheet."""
    data: Path
    run_id: str
    holdout_digest: str
    training_digest: str


def _frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.normal(50, 15, rows).round(1)
    sex = rng.choice(["female", "male"], rows)
    label = (income + rng.normal(0, 10, rows) > 50).astype(int)
    return pd.DataFrame({"income": income, "sex": sex, "label": label})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    from sklearn.linear_model import LogisticRegression

    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    experiment = MlflowClient(tracking_uri=uri).create_experiment(
        "loans", artifact_location=str(folder / "artifacts")
    )
    root = folder / "ws"
    assert cli("init", str(root))[0] == 0
    data = root / "datasets" / "loans-2024" / "train.csv"
    data.parent.mkdir(parents=True)
    train, holdout = _frame(300, 1), _frame(80, 2)
    train.to_csv(data, index=False)
    assert cli("new", "datasheet", "loans-2024", "--from", str(data), "-w", str(root))[0] == 0

    model = LogisticRegression(C=0.5, max_iter=300).fit(train[["income"]], train["label"])
    accuracy = float(model.score(holdout[["income"]], holdout["label"]))
    training = mlflow.data.from_pandas(train, source=str(data), name="loans", targets="label")
    held = mlflow.data.from_pandas(holdout, name="holdout", targets="label")
    mlflow.set_tracking_uri(uri)
    try:
        with mlflow.start_run(
            experiment_id=experiment, run_name="lr-1", description="Scores loan applications."
        ) as run:
            mlflow.log_params({"C": 0.5, "max_iter": 300, "solver": model.solver})
            mlflow.set_tag("estimator_name", type(model).__name__)
            mlflow.log_metrics({"accuracy": accuracy, "calibration_gap": math.nan})
            mlflow.log_input(training, context="training")
            mlflow.log_input(held, context="eval")
    finally:
        mlflow.set_tracking_uri(None)
    yield Store(uri, folder, experiment, root, data, run.info.run_id, held.digest, training.digest)


def _card(root: Path, system: str) -> dict[str, object]:
    loaded = yaml.safe_load((root / "systems" / system / "model-card.yaml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def test_a_card_drafted_from_a_run(store: Store) -> None:
    code, out = cli(
        "new", "model-card", "loans", "-w", str(store.root),
        "--from-mlflow", store.run_id, "--tracking-uri", store.uri,
    )  # fmt: skip
    assert code == 0, out
    workspace = load_workspace(store.root)
    card = workspace.systems["loans"].model_card
    assert card is not None, workspace.problems  # the draft is a valid (draft) model card
    assert card.model_details.description == "Scores loan applications."
    assert card.model_details.model_type == "LogisticRegression"
    assert card.model_details.training_algorithm is not None
    assert "C=0.5" in card.model_details.training_algorithm
    assert card.model_details.model_date is not None
    # the training dataset is the datasheet whose file the run logged, pinned by SHA-256
    sha = file_sha256(store.data)
    assert card.training_data is not None and card.evaluation_data is not None
    assert [(r.dataset, r.sha256) for r in card.training_data.datasets] == [("loans-2024", sha)]
    # the holdout came from code: no datasheet matches it, and the draft says so
    assert [r.dataset for r in card.evaluation_data.datasets] == ["TODO"]
    text = (store.root / "systems/loans/model-card.yaml").read_text("utf-8")
    assert 'MLflow dataset "holdout" matches no datasheet' in text
    # reported metrics and parameters, labelled as the run's, exactly as logged
    logged = _card(store.root, "loans")["extensions"]["mlflow"]  # type: ignore[index]
    run = MlflowClient(tracking_uri=store.uri).get_run(store.run_id)
    assert logged["run_id"] == store.run_id and logged["experiment"] == "loans"
    assert logged["parameters"] == run.data.params
    assert logged["reported_metrics"]["accuracy"] == run.data.metrics["accuracy"]
    assert math.isnan(logged["reported_metrics"]["calibration_gap"])
    assert "cardgate did not compute them" in text
    # both fingerprints recorded: MLflow's digest of a sample, cardgate's SHA-256 of the file
    training = next(d for d in logged["datasets"] if d["context"] == "training")
    assert training["mlflow_digest"] == store.training_digest
    assert training["sha256"] == sha and training["datasheet"] == "loans-2024"
    assert training["mlflow_digest"] != sha
    holdout = next(d for d in logged["datasets"] if d["context"] == "eval")
    assert holdout["mlflow_digest"] == store.holdout_digest and "sha256" not in holdout
    # never overwritten: a second draft is refused and the file is left as it was
    before = (store.root / "systems/loans/model-card.yaml").read_bytes()
    code, out = cli(
        "new", "model-card", "loans", "-w", str(store.root),
        "--from-mlflow", store.run_id, "--tracking-uri", store.uri,
    )  # fmt: skip
    assert code == 2 and "already exists" in out
    assert (store.root / "systems/loans/model-card.yaml").read_bytes() == before


def test_a_dataset_known_by_name_only(store: Store, tmp_path: Path) -> None:
    """A run's dataset without a local file matches the datasheet named like it; the
    card pins nothing it did not hash, the extension records the datasheet's SHA-256."""
    client = MlflowClient(tracking_uri=store.uri)
    mlflow.set_tracking_uri(store.uri)
    try:
        with mlflow.start_run(experiment_id=store.experiment) as run:
            frame = _frame(20, 3)
            mlflow.log_input(mlflow.data.from_pandas(frame, name="loans-2024"), context="train")
    finally:
        mlflow.set_tracking_uri(None)
    code, out = cli(
        "new", "model-card", "by-name", "-w", str(store.root),
        "--from-mlflow", run.info.run_id, "--tracking-uri", store.uri,
    )  # fmt: skip
    assert code == 0, out
    card = load_workspace(store.root).systems["by-name"].model_card
    assert card is not None and card.training_data is not None
    assert [(r.dataset, r.sha256) for r in card.training_data.datasets] == [("loans-2024", None)]
    entry = _card(store.root, "by-name")["extensions"]["mlflow"]["datasets"][0]  # type: ignore[index]
    assert entry["sha256"] == file_sha256(store.data)  # the datasheet's pin
    assert (
        entry["mlflow_digest"]
        == client.get_run(run.info.run_id).inputs.dataset_inputs[0].dataset.digest
    )


def test_log_the_card_evaluation_and_verdict_back_to_the_run(store: Store) -> None:
    root, system = store.root, "logged"
    code, out = cli(
        "new", "model-card", system, "-w", str(root),
        "--from-mlflow", store.run_id, "--tracking-uri", store.uri,
    )  # fmt: skip
    assert code == 0, out
    # the engineer adds the evaluation and runs it: evaluation.json is what gets logged
    predictions = _frame(120, 4)
    predictions["y_pred"] = (predictions["income"] > 50).astype(int)
    predictions.to_csv(root / "systems" / system / "predictions.csv", index=False)
    card = root / "systems" / system / "model-card.yaml"
    card.write_text(
        card.read_text("utf-8")
        + "evaluation:\n"
        + f"  predictions:\n    path: systems/{system}/predictions.csv\n"
        + "  task: binary-classification\n  label_column: label\n  prediction_column: y_pred\n"
        + "  sensitive_features: [sex]\n",
        "utf-8",
    )
    assert cli("evaluate", system, "-w", str(root))[0] == 0
    code, out = cli(
        "log-mlflow", system, "--run", store.run_id, "--tracking-uri", store.uri,
        "-w", str(root), "--today", TODAY,
    )  # fmt: skip
    assert code == 0, out
    assert "gate --release failed" in out  # a draft card does not ship; logging still works
    client = MlflowClient(tracking_uri=store.uri)
    tags = client.get_run(store.run_id).data.tags
    evaluation = root / "systems" / system / "evaluation.json"
    for name, local in (("model-card.yaml", card), ("evaluation.json", evaluation)):
        fetched = Path(client.download_artifacts(store.run_id, f"cardgate/{name}", str(root)))
        assert fetched.read_bytes() == local.read_bytes()
    assert tags["cardgate.model_card.sha256"] == file_sha256(card)
    assert tags["cardgate.evaluation.sha256"] == file_sha256(evaluation)
    # the verdict: the tags and gate.json say what `cardgate gate --release` says
    gate_code, gate_out = cli(
        "gate", system, "--release", "-w", str(root), "--today", TODAY, "--format", "json"
    )
    report = json.loads(
        Path(client.download_artifacts(store.run_id, "cardgate/gate.json", str(root))).read_text()
    )
    assert report == json.loads(gate_out)
    assert gate_code == 1 and tags["cardgate.gate"] == "failed"
    assert tags["cardgate.gate.mode"] == "release" and tags["cardgate.gate.date"] == TODAY
    assert tags["cardgate.system"] == system and int(tags["cardgate.gate.errors"]) > 0
    # the dataset: cardgate's SHA-256 as the fingerprint, MLflow's digest beside it
    assert tags["cardgate.dataset.loans-2024.sha256"] == file_sha256(store.data)
    assert tags["cardgate.dataset.loans-2024.mlflow_digest"] == store.training_digest


def test_an_unknown_run_or_store_writes_nothing(store: Store, tmp_path: Path) -> None:
    target = store.root / "systems" / "ghost" / "model-card.yaml"
    code, out = cli(
        "new", "model-card", "ghost", "-w", str(store.root),
        "--from-mlflow", "0" * 32, "--tracking-uri", store.uri,
    )  # fmt: skip
    assert code == 2 and f"no MLflow run '{'0' * 32}'" in out
    assert not target.exists()
    missing = tmp_path / "typo.db"
    for args in (
        ["new", "model-card", "ghost", "--from-mlflow", store.run_id],
        ["log-mlflow", "loans", "--run", store.run_id],
    ):
        code, out = cli(*args, "-w", str(store.root), "--tracking-uri", f"sqlite:///{missing}")
        assert code == 2 and f"no SQLite database at {missing}" in out
        assert not missing.exists() and not target.exists()  # MLflow would have created it


def test_a_store_mlflow_cannot_open_gets_a_hint_about_it(store: Store) -> None:
    """A scheme MLflow has no store for, and a database whose driver is missing, were told
    'a SQLite tracking store needs SQLAlchemy and Alembic' (pip install the extra)."""
    for uri, hint in (
        ("bogus://x", "MLflow has no tracking store at a 'bogus:' URI: give a SQLite file"),
        ("mysql+pymysql://u@h/db", "needs the Python package 'pymysql', which is not installed"),
    ):
        code, out = cli("new", "model-card", "ghost", "--from-mlflow", store.run_id,
                        "-w", str(store.root), "--tracking-uri", uri)  # fmt: skip
        assert code == 2, out
        assert hint in out and "SQLAlchemy" not in out, out
        assert not (store.root / "systems" / "ghost").exists()


def test_the_default_store_comes_from_mlflow_tracking_uri(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store.uri)
    code, out = cli("new", "model-card", "from-env", "-w", str(store.root), "--from-mlflow",
                    store.run_id)  # fmt: skip
    assert code == 0, out
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    code, out = cli("log-mlflow", "from-env", "-w", str(store.root), "--run", store.run_id)
    assert code == 2 and "elsewhere.db" in out


def test_without_the_extra_a_clear_message(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "mlflow", None)  # as if not installed
    for args in (
        ["new", "model-card", "no-extra", "--from-mlflow", store.run_id],
        ["log-mlflow", "loans", "--run", store.run_id],
    ):
        code, out = cli(*args, "-w", str(store.root), "--tracking-uri", store.uri)
        assert code == 2, out
        assert "MLflow is not installed" in out and "pip install 'cardgate[mlflow]'" in out
        assert "Traceback" not in out
    assert not (store.root / "systems" / "no-extra").exists()


def test_from_mlflow_is_for_model_cards(store: Store) -> None:
    code, out = cli(
        "new", "datasheet", "other", "-w", str(store.root), "--from-mlflow", store.run_id
    )
    assert code == 2 and "--from-mlflow drafts a model card only" in out
    code, out = cli("new", "model-card", "other", "-w", str(store.root), "--tracking-uri", "x")
    assert code == 2 and "--tracking-uri goes with --from-mlflow" in out
