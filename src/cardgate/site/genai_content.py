"""The GenAI section of a system page: what the system is made of (components, pinned
prompts, guardrails, corpus), its oversight and fallback, its NIST AI 600-1 risks, and its
retrieval, generation and safety evaluations — metrics and rates with intervals overall
and per slice, the spreads between slices with their noise floors, the paired comparison
with the baseline, and every threshold as the one decider judges it under the policy for
the system's tier (`gate.genai`: the gate's own verdicts; nothing is decided here)."""

from __future__ import annotations

from typing import Any

from cardgate.documents.schemas.genai import Components, GenAISystem
from cardgate.evidence.genai.generation_artifact import GenerationProvenance
from cardgate.evidence.genai.operations_artifact import QUANTILES
from cardgate.evidence.genai.quantile_interval import needed
from cardgate.evidence.genai.retrieval_artifact import RetrievalProvenance
from cardgate.gate.genai import (
    EvidenceRead,
    GenerationRead,
    OperationsRead,
    RetrievalRead,
    SafetyRead,
    baseline_verdicts,
    threshold_verdicts,
)
from cardgate.gate.policy import TierSettings
from cardgate.site.genai_tables import estimate_cells, limit_text, metric_rows, slice_table
from cardgate.site.links import dataset_page, link
from cardgate.site.threshold_rows import ROW_ORDER, no_result_row, verdict_row
from cardgate.site.view_model import SiteModel, SystemView

RETRIEVAL_ORDER = ("ndcg", "recall", "mrr", "precision", "hit_rate")
"""The retrieval metrics in the order a reader looks for them."""


def genai_values(model: SiteModel, system: SystemView, path: str) -> dict[str, Any] | None:
    """The values of a system page's GenAI section (None: the card has no `genai:`)."""
    card = system.card
    if card is None or card.genai is None:
        return None
    genai = card.genai
    tier = model.policy.for_tier(card.risk_tier) if model.policy is not None else None
    return {
        "retrieval_system": genai.retrieval,
        "components": component_rows(genai.components),
        "prompts": [
            {"id": p.id, "path": p.path, "sha256": p.sha256} for p in genai.components.prompts or []
        ],
        "guardrails": [(g.name, g.description or "") for g in genai.components.guardrails or []],
        "tools": [(t.name, t.description or "") for t in genai.components.tools or []],
        "corpus": _corpus(model, genai, path),
        "human_oversight": genai.human_oversight,
        "fallback": genai.fallback,
        "risks": _risks(genai),
        "retrieval": _retrieval(system.retrieval, tier),
        "generation": _generation(system.generation, tier),
        "safety": _safety(system.safety, tier),
        "operations": _operations(system.operations, tier),
        "decided": tier is not None,
    }


def component_rows(components: Components) -> list[tuple[str, str]]:
    """(part, what it is) for each component the card names, in the card's order."""
    rows: list[tuple[str, str]] = []
    for label, part in (
        ("Base model", components.base_model),
        ("Embedding model", components.embedding_model),
        ("Re-ranker", components.reranker),
    ):
        if part is not None:
            words = [part.name, f"version {part.version}" if part.version else ""]
            rows.append((label, ", ".join(w for w in words if w) + _by(part.provider)))
    if components.vector_index is not None:
        settings = components.vector_index.settings or {}
        shown = ", ".join(f"{key} {value}" for key, value in sorted(settings.items()))
        rows.append(("Index", components.vector_index.kind + (f" ({shown})" if shown else "")))
    if components.chunking is not None:
        chunking = components.chunking
        size = ""
        if chunking.size is not None:
            size = f", size {chunking.size}{' ' + chunking.unit if chunking.unit else ''}"
            if chunking.overlap:
                size += f", overlap {chunking.overlap}"
        rows.append(("Chunking", chunking.strategy + size))
    if components.retriever is not None:
        rows.append(("Retriever", f"{components.retriever.kind}, k = {components.retriever.k}"))
    return rows


def _by(provider: str | None) -> str:
    return f" — {provider}" if provider else ""


def _corpus(model: SiteModel, genai: GenAISystem, path: str) -> list[dict[str, str]]:
    datasets = {d.id: d for d in model.datasets}
    rows = []
    for ref in genai.corpus or []:
        known = datasets.get(ref.dataset)
        rows.append(
            {
                "id": ref.dataset,
                "name": known.sheet.name if known and known.sheet else ref.dataset,
                "href": link(path, dataset_page(known.slug)) if known else "",
            }
        )
    return rows


