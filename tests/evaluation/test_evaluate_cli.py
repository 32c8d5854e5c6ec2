"""`cardgate evaluate` end to end: artifact, schema, determinism, exit codes, inputs."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.evidence.evaluation.evaluate import ARTIFACT_SCHEMA
from tests.evaluation.conftest import EVALUATION, SYSTEM, synthetic

Build = Callable[..., Path]


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["evaluate", *args, "--workspace", str(root)])
    return result.exit_code, result.output


def artifact_of(root: Path) -> dict[str, object]:
    path = root / "systems" / SYSTEM / "evaluation.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_evaluate_writes_a_valid_deterministic_artifact(workspace: Build) -> None:
    root = workspace(synthetic(bias=0.0))
    code, output = run(root, SYSTEM)
    assert code == 0, output
    assert f"wrote {SYSTEM}" in output or "evaluation.json" in output
    path = root / "systems" / SYSTEM / "evaluation.json"
    first = path.read_bytes()
    artifact = json.loads(first)
    schema = json.loads(ARTIFACT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(artifact)
    assert artifact["artifact"] == "cardgate-evaluation"
    assert artifact["provenance"]["predictions"]["path"] == f"systems/{SYSTEM}/predictions.csv.gz"
    assert [f["feature"] for f in artifact["features"]] == ["sex", "race", "sex,race"]
    assert artifact["features"][2]["groups"][0]["group"] == "a,x"
    code, _ = run(root)  # every system with an evaluation section
    assert code == 0
    assert path.read_bytes() == first


def test_settings_digest_is_the_canonical_digest_of_the_settings(workspace: Build) -> None:
    from cardgate.core.digests import canonical_sha256
    from cardgate.documents.workspace import load_workspace

    root = workspace(synthetic())
    assert run(root, SYSTEM)[0] == 0
    card = load_workspace(root).systems[SYSTEM].model_card
    assert card is not None and card.evaluation is not None
    provenance = artifact_of(root)["provenance"]
    assert isinstance(provenance, dict)
    assert provenance["settings_sha256"] == canonical_sha256(card.evaluation)


def test_fair_model_is_within_and_biased_model_beyond(workspace: Build) -> None:
    root = workspace(synthetic(n=6000, bias=0.0, seed=5))
    code, output = run(root, SYSTEM)
    assert code == 0
    fair = artifact_of(root)["thresholds"]
    assert isinstance(fair, list)
    assert fair[0]["metric"] == "demographic_parity_difference"
    assert fair[0]["state"] == "within"
    assert "pass: within" in output
    root = workspace(synthetic(n=6000, bias=0.15, seed=5))
    code, output = run(root, SYSTEM)
    assert code == 0  # failures are reported; the gate decides
    biased = artifact_of(root)["thresholds"]
    assert isinstance(biased, list)
    assert biased[0]["state"] == "beyond"
    assert biased[0]["p_value"] < 0.05
    assert biased[0]["value"] > biased[0]["noise_floor"]
    assert biased[0]["ci"][0] > 0.05
    assert "FAIL: beyond" in output
    assert "decided under policy.yaml (extends baseline), tier" in output


def test_parquet_duckdb_and_counts_inputs_agree_with_csv(workspace: Build) -> None:
    frame = synthetic(n=3000)
    root = workspace(frame)
    assert run(root, SYSTEM)[0] == 0
    reference = artifact_of(root)
    root = workspace(frame, name="predictions.parquet")
    assert run(root, SYSTEM)[0] == 0
    assert artifact_of(root)["features"] == reference["features"]
    query = (
        f"query: \"SELECT * FROM read_parquet('systems/{SYSTEM}/*.parquet')\"\n"
        f"    inputs: [systems/{SYSTEM}/predictions.parquet]"
    )
    root = workspace(source=query)
    code, output = run(root, SYSTEM)
    assert code == 1 and "can read only the files and folders listed" in output  # a glob
    root = workspace(source=query.replace("predictions.parquet]", "]"))  # the whole folder
    code, output = run(root, SYSTEM)
    assert code == 0, output
    assert artifact_of(root)["features"] == reference["features"]
    predictions = artifact_of(root)["provenance"]["predictions"]  # type: ignore[index]
    from cardgate.core.digests import inputs_sha256

    artifact = f"systems/{SYSTEM}/evaluation.json"  # an output, never an input
    digest, files = inputs_sha256(root, [f"systems/{SYSTEM}/"], exclude=[artifact])
    assert predictions["sha256"] == digest
    assert [entry["path"] for entry in predictions["inputs"]] == [path for path, _ in files]
    assert f"systems/{SYSTEM}/predictions.parquet" in [path for path, _ in files]
    # the same counts, written as the documented counts table
    import duckdb

    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.evaluation.query import counts_query

    settings = load_workspace(root).systems[SYSTEM].model_card.evaluation  # type: ignore[union-attr]
    path = root / "systems" / SYSTEM / "predictions.parquet"
    counts = duckdb.sql(counts_query(settings, f"SELECT * FROM read_parquet('{path}')")).df()
    counts.to_csv(root / "systems" / SYSTEM / "counts.csv", index=False)
    source = f"path: systems/{SYSTEM}/counts.csv\n    format: counts"
    root = workspace(source=source)
    code, output = run(root, SYSTEM)
    assert code == 0, output
    assert artifact_of(root)["features"] == reference["features"]


def test_duckdb_query_cannot_read_outside_the_workspace(workspace: Build) -> None:
    root = workspace(
        synthetic(n=200),
        source="query: \"SELECT * FROM read_csv('/etc/hostname')\"\n"
        f"    inputs: [systems/{SYSTEM}/predictions.csv.gz]",
    )
    code, output = run(root, SYSTEM)
    assert code == 1
    assert "Traceback" not in output
    root = workspace(
        source="query: \"SELECT * FROM read_csv('/etc/hostname')\"\n    inputs: [/etc/hostname]"
    )
    code, output = run(root, SYSTEM)
    assert code == 2 and "absolute" in output


def test_duckdb_query_reads_only_its_declared_inputs(workspace: Build) -> None:
    frame = synthetic(n=300)
    root = workspace(frame)
    folder = root / "systems" / SYSTEM
    frame.to_csv(folder / "other.csv", index=False)
    query = f"query: \"SELECT * FROM read_csv('systems/{SYSTEM}/other.csv')\"\n"
    code, output = run(
        workspace(source=query + f"    inputs: [systems/{SYSTEM}/predictions.csv.gz]"), SYSTEM
    )
    assert code == 1 and "DuckDB query failed" in output  # other.csv is not declared
    code, output = run(
        workspace(source=query + f"    inputs: [systems/{SYSTEM}/missing.csv]"), SYSTEM
    )
    assert code == 1 and "'systems/" in output and "does not exist" in output
    code, output = run(
        workspace(source=query + f"    inputs: [systems/{SYSTEM}/other.csv]"), SYSTEM
    )
    assert code == 0, output


def test_a_query_without_inputs_is_a_validation_error(workspace: Build) -> None:
    root = workspace(source='query: "SELECT 1"')
    result = CliRunner().invoke(app, ["validate", "--workspace", str(root)])
    assert result.exit_code == 1
    assert "a 'query' needs 'inputs'" in result.output


def test_rows_with_nulls_are_dropped_and_counted(workspace: Build) -> None:
    frame = synthetic(n=500)
    frame.loc[:9, "sex"] = None
    root = workspace(frame)
    assert run(root, SYSTEM)[0] == 0
    provenance = artifact_of(root)["provenance"]
    assert isinstance(provenance, dict)
    predictions = provenance["predictions"]
    assert predictions["rows"] == 500 and predictions["rows_used"] == 490
    assert predictions["dropped"] == [{"reason": "null in column 'sex'", "rows": 10}]


def test_small_groups_are_suppressed_from_disparities(workspace: Build) -> None:
    frame = synthetic(n=2000)
    root = workspace(
        frame, evaluation=EVALUATION.replace("min_group_size: 30", "min_group_size: 250")
    )
    code, output = run(root, SYSTEM)
    assert code == 0
    features = artifact_of(root)["features"]
    assert isinstance(features, list)
    race = features[1]
    small = [g["group"] for g in race["groups"] if g["suppressed"]]
    assert small == ["z"]
    assert race["disparities"][0]["groups_compared"] == ["x", "y"]
    assert "suppressed from disparities" in output


def _bad(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


BAD_FRAMES: dict[str, tuple[Callable[[pd.DataFrame], pd.DataFrame], str]] = {
    "missing column": (lambda f: f.drop(columns=["race"]), "column 'race' is missing"),
    "labels not binary": (
        lambda f: f.assign(
            y_true=f["y_true"].map({0: "no", 1: "yes"}), y_pred=f["y_pred"].map({0: "no", 1: "yes"})
        ),
        "positive_label",
    ),
    "multiclass labels": (lambda f: f.assign(y_true=f.index % 3), "distinct values"),
    "prediction outside labels": (lambda f: f.assign(y_pred=2), "outside the label set"),
    "all-null column": (lambda f: f.assign(y_pred=None), "every row was dropped"),
    "score outside [0, 1]": (lambda f: f.assign(score=f["score"] + 5), "column 'score'"),
    "too many groups": (lambda f: f.assign(sex=[f"p{i}" for i in range(len(f))]), "more than"),
    # echoed whole into every verdict line, page and export
    "a group of 100,000 characters": (
        lambda f: f.assign(sex=["x" * 100_000, *f["sex"][1:]]),
        f"column 'sex' has a value of 100,000 characters ('{'x' * 40}…'), more than 256",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FRAMES))
def test_bad_input_is_one_clear_error_and_no_artifact(workspace: Build, case: str) -> None:
    change, expected = BAD_FRAMES[case]
    evaluation = EVALUATION.replace("min_group_size: 30", "min_group_size: 30\n  max_groups: 50")
    root = workspace(change(synthetic(n=300)), evaluation=evaluation)
    code, output = run(root, SYSTEM)
    assert code == 1, output
    assert "Traceback" not in output
    assert expected in output
    assert "predictions.csv.gz" in output
    assert not (root / "systems" / SYSTEM / "evaluation.json").exists()
    if case == "missing column":  # located where the card names it
        import re

        assert re.search(r"model-card\.yaml:\d+:\d+: .*column 'race' is missing", output), output


def test_empty_truncated_and_escaping_inputs(workspace: Build) -> None:
    root = workspace(synthetic(n=10))
    folder = root / "systems" / SYSTEM
    whole = (folder / "predictions.csv.gz").read_bytes()
    (folder / "predictions.csv.gz").write_bytes(b"")
    code, output = run(root, SYSTEM)
    assert code == 1 and "predictions.csv.gz" in output
    # a gzip cut short, and bytes that are not gzip: check-data's hint
    for broken in (whole[: len(whole) // 2], b"J\x15 not gzip" * 300):
        (folder / "predictions.csv.gz").write_bytes(broken)
        code, output = run(root, SYSTEM)
        assert code == 1 and "predictions.csv.gz: cannot read the csv.gz file" in output, output
        assert "hint: is the file complete and really csv.gz? re-export it" in output
    synthetic(n=1000).to_parquet(folder / "p.parquet")
    data = (folder / "p.parquet").read_bytes()
    (folder / "p.parquet").write_bytes(data[: len(data) // 2])
    root = workspace(source=f"path: systems/{SYSTEM}/p.parquet")
    code, output = run(root, SYSTEM)
    assert code == 1 and "cannot read Parquet" in output and "p.parquet" in output
    root = workspace(source="path: ../outside.csv")
    code, output = run(root, SYSTEM)
    assert code == 2 and "outside the workspace" in output
    assert not (folder / "evaluation.json").exists()


def test_header_only_file_is_empty(workspace: Build) -> None:
    root = workspace(synthetic(n=10).iloc[:0])
    code, output = run(root, SYSTEM)
    assert code == 1 and "no rows" in output


def test_configuration_errors_exit_2(workspace: Build) -> None:
    root = workspace(synthetic(n=100))
    assert run(root, "nope")[0] == 2
    multiclass = EVALUATION.replace("binary-classification", "multiclass-classification")
    root = workspace(synthetic(n=100), evaluation=multiclass)
    code, output = run(root, SYSTEM)
    assert code == 2 and "not supported yet" in output


def test_evaluating_every_system_names_the_cards_that_do_not_validate(
    workspace: Build,
) -> None:
    """Without SYSTEM: the systems with a valid card are evaluated, and a card that does
    not validate (whether it has an evaluation is unknown) is named, exit 2 — not
    silently left out with exit 0."""
    root = workspace(synthetic(bias=0.0))
    broken = root / "systems" / "other" / "model-card.yaml"
    broken.parent.mkdir(parents=True)
    card = (root / "systems" / SYSTEM / "model-card.yaml").read_text(encoding="utf-8")
    broken.write_text(card.replace(f"id: {SYSTEM}", "id: other") + "risk_tier: [1]\n")
    code, output = run(root)
    assert code == 2, output
    assert (root / "systems" / SYSTEM / "evaluation.json").is_file()  # the others are done
    assert "not evaluated: the model card does not validate" in output
    assert "systems/other/model-card.yaml" in output
    assert not (broken.parent / "evaluation.json").exists()


def test_regression_task(workspace: Build) -> None:
    frame = synthetic(n=1000)
    frame["y_pred"] = frame["score"] * 10
    frame["y_true"] = frame["y_true"] * 10.0
    evaluation = (
        EVALUATION.replace("binary-classification", "regression")
        .replace("  score_column: score\n", "")
        .replace("demographic_parity_difference", "mean_absolute_error")
        .replace("metric: accuracy", "metric: mean_error")
        .replace("min: 0.6", "max: 1.0")
    )
    root = workspace(frame, evaluation=evaluation)
    code, output = run(root, SYSTEM)
    assert code == 0, output
    artifact = artifact_of(root)
    overall = artifact["overall"]
    assert isinstance(overall, dict)
    errors = frame["y_pred"] - frame["y_true"]
    assert abs(overall["metrics"]["mean_absolute_error"]["value"] - errors.abs().mean()) < 1e-9
    assert abs(overall["metrics"]["mean_error"]["value"] - errors.mean()) < 1e-9


def test_validate_does_not_import_the_heavy_libraries(workspace: Build) -> None:
    import subprocess
    import sys

    root = workspace(synthetic(n=50))
    code = (
        "import sys; from typer.testing import CliRunner; from cardgate.cli import app; "
        f"CliRunner().invoke(app, ['validate', '--workspace', {str(root)!r}]); "
        "print(sorted(m for m in ('pandas', 'fairlearn', 'sklearn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_integral_labels_written_differently_are_the_same_class(workspace: Build) -> None:
    frame = synthetic(n=600)
    reference = workspace(frame)
    assert run(reference, SYSTEM)[0] == 0
    expected = artifact_of(reference)["overall"]
    floats = frame.assign(y_pred=frame["y_pred"].map(lambda v: f"{v}.0"))
    root = workspace(floats)
    code, output = run(root, SYSTEM)[:2]
    assert code == 0, output
    assert artifact_of(root)["overall"] == expected


def test_a_link_in_a_query_input_folder_that_leads_outside_is_refused(
    workspace: Build, tmp_path: Path
) -> None:
    root = workspace(synthetic(n=200))
    folder = root / "systems" / SYSTEM / "inputs"
    folder.mkdir()
    outside = tmp_path / "outside.csv"
    outside.write_text("y,yhat\n1,1\n", encoding="utf-8")
    (folder / "link.csv").symlink_to(outside)
    query = (
        f"query: \"SELECT * FROM read_csv('systems/{SYSTEM}/inputs/link.csv')\"\n"
        f"    inputs: [systems/{SYSTEM}/inputs/]"
    )
    code, output = run(workspace(source=query), SYSTEM)
    assert code == 2 and "leads outside the workspace" in output
    assert not (root / "systems" / SYSTEM / "evaluation.json").exists()


def _regression_frame(n: int, *, bias: float, seed: int) -> pd.DataFrame:
    """Predictions with noise 1.0; group 'b' over-predicted by `bias` on average."""
    import numpy as np

    rng = np.random.default_rng(seed)
    sex = rng.choice(np.array(["a", "b"]), size=n)
    race = rng.choice(np.array(["x", "y"]), size=n)
    y_true = rng.normal(10, 3, size=n).round(4)
    y_pred = (y_true + rng.normal(0, 1, size=n) + np.where(sex == "b", bias, 0.0)).round(4)
    return pd.DataFrame({"y_true": y_true, "y_pred": y_pred, "sex": sex, "race": race})


REGRESSION = """
evaluation:
  predictions:
    {source}
  task: regression
  label_column: y_true
  prediction_column: y_pred
  sensitive_features: [sex, race]
  min_group_size: 30
  bootstrap:
    replicates: 400
    seed: 3
  thresholds:
    - metric: mean_error_difference
      feature: sex
      max: 0.2
      inconclusive: pass
