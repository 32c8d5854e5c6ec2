"""A GenAI system's part of its Hugging Face model card: what the system is made of (the
card's `genai.components`, corpus, oversight, fallback and NIST AI 600-1 risks) and what
cardgate computed about it (`retrieval.json`: metrics at k with intervals, per slice, and
the paired comparison with the baseline; `generation.json`: the judged scores and who
judged them; `safety.json`: the red-team rates with their AI 600-1 risks;
`operations.json`: latency and cost per query). Part of the Hugging Face export
(`interop.huggingface`)."""

from __future__ import annotations

from collections.abc import Callable

from cardgate.core.text import fixed
from cardgate.evidence.evaluation.artifact import Estimate
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.operations_artifact import OperationsArtifact
from cardgate.evidence.genai.retrieval_artifact import RetrievalArtifact, SliceFeature
from cardgate.evidence.genai.safety_artifact import SafetyArtifact
from cardgate.interop.hf_common import md
from cardgate.interop.source import SystemSource


def system_lines(system: SystemSource) -> list[str]:
    """`### GenAI System`: components, pinned prompts, guardrails, corpus, oversight,
    fallback and the AI 600-1 risks (none for a card without a genai: section)."""
    genai = system.card.genai
    if genai is None:
        return []
    parts = genai.components
    lines = ["### GenAI System", ""]
    base = parts.base_model
    lines.append(f"- **Base model:** {md(_model(base.name, base.version, base.provider))}")
    for label, model in (("Embedding model", parts.embedding_model), ("Re-ranker", parts.reranker)):
        if model is not None:
            lines.append(f"- **{label}:** {md(_model(model.name, model.version, model.provider))}")
    if parts.vector_index is not None:
        settings = parts.vector_index.settings or {}
        shown = ", ".join(f"{key} {value}" for key, value in sorted(settings.items()))
        index = parts.vector_index.kind + (f" ({shown})" if shown else "")
        lines.append(f"- **Index:** {md(index)}")
    if parts.chunking is not None:
        size = f", size {parts.chunking.size}" if parts.chunking.size is not None else ""
        unit = f" {parts.chunking.unit}" if size and parts.chunking.unit else ""
        lines.append(f"- **Chunking:** {md(parts.chunking.strategy + size + unit)}")
    if parts.retriever is not None:
        lines.append(f"- **Retriever:** {md(parts.retriever.kind)}, k = {parts.retriever.k}")
    for prompt in parts.prompts or []:
        lines.append(f"- **Prompt `{prompt.id}`:** {md(prompt.path)} (SHA-256 `{prompt.sha256}`)")
    for guardrail in parts.guardrails or []:
        what = f": {md(guardrail.description)}" if guardrail.description else ""
        lines.append(f"- **Guardrail {md(guardrail.name)}**{what}")
    for tool in parts.tools or []:
        what = f": {md(tool.description)}" if tool.description else ""
        lines.append(f"- **Tool {md(tool.name)}**{what}")
    sheets = {d.id: d.datasheet.name for d in system.datasets}
    for ref in genai.corpus or []:
        lines.append(
            f"- **Corpus:** {md(sheets.get(ref.dataset, ref.dataset))} (datasheet `{ref.dataset}`)"
        )
    lines += [f"- **Human oversight:** {md(genai.human_oversight)}"]
    lines += [f"- **Fallback:** {md(genai.fallback)}", ""]
    lines += ["#### NIST AI 600-1 Risks", ""]
    for exposure in genai.gai_risks:
        lines.append(f"- `{exposure.risk}`: {md(exposure.exposure)} Mitigations:")
        lines += [f"  - {md(mitigation)}" for mitigation in exposure.mitigations]
    return [*lines, ""]


def _model(name: str, version: str | None, provider: str | None) -> str:
    return name + (f" {version}" if version else "") + (f" ({provider})" if provider else "")


def _number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else fixed(value, digits)


