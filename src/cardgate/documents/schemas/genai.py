"""The `genai:` section of a model card: an LLM or retrieval-augmented (RAG) system.

A model card describes one AI system; for a generative system (`generative: true`) this
section says what it is made of (base model, embeddings, index, chunking, retriever,
re-ranker, pinned prompt templates, guardrails, tools), where its corpus is documented (a
datasheet), who oversees it, what it does when retrieval or generation fails, the NIST
AI 600-1 risks it is exposed to with their mitigations, and how `cardgate
evaluate-retrieval` evaluates its retrieval (docs/genai.md).
"""

from __future__ import annotations

import typing
from typing import Literal

from pydantic import Field, model_validator

from cardgate.documents.schemas.base import (
    Identifier,
    Section,
    Sha256,
    Text,
    optional,
    recommended,
    required,
)
from cardgate.documents.schemas.dataset_ref import DatasetRef
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

ScoreTool = Literal["ragas", "deepeval", "promptfoo", "inspect-ai", "lm-eval"]
"""The evaluation tools whose per-sample score files cardgate reads (docs/genai.md)."""

RETRIEVAL_METRICS: tuple[str, ...] = typing.get_args(RetrievalMetric)
RETRIEVAL_SPREADS: tuple[str, ...] = typing.get_args(RetrievalSpread)


class ModelComponent(Section):
    """A model the system calls: the base model, the embedding model or the re-ranker."""

    name: Text = required("Name or identifier of the model.", examples=["gpt-4o-mini"])
    version: Text | None = recommended("The pinned version or snapshot of the model.")
    provider: Text | None = recommended("Who serves it (a vendor API, self-hosted, ...).")


class VectorIndex(Section):
    """The document store the retriever searches."""

    kind: Text = required("Index type, e.g. 'bm25', 'faiss-hnsw', 'pgvector'.")
    settings: dict[str, Text | int | float | bool] | None = optional(
        "Settings that change what is retrieved (e.g. {k1: 1.5, b: 0.75}, {ef_search: 64})."
    )


class Chunking(Section):
    """How the corpus is cut into the passages that are indexed."""

    strategy: Text = required("e.g. 'fixed tokens', 'sentences', 'markdown sections'.")
    size: int | None = recommended("Chunk size, in the strategy's unit.", ge=1)
    overlap: int | None = optional("Overlap between chunks, in the same unit.", ge=0)
    unit: Text | None = optional("Unit of size and overlap, e.g. 'tokens', 'characters'.")


class Retriever(Section):
    """How passages are retrieved for a query."""

    kind: Text = required("e.g. 'bm25', 'dense', 'hybrid'.")
    k: int = required("Passages retrieved per query (before re-ranking).", ge=1)


class PromptTemplate(Section):
    """A prompt template, pinned by the SHA-256 of its file."""

    id: Identifier = required("Stable id of the template within this card.")
    path: Text = required("Workspace-relative path of the template file.")
    sha256: Sha256 = required(
        "SHA-256 of the file's bytes; `cardgate validate` compares it with the file (CG131).",
        gate=("GATE-DOC001",),
    )


class Safeguard(Section):
    """A guardrail, or a tool the system may call."""

    name: Text = required("Its name.")
    description: Text | None = recommended("What it does, or what it lets the system do.")


class Components(Section):
    """What the system is made of."""

    base_model: ModelComponent = required("The generating model.")
    embedding_model: ModelComponent | None = optional("The embedding model, for dense retrieval.")
    vector_index: VectorIndex | None = recommended("The index the retriever searches.")
    chunking: Chunking | None = recommended("How the corpus is chunked.")
    retriever: Retriever | None = recommended("How passages are retrieved.")
    reranker: ModelComponent | None = optional("The re-ranker, if any.")
    prompts: list[PromptTemplate] | None = recommended("Prompt templates, pinned.")
    guardrails: list[Safeguard] | None = recommended("Input and output guardrails.")
    tools: list[Safeguard] | None = optional("Tools the system may call.")


class GaiRiskExposure(Section):
    """One NIST AI 600-1 risk the system is exposed to, and what mitigates it."""

    risk: Identifier = required(
        "Id of the risk in the AI 600-1 catalog shipped with cardgate (CG132), e.g. "
        "'confabulation', 'data-privacy', 'information-security'.",
    )
    exposure: Text = required("How this system is exposed to it.")
    mitigations: list[Text] = required("What mitigates it here.", min_length=1)
    evidence: list[Text] | None = optional(
        "Workspace-relative paths of evidence that the mitigations work (an evaluation)."
    )


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


