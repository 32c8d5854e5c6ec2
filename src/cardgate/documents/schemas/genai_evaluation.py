"""How a GenAI card's evidence is computed — the sections under `genai:` that name the
inputs, limits and statistics of `cardgate evaluate-retrieval` (a labelled query set and
ranked results), `evaluate-generation` (judged per-sample scores), `evaluate-safety`
(judged red-team outcomes as rates mapped to AI 600-1 risks) and `evaluate-operations`
(a run log's latency and cost per query). The system itself is described by
`schemas.genai` (docs/genai.md).

Kept whole: the four sections share their parts (the judged-evidence base, thresholds
with their sides, slices, the baseline of a paired comparison) and the validators that
place each error at its line; together they are the one schema of how a GenAI card's
evidence is computed, and the JSON Schema and docs/genai.md follow it in this order."""

from __future__ import annotations

import typing
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cardgate.documents.schemas.base import (
    Identifier,
    Section,
    Text,
    errors_below,
    optional,
    required,
)
from cardgate.documents.schemas.evaluation import Bootstrap, InconclusiveAction

RetrievalMetric = Literal["recall", "precision", "mrr", "ndcg", "hit_rate"]
"""Per-query retrieval metrics at the cut-off `k` (docs/genai.md gives the formulas)."""
RetrievalSpread = Literal[
    "recall_difference",
    "precision_difference",
    "mrr_difference",
    "ndcg_difference",
    "hit_rate_difference",
]
"""Largest minus smallest slice mean of a metric, over the slices of a feature."""

SPREAD_SUFFIX = "_difference"
"""A threshold on `<metric>_difference` limits the metric's spread between slices."""
BASELINE_CHANGE = "_change_from_baseline"
"""A threshold on `<metric>_change_from_baseline` limits candidate minus baseline."""

ScoreTool = Literal["ragas", "deepeval", "promptfoo", "inspect-ai", "lm-eval", "mlflow"]
"""The evaluation tools whose per-sample score files cardgate reads (docs/genai.md)."""

RETRIEVAL_METRICS: tuple[str, ...] = typing.get_args(RetrievalMetric)
RETRIEVAL_SPREADS: tuple[str, ...] = typing.get_args(RetrievalSpread)


class _SliceThreshold(Section):
    """A limit on a mean, overall, per slice, or on the spread between slices."""

    feature: Text | None = optional(
        "The slice feature (a field of the queries or samples) it applies to; omit for the "
        "overall value."
    )
    group: Text | None = optional("One slice of the feature; omit for every slice.")
    min: float | None = optional("Lowest acceptable value.")
    max: float | None = optional("Highest acceptable value.")
    inconclusive: InconclusiveAction | None = optional(
        "What an inconclusive result means for a release (as for evaluation thresholds)."
    )

    @model_validator(mode="after")
    def _consistent(self) -> _SliceThreshold:
        if self.min is None and self.max is None:
            raise ValueError("give 'min', 'max' or both")
        if self.group is not None and self.feature is None:
            raise ValueError("a threshold with 'group' needs the 'feature' the group belongs to")
        metric = str(getattr(self, "metric", ""))
        if metric.endswith(SPREAD_SUFFIX) and (self.feature is None or self.group is not None):
            raise ValueError(f"'{metric}' compares the slices of a 'feature' (no 'group')")
        return self


class RetrievalThreshold(_SliceThreshold):
    """A limit on a retrieval metric, overall, per slice, or on the spread between slices."""

    metric: RetrievalMetric | RetrievalSpread = required(
        "A metric at k (recall, precision, mrr, ndcg, hit_rate) or its spread between the "
        "slices of a feature (e.g. ndcg_difference).",
        examples=["ndcg"],
    )


class RetrievalBaseline(Section):
    """The baseline configuration's ranked results on the same queries (champion /
    challenger): compared query by query with a paired bootstrap."""

    run: Text = required("Workspace-relative path of the baseline's run file.")
    tolerance: float = Field(
        default=0.02, ge=0, description="Largest acceptable worsening of any compared metric."
    )
    metrics: list[RetrievalMetric] = Field(
        default_factory=lambda: list[RetrievalMetric](["ndcg"]),
        min_length=1,
        description="Metrics compared with the baseline (default: ndcg).",
    )
    inconclusive: InconclusiveAction | None = optional(
        "What an inconclusive comparison (its interval straddles the tolerance) means."
    )


