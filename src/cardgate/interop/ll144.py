"""`cardgate export ll144 SYSTEM`: the summary of results of a NYC Local Law 144 bias
audit (6 RCNY § 5-303(a)): the audit date, the source and explanation of the data
(historical or test data), the number of individuals of unknown category, the number of
individuals, the selection or scoring rates and the impact ratios of every category, and
the distribution date of the tool; as Markdown (``ll144-summary.md``) and JSON
(``ll144-audit.json``).

The audit is computed (`cardgate.evidence.bias_audit`) from the predictions the system's
evaluation read, and only while they are the bytes the evaluation recorded: predictions
changed since `cardgate evaluate` are an error, never a summary of other data. A system
whose card has no ``bias_audit:`` section is skipped by ``export all`` and refused with a
hint when named.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from cardgate.core.errors import UsageError
from cardgate.core.text import fixed, markdown_text
from cardgate.documents.schemas.bias_audit import BiasAudit
from cardgate.evidence.bias_audit_run import audit_predictions, audit_unavailable
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import SystemSource, policy_options

if TYPE_CHECKING:  # numpy: loaded by the audit, when a system has one
    from cardgate.evidence.bias_audit import AuditResult, AuditTable, CategoryResult

SUMMARY_FILE = "ll144-summary.md"
AUDIT_FILE = "ll144-audit.json"
RULES = "6 RCNY §§ 5-300 to 5-304 (checklists/frameworks/nyc-ll144.yaml)"


def unavailable(system: SystemSource) -> UsageError | None:
    """Why the system has no LL144 summary (None: it has one)."""
    found = audit_unavailable(system.id, system.card, system.evaluation)
    if found is None and system.workspace is None:
        return UsageError(f"'{system.id}' was loaded without its workspace")
    return found


def export_system(system: SystemSource) -> ExportFiles:
    """The LL144 summary of `system`, or nothing when it has no bias audit."""
    if unavailable(system) is not None:
        return {}
    result = compute_audit(system)
    audit = system.card.bias_audit
    assert audit is not None
    return {
        SUMMARY_FILE: summary_markdown(system, audit, result).encode("utf-8"),
        AUDIT_FILE: (
            json.dumps(audit_data(system, audit, result), indent=2, sort_keys=True) + "\n"
        ).encode("utf-8"),
    }


def compute_audit(system: SystemSource) -> AuditResult:
    """The audit of the predictions the evaluation read (`InputError` when they changed)."""
    assert system.workspace is not None and system.evaluation is not None
    return audit_predictions(
        system.workspace.root,
        system.id,
        system.card,
        system.evaluation,
        evaluation_path=system.evaluation_path,
    )


def policy_minimum(system: SystemSource) -> float | None:
    """The minimum impact ratio the workspace's policy sets for the system's risk tier
    (GATE-BA001's ``min_impact_ratio``); None when it sets none or cannot be resolved."""
    from cardgate.gate.rules.bias_audit_ratios import CODE, Options

    options = policy_options(system, CODE)
    return options.min_impact_ratio if isinstance(options, Options) else None


def policy_text(minimum: float | None) -> str:
    """What the summary says of the policy's minimum (empty without one): shown beside
    the ratios, never as the rules' test."""
    if minimum is None:
        return ""
    return (
        f"The organisation's release policy sets a minimum impact ratio of {minimum:g} for "
        "this system's risk tier: cardgate's release gate (rule GATE-BA001) blocks a "
        "release only where a ratio's whole interval lies below it and the ratio is below "
        "its noise floor. That minimum is the organisation's own; the rules set no pass "
        "mark, and this summary judges no ratio."
    )


def definition(term: str) -> str:
    """The first paragraph of a definition of § 5-300, verbatim from the shipped catalog."""
    from cardgate.frameworks.registry import load_framework

    entry = load_framework("nyc-ll144").provisions[f"rcny-5-300-def-{term}"]
    return str(entry.text).split("\n", 1)[0]


def number_text(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else fixed(value, digits)


def ratio_text(row: CategoryResult) -> str:
    """An impact ratio as shown: excluded, undefined, or its value (1.000 for the highest)."""
    if row.excluded:
        return "excluded (under 2%)"
    if row.impact_ratio is None:
        return "—"
    return number_text(row.impact_ratio) + (" (highest)" if row.highest else "")


def interval_text(pair: tuple[float, float] | None) -> str:
    return "—" if pair is None else f"{pair[0]:.3f}–{pair[1]:.3f}"


def summary_markdown(system: SystemSource, audit: BiasAudit, result: AuditResult) -> str:
    """The summary of results as Markdown (every value from a document escaped)."""
    rate = "Scoring rate" if result.method == "scoring" else "Selection rate"
    level = f"{result.confidence_level:.0%}"
    lines = [
        f"# Bias audit summary: {markdown_text(system.card.name)}",
        "",
        "Summary of the results of a bias audit under New York City Local Law 144 of 2021 "
        f"and its rules, {RULES}.",
        "",
        "| | |",
        "|---|---|",
        f"| Automated employment decision tool | {markdown_text(system.card.name)} "
        f"(`{system.id}`) |",
        f"| Date of the bias audit | {audit.audit_date.isoformat()} |",
        f"| Distribution date of the tool | {audit.distribution_date.isoformat()} |",
        f"| Auditor | {markdown_text(audit.auditor)} |",
        f"| Data | {'historical data' if audit.data == 'historical' else 'test data'} |",
        f"| Source and explanation of the data | {markdown_text(audit.data_source)} |",
        f"| Individuals assessed | {result.individuals} |",
        f"| Individuals of unknown sex or race/ethnicity category (not included) | "
        f"{result.unknown} |",
    ]
    if result.median is not None:
        lines.append(f"| Median score of the full sample | {result.median:.6g} |")
    if audit.note is not None:
        lines += ["", f"**Note.** {markdown_text(audit.note)}"]
    terms = ("scoring-rate" if result.method == "scoring" else "selection-rate", "impact-ratio")
    lines += ["", "Definitions (6 RCNY § 5-300, quoted from the rules):", ""]
    for term in terms:
        lines += [f"> {markdown_text(definition(term))}", ""]
    lines += [
        f"Intervals are {level} confidence intervals (Wilson for rates; the log-ratio "
        "construction of cardgate's evaluation for ratios). The noise floor is the lowest "
        f"ratio chance alone gives at {level} confidence when the category and the "
        "highest one share their pooled rate: a ratio above it is not distinguishable "
        "from 1 with these numbers. No ratio is judged pass or fail here.",
    ]
    if minimum := policy_text(policy_minimum(system)):
        lines += ["", minimum]
    if audit.exclude_small_categories is not None:
        lines += [
            "",
            "Categories under 2% of the individuals of known category in a table are "
            "excluded from the impact ratios and reported with their numbers and rates. "
            f"Justification: {markdown_text(audit.exclude_small_categories)}",
        ]
    for table in result.tables:
        lines += ["", *_table_markdown(table, rate)]
    lines += [
        "",
        "This summary supports, and does not replace, the independent auditor's report "
        "and legal review.",
        "",
    ]
    return "\n".join(lines)


def _table_markdown(table: AuditTable, rate: str) -> list[str]:
    lines = [
        f"## {table.dimension.capitalize()}",
        "",
        f"| Category | Individuals | {rate} | {rate} interval | Impact ratio "
        "| Ratio interval | Noise floor |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in table.categories:
        lines.append(
            f"| {markdown_text(row.category)} | {row.individuals} | {number_text(row.rate)} "
            f"| {interval_text(row.rate_interval)} | {ratio_text(row)} "
            f"| {interval_text(row.ratio_interval)} | {number_text(row.noise_floor)} |"
        )
    lines += ["", f"Individuals of unknown {table.dimension} category: {table.unknown}."]
    return lines


def audit_data(system: SystemSource, audit: BiasAudit, result: AuditResult) -> dict[str, Any]:
    """The audit as JSON data (what the summary shows, machine-readable)."""
    return {
        "artifact": "cardgate-ll144-audit",
        "schema_version": 1,
        "system": system.id,
        "rules": RULES,
        "method": result.method,
        "audit_date": audit.audit_date.isoformat(),
        "distribution_date": audit.distribution_date.isoformat(),
        "auditor": audit.auditor,
        "data": audit.data,
        "data_source": audit.data_source,
        "note": audit.note,
        "excluded_small_categories_justification": audit.exclude_small_categories,
        "predictions": {
            "path": system.card.evaluation.predictions.path
            if system.card.evaluation is not None
            else None,
            "sha256": system.evaluation.provenance.predictions.sha256
            if system.evaluation is not None
            else None,
        },
        "individuals": result.individuals,
        "unknown": result.unknown,
        "median_score": result.median,
        "confidence_level": result.confidence_level,
        "policy_min_impact_ratio": policy_minimum(system),
        "tables": [
            {
                "dimension": table.dimension,
                "unknown": table.unknown,
                "categories": [
                    {
                        "category": row.category,
                        "individuals": row.individuals,
                        "favourable": row.favourable,
                        "rate": row.rate,
                        "rate_interval": list(row.rate_interval),
                        "share": row.share,
                        "excluded": row.excluded,
                        "impact_ratio": row.impact_ratio,
                        "ratio_interval": list(row.ratio_interval)
                        if row.ratio_interval is not None
                        else None,
                        "noise_floor": row.noise_floor,
                        "highest": row.highest,
                    }
                    for row in table.categories
                ],
            }
            for table in result.tables
        ],
    }


FORMAT = Format(
    name="ll144",
    title="NYC Local Law 144 bias audit summary (6 RCNY § 5-303)",
    systems=export_system,
    unavailable=unavailable,
)
