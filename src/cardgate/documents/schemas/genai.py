"""The `genai:` section of a model card: an LLM or retrieval-augmented (RAG) system.

A model card describes one AI system; for a generative system (`generative: true`) this
section says what it is made of (base model, embeddings, index, chunking, retriever,
re-ranker, pinned prompt templates, guardrails, tools), where its corpus is documented (a
datasheet), who oversees it, what it does when retrieval or generation fails, the NIST
AI 600-1 risks it is exposed to with their mitigations, and how its retrieval, judged
answers, judged red-team outcomes and run log are evaluated (`schemas.genai_evaluation`;
docs/genai.md).
"""

from __future__ import annotations

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
from cardgate.documents.schemas.genai_evaluation import (
    GenerationEvaluation,
    OperationsEvaluation,
    RetrievalEvaluation,
    SafetyEvaluation,
)


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

    id: Identifier = required("Stable id of the template within this card.", examples=["answer"])
    path: Text = required(
        "Workspace-relative path of the template file.",
        examples=["systems/{{ id }}/prompts/answer.txt"],
    )
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
        examples=["confabulation"],
    )
    exposure: Text = required("How this system is exposed to it.")
    mitigations: list[Text] = required("What mitigates it here.", min_length=1)
    evidence: list[Text] | None = optional(
        "Workspace-relative paths of evidence that the mitigations work (an evaluation)."
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
    operations_evaluation: OperationsEvaluation | None = optional(
        "Its run log's latency quantiles and cost per query (cardgate evaluate-operations).",
        gate=("GATE-OPS001",),
    )
    safety_evaluation: SafetyEvaluation | None = optional(
        "Its judged red-team outcomes (refusal, jailbreak success, toxicity, PII leaks) as "
        "rates mapped to AI 600-1 risks (cardgate evaluate-safety).",
        gate=("GATE-SAF001",),
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