def _estimate(estimate: Estimate | None, digits: int = 3) -> str:
    if estimate is None or estimate.value is None:
        return "—"
    if estimate.ci is None:  # a quantile of too few queries (its reason says so)
        return f"{_number(estimate.value, digits)} (no interval)"
    low, high = (_number(end, digits) for end in estimate.ci)
    return f"{_number(estimate.value, digits)} ({low}–{high})"


def results_lines(system: SystemSource) -> list[str]:
    """The retrieval, generation, safety and operations results cardgate computed, as
    tables."""
    lines: list[str] = []
    if system.retrieval is not None:
        lines += _retrieval(system.retrieval)
    if system.generation is not None:
        lines += _generation(system.generation)
    if system.safety is not None:
        lines += _safety(system.safety)
    if system.operations is not None:
        lines += _operations(system.operations)
    return lines


def _retrieval(artifact: RetrievalArtifact) -> list[str]:
    provenance = artifact.provenance
    level = round(provenance.confidence_level * 100)
    lines = [
        "#### Retrieval",
        "",
        f"Computed by `cardgate evaluate-retrieval` from {artifact.overall.count} labelled "
        f"queries (SHA-256 `{provenance.queries.sha256}`) and the system's ranked results "
        f"(SHA-256 `{provenance.run.sha256}`), at k = {provenance.k}, with {level}% "
        "intervals for the means of per-query scores (Wilson's at the effective sample "
        "size, `bounded_mean`), the change from the baseline's run by gains and losses "
        f"(MOVER), and slice null tests of {provenance.replicates} permutations (seed "
        f"{provenance.seed}); docs/statistics.md.",
        "",
        f"| metric | value ({level}% interval) |",
        "|---|---|",
    ]
    for name, estimate in sorted(artifact.overall.metrics.items()):
        lines.append(f"| {name}@{provenance.k} | {_estimate(estimate)} |")
    baseline = artifact.baseline
    if baseline is not None:
        lines += [
            "",
            f"Compared with the baseline configuration on the same {baseline.count} queries "
            "(candidate minus baseline, a paired interval; the gate blocks a change below "
            f"-{baseline.tolerance}):",
            "",
            "| metric | candidate | baseline | change (interval) |",
            "|---|---|---|---|",
        ]
        for result in baseline.comparisons:
            metric = result.metric.removesuffix("_change_from_baseline")
            change = Estimate(value=result.value, ci=result.ci)
            lines.append(
                f"| {metric}@{provenance.k} | {_estimate(artifact.overall.metrics.get(metric))} "
                f"| {_estimate(baseline.baseline.get(metric))} | {_estimate(change)} |"
            )
    for feature in artifact.features:
        lines += _slices(feature, "queries")
    return [*lines, ""]


