"""The one-bincount path for null-free classification rows equals the general path."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from cardgate.evidence.evaluation.accumulator import Accumulator
from cardgate.evidence.evaluation.stats import SufficientStats


def _columns(seed: int, rows: int) -> list[tuple[list[Any], Any, Any]]:
    """Batches of (feature columns, label, prediction) in the types the readers produce."""
    rng = np.random.default_rng(seed)
    batches = []
    for _ in range(3):
        sex = rng.choice(np.array(["F", "M"]), rows)
        tier = rng.integers(3, 5, rows).astype(np.int16)  # integers as a sensitive feature
        region = rng.choice(np.array(["n", "s", "e", "w", "c"]), rows)
        truth = rng.integers(0, 2, rows).astype(np.int8)
        predicted = rng.integers(0, 2, rows).astype(np.int8)
        kind = seed % 4
        if kind == 0:
            label, prediction = pa.array(truth), pa.array(predicted)
        elif kind == 1:  # booleans
            label, prediction = pa.array(truth.astype(bool)), pa.array(predicted.astype(bool))
        elif kind == 2:  # text, as CSV gives
            label = pa.array(truth.astype(str))
            prediction = pa.array(predicted.astype(str))
        else:  # integers other than 0/1, one column constant
            label = pa.array((truth + 1).astype(np.int64))
            prediction = pa.array(np.full(rows, 2, dtype=np.int32))
        subset = rng.permutation(["w", "c", "n", "e", "s"])[: rng.integers(2, 6)]
        features = [
            pa.DictionaryArray.from_arrays(  # each batch's dictionary in another order
                pa.array(rng.integers(0, 3, rows).astype(np.int32)),
                pa.array(rng.permutation(["F", "M", "X"])),
            )
            if seed % 2
            else pa.array(sex).dictionary_encode(),
            pa.array(tier),
            pa.DictionaryArray.from_arrays(  # each batch's dictionary another subset
                pa.array(rng.integers(0, len(subset), rows).astype(np.int32)),
                pa.array(subset),
            )
            if seed % 2
            else pa.array(region),
        ]
        batches.append((features, label, prediction))
    return batches


def _accumulate(
    batches: list[tuple[list[Any], Any, Any]], monkeypatch: pytest.MonkeyPatch, *, fast: bool
) -> SufficientStats:
    accumulator = Accumulator(
        ["sex", "tier", "region"], regression=False, with_scores=False, max_groups=50, source="t"
    )
    indexed = accumulator._add_cells_indexed
    monkeypatch.setattr(
        accumulator,
        "_add_cells_indexed",
        lambda columns: fast and _added(indexed(columns)),
    )
    for features, label, prediction in batches:
        accumulator.add_rows(
            features,
            label,
            prediction,
            None,
            label_name="y",
            prediction_name="p",
            score_name=None,
        )
    return accumulator.result()


def _added(done: bool) -> bool:
    assert done, "the one-bincount path declined null-free rows"
    return done


@pytest.mark.parametrize("seed", range(8))
def test_indexed_path_equals_general_path(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    batches = _columns(seed, 500 + 37 * seed)
    fast = _accumulate(batches, monkeypatch, fast=True)
    general = _accumulate(batches, monkeypatch, fast=False)
    assert fast.levels == general.levels
    assert fast.labels == general.labels
    assert np.array_equal(fast.cells_keys, general.cells_keys)
    assert np.array_equal(fast.cells, general.cells)
    assert fast.rows_read == general.rows_read
    assert fast.dropped == general.dropped == {}


REGRESSION_COUNTS = (
    "sex,n,error_sum,abs_error_sum,sq_error_sum,quad_error_sum\nF,100,5,20,10,3\nM,100,-5,25,12,4\n"
)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("F,100,5,20,10,3", "F,100,inf,20,10,3"),
        ("F,100,5,20,10,3", "F,100,5,20,-10,3"),  # an RMSE of 0.1 instead of 0.33
        ("F,100,5,20,10,3", "F,100,50,2,10,3"),  # |Σe| above Σ|e|
        ("F,100,5,20,10,3", "F,100,5,20,1,3"),  # (Σ|e|)² above nΣe²
    ],
)
def test_regression_error_sums_no_errors_can_have_are_refused(
    tmp_path: Any, old: str, new: str
) -> None:
    """A counts table's error sums feed every regression metric: sums that contradict
    each other were evaluated (into better numbers, with NaN warnings)."""
    from pathlib import Path

    from cardgate.core.errors import InputError
    from cardgate.documents.schemas.evaluation import EvaluationSettings
    from cardgate.evidence.evaluation.evaluate import evaluate_settings

    settings = EvaluationSettings.model_validate(
        {
            "task": "regression",
            "label_column": "y",
            "prediction_column": "p",
            "sensitive_features": ["sex"],
            "metrics": ["mean_absolute_error", "root_mean_squared_error"],
            "predictions": {"path": "counts.csv", "format": "counts"},
            "bootstrap": {"replicates": 20, "seed": 7},
        }
    )
    root = Path(tmp_path)
    (root / "counts.csv").write_text(REGRESSION_COUNTS, encoding="utf-8")
    evaluate_settings(settings, root=root, system="s")  # consistent sums: evaluated
    (root / "counts.csv").write_text(REGRESSION_COUNTS.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError, match=r"a row of n 100 has error_sum .*: not the sums of 100"):
        evaluate_settings(settings, root=root, system="s")
