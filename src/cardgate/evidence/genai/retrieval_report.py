"""What `cardgate evaluate-retrieval` prints: the overall metrics, each slice's, the
spreads, the baseline comparison and the recorded threshold states, one line each."""

from __future__ import annotations

from cardgate.evidence.evaluation.artifact import Estimate
from cardgate.evidence.evaluation.decide import interval_text, number
from cardgate.evidence.genai.retrieval_artifact import RetrievalArtifact


def _shown(name: str, estimate: Estimate, level: float) -> str:
    if estimate.value is None:
        return f"{name} undefined ({estimate.reason})"
    ci = interval_text(estimate.ci, level)
    return f"{name} {number(estimate.value)}" + (f" ({ci})" if ci else "")


def summary_lines(artifact: RetrievalArtifact) -> list[str]:
    """The artifact in words, for the terminal."""
    provenance = artifact.provenance
    level = provenance.confidence_level
    k = provenance.k
    lines = [f"{artifact.system}: {artifact.overall.count:,} labelled queries, metrics at k={k}"]
    lines.append(
        "  overall: " + "; ".join(_shown(n, e, level) for n, e in artifact.overall.metrics.items())
    )
    for feature in artifact.features:
        for part in feature.slices:
            note = " (too few queries: not compared)" if part.suppressed else ""
            shown = "; ".join(_shown(n, e, level) for n, e in part.metrics.items())
            lines.append(f"  {feature.feature}={part.slice} ({part.count:,}){note}: {shown}")
        for spread in feature.differences:
            floor = (
                f", noise floor {number(spread.noise_floor)}"
                if spread.noise_floor is not None
                else ""
            )
            lines.append(f"  {feature.feature}: {_shown(spread.metric, spread, level)}{floor}")
    if artifact.baseline is not None:
        for result in artifact.baseline.comparisons:
            lines.append(f"  baseline: {result.reason} [{result.state}]")
    for result in artifact.thresholds:
        lines.append(f"  threshold: {result.reason} [{result.state}]")
    return lines
