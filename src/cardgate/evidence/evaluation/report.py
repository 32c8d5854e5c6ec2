"""The text summary `cardgate evaluate` prints: it renders an artifact and the verdicts
`decide` gave its thresholds (under the policy in force), and decides nothing."""

from __future__ import annotations

from collections.abc import Sequence

from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.evidence.evaluation.decide import (
    ThresholdVerdicts,
    interval_text,
    limit_text,
    number,
    p_value_text,
)

SMALL_GROUPS_LISTED = 5
"""Suppressed groups of a feature named one per line; beyond, one summary line."""

OUTCOME_LABELS = {"pass": "pass", "warn": "WARN", "block": "FAIL"}


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else number(value)


def _p(p_value: float | None) -> str:
    return p_value_text(p_value) or "p n/a"


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    if not rows:
        return []
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return [
        "  " + "   ".join([*(row[i].ljust(widths[i]) for i in range(4)), row[4]]).rstrip()
        for row in rows
    ]


def render_summary(
    artifact: EvaluationArtifact,
    verdicts: Sequence[ThresholdVerdicts],
    *,
    policy: str,
) -> list[str]:
    """Lines summarising an evaluation: header, threshold verdicts (as the gate decides
    them under `policy`, named in the output), small groups."""
    provenance = artifact.provenance
    level = provenance.confidence_level
    described = ", ".join(f"{f.feature} ({len(f.groups)})" for f in artifact.features)
    lines = [
        f"{artifact.system}: {provenance.predictions.rows_used:,} rows, "
        f"{len(artifact.overall.metrics)} metrics × groups of {described}, "
        f"{provenance.replicates:,} replicates (bootstrap, permutations), seed {provenance.seed}"
    ]
    for dropped in provenance.predictions.dropped:
        lines.append(f"  dropped {dropped.rows:,} rows: {dropped.reason}")
    rows: list[tuple[str, ...]] = []
    details: list[str] = []
    for decided in verdicts:
        if not decided.verdicts:
            rows.append((decided.subject, "", "", "", "FAIL: no result (re-run evaluate)"))
        for verdict in decided.verdicts:
            result = verdict.result
            where = result.feature or "overall"
            if result.group is not None:
                where += f" '{result.group}'"
            label = f"{OUTCOME_LABELS[verdict.outcome]}: {verdict.state}"
            if verdict.state == "beyond" and result.noise_floor is not None:
                label += f" (noise floor {_fmt(result.noise_floor)}, {_p(result.p_value)})"
            rows.append(
                (
                    f"{result.metric} [{where}]",
                    _fmt(result.value),
                    interval_text(result.ci, level),
                    limit_text(result.min, result.max),
                    label,
                )
            )
            if verdict.outcome != "pass" or verdict.notes:
                details.append(f"  - {verdict.message}")
    if rows:
        lines.append(f"thresholds, decided under {policy}:")
        lines += _table(rows)
        lines += details
    else:
        for feature in artifact.features:
            for record in feature.disparities:
                floor = record.noise_floor
                note = (
                    f"noise floor {_fmt(floor)}, {_p(record.p_value)}" if floor is not None else ""
                )
                rows.append(
                    (
                        f"{record.metric} [{feature.feature}]",
                        _fmt(record.value),
                        interval_text(record.ci, level),
                        "",
                        note,
                    )
                )
        lines += _table(rows)
    lines += _small_groups(artifact)
    return lines


def _small_groups(artifact: EvaluationArtifact) -> list[str]:
    """Groups suppressed from disparities: a line each, or one line for a feature with many."""
    minimum = artifact.provenance.min_group_size
    lines = []
    for feature in artifact.features:
        small = [group for group in feature.groups if group.suppressed]
        if len(small) > SMALL_GROUPS_LISTED:
            rows = sum(group.count for group in small)
            examples = ", ".join(f"'{group.group}'" for group in small[:3])
            lines.append(
                f"  {len(small):,} of {len(feature.groups):,} groups of '{feature.feature}' "
                f"({rows:,} rows; e.g. {examples}) are below min_group_size {minimum}: "
                "suppressed from disparities, reported in the artifact"
            )
            continue
        for group in small:
            lines.append(
                f"  group '{feature.feature}={group.group}' n={group.count:,} below "
                f"min_group_size {minimum}: suppressed from disparities, reported"
            )
    return lines