"""


def test_regression_disparities_separate_a_real_difference_from_noise(workspace: Build) -> None:
    def disparities(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
        root = workspace(frame, evaluation=REGRESSION)
        code, output = run(root, SYSTEM)
        assert code == 0, output
        artifact = artifact_of(root)
        schema = json.loads(ARTIFACT_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(artifact)
        features = {f["feature"]: f for f in artifact["features"]}  # type: ignore[union-attr]
        records = {d["metric"]: d for d in features["sex"]["disparities"]}
        groups = {g["group"]: g["metrics"] for g in features["sex"]["groups"]}
        for name, record in records.items():  # the spread of the per-group values
            metric = name.removesuffix("_difference")
            values = [groups[g][metric]["value"] for g in ("a", "b")]
            assert abs(record["value"] - (max(values) - min(values))) < 1e-9  # 12 digits kept
            low, high = record["ci"]
            assert low <= record["value"] <= high
        thresholds = artifact["thresholds"]
        assert isinstance(thresholds, list)
        records["threshold"] = thresholds[0]
        gate = CliRunner().invoke(app, ["gate", "--workspace", str(root), "--format", "json"])
        records["gate"] = {
            "codes": [f["code"] for f in json.loads(gate.output)["findings"]]  # re-decided
        }
        return records

    fair = disparities(_regression_frame(4000, bias=0.0, seed=11))
    assert set(fair) >= {
        "mean_error_difference",
        "mean_absolute_error_difference",
        "root_mean_squared_error_difference",
    }
    assert fair["mean_error_difference"]["value"] < fair["mean_error_difference"]["noise_floor"]
    assert fair["mean_error_difference"]["p_value"] > 0.05
    assert fair["threshold"]["state"] == "within"
    assert "GATE-FA003" not in fair["gate"]["codes"]
    biased = disparities(_regression_frame(4000, bias=0.5, seed=11))
    record = biased["mean_error_difference"]
    assert 0.4 < record["value"] < 0.6
    assert record["value"] > record["noise_floor"] and record["p_value"] < 0.01
    assert biased["threshold"]["state"] == "beyond"
    assert "GATE-FA003" in biased["gate"]["codes"]


def test_classification_disparities_are_refused_for_regression_and_vice_versa(
    workspace: Build,
) -> None:
    frame = _regression_frame(300, bias=0.0, seed=1)
    wrong = REGRESSION.replace("mean_error_difference", "demographic_parity_difference")
    code, output = run(workspace(frame, evaluation=wrong), SYSTEM)
    assert code == 2 and "does not apply to task 'regression'" in output
    wrong = EVALUATION.replace("demographic_parity_difference", "mean_error_difference")
    code, output = run(workspace(synthetic(n=300), evaluation=wrong), SYSTEM)
    assert code == 2 and "does not apply to task 'binary-classification'" in output


def test_unusable_settings_are_reported_at_their_place_in_the_card(workspace: Build) -> None:
    root = workspace(synthetic(n=300))
    card = (root / "systems" / SYSTEM / "model-card.yaml").read_text(encoding="utf-8")
    lines = card.splitlines()

    def where(text: str) -> str:
        line = next(i for i, line in enumerate(lines, 1) if text in line)
        return f"systems/{SYSTEM}/model-card.yaml:{line}:"

    code, output = run(workspace(source=f"path: systems/{SYSTEM}/missing.csv"), SYSTEM)
    lines = (root / "systems" / SYSTEM / "model-card.yaml").read_text().splitlines()
    assert code == 1 and where("missing.csv") in output and "does not exist" in output
    odd = EVALUATION.replace(
        "      min: 0.6", "      min: 0.6\n      feature: sex\n      group: nobody"
    )
    code, output = run(workspace(synthetic(n=300), evaluation=odd), SYSTEM)
    lines = (root / "systems" / SYSTEM / "model-card.yaml").read_text().splitlines()
    assert code == 2 and where("group: nobody") in output and "not a group" in output
    invalid = EVALUATION.replace("feature: sex", "feature: shoe_size")
    code, output = run(workspace(evaluation=invalid), SYSTEM)
    lines = (root / "systems" / SYSTEM / "model-card.yaml").read_text().splitlines()
    assert code == 2 and "does not validate: " in output
    assert f"systems/{SYSTEM}/model-card.yaml:" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("score_sum", "nan", "score_sum nan"),
        ("score_sum", "500", "score_sum 500"),
        ("score_sq_sum", "-1", "score_sq_sum -1"),
    ],
)
def test_score_sums_a_counts_table_cannot_hold_are_refused(
    workspace: Build, column: str, value: str, shown: str
) -> None:
    """The sums of n scores in a bin lie in the bin's range: a NaN was an internal error
    (the bootstrap's probabilities), 500 for a few scores in [0, 1] was evaluated."""
    import duckdb

    from cardgate.documents.workspace import load_workspace
    from cardgate.evidence.evaluation.query import counts_query

    root = workspace(synthetic(n=500))
    settings = load_workspace(root).systems[SYSTEM].model_card.evaluation  # type: ignore[union-attr]
    path = root / "systems" / SYSTEM / "predictions.csv.gz"
    counts = duckdb.sql(counts_query(settings, f"SELECT * FROM read_csv('{path}')")).df()
    counts[column] = counts[column].astype(object)
    counts.loc[counts["n"].idxmax(), column] = value
    counts.to_csv(root / "systems" / SYSTEM / "counts.csv", index=False)
    root = workspace(source=f"path: systems/{SYSTEM}/counts.csv\n    format: counts")
    code, output = run(root, SYSTEM)
    assert code == 1, output
    assert "counts.csv: a row of n " in output and shown in output, output
    assert "not the sums of" in output and "Traceback" not in output
    assert not (root / "systems" / SYSTEM / "evaluation.json").exists()


def test_a_predictions_path_from_the_wrong_folder_says_which_path_to_write(
    workspace: Build,
) -> None:
    """evaluation.predictions.path is read from the workspace's folder: one written from
    the card's folder ('predictions.csv.gz') or from the project above the workspace
    ('../out/p.csv') was 'does not exist' without a hint, or 'leads outside the
    workspace' without one; each now says where paths are read from, and the first the
    path to write. Exit codes as before, nothing written."""
    root = workspace(synthetic(n=50), source="path: predictions.csv.gz")
    code, output = run(root, SYSTEM)
    assert code == 1, output
    assert "model-card.yaml:" in output and "predictions.csv.gz does not exist" in output
    assert f"hint: did you mean 'systems/{SYSTEM}/predictions.csv.gz'?" in output
    assert "read from the workspace's folder" in output
    root = workspace(source="path: ../out/p.csv")
    code, output = run(root, SYSTEM)
    assert code == 2 and "leads outside the workspace" in output, output
    assert f"hint: the predictions must be inside the workspace (e.g. systems/{SYSTEM}/" in output
    root = workspace(source="path: gone.csv")
    code, output = run(root, SYSTEM)
    assert code == 1 and "hint: paths under evaluation: are read from the workspace's" in output
    assert not (root / "systems" / SYSTEM / "evaluation.json").exists()
