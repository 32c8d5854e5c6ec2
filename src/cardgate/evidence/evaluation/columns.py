"""Predictions given as columns in memory (numpy arrays, pandas or polars columns, lists),
reduced to the same `SufficientStats` a predictions file gives: `cardgate.api.evaluate`.

The columns go through the `Accumulator` every file goes through (as Arrow arrays), so
categories, dropped rows and score bins are what `cardgate evaluate` makes of the same
values in a file. Frequency weights (`sample_weight`) are a counts table's `n`.
`same_predictions` says whether two reductions hold the same predictions, for the API's
check that the columns are the file a card names.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from cardgate.core.errors import InputError
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.evidence.evaluation.accumulator import Accumulator
from cardgate.evidence.evaluation.csv_rows import missing_tokens, tokens_as_null
from cardgate.evidence.evaluation.sources import SourceInfo
from cardgate.evidence.evaluation.stats import ERROR_COLUMNS, SCORE_BINS, SufficientStats

IN_MEMORY = "columns in memory"
"""How messages name predictions given as columns."""


def arrow_column(values: Any, name: str) -> Any:
    """One column as an Arrow array: a polars or pandas Series, a numpy array, a list.
    NaN and None are nulls, as an empty cell of a CSV file is."""
    import pyarrow as pa

    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    if isinstance(values, pa.Array):
        return values
    if type(values).__module__.split(".")[0] == "polars":
        values = values.to_pandas()  # polars' Arrow export may use string views
    if getattr(values, "ndim", 1) != 1:  # a DataFrame, a 2-D array
        raise InputError(f"{IN_MEMORY}: {name} must be one value per row (a 1-D column)")
    try:
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError, OverflowError) as error:
        raise InputError(f"{IN_MEMORY}: {name} cannot be read as a column: {error}") from error
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not isinstance(array, pa.Array) or pa.types.is_nested(array.type):
        raise InputError(f"{IN_MEMORY}: {name} must be one value per row (a 1-D column)")
    return array


def named_features(sensitive_features: Any) -> dict[str, Any]:
    """The sensitive features by name: a pandas or polars DataFrame (its columns), a
    mapping of name to column, a named Series, or one unnamed column or a 2-D array
    (named ``sensitive_feature_0``, ``_1``, ... as fairlearn names them)."""
    if isinstance(sensitive_features, Mapping):
        return {str(name): column for name, column in sensitive_features.items()}
    columns = getattr(sensitive_features, "columns", None)
    if columns is not None and not isinstance(sensitive_features, np.ndarray):
        names = [str(name) for name in columns]
        twice = next((name for name in names if names.count(name) > 1), None)
        if twice is not None:
            raise InputError(
                f"{IN_MEMORY}: sensitive feature '{twice}' appears twice among the columns",
                hint="rename or drop one of them",
            )
        return {str(name): sensitive_features[name] for name in columns}
    name = getattr(sensitive_features, "name", None)
    if isinstance(name, str) and name:
        return {name: sensitive_features}
    if isinstance(sensitive_features, np.ndarray) and sensitive_features.ndim == 2:
        return {
            f"sensitive_feature_{i}": sensitive_features[:, i]
            for i in range(len(sensitive_features.T))
        }
    return {"sensitive_feature_0": sensitive_features}


def column_statistics(
    settings: EvaluationSettings,
    *,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Mapping[str, Any],
    y_score: Any | None = None,
    sample_weight: Any | None = None,
) -> tuple[SufficientStats, SourceInfo]:
    """The columns reduced to sufficient statistics under `settings` (its task, feature
    names and limits), with the provenance of columns in memory: no path, no digest."""
    import pyarrow as pa

    regression = settings.task == "regression"
    columns = {
        "y_true": arrow_column(y_true, "y_true"),
        "y_pred": arrow_column(y_pred, "y_pred"),
    }
    if y_score is not None:
        if regression:
            raise InputError(f"{IN_MEMORY}: y_score is for classification, not regression")
        columns["y_score"] = arrow_column(y_score, "y_score")
    if sample_weight is not None:
        columns["sample_weight"] = arrow_column(sample_weight, "sample_weight")
    features = [
        arrow_column(sensitive_features[name], f"sensitive feature '{name}'")
        for name in settings.sensitive_features
    ]
    # Text values that mean "missing" are missing here too, as in a CSV file's text
    # columns (`evaluation.missing_values`; default: an empty string).
    tokens = pa.array(missing_tokens(settings), pa.string())
    features = [_text_tokens_as_null(column, tokens) for column in features]
    if not regression:
        for name in ("y_true", "y_pred"):
            columns[name] = _text_tokens_as_null(columns[name], tokens)
    lengths = {name: len(column) for name, column in columns.items()}
    lengths |= {
        name: len(column)
        for name, column in zip(settings.sensitive_features, features, strict=True)
    }
    if len(set(lengths.values())) > 1:
        shown = ", ".join(f"{name}: {n}" for name, n in lengths.items())
        raise InputError(f"{IN_MEMORY}: the columns differ in length ({shown})")
    accumulator = Accumulator(
        settings.sensitive_features,
        regression=regression,
        with_scores=y_score is not None,
        max_groups=settings.max_groups,
        source=IN_MEMORY,
    )
    if sample_weight is None:
        accumulator.add_rows(
            features,
            columns["y_true"],
            columns["y_pred"],
            columns.get("y_score"),
            label_name=settings.label_column,
            prediction_name=settings.prediction_column,
            score_name=settings.score_column if y_score is not None else None,
        )
    else:
        _add_weighted(accumulator, settings, features, columns)
    stats = accumulator.result()
    if stats.rows_used == 0:
        reasons = ", ".join(f"{rows} rows: {why}" for why, rows in stats.dropped.items())
        raise InputError(f"{IN_MEMORY}: no rows to evaluate ({reasons or 'the columns are empty'})")
    return stats, SourceInfo(None, None, None, "columns", IN_MEMORY)


def _text_tokens_as_null(column: Any, tokens: Any) -> Any:
    import pyarrow as pa

    if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
        column = column.dictionary_decode()
    if pa.types.is_large_string(column.type):
        column = column.cast(pa.string())
    if not pa.types.is_string(column.type):
        return column
    return tokens_as_null(column, tokens)


def _add_weighted(
    accumulator: Accumulator,
    settings: EvaluationSettings,
    features: list[Any],
    columns: dict[str, Any],
) -> None:
    """Weighted rows as the counts table they are (docs/counts-table.md): each row's
    weight is its `n`, and its sums are weighted."""
    weight = accumulator._numbers(columns["sample_weight"], "sample_weight")
    if not np.all(np.isfinite(weight)) or (weight < 0).any() or (weight != np.round(weight)).any():
        raise InputError(
            f"{IN_MEMORY}: sample_weight must hold non-negative whole numbers",
            hint="weights are frequencies (a row of weight 3 counts as three rows): the "
            "intervals resample rows, so fractional weights have no meaning there",
        )
    if settings.task == "regression":
        truth = accumulator._numbers(columns["y_true"], settings.label_column)
        error = accumulator._numbers(columns["y_pred"], settings.prediction_column) - truth
        sums = [weight * error, weight * np.abs(error), weight * error**2, weight * error**4]
        table = {"n": weight, **dict(zip(ERROR_COLUMNS, sums, strict=True))}
    else:
        table = {
            "n": weight,
            settings.label_column: columns["y_true"],
            settings.prediction_column: columns["y_pred"],
        }
        if "y_score" in columns:
            score = accumulator._numbers(columns["y_score"], settings.score_column or "y_score")
            if (~np.isnan(score) & ((score < 0) | (score > 1))).any():
                raise InputError(
                    f"{IN_MEMORY}: y_score holds values outside [0, 1]",
                    hint="the score must be the probability of the positive class",
                )
            bins = np.minimum(np.floor(score * SCORE_BINS), SCORE_BINS - 1)
            table |= {
                "score_bin": bins,
                "score_sum": weight * score,
                "score_sq_sum": weight * score**2,
            }
    accumulator.add_counts(
        features,
        {name: arrow_column(values, name) for name, values in table.items()},
        label_name=settings.label_column,
        prediction_name=settings.prediction_column,
    )


# -- are two reductions the same predictions? --------------------------------------------
def _named_sums(
    stats: SufficientStats, keys: Any, values: Any, *, label_slots: int
) -> dict[tuple[str, ...], Any]:
    """Rows of a table keyed by names instead of codes (feature groups, then labels or
    a score bin), summed."""
    width = len(stats.features)
    found: dict[tuple[str, ...], Any] = {}
    for key, value in zip(keys.tolist(), values, strict=True):
        names = [stats.levels[i][code] for i, code in enumerate(key[:width])]
        names += [stats.labels[code] for code in key[width : width + label_slots]]
        named = tuple(names)
        found[named] = found.get(named, 0) + value
    return found


def same_predictions(columns: SufficientStats, source: SufficientStats) -> str | None:
    """None when both reductions hold the same predictions; else what differs first.

    Groups, labels and predictions must agree exactly. Scores and regression values agree
    to the precision a file is written with (a score written with 6 decimals), so sums
    are compared with a tolerance and score histograms by (group, label) only.
    """
    if columns.features != source.features:
        return f"sensitive features {columns.features} against {source.features}"
    if columns.rows_read != source.rows_read or columns.dropped != source.dropped:
        return (
            f"{columns.rows_read} rows ({columns.dropped or 'none dropped'}) against "
            f"{source.rows_read} rows ({source.dropped or 'none dropped'})"
        )
    cells = _named_sums(columns, columns.cells_keys, columns.cells[:, 0], label_slots=2)
    other = _named_sums(source, source.cells_keys, source.cells[:, 0], label_slots=2)
    for key in sorted(set(cells) | set(other)):
        if cells.get(key, 0) != other.get(key, 0):
            rows, against = cells.get(key, 0), other.get(key, 0)
            return f"(groups, label, prediction) {key}: {rows:g} rows against {against:g}"
    checks = (
        (columns.scores_keys, columns.scores, source.scores_keys, source.scores, 1),
        (columns.errors_keys, columns.errors, source.errors_keys, source.errors, 0),
    )
    for keys, values, source_keys, source_values, label_slots in checks:
        mine = _named_sums(columns, keys, list(values), label_slots=label_slots)
        theirs = _named_sums(source, source_keys, list(source_values), label_slots=label_slots)
        for key in sorted(set(mine) | set(theirs)):
            left = mine.get(key, np.zeros(values.shape[1]))
            right = theirs.get(key, np.zeros(source_values.shape[1]))
            rows = float(right[0])
            if float(left[0]) != rows or not all(
                math.isclose(a, b, rel_tol=1e-4, abs_tol=1e-5 * max(rows, 1.0))
                for a, b in zip(left[1:].tolist(), right[1:].tolist(), strict=True)
            ):
                return f"scores or values of {key} differ"
    return None
