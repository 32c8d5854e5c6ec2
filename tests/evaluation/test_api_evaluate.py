"""`cardgate.api.evaluate`: predictions given as columns, evaluated by the code and the
decider `cardgate evaluate` uses; a system's evaluation is its artifact byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import polars as pl
import pytest
from typer.testing import CliRunner

import cardgate.api as cg
from cardgate.cli import app
from cardgate.core.errors import ConfigurationError, InputError
from cardgate.core.files import UnsafeWriteError
from tests.evaluation.conftest import EVALUATION, SYSTEM, synthetic

Build = Callable[..., Path]
REPO = Path(__file__).resolve().parents[2]

# The settings of conftest.EVALUATION, given to the API as keywords.
SETTINGS: dict[str, Any] = {
    "intersections": [["sex", "race"]],
    "min_group_size": 30,
    "bootstrap": {"replicates": 200, "seed": 7},
    "thresholds": [
        {"metric": "demographic_parity_difference", "feature": "sex", "max": 0.05},
        {"metric": "accuracy", "min": 0.6},
    ],
}
RESULTS = ("task", "overall", "features", "thresholds")
"""The parts of an artifact that are results (not provenance or the system's name)."""


def cli_evaluate(root: Path) -> bytes:
    result = CliRunner().invoke(app, ["evaluate", SYSTEM, "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    return (root / "systems" / SYSTEM / "evaluation.json").read_bytes()


def results(data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in RESULTS}


def evaluation_of(frame: Any, **options: Any) -> cg.Evaluation:
    return cg.evaluate(
        frame["y_true"],
        frame["y_pred"],
        sensitive_features=frame[["sex", "race"]]
        if isinstance(frame, pd.DataFrame)
        else frame.select("sex", "race"),
        y_score=frame["score"],
        **{**SETTINGS, **options},
    )


def test_columns_give_the_numbers_and_verdicts_of_the_cli(workspace: Build) -> None:
    frame = synthetic(bias=0.12)
    root = workspace(frame)
    cli = json.loads(cli_evaluate(root))
    from_pandas = evaluation_of(frame)
    data = json.loads(from_pandas.to_json())
    assert results(data) == results(cli)  # same statistics, intervals, disparities, states
    states = {(t.threshold, t.state) for t in from_pandas.thresholds}
    assert states == {(0, "beyond"), (1, "within")}  # the disparity of sex; accuracy
    assert data["provenance"]["predictions"]["path"] is None  # nothing on disk to verify
    assert data["provenance"]["predictions"]["sha256"] is None
    assert data["system"] == "unnamed"
    from_numpy = cg.evaluate(
        frame["y_true"].to_numpy(),
        frame["y_pred"].to_numpy(),
        sensitive_features={"sex": frame["sex"].to_numpy(), "race": list(frame["race"])},
        y_score=frame["score"].to_numpy(),
        **SETTINGS,
    )
    from_polars = evaluation_of(pl.from_pandas(frame))
    assert from_numpy.to_json() == from_pandas.to_json() == from_polars.to_json()


def test_a_system_evaluation_is_the_artifact_cardgate_evaluate_writes(workspace: Build) -> None:
    frame = synthetic(bias=0.05)
    root = workspace(frame)
    twin = root.parent / "twin"
    shutil.copytree(root, twin)
    evaluation = cg.evaluate(
        frame["y_true"],
        frame["y_pred"],
        sensitive_features=frame[["race", "sex"]],  # any order, extra columns allowed
        y_score=frame["score"],
        workspace=root,
        system=SYSTEM,
    )
    assert evaluation.path == (root / "systems" / SYSTEM / "evaluation.json").absolute()
    assert evaluation.write() == evaluation.path
    assert evaluation.path.read_bytes() == cli_evaluate(twin)
    assert (
        cg.gate(root, release=True, systems=[SYSTEM]).findings
        == cg.gate(twin, release=True, systems=[SYSTEM]).findings
    )


def test_a_system_evaluation_refuses_columns_that_are_not_its_predictions(
    workspace: Build,
) -> None:
    frame = synthetic()
    root = workspace(frame)
    changed = frame.copy()
    changed.loc[0, "y_pred"] = 1 - changed.loc[0, "y_pred"]
    with pytest.raises(InputError, match="not the predictions in systems/scoring/predictions"):
        cg.evaluate(
            changed["y_true"],
            changed["y_pred"],
            sensitive_features=changed[["sex", "race"]],
            y_score=changed["score"],
            workspace=root,
            system=SYSTEM,
        )
    with pytest.raises(InputError, match="give y_score"):
        cg.evaluate(
            frame["y_true"],
            frame["y_pred"],
            sensitive_features=frame,
            workspace=root,
            system=SYSTEM,
        )
    with pytest.raises(InputError, match="sensitive feature 'race'"):
        cg.evaluate(
            frame["y_true"],
            frame["y_pred"],
            sensitive_features=frame[["sex"]],
            y_score=frame["score"],
            workspace=root,
            system=SYSTEM,
        )
    with pytest.raises(ValueError, match="thresholds: a system's evaluation takes its settings"):
        cg.evaluate(
            frame["y_true"],
            frame["y_pred"],
            sensitive_features=frame,
            thresholds=[{"metric": "accuracy", "min": 0.5}],
            workspace=root,
            system=SYSTEM,
        )
    assert not (root / "systems" / SYSTEM / "evaluation.json").exists()


def test_frequency_weights_count_as_repeated_rows() -> None:
    frame = synthetic(n=1500, bias=0.1)
    weight = np.random.default_rng(3).integers(0, 4, size=len(frame))
    repeated = frame.loc[frame.index.repeat(weight)].reset_index(drop=True)
    weighted = evaluation_of(frame, sample_weight=weight)
    data = json.loads(weighted.to_json())
    assert results(data) == results(json.loads(evaluation_of(repeated).to_json()))
    assert data["provenance"]["predictions"]["format"] == "counts"
    assert data["provenance"]["predictions"]["rows"] == int(weight.sum())
    with pytest.raises(InputError, match="non-negative whole numbers"):
        evaluation_of(frame, sample_weight=np.full(len(frame), 0.5))


def test_regression_columns() -> None:
    rng = np.random.default_rng(5)
    group = rng.choice(np.array(["a", "b"]), size=600)
    truth = rng.normal(10, 2, size=600)
    evaluation = cg.evaluate(
        truth,
        truth + np.where(group == "b", 0.5, 0.0) + rng.normal(0, 1, size=600),
        sensitive_features=pd.Series(group, name="group"),
        task="regression",
        thresholds=[{"metric": "mean_error_difference", "max": 0.1}],
        bootstrap={"replicates": 100},
    )
    assert evaluation.artifact.task == "regression"
    (threshold,) = evaluation.thresholds
    assert threshold.state == "beyond" and threshold.value is not None
    assert 0.3 < threshold.value < 0.7


def test_to_frame_has_every_estimate() -> None:
    evaluation = evaluation_of(synthetic(n=800))
    frame = evaluation.to_frame()
    assert list(frame.columns) == [
        "feature",
        "group",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "count",
        "reason",
    ]
    overall = frame[frame["feature"].isna()].set_index("metric")
    assert overall.loc["accuracy", "value"] == evaluation.overall.metrics["accuracy"].value
    assert overall.loc["accuracy", "count"] == 800
    sex = evaluation.features[0]
    row = frame[(frame["feature"] == "sex") & (frame["group"] == sex.groups[1].group)]
    row = row.set_index("metric")
    estimate = sex.groups[1].metrics["selection_rate"]
    assert estimate.ci is not None
    assert (row.loc["selection_rate", "ci_low"], row.loc["selection_rate", "ci_high"]) == (
        estimate.ci
    )
    assert row.loc["selection_rate", "count"] == sex.groups[1].count
    disparities = frame[(frame["feature"] == "sex") & frame["group"].isna()]
    assert set(disparities["metric"]) == {d.metric for d in sex.disparities}
    estimates = (
        len(evaluation.overall.metrics)
        + sum(len(group.metrics) for feature in evaluation.features for group in feature.groups)
        + sum(len(feature.disparities) for feature in evaluation.features)
    )
    assert len(frame) == estimates


def test_write_is_atomic_and_never_replaces_a_document(tmp_path: Path) -> None:
    evaluation = evaluation_of(synthetic(n=500))
    target = tmp_path / "out" / "evaluation.json"
    assert evaluation.write(target) == target
    assert target.read_text(encoding="utf-8") == evaluation.to_json()
    assert evaluation.write(str(target)) == target  # an artifact may be replaced
    card = tmp_path / "model-card.yaml"
    card.write_text("kind: model-card\n", encoding="utf-8")
    with pytest.raises(UnsafeWriteError):
        evaluation.write(card)
    assert card.read_text(encoding="utf-8") == "kind: model-card\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model-card.yaml", "out"]
    with pytest.raises(ValueError, match="give the path"):
        evaluation.write()


def test_unusable_columns_are_input_errors() -> None:
    frame = synthetic(n=300)
    with pytest.raises(InputError, match="differ in length"):
        cg.evaluate(frame["y_true"], frame["y_pred"][:-1], sensitive_features=frame["sex"])
    with pytest.raises(InputError, match="outside"):
        cg.evaluate(
            frame["y_true"],
            frame["y_pred"],
            sensitive_features=frame["sex"],
            y_score=frame["score"] * 3,
        )
    nulls = frame["y_true"].astype(float)
    nulls[:] = np.nan
    with pytest.raises(InputError, match="no rows to evaluate"):
        cg.evaluate(nulls, frame["y_pred"], sensitive_features=frame["sex"])


@pytest.mark.parametrize(
    ("settings", "where"),
    [
        ({"metrics": ["accuracy", "bogus"]}, "evaluation.metrics.1"),
        ({"metrics": 5}, "evaluation.metrics"),
        ({"metrics": "accuracy"}, "evaluation.metrics"),
        ({"thresholds": ["accuracy"]}, "evaluation.thresholds.0"),
        ({"thresholds": [{"metric": "accuracy", "min": float("nan")}]}, "thresholds.0.min"),
        ({"task": "ranking"}, "evaluation.task"),
        ({"bootstrap": {"replicates": -1}}, "evaluation.bootstrap.replicates"),
        ({"replicates": 100}, "evaluation.replicates"),
    ],
)
def test_settings_of_the_wrong_kind_are_configuration_errors(
    settings: dict[str, Any], where: str
) -> None:
    """Not pydantic's ValidationError, TypeError or ValueError: the error the API promises,
    naming the setting."""
    frame = synthetic(n=100)
    with pytest.raises(ConfigurationError, match=where) as raised:
        cg.evaluate(frame["y_true"], frame["y_pred"], sensitive_features=frame["sex"], **settings)
    assert raised.value.hint


def test_columns_of_the_wrong_kind_are_input_errors() -> None:
    frame = synthetic(n=100)
    y = (frame["y_true"], frame["y_pred"])
    with pytest.raises(InputError, match="'sex' appears twice"):
        cg.evaluate(*y, sensitive_features=frame[["sex", "race", "sex"]])
    with pytest.raises(InputError, match="'sex' must be one value per row"):
        cg.evaluate(*y, sensitive_features={"sex": frame[["sex", "race"]]})
    with pytest.raises(InputError, match="sample_weight cannot be read"):
        cg.evaluate(*y, sensitive_features=frame["sex"], sample_weight=[10**30] * 100)


@pytest.mark.slow
def test_the_worked_example_pipeline_writes_the_cli_artifact(tmp_path: Path) -> None:
    """governance/pipelines/train_credit_default.py trains the model and writes the
    evaluation through the API; `cardgate evaluate` on what it wrote gives the same bytes."""
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns(".cache"))
    (root / "systems" / "credit-default" / "evaluation.json").unlink()
    done = subprocess.run(
        [
            sys.executable,
            str(root / "pipelines" / "train_credit_default.py"),
            "--workspace",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = root / "systems" / "credit-default" / "evaluation.json"
    assert f"wrote {written}" in done.stdout
    by_api = written.read_bytes()
    result = CliRunner().invoke(app, ["evaluate", "credit-default", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    assert written.read_bytes() == by_api
    data = json.loads(by_api)
    assert data["provenance"]["predictions"]["path"] == (
        "systems/credit-default/predictions.csv.gz"
    )


def test_missing_value_tokens_are_missing_as_in_a_csv_file(workspace: Build) -> None:
    frame = synthetic(n=1000)
    frame.loc[:9, "race"] = "NA"
    frame.loc[10:14, "sex"] = ""  # an empty cell in the CSV file
    root = workspace(frame, evaluation=EVALUATION + '  missing_values: ["", NA]\n')
    evaluation = cg.evaluate(
        frame["y_true"],
        frame["y_pred"],
        sensitive_features=frame[["sex", "race"]],
        y_score=frame["score"],
        workspace=root,
        system=SYSTEM,
    )
    assert evaluation.to_json().encode() == cli_evaluate(root)
    dropped = {d.reason: d.rows for d in evaluation.artifact.provenance.predictions.dropped}
    assert dropped == {"null in column 'sex'": 5, "null in column 'race'": 10}
    alone = evaluation_of(frame, missing_values=["NA"])
    dropped = {d.reason: d.rows for d in alone.artifact.provenance.predictions.dropped}
    assert dropped == {"null in column 'race'": 10}  # '' is listed no more: a group
    assert "" in {g.group for g in alone.features[0].groups}
