"""`cardgate evaluate` computes fairlearn's numbers without importing fairlearn.

The point estimates come from the formulas of `metrics` (fairlearn is their reference:
test_equivalence holds them equal bit for bit); here the whole command is held to
fairlearn's `MetricFrame` on the raw rows of the predictions file, and to its imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from fairlearn import metrics as fm
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.schemas.evaluation import CLASSIFICATION_DISPARITIES
from cardgate.evidence.evaluation.categories import numbers_of
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


@pytest.mark.parametrize("name", ["predictions.parquet", "predictions.csv.gz"])
def test_evaluate_imports_neither_fairlearn_scikit_learn_scipy_nor_pandas(
    workspace: Build, name: str
) -> None:
    root = workspace(synthetic(n=500), name=name)
    code = (
        "import sys; from typer.testing import CliRunner; from cardgate.cli import app; "
        f"r = CliRunner().invoke(app, ['evaluate', {SYSTEM!r}, '--workspace', {str(root)!r}]); "
        "assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('fairlearn', 'sklearn', 'scipy', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (root / "systems" / SYSTEM / "evaluation.json").is_file()


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


def test_numbers_of_reads_sliced_chunked_and_null_arrays() -> None:
    values = pa.array(np.arange(10, dtype=np.int8))
    sliced = values.slice(3, 4)
    assert numbers_of(sliced).tolist() == [3, 4, 5, 6]
    assert numbers_of(sliced).dtype == np.int8
    chunked = pa.chunked_array([pa.array([1.5, 2.5]), pa.array([3.5])])
    assert numbers_of(chunked).tolist() == [1.5, 2.5, 3.5]
    with_null = numbers_of(pa.array([1.0, None, 3.0]), null=np.nan)
    assert with_null[0] == 1.0 and np.isnan(with_null[1]) and with_null[2] == 3.0
    codes = pa.array([None, 1, 2, None, 4, 5, 6, 7, 8, None], pa.int32()).slice(1)
    assert numbers_of(codes, null=-1).tolist() == [1, 2, -1, 4, 5, 6, 7, 8, -1]
    assert numbers_of(pa.array([True, False])).tolist() == [True, False]
    assert numbers_of(pa.array(np.arange(5, dtype=np.uint32)).slice(1)).tolist() == [1, 2, 3, 4]


def test_pandas_is_not_needed_for_reading_numbers() -> None:
    code = (
        "import sys, pyarrow as pa\n"
        "from cardgate.evidence.evaluation.categories import numbers_of\n"
        "import numpy as np\n"
        "values = pa.py_buffer(np.array([1, 2, 3], dtype=np.int64).tobytes())\n"
        "a = pa.Array.from_buffers(pa.int64(), 3, [pa.py_buffer(bytes([0b101])), values])\n"
        "assert numbers_of(a.slice(1), null=-1).tolist() == [-1, 3]\n"
        "print('pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert pd.__name__ == "pandas"  # the test itself may use it; the code under test does not