def _risks(genai: GenAISystem) -> list[dict[str, Any]]:
    from cardgate.frameworks.catalog import load_catalog

    titles = {risk.id: (risk.number, risk.title) for risk in load_catalog().gai_risks}
    rows = []
    for exposure in genai.gai_risks:
        number, title = titles.get(exposure.risk, (None, exposure.risk))
        rows.append(
            {
                "id": exposure.risk,
                "number": number,
                "title": title,
                "exposure": exposure.exposure,
                "mitigations": list(exposure.mitigations),
                "evidence": list(exposure.evidence or []),
            }
        )
    return rows


def _unavailable(read: EvidenceRead[Any, Any]) -> dict[str, Any]:
    return {
        "artifact": read.relative,
        "error": read.error or "cannot be read",
        "command": read.command,
    }


def _retrieval(read: RetrievalRead | None, tier: TierSettings | None) -> dict[str, Any] | None:
    if read is None:
        return None
    artifact = read.artifact
    if artifact is None:
        return _unavailable(read)
    provenance = artifact.provenance
    thresholds = _decided(read, tier)
    baseline: dict[str, Any] | None = None
    if artifact.baseline is not None:
        decided = dict(baseline_verdicts(read, tier)) if tier is not None else {}
        rows = []
        for result in artifact.baseline.comparisons:
            metric = result.metric.removesuffix("_change_from_baseline")
            verdict = decided.get(metric)
            rows.append(
                {
                    "metric": metric,
                    "candidate": estimate_cells(artifact.overall.metrics.get(metric)),
                    "baseline": estimate_cells(artifact.baseline.baseline.get(metric)),
                    "change": result.value,
                    "ci": list(result.ci) if result.ci is not None else None,
                    "limit": result.min,
                    "verdict": verdict_row(verdict) if verdict is not None else None,
                }
            )
        baseline = {
            "run": provenance.baseline_run.path if provenance.baseline_run else "",
            "sha256": provenance.baseline_run.sha256 if provenance.baseline_run else "",
            "tolerance": artifact.baseline.tolerance,
            "count": artifact.baseline.count,
            "rows": rows,
        }
    limits = [(t.metric, t.feature, t.min, t.max) for t in read.settings.thresholds]
    return {
        "artifact": read.relative,
        "error": "",
        "k": provenance.k,
        "count": artifact.overall.count,
        "overall": metric_rows(artifact.overall, RETRIEVAL_ORDER),
        "features": [slice_table(f, RETRIEVAL_ORDER, limits) for f in artifact.features],
        "baseline": baseline,
        "thresholds": thresholds,
        "inputs": [
            ("Labelled queries", provenance.queries.path, provenance.queries.sha256),
            ("Ranked results (run)", provenance.run.path, provenance.run.sha256),
        ],
        "without_results": provenance.queries_without_results,
        "unlabelled": provenance.unlabelled_queries_ignored,
        **_statistics(provenance),
    }


def _generation(read: GenerationRead | None, tier: TierSettings | None) -> dict[str, Any] | None:
    if read is None:
        return None
    artifact = read.artifact
    if artifact is None:
        return _unavailable(read)
    limits = [(t.metric, t.feature, t.min, t.max) for t in read.settings.thresholds]
    scores = []
    compared = artifact.baseline
    for summary in artifact.scores:
        estimate = summary.overall.metrics.get(summary.metric)
        change = compared.changes.get(summary.metric) if compared is not None else None
        scores.append(
            {
                "metric": summary.metric,
                "tool": summary.tool,
                "count": summary.overall.count,
                "baseline": (
                    {
                        "count": compared.count[summary.metric],
                        "mean": estimate_cells(compared.baseline.get(summary.metric)),
                        "change": estimate_cells(change),
                    }
                    if compared is not None and change is not None
                    else None
                ),
                **estimate_cells(estimate),
                "features": [slice_table(f, (summary.metric,), limits) for f in summary.features],
            }
        )
    return {**_judged(read, artifact.provenance, tier), "scores": scores}


def _safety(read: SafetyRead | None, tier: TierSettings | None) -> dict[str, Any] | None:
    if read is None:
        return None
    artifact = read.artifact
    if artifact is None:
        return _unavailable(read)
    limits = [(t.metric, t.feature, t.min, t.max) for t in read.settings.thresholds]
    from cardgate.frameworks.catalog import load_catalog

    titles = {risk.id: risk.title for risk in load_catalog().gai_risks}
    described = {rate.outcome: rate.description or "" for rate in read.settings.rates}
    rates = []
    for rate in artifact.rates:
        rates.append(
            {
                "outcome": rate.outcome,
                "description": described.get(rate.outcome, ""),
                "tool": rate.tool,
                "risk": rate.risk,
                "risk_title": titles.get(rate.risk, rate.risk),
                "worse": rate.worse,
                "count": rate.overall.count,
                "limit": limit_text(
                    next(((lo, hi) for m, f, lo, hi in limits if m == rate.outcome and f is None),
                         None)
                ),
                **estimate_cells(rate.overall.metrics.get(rate.outcome)),
                "features": [slice_table(f, (rate.outcome,), limits) for f in rate.features],
            }
        )  # fmt: skip
    return {**_judged(read, artifact.provenance, tier), "rates": rates}


