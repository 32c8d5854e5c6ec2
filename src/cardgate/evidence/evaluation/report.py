"""The text summary `cardgate evaluate` prints: only renders an artifact."""

from __future__ import annotations

from typing import Any


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:,.1f}"


def _ci(ci: list[float] | None, level: float) -> str:
    if not ci:
        return ""
    return f"{round(level * 100):g}% CI {_fmt(ci[0])}–{_fmt(ci[1])}"


def _p(p_value: float | None) -> str:
    if p_value is None:
        return "p n/a"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


def render_summary(artifact: dict[str, Any]) -> list[str]:
    """Lines summarising an evaluation artifact (header, thresholds, suppressed groups)."""
    provenance = artifact["provenance"]
    level = provenance["confidence_level"]
    features = artifact["features"]
    described = ", ".join(f"{f['feature']} ({len(f['groups'])})" for f in features)
    metric_count = len(artifact["overall"]["metrics"])
    lines = [
        f"{artifact['system']}: {provenance['predictions']['rows_used']:,} rows, "
        f"{metric_count} metrics × groups of {described}, "
        f"{provenance['replicates']:,} bootstrap replicates, seed {provenance['seed']}"
    ]
    for dropped in provenance["predictions"]["dropped"]:
        lines.append(f"  dropped {dropped['rows']:,} rows: {dropped['reason']}")
    rows = []
    for result in artifact["thresholds"]:
        where = result["feature"] or "overall"
        if result["group"] is not None:
            where += f" '{result['group']}'"
        bound = "  ".join(
            f"{key} {result[key]:g}" for key in ("min", "max") if result[key] is not None
        )
        if result["verdicts"]["point"] == "suppressed":
            verdict = "suppressed (small group)"
        elif result["value"] is None:
            verdict = f"FAIL (undefined: {result.get('reason') or 'no value'})"
        elif result["passed"]:
            verdict = "pass"
        else:
            verdict = "FAIL"
            if result["noise_floor"] is not None:
                verdict += f" (noise floor {_fmt(result['noise_floor'])}, {_p(result['p_value'])})"
        if result["decide_on"] != "point":
            verdict += f" [on {result['decide_on']}]"
        rows.append(
            (
                f"{result['metric']} [{where}]",
                _fmt(result["value"]),
                _ci(result["ci"], level),
                bound,
                verdict,
            )
        )
    if not rows:
        for feature in features:
            for record in feature["disparities"]:
                floor = record["noise_floor"]
                note = (
                    f"noise floor {_fmt(floor)}, {_p(record['p_value'])}"
                    if floor is not None
                    else ""
                )
                rows.append(
                    (
                        f"{record['metric']} [{feature['feature']}]",
                        _fmt(record["value"]),
                        _ci(record["ci"], level),
                        "",
                        note,
                    )
                )
    if rows:
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = [row[i].ljust(widths[i]) for i in range(4)]
            lines.append("  " + "   ".join([*cells, row[4]]).rstrip())
    minimum = provenance.get("min_group_size")
    for feature in features:
        for group in feature["groups"]:
            if group["suppressed"]:
                lines.append(
                    f"  group '{feature['feature']}={group['group']}' n={group['count']:,} below "
                    f"min_group_size {minimum}: suppressed from disparities, reported"
                )
    return lines
