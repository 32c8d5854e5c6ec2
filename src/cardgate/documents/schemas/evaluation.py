"""The `evaluation:` section of a model card: how `cardgate evaluate` computes metrics."""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cardgate.documents.schemas.base import (
    Identifier,
    Section,
    Text,
    decided_by,
    hinted,
    optional,
    required,
)
from cardgate.documents.schemas.evaluated_features import refuse_unevaluated

Task = Literal["binary-classification", "regression", "multiclass-classification"]

# The metric names, by family: the one list that the schema, the evaluator and the site use.
ClassificationMetric = Literal[
    "selection_rate",
    "accuracy",
    "precision",
    "recall",
    "true_positive_rate",
    "false_positive_rate",
    "false_negative_rate",
    "f1",
    "balanced_accuracy",
]
ScoreMetric = Literal["roc_auc", "expected_calibration_error", "brier_score"]
RegressionMetric = Literal["mean_absolute_error", "root_mean_squared_error", "mean_error"]
ClassificationDisparity = Literal[
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equalized_odds_ratio",
    "equal_opportunity_difference",
    "equal_opportunity_ratio",
]
RegressionDisparity = Literal[
    # largest minus smallest group value of the metric the name starts with
    "mean_error_difference",
    "mean_absolute_error_difference",
    "root_mean_squared_error_difference",
]
DisparityMetric = Literal[ClassificationDisparity, RegressionDisparity]
MetricName = Literal["count", ClassificationMetric, ScoreMetric, RegressionMetric, DisparityMetric]
InconclusiveAction = Literal["block", "block-if-evident", "warn", "pass"]
"""What a threshold whose interval straddles its limit means for a release
(`block-if-evident`: block where the estimate is beyond the limit and the disparity beyond
the noise floor of its null test, warn otherwise)."""

Dialect = Literal["duckdb", "spark", "bigquery", "snowflake", "trino", "postgres"]
"""The SQL engines `cardgate sql` writes the counts query for (sqlglot's dialect names)."""
EvidenceLevel = Literal["counts", "counts-with-query", "rows"]
"""How much of an evaluation cardgate computed itself, weakest first: from a counts table
computed elsewhere; from one whose recorded query is the one `cardgate sql` prints for the
card; from the rows (a file or a DuckDB query over hashed inputs)."""

CLASSIFICATION_METRICS: tuple[str, ...] = typing.get_args(ClassificationMetric)
SCORE_METRICS: tuple[str, ...] = typing.get_args(ScoreMetric)
REGRESSION_METRICS: tuple[str, ...] = typing.get_args(RegressionMetric)
CLASSIFICATION_DISPARITIES: tuple[str, ...] = typing.get_args(ClassificationDisparity)
REGRESSION_DISPARITIES: tuple[str, ...] = typing.get_args(RegressionDisparity)
DISPARITY_METRICS: tuple[str, ...] = (*CLASSIFICATION_DISPARITIES, *REGRESSION_DISPARITIES)


def label_text(value: object) -> str:
    """A label (``positive_label``, an outcome value) as text with integral numbers in one
    form: '1', '1.0', ' 1' and 1 are '1'; any other text unchanged but stripped."""
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() else text


GROUP_METRICS: tuple[str, ...] = (
    "count",
    *CLASSIFICATION_METRICS,
    *SCORE_METRICS,
    *REGRESSION_METRICS,
)


class TableRead(Section):
    """A table the counts query read, as the engine names it."""

    name: Text = required(
        "The table's name in the engine, e.g. project.dataset.predictions.",
        examples=["analytics.ml.credit_predictions"],
    )
    version: Text | None = optional(
        "Its version when the query ran, where the engine has one: a Delta table version, "
        "an Iceberg snapshot id, BigQuery's last-modified time, a Snowflake time-travel "
        "timestamp.",
        examples=["2026-11-30T06:00:00Z"],
    )


class ComputedBy(Section):
    """Where a counts table (or a contract's statistics) was computed, when cardgate could
    not read the rows itself."""

    engine: Dialect = required(
        "The engine that ran the query (its SQL dialect).", examples=["bigquery"]
    )
    query: Text = required(
        "Workspace-relative path of the SQL file that was run: what `cardgate sql` printed. "
        "The artifact records its SHA-256 and whether it is the document's own query.",
        examples=["systems/{{ id }}/counts.sql"],
    )
    tables: list[TableRead] = Field(
        min_length=1, description="The tables the query read, with their versions."
    )
    rows: int | None = Field(
        default=None,
        ge=0,
        description="Rows the query read, as the engine reported; `evaluate` checks the "
        "counts table adds up to it, `check-data` the statistics' row count.",
    )