def _slices(
    feature: SliceFeature, unit: str, digits: Callable[[str], int] = lambda _: 3
) -> list[str]:
    """A slice feature's table and its spreads; `digits`: decimals of a metric's numbers."""
    names = sorted({m for s in feature.slices for m in s.metrics})
    lines = [
        "",
        f"By {md(feature.feature)}:",
        "",
        f"| {md(feature.feature)} | {unit} | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for found in feature.slices:
        cells = [_estimate(found.metrics.get(name), digits(name)) for name in names]
        shown = md(found.slice) + (" (too few: not compared)" if found.suppressed else "")
        lines.append(f"| {shown} | {found.count} | " + " | ".join(cells) + " |")
    if feature.differences:
        lines += [
            "",
            f"Spread between the slices of {md(feature.feature)} (largest minus smallest "
            "compared slice), with its permutation noise floor:",
            "",
            "| spread | value (interval) | noise floor |",
            "|---|---|---|",
        ]
    for spread in feature.differences:
        floor = _number(spread.noise_floor, digits(spread.metric))
        lines.append(
            f"| {md(spread.metric)} | {_estimate(spread, digits(spread.metric))} | {floor} |"
        )
    return lines


def _generation(artifact: GenerationArtifact) -> list[str]:
    provenance = artifact.provenance
    level = round(provenance.confidence_level * 100)
    lines = [
        "#### Generation",
        "",
        f"Judged outside cardgate — judged by: {md(provenance.judged_by)}",
        "",
        "Per-sample scores read by `cardgate evaluate-generation` from "
        + ", ".join(
            f"{md(s.tool)} `{md(s.path)}` (SHA-256 `{s.sha256}`)" for s in provenance.sources
        )
        + f", averaged with {level}% intervals (scores in [0, 1]: Wilson's at the effective "
        "sample size, `bounded_mean`; others: the percentile bootstrap; docs/statistics.md).",
        "",
        f"| score | tool | samples | mean ({level}% interval) |",
        "|---|---|---|---|",
    ]
    for summary in artifact.scores:
        estimate = summary.overall.metrics.get(summary.metric)
        lines.append(
            f"| {md(summary.metric)} | {md(summary.tool)} | {summary.overall.count} | "
            f"{_estimate(estimate)} |"
        )
    if (compared := artifact.baseline) is not None:
        lines += [
            "",
            "Compared with the baseline configuration's judged scores ("
            + ", ".join(f"{md(s.tool)} `{md(s.path)}`" for s in compared.sources)
            + ") on the samples both scored (candidate minus baseline, a paired interval):",
            "",
            "| score | samples | candidate | baseline | change (interval) |",
            "|---|---|---|---|---|",
        ]
        means = {s.metric: s.overall.metrics.get(s.metric) for s in artifact.scores}
        for metric, change in compared.changes.items():
            lines.append(
                f"| {md(metric)} | {compared.count[metric]} | {_estimate(means.get(metric))} | "
                f"{_estimate(compared.baseline.get(metric))} | {_estimate(change)} |"
            )
    return [*lines, ""]


def _safety(artifact: SafetyArtifact) -> list[str]:
    provenance = artifact.provenance
    lines = [
        "#### Safety and red-teaming",
        "",
        f"Judged outside cardgate — judged by: {md(provenance.judged_by)}",
        "",
        "Judged red-team outcomes read by `cardgate evaluate-safety` from "
        + ", ".join(
            f"{md(s.tool)} `{md(s.path)}` (SHA-256 `{s.sha256}`)" for s in provenance.sources
        )
        + f", each a rate with its {round(provenance.confidence_level * 100)}% Wilson "
        "interval and the NIST AI 600-1 risk it is evidence for.",
        "",
        "| outcome | AI 600-1 risk | worse when | judged | rate (interval) |",
        "|---|---|---|---|---|",
    ]
    for rate in artifact.rates:
        estimate = rate.overall.metrics.get(rate.outcome)
        lines.append(
            f"| {md(rate.outcome)} | {md(rate.risk)} | {rate.worse} | {rate.overall.count} | "
            f"{_estimate(estimate)} |"
        )
    return [*lines, ""]


def _operations(artifact: OperationsArtifact) -> list[str]:
    provenance = artifact.provenance
    level = round(provenance.confidence_level * 100)
    currency = f" ({md(provenance.currency)})" if provenance.currency else ""
    lines = [
        "#### Latency and cost",
        "",
        "Aggregated by `cardgate evaluate-operations` from the run log "
        f"`{md(provenance.log.path)}` ({artifact.count} queries, SHA-256 "
        f"`{provenance.log.sha256}`): latency quantiles in milliseconds and the mean cost "
        f"per 1,000 queries{currency}, with {level}% "
        "percentile-bootstrap intervals; the change from the baseline's log on the same "
        "queries with a paired bootstrap.",
        "",
        "| metric | value (interval) | baseline | change (interval) |",
        "|---|---|---|---|",
    ]
    baseline = artifact.baseline
    for name, estimate in artifact.metrics.items():
        theirs = baseline.baseline.get(name) if baseline is not None else None
        change = baseline.changes.get(name) if baseline is not None else None
        cells = [_estimate(found, _digits(name)) for found in (estimate, theirs, change)]
        lines.append(f"| {md(name)} | " + " | ".join(cells) + " |")
    for feature in artifact.features:
        lines += _slices(feature, "queries", _digits)
    return [*lines, ""]


def _digits(name: str) -> int:
    """Latencies in whole milliseconds, costs per 1,000 queries to 3 decimals."""
    return 0 if name.startswith("latency") else 3
