"""Metrics on the aggregated count table equal fairlearn's MetricFrame on the raw rows."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
from fairlearn import metrics as fm
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, precision_score

from cardgate.documents.schemas.evaluation import CLASSIFICATION_DISPARITIES
from cardgate.evidence.evaluation import metrics as M
from cardgate.evidence.evaluation.accumulator import Accumulator
from cardgate.evidence.evaluation.fairlearn_bridge import fairlearn_disparities, fairlearn_estimates
from cardgate.evidence.evaluation.group_table import GroupTable, binary_labels, group_table

RAW = {
    "selection_rate": fm.selection_rate,
    "accuracy": accuracy_score,
    "precision": lambda t, p: precision_score(t, p, zero_division=0),
    "recall": fm.true_positive_rate,
    "true_positive_rate": fm.true_positive_rate,
    "false_positive_rate": fm.false_positive_rate,
    "false_negative_rate": fm.false_negative_rate,
    "f1": lambda t, p: f1_score(t, p, zero_division=0),
    "balanced_accuracy": balanced_accuracy_score,
}

rows = st.lists(
    st.tuples(st.sampled_from(["g1", "g2", "g3"]), st.integers(0, 1), st.integers(0, 1)),
    min_size=1,
    max_size=200,
)


def table_of(frame: pd.DataFrame) -> GroupTable:
    accumulator = Accumulator(
        ["group"], regression=False, with_scores=False, max_groups=1000, source="test"
    )
    accumulator.add_rows(
        [pa.array(frame["group"])],
        pa.array(frame["y_true"]),
        pa.array(frame["y_pred"]),
        None,
        label_name="y_true",
        prediction_name="y_pred",
        score_name=None,
    )
    stats = accumulator.result()
    binary = binary_labels(
        stats, positive_label="1", label_column="y_true", prediction_column="y_pred", source="t"
    )
    return group_table(stats, ["group"], binary=binary, max_groups=1000, source="test")


@settings(max_examples=100, deadline=None)
@given(rows)
def test_group_metrics_equal_metricframe_on_raw_rows(data: list[tuple[str, int, int]]) -> None:
    frame = pd.DataFrame(data, columns=["group", "y_true", "y_pred"])
    table = table_of(frame)
    numeric = M.classification_values(table.cells)
    fair_groups, fair_overall = fairlearn_estimates(table, list(RAW))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        raw = fm.MetricFrame(
            metrics=RAW,
            y_true=frame["y_true"],
            y_pred=frame["y_pred"],
            sensitive_features=frame["group"],
        )
    for name in RAW:
        for index, group in enumerate(table.groups):
            expected = float(raw.by_group.loc[group, name])
            if np.isfinite(numeric[name][index]):  # undefined ones are null in the artifact
                assert (
                    numeric[name][index] == np.float64(expected)
                    or abs(numeric[name][index] - expected) < 1e-12
                ), (name, group)
                assert abs(fair_groups[name][index] - expected) < 1e-12, (name, group)
                # evaluate uses the numpy values as fairlearn's: they must agree bit for bit
                assert numeric[name][index] == fair_groups[name][index], (name, group)
        overall = float(raw.overall[name])
        total = M.classification_values(table.total().cells)[name][0]
        if np.isfinite(total):
            assert abs(fair_overall[name] - overall) < 1e-12, name
            assert total == fair_overall[name], name


@settings(max_examples=60, deadline=None)
@given(rows)
def test_disparities_equal_fairlearn_on_raw_rows(data: list[tuple[str, int, int]]) -> None:
    frame = pd.DataFrame(data, columns=["group", "y_true", "y_pred"])
    table = table_of(frame)
    numeric = M.disparity_values(table.cells)
    weighted = fairlearn_disparities(table, [True] * len(table.groups))
    for name in CLASSIFICATION_DISPARITIES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = getattr(fm, name)(
                frame["y_true"], frame["y_pred"], sensitive_features=frame["group"]
            )
        if np.isfinite(numeric[name]):
            assert abs(float(numeric[name]) - expected) < 1e-12, name
            assert abs(weighted[name] - expected) < 1e-12, name


def test_score_metrics_match_sklearn_within_bin_resolution() -> None:
    from sklearn.metrics import brier_score_loss, roc_auc_score

    rng = np.random.default_rng(3)
    y = rng.binomial(1, 0.3, 5000)
    score = np.clip(0.3 + 0.3 * y + rng.normal(0, 0.2, 5000), 0, 1)
    accumulator = Accumulator(["g"], regression=False, with_scores=True, max_groups=10, source="t")
    accumulator.add_rows(
        [pa.array(["a"] * 5000)],
        pa.array(y),
        pa.array(y),
        pa.array(score),
        label_name="y",
        prediction_name="y",
        score_name="s",
    )
    stats = accumulator.result()
    binary = binary_labels(
        stats, positive_label=None, label_column="y", prediction_column="y", source="t"
    )
    table = group_table(stats, ["g"], binary=binary, max_groups=10, source="t")
    assert table.scores is not None
    values = M.score_values(table.scores)
    assert abs(values["roc_auc"][0] - roc_auc_score(y, score)) < 2e-3
    assert abs(values["brier_score"][0] - brier_score_loss(y, score)) < 1e-12