class RetrievalEvaluation(Section):
    """How `cardgate evaluate-retrieval` evaluates the system's retrieval."""

    queries: Text = required(
        "Workspace-relative path of the labelled query set (JSON Lines: query_id, "
        "relevant doc ids or {doc_id: grade}, slice fields).",
        gate=("GATE-RAG001",),
    )
    run: Text = required(
        "Workspace-relative path of the system's ranked results: a TREC run file, or JSON "
        "Lines (.jsonl) with query_id and a ranked list of doc_ids.",
        gate=("GATE-RAG001",),
    )
    k: int = Field(default=10, ge=1, le=1000, description="The cut-off of every metric.")
    slices: list[Text] = Field(
        default_factory=list,
        description="Query fields whose values are slices (query category, language, "
        "user segment); each is evaluated alone.",
    )
    thresholds: list[RetrievalThreshold] = Field(
        default_factory=list, description="Limits the gate checks (GATE-RAG002)."
    )
    baseline: RetrievalBaseline | None = optional(
        "The baseline to compare with (GATE-RAG003).", gate=("GATE-RAG003",)
    )
    min_group_size: int = Field(
        default=30, ge=1, description="Fewest queries a slice needs to be judged."
    )
    bootstrap: Bootstrap = Field(default_factory=Bootstrap, description="Uncertainty settings.")
    artifact: Text = Field(
        default="retrieval.json", description="Where the artifact is written, relative to the card."
    )


class ScoreScale(Section):
    """The scale a file's scores lie on: a score outside it is refused, not averaged."""

    min: float = required("The lowest score the judge gives.")
    max: float = required("The highest score the judge gives.")

    @model_validator(mode="after")
    def _ordered(self) -> ScoreScale:
        if not self.min < self.max:
            raise ValueError("'min' must be below 'max'")
        return self


class ScoreFile(Section):
    """A file of per-sample scores written by an evaluation tool."""

    tool: ScoreTool = required(
        "The tool that wrote it: ragas, deepeval, promptfoo, inspect-ai, lm-eval or mlflow.",
        examples=["ragas"],
    )
    path: Text = required(
        "Workspace-relative path of the file (its SHA-256 is recorded).", gate=("GATE-GEN001",)
    )
    scale: ScoreScale | None = optional(
        "The scale of its scores when it is not the tool's own (ragas, deepeval and "
        "promptfoo score from 0 to 1; a rubric may score from 1 to 5): a score outside "
        "it is refused. Without it, inspect-ai, lm-eval and mlflow scores are not bounded.",
        commented=True,
    )


class GenerationThreshold(_SliceThreshold):
    """A limit on a generation score's mean, overall, per slice, or on its spread."""

    metric: Text = required(
        "A score as the tool names it (faithfulness, answer_relevancy, Faithfulness, score, "
        "pass, acc, a scorer of inspect_ai ...), or its spread between the slices of a "
        "feature (<score>_difference).",
        examples=["faithfulness"],
    )


class JudgedEvaluation(Section):
    """What an evaluation aggregated from judged per-sample files has, whether it averages
    scores (`GenerationEvaluation`) or counts outcomes as rates (`SafetyEvaluation`): who
    judged, the files, the slices and the statistics' settings. Each adds its thresholds
    and its artifact."""

    judged_by: Text = required(
        "Who or what judged the samples — the tool and its version, the judge model and its "
        "version, or the people — and when: the judging happens outside cardgate."
    )
    sources: list[ScoreFile] = required(
        "The files of per-sample scores; each score name may come from one file only.",
        min_length=1,
    )
    slices: list[Text] = Field(
        default_factory=list,
        description="Sample fields whose values are slices (ragas: a text column; deepeval: "
        "metadata.<key>; promptfoo: vars.<name> or provider; inspect_ai: "
        "metadata.<key>; lm-eval: doc.<field>; mlflow: a column, or tags.<key>).",
    )
    min_group_size: int = Field(
        default=30, ge=1, description="Fewest samples a slice needs to be judged."
    )
    bootstrap: Bootstrap = Field(default_factory=Bootstrap, description="Uncertainty settings.")


class GenerationBaseline(Section):
    """The baseline configuration's judged scores on the same samples (champion /
    challenger): each score compared sample by sample with a paired bootstrap."""

    sources: list[ScoreFile] = required(
        "The baseline's files of per-sample scores: the same tools, score names and sample "
        "ids (ragas: the row, or a sample_id column) as the candidate's.",
        min_length=1,
        gate=("GATE-GEN001",),
    )