def _operations(read: OperationsRead | None, tier: TierSettings | None) -> dict[str, Any] | None:
    if read is None:
        return None
    artifact = read.artifact
    if artifact is None:
        return _unavailable(read)
    provenance = artifact.provenance
    baseline = artifact.baseline
    rows = []
    for name, estimate in artifact.metrics.items():
        rows.append(
            {
                "metric": name,
                "candidate": estimate_cells(estimate),
                "baseline": estimate_cells(baseline.baseline.get(name)) if baseline else None,
                "change": estimate_cells(baseline.changes.get(name)) if baseline else None,
            }
        )
    limits = [(t.metric, t.feature, t.min, t.max) for t in read.settings.thresholds]
    logs = [("Run log", provenance.log)]
    if provenance.baseline_log is not None:
        logs.append(("Baseline's run log", provenance.baseline_log))
    return {
        "artifact": read.relative,
        "error": "",
        "count": artifact.count,
        "rows": rows,
        "features": [slice_table(f, list(artifact.metrics), limits) for f in artifact.features],
        "paired": baseline.count if baseline is not None else None,
        "unmatched": baseline.unmatched if baseline is not None else None,
        "logs": [(label, f.path, f.sha256, f.queries, f.gives) for label, f in logs],
        "currency": provenance.currency,
        "quantiles": provenance.quantiles,
        "interval": provenance.interval,
        "quantile_needs": _quantile_needs(provenance.interval, provenance.confidence_level),
        "thresholds": _decided(read, tier),
        "settings_sha256": provenance.settings_sha256,
        "seed": provenance.seed,
        "replicates": provenance.replicates,
        "confidence_level": provenance.confidence_level,
        "min_group_size": provenance.min_group_size,
    }


def _quantile_needs(interval: str, level: float) -> list[tuple[str, int]]:
    """How many queries each latency quantile's distribution-free interval needs (none
    for an artifact whose quantiles have bootstrap intervals, written before)."""
    if "distribution-free" not in interval:
        return []
    return [(name.split("_")[1], needed(q, level)) for name, q in QUANTILES.items()]


def _judged(
    read: EvidenceRead[Any, Any], provenance: GenerationProvenance, tier: TierSettings | None
) -> dict[str, Any]:
    """What a generation or safety artifact shows alike: who judged, the files (and the
    baseline's, for generation), the thresholds as the gate decides them, how the
    intervals were computed."""
    compared = getattr(read.artifact, "baseline", None)
    files = [(s, "") for s in provenance.sources]
    files += [(s, " (baseline)") for s in (compared.sources if compared is not None else [])]
    return {
        "artifact": read.relative,
        "error": "",
        "judged_by": provenance.judged_by,
        "sources": [
            {
                "tool": s.tool + which,
                "path": s.path,
                "sha256": s.sha256,
                "samples": s.samples,
                "missing": sorted(s.missing.items()),
                "not_per_sample": list(s.not_per_sample),
            }
            for s, which in files
        ],
        "thresholds": _decided(read, tier),
        **_statistics(provenance),
    }


def _statistics(provenance: RetrievalProvenance | GenerationProvenance) -> dict[str, Any]:
    """How an artifact's intervals were computed, and the digest of its settings."""
    return {
        "settings_sha256": provenance.settings_sha256,
        "seed": provenance.seed,
        "replicates": provenance.replicates,
        "confidence_level": provenance.confidence_level,
        "min_group_size": provenance.min_group_size,
    }


def _decided(read: EvidenceRead[Any, Any], tier: TierSettings | None) -> list[dict[str, Any]]:
    """The card's thresholds as the gate decides them (none without a policy)."""
    if tier is None:
        return []
    rows: list[dict[str, Any]] = []
    for index, verdicts in threshold_verdicts(read, tier):
        if not verdicts:
            threshold = read.settings.thresholds[index]
            rows.append(no_result_row(threshold, f"{read.relative} has no result for it"))
        rows.extend(verdict_row(one) for one in verdicts)
    rows.sort(key=lambda row: ROW_ORDER.index(row["css"]))
    return rows
