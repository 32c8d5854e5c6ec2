"""What `cardgate evaluate-retrieval` and `cardgate evaluate-generation` print: the
overall means, each slice's, the spreads, the baseline comparison and the recorded
threshold states, one line each."""

from __future__ import annotations

from collections.abc import Sequence

from cardgate.evidence.evaluation.artifact import Estimate, ThresholdResult
from cardgate.evidence.evaluation.decide import interval_text, number
from cardgate.evidence.genai.generation_artifact import GenerationArtifact
from cardgate.evidence.genai.retrieval_artifact import Metrics, RetrievalArtifact, SliceFeature


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


def generation_lines(artifact: GenerationArtifact) -> list[str]:
    """A generation artifact in words, for the terminal."""
    provenance = artifact.provenance
    level = provenance.confidence_level
    sources = ", ".join(f"{s.tool} {s.path} ({s.samples:,} samples)" for s in provenance.sources)
    lines = [f"{artifact.system}: scores from {sources}; judged by {provenance.judged_by}"]
    for source in provenance.sources:
        for metric, count in source.missing.items():
            lines.append(f"  {metric}: {count:,} samples without a score left out ({source.path})")
        for metric in source.not_per_sample:
            lines.append(f"  {metric}: not a per-sample score, not imported ({source.path})")
    for score in artifact.scores:
        lines += _means(f"{score.metric} ({score.tool})", score.overall, score.features, level)
    return lines + _states("threshold", artifact.thresholds)