class GenerationEvaluation(JudgedEvaluation):
    """How `cardgate evaluate-generation` aggregates the system's judged generation."""

    baseline: GenerationBaseline | None = optional(
        "The baseline configuration's judged scores, compared with the candidate's on the "
        "same samples; limit the change with <score>_change_from_baseline (GATE-GEN002).",
        gate=("GATE-GEN002",),
    )
    thresholds: list[GenerationThreshold] = Field(
        default_factory=list,
        description="Limits the gate checks (GATE-GEN002): on a score, per slice, on its "
        "spread (<score>_difference) or on its change from the baseline "
        "(<score>_change_from_baseline, overall).",
    )

    @field_validator("thresholds")
    @classmethod
    def _baseline_for_changes(
        cls, thresholds: list[GenerationThreshold], info: ValidationInfo
    ) -> list[GenerationThreshold]:
        given = "baseline" in info.data and info.data["baseline"] is not None
        found: list[tuple[tuple[str | int, ...], str, Any]] = []
        for index, threshold in enumerate(thresholds):
            if not threshold.metric.endswith(BASELINE_CHANGE):
                continue
            if threshold.feature is not None:
                message = f"'{threshold.metric}' is compared overall only (no 'feature')"
                found.append(((index, "feature"), message, threshold.feature))
            elif not given and "baseline" in info.data:
                message = f"'{threshold.metric}' needs the baseline's scores ('baseline')"
                found.append(((index, "metric"), message, threshold.metric))
        if found:
            raise errors_below("GenerationEvaluation", found)
        return thresholds

    artifact: Text = Field(
        default="generation.json",
        description="Where the artifact is written, relative to the card.",
    )


WorseDirection = Literal["higher", "lower"]
"""Which way a safety rate gets worse: `higher` (a jailbreak succeeded, a toxic answer, a
leak) or `lower` (a harmful prompt refused)."""


class SafetyRate(Section):
    """A judged outcome of a red-team run, counted as a rate, and the NIST AI 600-1 risk
    it is evidence for."""

    outcome: Text = required(
        "The per-sample outcome as the tool names it (a promptfoo named score or 'pass', a "
        "ragas or inspect_ai score ...): 1 where it happened, 0 where not; samples without "
        "it are not counted.",
        examples=["jailbreak_success"],
    )
    risk: Identifier = required(
        "Id of the AI 600-1 risk the rate is evidence for; one of the card's "
        "genai.gai_risks (CG132).",
        examples=["information-security"],
    )
    worse: WorseDirection = required(
        "Which way the rate gets worse: 'higher' (a jailbreak succeeded, a toxic answer, a "
        "PII leak) or 'lower' (a harmful prompt refused). A threshold limits it on that side "
        "only: 'max' for higher, 'min' for lower.",
        examples=["higher"],
    )
    description: Text | None = optional("What the outcome means and how it was judged.")


class SafetyEvaluation(JudgedEvaluation):
    """How `cardgate evaluate-safety` counts the system's judged red-team outcomes as rates
    (each mapped to an AI 600-1 risk), with Wilson intervals per slice."""

    rates: list[SafetyRate] = required(
        "The judged outcomes counted as rates, each with its AI 600-1 risk and its direction.",
        min_length=1,
    )
    thresholds: list[GenerationThreshold] = Field(
        default_factory=list,
        description="Limits on the rates (an outcome of `rates`, or <outcome>_difference "
        "between slices) the gate checks (GATE-SAF002): 'max' on a rate whose higher value is "
        "worse, 'min' on one whose lower value is worse.",
    )
    artifact: Text = Field(
        default="safety.json", description="Where the artifact is written, relative to the card."
    )

    @field_validator("rates")
    @classmethod
    def _named_once(cls, rates: list[SafetyRate]) -> list[SafetyRate]:
        seen: set[str] = set()
        found: list[tuple[tuple[str | int, ...], str, Any]] = []
        for index, rate in enumerate(rates):
            if rate.outcome in seen:
                message = f"rate '{rate.outcome}' is named twice in 'rates'"
                found.append(((index, "outcome"), message, rate.outcome))
            seen.add(rate.outcome)
        if found:
            raise errors_below("SafetyEvaluation", found)
        return rates

    @field_validator("thresholds")
    @classmethod
    def _limits_on_the_worse_side(
        cls, thresholds: list[GenerationThreshold], info: ValidationInfo
    ) -> list[GenerationThreshold]:
        rates: list[SafetyRate] | None = info.data.get("rates")
        if rates is None:
            return thresholds  # the rates are wrong: reported there
        worse = {rate.outcome: rate.worse for rate in rates}
        found: list[tuple[tuple[str | int, ...], str, Any]] = []
        for index, threshold in enumerate(thresholds):
            outcome = threshold.metric.removesuffix(SPREAD_SUFFIX)
            if outcome not in worse:
                message = (
                    f"'{threshold.metric}' is not a rate of 'rates' (outcomes: {', '.join(worse)})"
                )
                found.append(((index, "metric"), message, threshold.metric))
                continue
            spread = threshold.metric != outcome
            side = "higher" if spread else worse[outcome]
            wrong, key = (threshold.min, "min") if side == "higher" else (threshold.max, "max")
            if wrong is not None:
                what = "a wider spread" if spread else f"a {side} '{outcome}'"
                bound = "max" if side == "higher" else "min"
                message = f"{what} is worse (worse: {worse[outcome]}): limit it with '{bound}' only"
                found.append(((index, key), message, wrong))
        if found:
            raise errors_below("SafetyEvaluation", found)
        return thresholds


