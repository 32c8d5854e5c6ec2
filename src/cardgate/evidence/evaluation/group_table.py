"""The per-group table metrics are computed from: a feature's marginal of the sufficient
statistics, with the positive label resolved (`binary_labels`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cardgate.core.errors import InputError
from cardgate.evidence.evaluation.stats import (
    SCORE_BINS,
    FloatArray,
    IntArray,
    SufficientStats,
)


@dataclass
class GroupTable:
    """One sensitive feature (or intersection): its groups and their tables.

    `cells[g, t, p]`: rows of group g with label t and prediction p (0/1).
    `scores[g, t, b]`: [rows, sum score, sum score²] of group g, label t, score bin b.
    `errors[g]`: [rows, sum e, sum |e|, sum e², sum e⁴].
    """

    name: str
    columns: list[str]
    groups: list[str]
    counts: FloatArray
    cells: FloatArray | None = None
    scores: FloatArray | None = None
    errors: FloatArray | None = None
    fairlearn: tuple[dict[str, list[float]], dict[str, float]] | None = None

    def total(self) -> GroupTable:
        """The table of all rows as one group."""

        def summed(array: FloatArray | None) -> FloatArray | None:
            return None if array is None else array.sum(axis=0, keepdims=True)

        return GroupTable(
            "overall",
            [],
            ["overall"],
            self.counts.sum(keepdims=True),
            summed(self.cells),
            summed(self.scores),
            summed(self.errors),
        )


# -- from statistics to tables -------------------------------------------------------
def binary_labels(
    stats: SufficientStats,
    *,
    positive_label: str | None,
    label_column: str,
    prediction_column: str,
    source: str,
) -> IntArray:
    """Map label codes to 0/1; refuse labels that are not binary and unknown predictions.

    Labels compare as text, with integral numbers in one form: a CSV column of `1` and a
    prediction column of `1.0` name the same class.
    """
    width = len(stats.features)
    present = stats.cells[:, 0] > 0
    labels = [_canonical_label(value) for value in stats.labels]
    truth = sorted({labels[c] for c in stats.cells_keys[present, width].tolist()})
    predicted = sorted({labels[c] for c in stats.cells_keys[present, width + 1].tolist()})
    if positive_label is not None:
        positive_label = _canonical_label(positive_label)
    if len(truth) > 2:
        missing = [value for value in truth if value.strip().lower() in MISSING_LOOKING]
        raise InputError(
            f"{source}: column '{label_column}' has {len(truth)} distinct values "
            f"({_listing(truth)}); binary classification needs two",
            hint=(
                f"if {_listing(missing)} means a missing label, list it in "
                "evaluation.missing_values"
                if missing
                else "multiclass evaluation is not supported yet"
            ),
        )
    if positive_label is None:
        for negative, positive in (("0", "1"), ("False", "True"), ("false", "true")):
            if set(truth) <= {negative, positive}:
                positive_label = positive
                truth = sorted({*truth, negative})
                break
        else:
            raise InputError(
                f"{source}: labels in column '{label_column}' are {_listing(truth)}, "
                "not 0/1 or booleans",
                hint="set evaluation.positive_label in the model card",
            )
    label_set = set(truth) | {positive_label}
    if len(label_set) > 2:
        raise InputError(
            f"{source}: positive_label '{positive_label}' is not one of the labels in column "
            f"'{label_column}' ({_listing(truth)})",
            hint="set evaluation.positive_label to one of the labels",
        )
    if len(label_set) == 1:  # one class in the labels: a prediction may name the other
        others = [value for value in predicted if value not in label_set]
        label_set |= set(others[:1])
    outside = [value for value in predicted if value not in label_set]
    if outside:
        raise InputError(
            f"{source}: column '{prediction_column}' holds {_listing(outside)}, outside the "
            f"label set ({_listing(sorted(label_set))})",
            hint="predictions must use the same values as the labels",
        )
    return np.array([1 if value == positive_label else 0 for value in labels], dtype=np.int64)


MISSING_LOOKING = frozenset({"", "na", "n/a", "nan", "null", "none", "missing", "?"})
"""Text that often means "missing": a hint names it, nothing drops it."""


def _canonical_label(value: str) -> str:
    """'1.0' and '1' (and '1e0') as '1'; any other text unchanged."""
    try:
        number = float(value)
    except ValueError:
        return value
    return str(int(number)) if number.is_integer() else value


def _listing(values: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:limit])
    return shown + (", ..." if len(values) > limit else "")


def group_table(
    stats: SufficientStats,
    columns: Sequence[str],
    *,
    binary: IntArray | None,
    max_groups: int,
    source: str,
) -> GroupTable:
    """The marginal table of `columns` (one feature, or an intersection)."""
    index = [stats.features.index(c) for c in columns]
    name = ",".join(columns)
    regression = binary is None
    keys_source = stats.errors_keys if regression else stats.cells_keys
    label_of: dict[tuple[int, ...], str] = {}
    for row in np.unique(keys_source[:, index], axis=0).tolist():
        label_of[tuple(row)] = ",".join(stats.levels[i][c] for i, c in zip(index, row, strict=True))
    groups = sorted(set(label_of.values()))
    if len(groups) > max_groups:
        raise InputError(
            f"{source}: '{name}' has {len(groups)} groups, more than max_groups ({max_groups})",
            hint="a sensitive feature should have few groups (raise evaluation.max_groups "
            "if this is intended)",
        )
    position = {g: i for i, g in enumerate(groups)}

    def group_index(keys: IntArray) -> IntArray:
        rows = [position[label_of[tuple(r)]] for r in keys[:, index].tolist()]
        return np.asarray(rows, dtype=np.int64)

    size = len(groups)
    if regression:
        errors = np.zeros((size, 5))
        np.add.at(errors, group_index(stats.errors_keys), stats.errors)
        return GroupTable(name, list(columns), groups, errors[:, 0].copy(), errors=errors)
    assert binary is not None
    width = len(stats.features)
    cells = np.zeros((size, 2, 2))
    truth = binary[stats.cells_keys[:, width]]
    predicted = binary[stats.cells_keys[:, width + 1]]
    np.add.at(cells, (group_index(stats.cells_keys), truth, predicted), stats.cells[:, 0])
    scores: FloatArray | None = None
    if len(stats.scores_keys):
        scores = np.zeros((size, 2, SCORE_BINS, 3))
        np.add.at(
            scores,
            (
                group_index(stats.scores_keys),
                binary[stats.scores_keys[:, width]],
                stats.scores_keys[:, width + 1],
            ),
            stats.scores,
        )
    return GroupTable(
        name, list(columns), groups, cells.sum(axis=(1, 2)), cells=cells, scores=scores
    )
