"""The `modelCard` of a CycloneDX 1.6 `machine-learning-model` component: model
parameters (with every dataset the card names, in the workspace or outside it), the
evaluation artifact's results as performance metrics (with slices and intervals), and
the considerations from the card and the gate's threshold verdicts. Results reported
elsewhere are never performance metrics (those are what cardgate computed and its gate
read): each is a `cardgate:reported-result` property. Part of the CycloneDX export
(`interop.cyclonedx`)."""

from __future__ import annotations

from typing import Any

from cardgate.documents.schemas.model_card import ModelCard
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.gate.result import SystemVerdict
from cardgate.interop.bom_parts import (
    Outside,
    compact,
    dataset_uses,
    group_slice,
    lineage_of,
    metric_rows,
    number_text,
    reported_text,
)


def model_ref(system_id: str) -> str:
    return f"model:{system_id}"


def dataset_ref(dataset_id: str) -> str:
    return f"dataset:{dataset_id}"


def outside_ref(named: Outside) -> str:
    """The bom-ref of a dataset named outside the workspace, e.g. `dataset:hf:org/name`
    (a datasheet's id holds no colon: the two never meet)."""
    return f"dataset:{named.key}"


def data_refs(card: ModelCard) -> list[str]:
    """The bom-refs of every dataset the card names: its datasheets (training and
    evaluation data, then the lineage's), then the lineage's datasets outside the
    workspace; each once."""
    lineage = lineage_of(card)
    refs = [dataset_ref(dataset) for dataset in dataset_uses(card)]
    refs += [dataset_ref(dataset) for dataset, _ in lineage.datasheets]
    refs += [outside_ref(named) for named, _ in lineage.datasets]
    return list(dict.fromkeys(refs))


def prop(name: str, value: str) -> dict[str, str]:
    return {"name": f"cardgate:{name}", "value": value}


def performance_metrics(evaluation: EvaluationArtifact) -> list[dict[str, Any]]:
    """Every defined result of the artifact: overall (no slice), per group (slice
    'feature=group') and per disparity (slice 'feature (groups compared)')."""
    found = []
    for row in metric_rows(evaluation):
        metric: dict[str, Any] = {"type": row.metric, "value": number_text(row.value)}
        if row.slice is not None:
            metric["slice"] = row.slice
        if row.ci is not None:
            metric["confidenceInterval"] = {
                "lowerBound": number_text(row.ci[0]),
                "upperBound": number_text(row.ci[1]),
            }
        found.append(metric)
    return found


def fairness_assessments(verdict: SystemVerdict | None) -> list[dict[str, str]]:
    """The gate's threshold verdicts on groups and disparities that are not within their
    limit: the group at risk and the verdict's own words (never decided again here)."""
    if verdict is None:
        return []
    found = []
    for threshold in verdict.thresholds:
        for decided in threshold.verdicts:
            result = decided.result
            if result.feature is None or decided.state == "within":
                continue
            group = (
                group_slice(result.feature.split(","), result.feature, result.group)
                if result.group is not None
                else result.feature
            )
            found.append(
                {"groupAtRisk": group, "harms": f"{decided.message} (gate: {decided.outcome})"}
            )
    return found


def considerations(card: ModelCard, verdict: SystemVerdict | None) -> dict[str, Any]:
    ethical = [
        compact({"name": item.consideration, "mitigationStrategy": item.mitigation})
        for item in card.ethical_considerations or []
    ]
    for risk in card.risks or []:
        rating = ", ".join(
            part
            for part in (
                f"likelihood {risk.likelihood}" if risk.likelihood else "",
                f"impact {risk.impact}" if risk.impact else "",
                f"status {risk.status}",
                f"owner {risk.owner}",
            )
            if part
        )
        ethical.append(
            compact(
                {
                    "name": f"Risk {risk.id}: {risk.description} ({rating})",
                    "mitigationStrategy": risk.mitigation,
                }
            )
        )
    return compact(
        {
            "users": list(card.intended_use.primary_users or []),
            "useCases": list(card.intended_use.primary_uses),
            "technicalLimitations": list(card.limitations or []),
            "performanceTradeoffs": list(card.tradeoffs or []),
            "ethicalConsiderations": ethical,
            "fairnessAssessments": fairness_assessments(verdict),
        }
    )


def _card_properties(
    card: ModelCard, evaluation: EvaluationArtifact | None
) -> list[dict[str, str]]:
    found = [prop("out-of-scope-use", use) for use in card.intended_use.out_of_scope_uses or []]
    found += [prop("caveat", text) for text in card.caveats_and_recommendations or []]
    found += [prop("assumption", text) for text in card.assumptions or []]
    if card.factors is not None:
        found += [prop("relevant-factor", text) for text in card.factors.relevant_factors or []]
        found += [prop("evaluation-factor", text) for text in card.factors.evaluation_factors or []]
    if card.metrics is not None and card.metrics.decision_thresholds:
        found.append(prop("decision-thresholds", card.metrics.decision_thresholds))
    if card.quantitative_analyses is not None and card.quantitative_analyses.summary:
        found.append(prop("results-summary", card.quantitative_analyses.summary))
    found += [prop("reported-result", reported_text(r)) for r in card.reported_results or []]
    if evaluation is not None:
        provenance = evaluation.provenance
        found.append(prop("confidence-level", number_text(provenance.confidence_level)))
        found.append(prop("min-group-size", str(provenance.min_group_size)))
        found.append(prop("evaluation-rows", str(evaluation.overall.count)))
        if provenance.predictions.sha256 is not None:
            found.append(prop("predictions-sha256", provenance.predictions.sha256))
        for row in metric_rows(evaluation):
            if row.suppressed and row.slice is not None:
                found.append(prop("reported-not-compared", row.slice))
    return list({(p["name"], p["value"]): p for p in found}.values())


def model_card(
    card: ModelCard,
    evaluation: EvaluationArtifact | None,
    verdict: SystemVerdict | None,
    genai: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The component's `modelCard` (`genai`: a GenAI system's retrieval and generation
    results as performance metrics, `cyclonedx_genai.genai_metrics`)."""
    details = card.model_details
    parameters = compact(
        {
            "task": card.evaluation.task if card.evaluation is not None else None,
            "architectureFamily": details.model_type,
            "datasets": [{"ref": ref} for ref in data_refs(card)],
        }
    )
    metrics = [*(performance_metrics(evaluation) if evaluation else []), *(genai or [])]
    analysis = compact({"performanceMetrics": metrics or None})
    return compact(
        {
            "bom-ref": f"model-card:{card.id}",
            "modelParameters": parameters,
            "quantitativeAnalysis": analysis,
            "considerations": considerations(card, verdict),
            "properties": _card_properties(card, evaluation),
        }
    )
