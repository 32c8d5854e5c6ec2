"""What `cardgate evaluate-retrieval`, `evaluate-generation`, `evaluate-safety` and
`evaluate-operations` print: the
overall means, each slice's, the spreads, the baseline comparison and the recorded
threshold states, one line each."""

from __future__ import annotations

from collections.abc import Sequence

from cardgate.evidence.evaluation.artifact import Estimate, ThresholdResult
from cardgate.evidence.evaluation.decide import interval_text, number
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.operations_artifact import OperationsArtifact
from cardgate.evidence.genai.retrieval_artifact import Metrics, RetrievalArtifact, SliceFeature
from cardgate.evidence.genai.safety_artifact import SafetyArtifact


def _shown(name: str, estimate: Estimate, level: float) -> str:
    if estimate.value is None:
        return f"{name} undefined ({estimate.reason})"
    ci = interval_text(estimate.ci, level)
    return f"{name} {number(estimate.value)}" + (f" ({ci})" if ci else "")


def _means(
    label: str, overall: Metrics, features: Sequence[SliceFeature], level: float
) -> list[str]:
    lines = [f"  {label}: " + "; ".join(_shown(n, e, level) for n, e in overall.metrics.items())]
    for feature in features:
        for part in feature.slices:
            note = " (too few to compare)" if part.suppressed else ""
            shown = "; ".join(_shown(n, e, level) for n, e in part.metrics.items())
            lines.append(f"    {feature.feature}={part.slice} ({part.count:,}){note}: {shown}")
        for spread in feature.differences:
            floor = (
                f", noise floor {number(spread.noise_floor)}"
                if spread.noise_floor is not None
                else ""
            )
            lines.append(f"    {feature.feature}: {_shown(spread.metric, spread, level)}{floor}")
    return lines


def _states(label: str, results: Sequence[ThresholdResult]) -> list[str]:
    return [f"  {label}: {result.reason} [{result.state}]" for result in results]


def summary_lines(artifact: RetrievalArtifact) -> list[str]:
    """A retrieval artifact in words, for the terminal."""
    provenance = artifact.provenance
    level = provenance.confidence_level
    lines = [
        f"{artifact.system}: {artifact.overall.count:,} labelled queries, metrics at "
        f"k={provenance.k}",
        *_means("overall", artifact.overall, artifact.features, level),
    ]
    if artifact.baseline is not None:
        lines += _states("baseline", artifact.baseline.comparisons)
    return lines + _states("threshold", artifact.thresholds)


def _judged(artifact: GenerationArtifact | SafetyArtifact) -> list[str]:
    provenance = artifact.provenance
    sources = ", ".join(f"{s.tool} {s.path} ({s.samples:,} samples)" for s in provenance.sources)
    lines = [f"{artifact.system}: scores from {sources}; judged by {provenance.judged_by}"]
    for source in provenance.sources:
        for metric, count in source.missing.items():
            lines.append(f"  {metric}: {count:,} samples without a score left out ({source.path})")
        for metric in source.not_per_sample:
            lines.append(f"  {metric}: not a per-sample score, not imported ({source.path})")
    return lines


def generation_lines(artifact: GenerationArtifact) -> list[str]:
    """A generation artifact in words, for the terminal."""
    level = artifact.provenance.confidence_level
    lines = _judged(artifact)
    for score in artifact.scores:
        lines += _means(f"{score.metric} ({score.tool})", score.overall, score.features, level)
    if (baseline := artifact.baseline) is not None:
        for metric, change in baseline.changes.items():
            lines.append(
                f"  {metric} against the baseline ({baseline.count[metric]:,} samples in "
                f"both): {_shown('baseline', baseline.baseline[metric], level)}; "
                f"{_shown('change (paired)', change, level)}"
            )
    return lines + _states("threshold", artifact.thresholds)


def safety_lines(artifact: SafetyArtifact) -> list[str]:
    """A safety artifact in words, for the terminal: each rate with its AI 600-1 risk."""
    level = artifact.provenance.confidence_level
    lines = _judged(artifact)
    for rate in artifact.rates:
        label = f"{rate.outcome} rate ({rate.tool}; {rate.worse} is worse; AI 600-1: {rate.risk})"
        lines += _means(label, rate.overall, rate.features, level)
    return lines + _states("threshold", artifact.thresholds)


def operations_lines(artifact: OperationsArtifact) -> list[str]:
    """An operations artifact in words, for the terminal."""
    provenance = artifact.provenance
    level = provenance.confidence_level
    log = provenance.log
    lines = [f"{artifact.system}: {artifact.count:,} queries from {log.path} ({log.gives})"]
    overall = Metrics(count=artifact.count, metrics=artifact.metrics)
    lines += _means("overall", overall, artifact.features, level)
    if artifact.baseline is not None:
        baseline = artifact.baseline
        lines.append(
            f"  baseline ({baseline.count:,} queries in both logs, {baseline.unmatched:,} in "
            "one only): " + "; ".join(_shown(n, e, level) for n, e in baseline.baseline.items())
        )
        lines.append(
            "  change from the baseline (paired): "
            + "; ".join(_shown(n, e, level) for n, e in baseline.changes.items())
        )
    return lines + _states("threshold", artifact.thresholds)