OPERATIONS_METRICS: tuple[str, ...] = (
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "cost_per_1k_queries",
)
"""What `cardgate evaluate-operations` computes from a run log (docs/genai.md)."""


class Prices(Section):
    """What a query costs, from its token counts (when the run log has no `cost`)."""

    input_per_1k_tokens: float = required("Price of 1,000 input (prompt) tokens.", ge=0)
    output_per_1k_tokens: float = required("Price of 1,000 output (completion) tokens.", ge=0)
    currency: Text = Field(default="USD", description="The currency of the prices.")


class OperationsThreshold(_SliceThreshold):
    """A limit on an operational metric, overall, per slice or on its spread between
    slices, or on its change from the baseline."""

    metric: Text = required(
        "latency_p50_ms, latency_p95_ms, latency_p99_ms or cost_per_1k_queries (the mean cost "
        "of a query times 1,000), its spread between the slices of a feature "
        "(<metric>_difference), or its change from the baseline's log on the same queries "
        "(<metric>_change_from_baseline, overall only).",
        examples=["latency_p95_ms"],
    )

    @model_validator(mode="after")
    def _known(self) -> OperationsThreshold:
        change = self.metric.endswith(BASELINE_CHANGE)
        base = self.metric.removesuffix(BASELINE_CHANGE).removesuffix(SPREAD_SUFFIX)
        if base not in OPERATIONS_METRICS:
            raise ValueError(
                f"'{self.metric}' is not an operational metric (one of "
                f"{', '.join(OPERATIONS_METRICS)}, <metric>{SPREAD_SUFFIX} or "
                f"<metric>{BASELINE_CHANGE})"
            )
        if change and self.feature is not None:
            raise ValueError(f"'{self.metric}' is compared overall only (no 'feature')")
        return self


class OperationsEvaluation(Section):
    """How `cardgate evaluate-operations` aggregates the system's run log: latency
    quantiles and cost per query with bootstrap intervals, and the paired change from the
    baseline's log."""

    log: Text = required(
        "Workspace-relative path of the run log: JSON Lines (.jsonl) or CSV (.csv), one query "
        "per line with query_id, latency_ms, and cost or input_tokens and output_tokens.",
        gate=("GATE-OPS001",),
    )
    baseline_log: Text | None = optional(
        "The baseline configuration's run log on the same queries (a paired comparison).",
        gate=("GATE-OPS001",),
    )
    prices: Prices | None = optional(
        "Token prices, for a log with token counts instead of a cost per query."
    )
    slices: list[Text] = Field(
        default_factory=list,
        description="Fields of the run log's lines whose values are slices (query category, "
        "language, user segment); each is aggregated alone.",
    )
    thresholds: list[OperationsThreshold] = Field(
        default_factory=list, description="Limits the gate checks (GATE-OPS002)."
    )
    min_group_size: int = Field(
        default=30, ge=1, description="Fewest queries a log needs for a verdict."
    )
    bootstrap: Bootstrap = Field(default_factory=Bootstrap, description="Uncertainty settings.")
    artifact: Text = Field(
        default="operations.json",
        description="Where the artifact is written, relative to the card.",
    )

    @field_validator("thresholds")
    @classmethod
    def _baseline_for_changes(
        cls, thresholds: list[OperationsThreshold], info: ValidationInfo
    ) -> list[OperationsThreshold]:
        if info.data.get("baseline_log", "failed") is not None:  # given, or failed itself
            return thresholds
        found: list[tuple[tuple[str | int, ...], str, Any]] = [
            (
                (index, "metric"),
                f"'{threshold.metric}' needs the baseline's log ('baseline_log')",
                threshold.metric,
            )
            for index, threshold in enumerate(thresholds)
            if threshold.metric.endswith(BASELINE_CHANGE)
        ]
        if found:
            raise errors_below("OperationsEvaluation", found)
        return thresholds
