"""The values of a system's page: the verdict and what is left, sign-offs, waivers,
evaluation tables and charts with intervals and thresholds, and coverage.

Kept whole: these are one page's values, computed here so that the template only renders
them; its sections share the helpers that turn the evaluation into rows (metric entries,
threshold rows, chart bars), which a split by section would scatter or pass around.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from cardgate.documents.schemas.evaluation import DISPARITY_METRICS, GROUP_METRICS
from cardgate.evidence.evaluation.artifact import PredictionsProvenance
from cardgate.gate.result import SystemVerdict
from cardgate.site.actions import Action, deciding_groups, role_holder, system_actions
from cardgate.site.charts import Bar, Line, bar_chart
from cardgate.site.compliance_content import Crosswalks, compliance_page, coverage_summary
from cardgate.site.escape import command_text
from cardgate.site.evidence import site_relative
from cardgate.site.genai_content import genai_values
from cardgate.site.governance_content import (
    ACTIONS_PAGE,
    GLOSSARY_PAGE,
    POLICY_PAGE,
    WAIVERS_PAGE,
    waiver_rows,
)
from cardgate.site.links import dataset_page, link, rule_page
from cardgate.site.monitoring_content import monitoring_values
from cardgate.site.templating import (
    badge,
    date,
    interval,
    metric_words,
    number,
    sentence_start,
)
from cardgate.site.threshold_rows import threshold_rows, worst_verdict
from cardgate.site.verdicts import VERDICT_WORDS, fairness_verdict, gate_mode, gate_verdict
from cardgate.site.view_inputs import evidence_values
from cardgate.site.view_model import SiteModel, SystemView, Unavailable

CHART_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")


# --- system page --------------------------------------------------------------------------------


def system_values(
    model: SiteModel,
    system: SystemView,
    path: str,
    rule_codes: frozenset[str],
    actions: list[Action] | None = None,
    crosswalks: Crosswalks | None = None,
) -> dict[str, Any]:
    verdict, counts = gate_verdict(model, system)
    mode, mode_line = gate_mode(model)
    fairness, fairness_detail = fairness_verdict(model, system)
    datasets = {d.id: d for d in model.datasets}
    card = system.card
    data_links = []
    if card is not None:
        for section_name, section in (
            ("training", card.training_data),
            ("evaluation", card.evaluation_data),
        ):
            for ref in section.datasets if section is not None else []:
                known = datasets.get(ref.dataset)
                data_links.append(
                    {
                        "use": section_name,
                        "id": ref.dataset,
                        "split": ref.split or "",
                        "name": known.sheet.name if known and known.sheet else ref.dataset,
                        "href": link(path, dataset_page(known.slug)) if known else "",
                    }
                )
    if actions is None:
        actions = system_actions(model, system)
    signoffs = system.signoffs if isinstance(system.signoffs, list) else []
    rule_links = {a.code: link(path, rule_page(a.code)) for a in actions if a.code in rule_codes}
    return {
        "system": system,
        "card": card,
        "verdict": verdict,
        "verdict_words": VERDICT_WORDS,
        "counts": counts,
        "mode": mode,
        "mode_line": mode_line,
        "gate_day": model.gate.result.today if model.gate.result is not None else model.today,
        "policy_source": model.gate.result.policy if model.gate.result is not None else "",
        "deciding": deciding_groups(actions),
        "actions": actions,
        "actions_html": action_rows(actions, rule_links),
        "fairness": fairness,
        "fairness_detail": fairness_detail,
        "gate_reason": model.gate.reason,
        "waived": model.gate.waived(system.id),
        "rule_links": rule_links,
        "waivers": waiver_rows(model, path, system=system.id),
        "evaluation": _evaluation_values(system, model.gate.verdict(system.id)),
        "evaluation_reason": (
            system.evaluation.reason if isinstance(system.evaluation, Unavailable) else ""
        ),
        "coverage": coverage_summary(model, system, path, crosswalks),
        "signoffs": signoffs,
        "signoffs_reason": (
            system.signoffs.reason if isinstance(system.signoffs, Unavailable) else ""
        ),
        "signoff_roles": _required_roles(model, system),
        "changes": system.changes,
        "monitoring": monitoring_values(system.monitoring, card, model.today),
        "genai": genai_values(model, system, path),
        "data_links": data_links,
        "lineage": lineage_rows(model, system, path),
        "downloads_reason": system.downloads_reason,
        "downloads": [
            {"title": d.title, "name": d.name, "href": site_relative(path, d.path)}
            for d in system.downloads
        ],
        "problems": system.problems,
        "dashboard": link(path, "index.md"),
        "compliance": link(path, compliance_page(system.slug)),
        "glossary": link(path, GLOSSARY_PAGE),
        "policy": link(path, POLICY_PAGE),
        "waivers_page": link(path, WAIVERS_PAGE),
        "actions_page": link(path, ACTIONS_PAGE),
        "pdf": link(path, "index.md")[: -len("index.html")] + f"pdf/{system.slug}.pdf"
        if model.pdf
        else "",
    }


_BLOCKS_RELEASE = badge("blocks release", "fail")


def action_rows(actions: Sequence[Action], rule_links: Mapping[str, str]) -> Markup:
    """The rows of a system page's action list (a system has dozens of open findings, a
    thousand systems tens of thousands: written here, not by a loop in the template).
    Every value is escaped as the template's autoescaping would; the hint's command markup
    and the badge are the template filters' own."""
    rows = []
    for a in actions:
        where = f'<br><span class="cg-where">{escape(a.where)}</span>' if a.where else ""
        if a.due:
            due = f"{escape(date(a.due))} <small>({escape(a.due_note)})</small>"
        else:
            due = _BLOCKS_RELEASE if a.blocking else "—"
        how = command_text(a.how) if a.how else "—"
        href = rule_links.get(a.code)
        rule = (
            f'<a class="cg-code" href="{escape(href)}">{escape(a.code)}</a>'
            if href is not None
            else f'<span class="cg-code">{escape(a.code)}</span>'
        )
        rows.append(
            ('<tr class="cg-blocking">' if a.blocking else "<tr>")
            + f'<td data-label="What">{escape(a.what)}{where}</td>'
            f'<td data-label="Who">{escape(a.who)}</td><td data-label="Due">{due}</td>'
            f'<td data-label="How">{how}</td><td data-label="Rule">{rule}</td></tr>\n'
        )
    return Markup("".join(rows))


