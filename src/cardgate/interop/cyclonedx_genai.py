"""A GenAI system in its CycloneDX ML-BOM: the models it is built on (base model,
embedding model, re-ranker) as ancestors of the system's `machine-learning-model`
component, each with its own `modelCard`, and the retrieval and generation results
cardgate computed (`retrieval.json`, `generation.json`) as performance metrics of the
system's `modelCard`, with slices and intervals. Part of the CycloneDX export
(`interop.cyclonedx`)."""

from __future__ import annotations

from typing import Any

from cardgate.documents.schemas.genai import ModelComponent
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.evaluation.artifact import Estimate
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.operations_artifact import OperationsArtifact
from cardgate.evidence.genai.retrieval_artifact import Metrics, RetrievalArtifact, SliceFeature
from cardgate.evidence.genai.safety_artifact import SafetyArtifact
from cardgate.interop.bom_parts import compact, number_text


def component_models(card: ModelCard) -> list[dict[str, Any]]:
    """The models a GenAI system calls, as CycloneDX components with a `modelCard`
    (none for a card without a genai: section)."""
    if card.genai is None:
        return []
    parts = card.genai.components
    found = []
    for role, model in (
        ("base-model", parts.base_model),
        ("embedding-model", parts.embedding_model),
        ("reranker", parts.reranker),
    ):
        if model is not None:
            found.append(_model(card.id, role, model))
    return found


def _model(system_id: str, role: str, model: ModelComponent) -> dict[str, Any]:
    return compact(
        {
            "type": "machine-learning-model",
            "bom-ref": f"model:{system_id}:{role}",
            "name": model.name,
            "version": model.version,
            "publisher": model.provider,
            "modelCard": {
                "bom-ref": f"model-card:{system_id}:{role}",
                "properties": [{"name": "cardgate:genai-role", "value": role}],
            },
        }
    )


def genai_metrics(
    retrieval: RetrievalArtifact | None,
    generation: GenerationArtifact | None,
    safety: SafetyArtifact | None = None,
    operations: OperationsArtifact | None = None,
) -> list[dict[str, Any]]:
    """Every defined retrieval, generation, safety and operations result, overall (slice
    'retrieval', 'generation (tool)', 'safety (...)' or 'operations') and per slice
    ('retrieval: feature=slice'), the spreads between slices and the paired changes from
    the baseline."""
    found: list[dict[str, Any]] = []
    if retrieval is not None:
        k = retrieval.provenance.k
        found += _metrics(retrieval.overall, "retrieval", f"@{k}")
        for feature in retrieval.features:
            found += _feature(feature, "retrieval", f"@{k}")
        if retrieval.baseline is not None:
            for result in retrieval.baseline.comparisons:
                change = Estimate(value=result.value, ci=result.ci)
                found += _metric(f"{result.metric}@{k}", change, "retrieval: paired, vs baseline")
    for summary in generation.scores if generation is not None else []:
        found += _metrics(summary.overall, f"generation ({summary.tool})", "")
        for feature in summary.features:
            found += _feature(feature, f"generation ({summary.tool})", "")
    compared = generation.baseline if generation is not None else None
    for name, estimate in sorted(compared.changes.items()) if compared is not None else []:
        found += _metric(
            f"{name}_change_from_baseline", estimate, "generation: paired, vs baseline"
        )
    for rate in safety.rates if safety is not None else []:
        # the rate, the AI 600-1 risk it is evidence for and which way it gets worse
        what = f"safety ({rate.tool}; AI 600-1: {rate.risk}; {rate.worse} is worse)"
        found += _metrics(rate.overall, what, "")
        for feature in rate.features:
            found += _feature(feature, what, "")
    if operations is not None:
        for name, estimate in sorted(operations.metrics.items()):
            found += _metric(name, estimate, "operations (run log)")
        for feature in operations.features:
            found += _feature(feature, "operations (run log)", "")
        for name, estimate in sorted(
            (operations.baseline.changes if operations.baseline else {}).items()
        ):
            found += _metric(
                f"{name}_change_from_baseline", estimate, "operations: paired, vs baseline"
            )
    return found


def _feature(feature: SliceFeature, what: str, suffix: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for one in feature.slices:
        if not one.suppressed:
            found += _metrics(one, f"{what}: {feature.feature}={one.slice}", suffix)
    for spread in feature.differences:
        found += _metric(spread.metric + suffix, spread, f"{what}: {feature.feature}")
    return found


def _metrics(metrics: Metrics, where: str, suffix: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name, estimate in sorted(metrics.metrics.items()):
        found += _metric(name + suffix, estimate, where)
    return found


def _metric(name: str, estimate: Estimate, where: str) -> list[dict[str, Any]]:
    if estimate.value is None:
        return []
    metric: dict[str, Any] = {"type": name, "value": number_text(estimate.value), "slice": where}
    if estimate.ci is not None:
        metric["confidenceInterval"] = {
            "lowerBound": number_text(estimate.ci[0]),
            "upperBound": number_text(estimate.ci[1]),
        }
    return [metric]
