"""`cardgate evaluate`'s point estimates are fairlearn's: fairlearn's `MetricFrame` computes
them at run time (over the group table's weighted rows, `fairlearn_bridge`), and the whole
command is held here to `MetricFrame` and fairlearn's disparity functions on the raw rows
of the predictions file.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

from fairlearn import metrics as fm
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.schemas.evaluation import CLASSIFICATION_DISPARITIES
from cardgate.evidence.evaluation.numbers import json_number
from tests.evaluation.conftest import SYSTEM, synthetic
from tests.evaluation.test_equivalence import RAW

Build = Callable[..., Path]


def _artifact(root: Path) -> dict[str, object]:
    result = CliRunner().invoke(app, ["evaluate", SYSTEM, "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    path = root / "systems" / SYSTEM / "evaluation.json"
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_evaluate_runs_fairlearn(workspace: Build) -> None:
    """fairlearn computes the metrics (the project's choice of engine), not a copy of it."""
    root = workspace(synthetic(n=500), name="predictions.parquet")
    code = (
        "import sys; from unittest import mock; from typer.testing import CliRunner; "
        "from cardgate.cli import app; import fairlearn.metrics as fm; "
        "spy = mock.patch.object(fm, 'MetricFrame', wraps=fm.MetricFrame); frame = spy.start(); "
        f"r = CliRunner().invoke(app, ['evaluate', {SYSTEM!r}, '--workspace', {str(root)!r}]); "
        "assert r.exit_code == 0, r.output; print(frame.call_count)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout.strip()) >= 1


def test_every_point_estimate_is_fairlearns_on_the_raw_rows(workspace: Build) -> None:
    frame = synthetic(n=3000, bias=0.1, seed=11)
    artifact = _artifact(workspace(frame, name="predictions.parquet"))
    frame["sex,race"] = frame["sex"] + "," + frame["race"]
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        overall = fm.MetricFrame(
            metrics=RAW,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame["sex"],
        ).overall
        metrics = artifact["overall"]["metrics"]  # type: ignore[index]
        for name in RAW:
            if name in metrics:
                assert metrics[name]["value"] == json_number(float(overall[name])), name
                checked += 1
        for feature in artifact["features"]:  # type: ignore[attr-defined]
            rows = frame[feature["feature"]]
            by_group = fm.MetricFrame(
                metrics=RAW, y_true=frame["y_true"], y_pred=frame["y_pred"], sensitive_features=rows
            ).by_group
            for group in feature["groups"]:
                for name, record in group["metrics"].items():
                    if name in RAW:
                        expected = json_number(float(by_group.loc[group["group"], name]))
                        assert record["value"] == expected, (feature["feature"], name)
                        checked += 1
            for record in feature["disparities"]:
                assert record["metric"] in CLASSIFICATION_DISPARITIES
                assert sorted(record["groups_compared"]) == sorted(rows.unique())
                expected = getattr(fm, record["metric"])(
                    frame["y_true"], frame["y_pred"], sensitive_features=rows
                )
                assert record["value"] == json_number(float(expected)), record["metric"]
                checked += 1
    assert checked > 100