def lineage_rows(model: SiteModel, system: SystemView, path: str) -> list[dict[str, str]]:
    """The card's lineage as rows: what (base model, training data ...), its name, how it
    is identified, and a link where one is known (a datasheet's page, a DOI, a URL)."""
    card = system.card
    lineage = card.lineage if card is not None else None
    if lineage is None:
        return []
    datasets = {d.id: d for d in model.datasets}
    rows = []
    for model_ref in lineage.base_models or []:
        relation = f" ({model_ref.relation})" if model_ref.relation else ""
        rows.append(
            {
                "what": f"base model{relation}",
                "name": model_ref.name or "",
                **_identified(model_ref),
            }
        )
    for item in lineage.datasets or []:
        row = {"what": f"{item.role} data", "name": item.name or "", **_identified(item)}
        known = datasets.get(item.dataset) if item.dataset is not None else None
        if item.dataset is not None:
            row["id"] = f"datasheet {item.dataset}"
            row["href"] = link(path, dataset_page(known.slug)) if known is not None else ""
        rows.append(row)
    return rows


def _identified(ref: Any) -> dict[str, str]:
    if getattr(ref, "hf", None):
        return {"id": f"Hugging Face {ref.hf}", "href": ""}
    if getattr(ref, "doi", None):
        return {"id": f"DOI {ref.doi}", "href": f"https://doi.org/{ref.doi}"}
    url = getattr(ref, "url", None) or ""
    return {"id": url, "href": url}


