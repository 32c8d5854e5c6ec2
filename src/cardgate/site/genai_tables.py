"""The tables of a GenAI system page's evaluations, shared by its retrieval, generation,
safety and operations parts (`site.genai_content`): an estimate as cells, metrics as
rows, one slice feature with its spreads and chart, a limit in words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from cardgate.evidence.evaluation.artifact import Disparity, Estimate
from cardgate.evidence.genai.retrieval_artifact import Metrics, SliceFeature
from cardgate.site.charts import Bar, Line, bar_chart
from cardgate.site.templating import metric_words, sentence_start


def estimate_cells(estimate: Estimate | None) -> dict[str, Any]:
    if estimate is None:
        return {"value": None, "ci": None, "reason": "not computed"}
    return {
        "value": estimate.value,
        "ci": list(estimate.ci) if estimate.ci is not None else None,
        "reason": estimate.reason or "",
    }


def metric_rows(metrics: Metrics, order: Sequence[str]) -> list[dict[str, Any]]:
    names = [m for m in order if m in metrics.metrics]
    names += sorted(m for m in metrics.metrics if m not in names)
    return [{"metric": name, **estimate_cells(metrics.metrics[name])} for name in names]


Limit = tuple[str, str | None, float | None, float | None]


def slice_table(
    feature: SliceFeature, order: Sequence[str], limits: Sequence[Limit]
) -> dict[str, Any]:
    """One slice feature: a row per slice, the spreads, and a chart of the first metric
    with a per-slice threshold (else the first metric) with its intervals and limits."""
    names = [m for m in order if any(m in s.metrics for s in feature.slices)]
    rows = [
        {
            "slice": s.slice,
            "count": s.count,
            "suppressed": s.suppressed,
            "metrics": [estimate_cells(s.metrics.get(name)) for name in names],
        }
        for s in feature.slices
    ]
    spreads = [_spread(d, limits, feature.feature) for d in feature.differences]
    limited = [m for m, f, _, _ in limits if f == feature.feature and m in names]
    charted = limited[0] if limited else (names[0] if names else "")
    return {
        "feature": feature.feature,
        "metric_names": names,
        "rows": rows,
        "spreads": spreads,
        "chart": _chart(feature, charted, limits) if charted else None,
    }


def _spread(disparity: Disparity, limits: Sequence[Limit], feature: str) -> dict[str, Any]:
    limit = next(
        (
            (low, high)
            for metric, name, low, high in limits
            if metric == disparity.metric and name == feature
        ),
        None,
    )
    return {
        "metric": disparity.metric,
        "value": disparity.value,
        "ci": list(disparity.ci) if disparity.ci is not None else None,
        "reason": disparity.reason or "",
        "noise_floor": disparity.noise_floor,
        "p_value": disparity.p_value,
        "limit": limit_text(limit),
    }


def limit_text(limit: tuple[float | None, float | None] | None) -> str:
    if limit is None:
        return ""
    low, high = limit
    parts = [f"≥ {low}" if low is not None else "", f"≤ {high}" if high is not None else ""]
    return " and ".join(p for p in parts if p)


def _chart(feature: SliceFeature, metric: str, limits: Sequence[Limit]) -> dict[str, Any]:
    bars = []
    for s in feature.slices:
        estimate = s.metrics.get(metric)
        ci = estimate.ci if estimate is not None else None
        bars.append(
            Bar(
                label=s.slice,
                value=estimate.value if estimate is not None else None,
                ci=(float(ci[0]), float(ci[1])) if ci is not None else None,
                note="too few to compare" if s.suppressed else "",
                muted=s.suppressed,
            )
        )
    lines = list(
        dict.fromkeys(
            Line(float(bound), f"{word} {float(bound):.2f}")
            for name, on, low, high in limits
            if name == metric and on in (None, feature.feature)
            for word, bound in (("min", low), ("max", high))
            if bound is not None
        )
    )
    title = f"{metric_words(metric)} by {feature.feature}"
    svg: Markup = bar_chart(
        sentence_start(title),
        bars,
        lines=lines,
        description=f"Per-slice {metric_words(metric)} for {feature.feature}, with intervals.",
    )
    return {
        "svg": svg,
        "caption": f"{sentence_start(title)}: bars are values, black whiskers the "
        "intervals" + (", dashed red lines the thresholds." if lines else "."),
    }