class ScoreFile(Section):
    """A file of per-sample scores written by an evaluation tool."""

    tool: ScoreTool = required(
        "The tool that wrote it: ragas, deepeval, promptfoo, inspect-ai or lm-eval.",
        examples=["ragas"],
    )
    path: Text = required(
        "Workspace-relative path of the file (its SHA-256 is recorded).", gate=("GATE-GEN001",)
    )


class GenerationThreshold(_SliceThreshold):
    """A limit on a generation score's mean, overall, per slice, or on its spread."""

    metric: Text = required(
        "A score as the tool names it (faithfulness, answer_relevancy, Faithfulness, score, "
        "pass, acc, a scorer of inspect_ai ...), or its spread between the slices of a "
        "feature (<score>_difference).",
        examples=["faithfulness"],
    )


class GenerationEvaluation(Section):
    """How `cardgate evaluate-generation` aggregates the system's judged generation."""

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
        "metadata.<key>; lm-eval: doc.<field>).",
    )
    thresholds: list[GenerationThreshold] = Field(
        default_factory=list, description="Limits the gate checks (GATE-GEN002)."
    )
    min_group_size: int = Field(
        default=30, ge=1, description="Fewest samples a slice needs to be judged."
    )
    bootstrap: Bootstrap = Field(default_factory=Bootstrap, description="Uncertainty settings.")
    artifact: Text = Field(
        default="generation.json",
        description="Where the artifact is written, relative to the card.",
    )


class GenAISystem(Section):
    """An LLM or RAG system: its parts, corpus, oversight, fallback and AI 600-1 risks."""

    components: Components = required("What the system is made of.")
    retrieval: bool = Field(
        default=True,
        description="Whether the system retrieves passages for its answers (RAG). false: an "
        "LLM application without retrieval — its vector index, chunking, retriever, corpus "
        "and retrieval evaluation are then not demanded, and must not be given.",
    )
    corpus: list[DatasetRef] | None = recommended(
        "The document collections it retrieves from, each with a datasheet (sources, "
        "licences, freshness, PII handling); signed and checked like training data."
    )
    human_oversight: Text = required(
        "Who reviews what the system produces, when, and how they can override it."
    )
    fallback: Text = required(
        "What the system does when retrieval finds nothing relevant or generation fails "
        "(the simpler system it falls back to, a refusal, a hand-over to a person)."
    )
    gai_risks: list[GaiRiskExposure] = required(
        "The NIST AI 600-1 risks the system is exposed to, with their mitigations.",
        min_length=1,
    )
    retrieval_evaluation: RetrievalEvaluation | None = recommended(
        "How its retrieval is evaluated (cardgate evaluate-retrieval).",
        commented=True,
        gate=("GATE-RAG001",),
    )
    generation_evaluation: GenerationEvaluation | None = optional(
        "The judged generation scores it is evaluated on (cardgate evaluate-generation).",
        gate=("GATE-GEN001",),
    )

    @model_validator(mode="after")
    def _retrieval_parts_only_with_retrieval(self) -> GenAISystem:
        if self.retrieval:
            return self
        given = [dotted for dotted in RETRIEVAL_PARTS if _part(self, dotted) not in (None, [])]
        if given:
            raise ValueError(
                f"a system without retrieval ('retrieval: false') has no {', '.join(given)}"
            )
        return self

    def not_demanded(self) -> frozenset[str]:
        """Without retrieval, the parts of a retriever are not demanded (GATE-MC002)."""
        return frozenset() if self.retrieval else frozenset(RETRIEVAL_PARTS)

    def evaluated(self) -> bool:
        """Whether the card says how the system is evaluated: its retrieval, its generation
        or both (what GATE-FA001 accepts from a GenAI system instead of `evaluation:`)."""
        return self.retrieval_evaluation is not None or self.generation_evaluation is not None


RETRIEVAL_PARTS = (
    "components.vector_index",
    "components.chunking",
    "components.retriever",
    "corpus",
    "retrieval_evaluation",
)
"""What only a system that retrieves has (recommended for it, refused without retrieval)."""


def _part(section: Section, dotted: str) -> object:
    value: object = section
    for name in dotted.split("."):
        value = getattr(value, name, None)
    return value