class PredictionsSource(Section):
    """Where the model's predictions are read from (exactly one of `path` or `query`)."""

    path: Text | None = optional(
        "Workspace-relative path of a CSV (optionally .gz) or Parquet file of predictions, "
        "or of a counts table (see `format`), or of a Delta table's folder (its latest "
        "version is read; the `delta` extra).",
        examples=["systems/{{ id }}/predictions.parquet"],
    )
    query: Text | None = optional(
        "A DuckDB SQL query over local Parquet/CSV files (paths relative to the workspace), "
        "for predictions larger than memory. Needs `inputs`."
    )
    inputs: list[Text] | None = optional(
        # None, not [], when absent: settings digests of cards without it stay as they were
        "For a `query`: the workspace-relative files and folders it reads (a folder means "
        "every file under it). The query can read nothing else; the evaluation records "
        "their SHA-256 and the gate checks them again.",
    )
    format: Literal["rows", "counts"] = Field(
        default="rows",
        description="'rows': one row per prediction; 'counts': the documented sufficient-"
        "statistics table produced by any SQL engine.",
    )
    computed_by: ComputedBy | None = optional(
        "For a counts table: the engine, the query that was run and the tables it read "
        "(provenance the gate can weigh: docs/scale.md)."
    )

    @model_validator(mode="after")
    def _one_source(self) -> PredictionsSource:
        if (self.path is None) == (self.query is None):
            raise ValueError("give exactly one of 'path' or 'query'")
        if self.query is not None and not self.inputs:
            raise ValueError(
                "a 'query' needs 'inputs': the files or folders it reads, so that the "
                "evaluation can be verified against them"
            )
        if self.path is not None and self.inputs:
            raise ValueError("'inputs' belongs to a 'query'; a 'path' is its own input")
        if self.computed_by is not None and self.format != "counts":
            raise ValueError(
                "'computed_by' describes a counts table computed elsewhere: it needs "
                "'format: counts'"
            )
        return self


class Threshold(Section):
    """A limit the evaluation must meet; checked by `cardgate evaluate` and the gate."""

    metric: MetricName = required(
        "The metric, a per-group metric or a disparity.",
        examples=["demographic_parity_difference"],
    )
    feature: Text | None = optional(
        "Sensitive feature (or intersection, written 'a,b') the limit applies to; "
        "omit for every feature."
    )
    group: Text | None = optional(
        "For a per-group metric: the group it applies to; omit for every group."
    )
    min: float | None = optional("Lowest acceptable value.")
    max: float | None = optional("Highest acceptable value.", examples=[0.1])
    inconclusive: InconclusiveAction | None = optional(
        "What an inconclusive result (the confidence interval straddles the limit) means "
        "for a release: 'block', 'block-if-evident' (block where the estimate is beyond "
        "the limit and the disparity beyond its noise floor, warn otherwise), 'warn' or "
        "'pass'. Default: the policy's for the risk tier; a card can be stricter than the "
        "policy, never looser."
    )

    @model_validator(mode="before")
    @classmethod
    def _retired_decide_on(cls, data: object) -> object:
        if isinstance(data, dict) and "decide_on" in data:
            raise ValueError(
                "'decide_on' was replaced by 'inconclusive': a verdict is within, beyond or "
                "inconclusive from the confidence interval; say what an inconclusive result "
                "means (ci-bound was 'inconclusive: block', significance 'inconclusive: "
                "pass'; see docs/statistics.md)"
            )
        return data

    @field_validator("min", "max")
    @classmethod
    def _unfair_side(cls, bound: float | None, info: ValidationInfo) -> float | None:
        metric = str(info.data.get("metric", ""))
        if bound is None or metric not in DISPARITY_METRICS:
            return bound
        ratio = metric.endswith("_ratio")
        if info.field_name == ("max" if ratio else "min") and (bound < 1 if ratio else bound > 0):
            what, parity, side = ("ratio", 1, "below") if ratio else ("difference", 0, "above")
            raise hinted(
                f"on a {what}, a limit {side} {parity} demands a disparity ({parity} is parity; "
                f"a {'smaller' if ratio else 'larger'} {what} is less fair)",
                "limit a ratio with 'min' (the four-fifths rule is min: 0.8)"
                if ratio
                else "limit a difference with 'max' (e.g. max: 0.1)",
            )
        return bound

    @model_validator(mode="after")
    def _a_bound(self) -> Threshold:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.group is not None and self.feature is None:
            raise ValueError("a threshold with 'group' needs the 'feature' the group belongs to")
        return self


class Bootstrap(Section):
    """Uncertainty settings."""

    replicates: int = Field(default=1000, ge=0, le=100_000, description="Bootstrap replicates.")
    seed: int = Field(default=0, ge=0, description="Random seed; same seed, same artifact.")
    confidence_level: float = Field(
        default=0.95, gt=0.5, lt=1.0, description="Confidence level of intervals."
    )


class Baseline(Section):
    """The previously approved model's results, for regression checks by the gate."""

    artifact: Text | None = optional("Workspace-relative path of the approved evaluation.json.")
    tolerance: float = Field(
        default=0.02, ge=0, description="Largest acceptable worsening of any thresholded metric."
    )