def _required_roles(model: SiteModel, system: SystemView) -> list[dict[str, Any]]:
    """Each role the policy requires of this system's tier, with its latest sign-off."""
    if model.policy is None or system.card is None:
        return []
    roles = model.policy.for_tier(system.card.risk_tier).required_signoffs
    signoffs = system.signoffs if isinstance(system.signoffs, list) else []
    latest = {s.role: s for s in signoffs}
    return [
        {"role": role, "signoff": latest.get(role), "who": role_holder(system.card, role)}
        for role in roles
    ]


def _metric_entry(entry: Any, *, html: bool = True) -> dict[str, Any]:
    if not isinstance(entry, Mapping):
        value = entry if isinstance(entry, int | float) else None
        ci, reason = None, ""
    else:
        value = entry.get("value")
        value = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        ci = entry.get("ci")
        reason = entry.get("reason") or ""
    found = {"value": value, "ci": ci, "reason": reason}
    if html:
        found["html"] = Markup(_metric_html(value, ci, reason))
    return found


def _metric_html(value: Any, ci: Any, reason: Any) -> str:
    """A metric cell's HTML, as the ``metric`` macro of ``_macros.md.j2`` writes it; built
    here because a system page has dozens of them. `number` and `interval` of a number
    give only digits, signs, separators and 'n/a', nothing to escape; the reason is text
    from the artifact and is escaped."""
    if value is None:
        return f'<span class="cg-missing">{escape(reason or "not computed")}</span>'
    if ci:
        return f"{number(value)} {escape(interval(ci))}"
    return number(value)


def _metric_order(names: Sequence[str]) -> list[str]:
    known = [m for m in (*GROUP_METRICS, *DISPARITY_METRICS) if m in names and m != "count"]
    return known + sorted(n for n in names if n not in known and n != "count")


def _evaluation_values(system: SystemView, verdict: SystemVerdict | None) -> dict[str, Any] | None:
    evaluation = system.evaluation
    if isinstance(evaluation, Unavailable):
        return None
    thresholds = [t for t in evaluation.get("thresholds", []) if isinstance(t, dict)]
    decided = threshold_rows(verdict)
    overall = evaluation.get("overall", {}) if isinstance(evaluation.get("overall"), dict) else {}
    overall_metrics = overall.get("metrics", {}) if isinstance(overall.get("metrics"), dict) else {}
    features = []
    for feature in evaluation.get("features", []):
        features.append(_feature_values(feature, thresholds, decided))
    provenance = evaluation.get("provenance", {})
    provenance = provenance if isinstance(provenance, dict) else {}
    predictions = provenance.get("predictions", {})
    predictions = predictions if isinstance(predictions, dict) else {}
    versions = provenance.get("versions", {})
    return {
        "task": evaluation.get("task", ""),
        "overall_count": overall.get("count"),
        "overall": [
            {"metric": name, **_metric_entry(overall_metrics[name])}
            for name in _metric_order(list(overall_metrics))
        ],
        "features": features,
        "thresholds": decided,
        "gated": verdict is not None,
        "predictions": predictions,
        "evidence": evidence_values(PredictionsProvenance, predictions),
        "dropped": [d for d in predictions.get("dropped", []) if isinstance(d, dict)],
        "settings_sha256": provenance.get("settings_sha256", ""),
        "seed": provenance.get("seed"),
        "replicates": provenance.get("replicates"),
        "confidence_level": provenance.get("confidence_level"),
        "versions": sorted(versions.items()) if isinstance(versions, dict) else [],
    }