class EvaluationSettings(Section):
    """How predictions are evaluated for performance and fairness."""

    predictions: PredictionsSource = required(
        "Where the predictions are; the artifact records their SHA-256.", gate=("GATE-FA002",)
    )
    task: Task = required("The prediction task.")
    label_column: Text = required("Column with the true label (or target).", examples=["y_true"])
    prediction_column: Text = required("Column with the model's prediction.", examples=["y_pred"])
    score_column: Text | None = optional(
        "Column with the score/probability of the positive class (enables AUC, calibration)."
    )
    positive_label: Text | int | None = optional(
        "The label value meaning the positive outcome; needed unless labels are 0/1 or booleans."
    )
    sensitive_features: list[Text] = required(
        "Columns with sensitive features; each is evaluated alone.", min_length=1
    )
    intersections: list[list[Text]] = Field(
        default_factory=list, description="Combinations of sensitive features evaluated jointly."
    )
    reference_groups: dict[str, Text] = Field(
        default_factory=dict,
        description="Reference group per feature for differences and ratios (default: largest).",
    )
    metrics: list[MetricName] = Field(
        default_factory=list, description="Metrics to report (default: all that apply)."
    )
    thresholds: list[Threshold] = Field(
        default_factory=list,
        description="Limits to meet; the release is blocked while one is not met.",
        examples=[[{"metric": "demographic_parity_difference", "max": 0.1}]],
        json_schema_extra=decided_by("GATE-FA003"),
    )
    missing_values: list[Text] | None = optional(
        "Text values that mean 'missing' in a CSV file's sensitive feature, label and "
        "prediction columns; such rows are dropped and counted. Default: only an empty "
        "cell. A group named 'NA', 'N/A', 'null' or 'NaN' is a group unless listed here "
        "(Parquet and DuckDB columns have real nulls).",
        examples=[["", "NA"]],
    )
    min_group_size: int = Field(
        default=30, ge=1, description="Groups smaller than this are reported but not compared."
    )
    max_groups: int = Field(
        default=1000, ge=2, description="Refuse a feature with more groups (e.g. a user id)."
    )
    bootstrap: Bootstrap = Field(default_factory=Bootstrap, description="Uncertainty settings.")
    artifact: Text = Field(
        default="evaluation.json",
        description="Where the evaluation artifact is written, relative to the model card.",
    )
    baseline: Baseline | None = optional(
        "The approved model's results to compare against.", gate=("GATE-FA004",)
    )

    @field_validator("prediction_column", "score_column")
    @classmethod
    def _not_the_label(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and value == info.data.get("label_column"):
            raise ValueError(
                f"'{value}' is the label_column: the labels would be compared with "
                "themselves (name the column the model wrote)"
            )
        return value

    def feature_names(self) -> list[str]:
        """Every evaluated feature: each sensitive feature, then each intersection 'a,b'."""
        return [*self.sensitive_features, *(",".join(combo) for combo in self.intersections)]

    @model_validator(mode="after")
    def _known_features(self) -> EvaluationSettings:
        features = set(self.sensitive_features)
        for combo in self.intersections:
            if len(combo) < 2 or len(set(combo)) != len(combo):
                raise ValueError(f"intersection {combo} needs two or more distinct features")
            unknown = [name for name in combo if name not in features]
            if unknown:
                raise ValueError(
                    f"intersection {combo}: '{unknown[0]}' is not in sensitive_features"
                )
        for index, threshold in enumerate(self.thresholds):
            for earlier, other in enumerate(self.thresholds[:index]):
                if _repeats(threshold, other):
                    raise ValueError(
                        f"thresholds[{index}] repeats thresholds[{earlier}] (same metric and "
                        "limits on the same feature and group: each would be decided, and "
                        "reported, twice)"
                    )
        return self

    @field_validator("reference_groups")
    @classmethod
    def _groups_evaluated(cls, groups: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        refuse_unevaluated("reference_groups", [((name,), name) for name in groups], info)
        return groups

    @field_validator("thresholds")
    @classmethod
    def _thresholds_evaluated(
        cls, limits: list[Threshold], info: ValidationInfo
    ) -> list[Threshold]:
        named = [((index, "feature"), limit.feature) for index, limit in enumerate(limits)]
        refuse_unevaluated("thresholds", named, info)
        return limits


def _repeats(one: Threshold, other: Threshold) -> bool:
    """Whether two thresholds set the same limits on the same metric for a common target
    (an omitted feature or group means every one)."""

    def overlap(a: str | None, b: str | None) -> bool:
        return a is None or b is None or a == b

    return (
        one.metric == other.metric
        and (one.min, one.max) == (other.min, other.max)
        and overlap(one.feature, other.feature)
        and overlap(one.group, other.group)
    )


__all__ = [
    "DISPARITY_METRICS",
    "GROUP_METRICS",
    "EvaluationSettings",
    "Identifier",
    "InconclusiveAction",
]