def _feature_values(
    feature: Any, thresholds: Sequence[Mapping[str, Any]], decided: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    name = str(feature.get("feature", ""))
    groups = [g for g in feature.get("groups", []) if isinstance(g, dict)]
    metric_names = _metric_order(sorted({m for g in groups for m in g.get("metrics", {})}))
    rows = []
    for group in groups:
        metrics = group.get("metrics", {})
        entries = [_metric_entry(metrics.get(m)) for m in metric_names]
        rows.append(
            {
                "group": str(group.get("group", "")),
                "count": group.get("count"),
                "suppressed": bool(group.get("suppressed")),
                "reference": str(group.get("group", "")) == str(feature.get("reference_group")),
                "metrics": entries,
                "cells": Markup("".join(f"<td>{entry['html']}</td>" for entry in entries)),
            }
        )
    own = [t for t in thresholds if t.get("feature") in (None, name)]
    charts: list[dict[str, Any]] = []
    thresholded = [str(t["metric"]) for t in own if t.get("metric") in metric_names]
    for metric in thresholded or [m for m in CHART_METRICS if m in metric_names][:1]:
        if any(c["metric"] == metric for c in charts):
            continue
        bars = []
        for row, group in zip(rows, groups, strict=True):
            entry = _metric_entry(group.get("metrics", {}).get(metric), html=False)
            ci = entry["ci"]
            bars.append(
                Bar(
                    label=str(row["group"]),
                    value=None if row["suppressed"] else entry["value"],
                    ci=(float(ci[0]), float(ci[1]))
                    if isinstance(ci, list) and len(ci) == 2 and not row["suppressed"]
                    else None,
                    note="suppressed" if row["suppressed"] else "",
                    muted=bool(row["suppressed"]),
                )
            )
        # One line per limit: a threshold on every group has one result per group.
        lines = list(
            dict.fromkeys(
                Line(float(t[bound]), f"{bound} {float(t[bound]):.2f}")
                for t in own
                if t.get("metric") == metric
                for bound in ("min", "max")
                if isinstance(t.get(bound), int | float)
            )
        )
        charts.append(
            {
                "metric": metric,
                "caption": f"{sentence_start(metric_words(metric))} by {name}: bars are values, "
                "black whiskers the intervals"
                + (", dashed red lines the thresholds." if lines else "."),
                "svg": bar_chart(
                    f"{sentence_start(metric_words(metric))} by {name}",
                    bars,
                    lines=lines,
                    description=f"Per-group {metric_words(metric)} for {name}, "
                    "with confidence intervals.",
                ),
            }
        )
    disparities = []
    for disparity in feature.get("disparities", []):
        if not isinstance(disparity, dict):
            continue
        limit = next(
            (t for t in own if t.get("metric") == disparity.get("metric") and not t.get("group")),
            None,
        )
        verdicts = [
            row
            for row in decided
            if row["feature"] == name and row["metric"] == disparity.get("metric")
        ]
        disparities.append(
            {
                "metric": str(disparity.get("metric", "")),
                **_metric_entry(disparity),
                "noise_floor": disparity.get("noise_floor"),
                "p_value": disparity.get("p_value"),
                "groups_compared": [str(g) for g in disparity.get("groups_compared", []) or []],
                "limit": _limit_text(limit),
                "limit_values": tuple(
                    float(limit[bound])
                    for bound in ("min", "max")
                    if limit is not None and isinstance(limit.get(bound), int | float)
                ),
                "verdict": worst_verdict(verdicts),
            }
        )
    if disparities:
        bars = [
            Bar(
                label=metric_words(d["metric"]),
                value=d["value"],
                ci=(float(d["ci"][0]), float(d["ci"][1]))
                if isinstance(d["ci"], list) and len(d["ci"]) == 2
                else None,
                note="limit " + d["limit"] if d["limit"] else "",
                limits=d["limit_values"],
            )
            for d in disparities
        ]
        charts.append(
            {
                "metric": "disparities",
                "caption": f"Disparities between groups of {name}: values with intervals; "
                "red ticks mark each measure's limit.",
                "svg": bar_chart(
                    f"Disparities by {name}",
                    bars,
                    description=f"Disparity measures between groups of {name}.",
                ),
            }
        )
    return {
        "feature": name,
        "reference": str(feature.get("reference_group") or ""),
        "metric_names": metric_names,
        "rows": rows,
        "suppressed": [r["group"] for r in rows if r["suppressed"]],
        "charts": charts,
        "disparities": disparities,
    }


def _limit_text(threshold: Mapping[str, Any] | None) -> str:
    if threshold is None:
        return ""
    parts = []
    if isinstance(threshold.get("min"), int | float):
        parts.append(f"≥ {threshold['min']}")
    if isinstance(threshold.get("max"), int | float):
        parts.append(f"≤ {threshold['max']}")
    return " and ".join(parts)
