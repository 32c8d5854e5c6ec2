"""Page builders: from the `SiteModel` to Markdown files, one template per page kind.

Each builder prepares plain values (numbers formatted, verdicts decided, charts drawn)
and hands them to a template; templates only lay out. Pages are written as
`<folder>/index.md` so that `rules/<code>/` (the SARIF helpUri) works on a web server
and `rules/<code>/index.html` from a file system; links between generated pages are
relative, computed here, so the site works from any base URL and offline.
"""

from __future__ import annotations

import functools
import json
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateError
from markupsafe import Markup, escape

from cardgate.core.parallel import fork_map
from cardgate.documents.schemas.evaluation import DISPARITY_METRICS, GROUP_METRICS
from cardgate.site.charts import Bar, Line, bar_chart
from cardgate.site.templating import interval, number
from cardgate.site.view_model import BuildProblem, SiteModel, SystemView, Unavailable

VERDICT_ORDER = ("fail", "unknown", "waived", "pass")
MAX_MATRIX_SYSTEMS = 40
"""Above this many systems the NIST page shows counts per subcategory, not a matrix."""

CHART_METRICS = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")


@dataclass(frozen=True)
class Page:
    """A generated page: its path under docs_dir, its Markdown, the document behind it."""

    path: str
    text: str
    source: str

    @property
    def markdown(self) -> bool:
        """A Markdown page (the others are files beside it, such as chart images)."""
        return self.path.endswith(".md")


_OPTIONAL_END_TAGS = re.compile(r"</(?:td|th|tr|li)>")


def compact_html(text: str) -> str:
    """Drop the end tags HTML makes optional (cells, rows, list items).

    A system page's tables are parsed twice per page by MkDocs (its anchor scan and
    Markdown's raw-HTML pass), so a third fewer tags is a faster build; browsers build the
    same document. Only for pages left out of the search index (Material's indexer
    expects closed tags). Card text cannot produce these strings: it is always escaped.
    """
    return _OPTIONAL_END_TAGS.sub("", text)


def page_url(path: str) -> str:
    """The HTML file a page becomes (use_directory_urls: false)."""
    return path[: -len(".md")] + ".html"


def root_of(path: str) -> str:
    """Relative prefix from a page to the site root ('' or '../' repeated)."""
    depth = path.count("/")
    return "../" * depth


def link(from_path: str, to_path: str) -> str:
    """A relative link from one page to another page's HTML file.

    Same result as ``posixpath.relpath`` for targets below the page's folder, otherwise
    up to the root and down again (a build makes tens of thousands of links).
    """
    target = page_url(to_path)
    folder = posixpath.dirname(from_path)
    if not folder:
        return target
    if target.startswith(folder + "/"):
        return target[len(folder) + 1 :]
    return root_of(from_path) + target


def system_page(system_slug: str) -> str:
    return f"systems/{system_slug}/index.md"


def dataset_page(dataset_slug: str) -> str:
    return f"datasets/{dataset_slug}/index.md"


def rule_page(code: str) -> str:
    return f"rules/{code}/index.md"


# --- verdicts -----------------------------------------------------------------------------------


def gate_verdict(model: SiteModel, system: SystemView) -> tuple[str, str]:
    """('pass' | 'fail' | 'waived' | 'unknown', counts in words)."""
    verdict = model.gate.verdict(system.id)
    if verdict is None:
        reason = "not gated" if model.gate.result is not None else "gate not available"
        return "unknown", reason
    counts = _counts(verdict.errors, verdict.warnings, verdict.waived)
    if not verdict.passed:
        return "fail", counts
    return ("waived" if verdict.waived else "pass"), counts


def _counts(errors: int, warnings: int, waived: int) -> str:
    parts = [
        f"{number} {word}{'' if number == 1 else 's'}"
        for number, word in ((errors, "error"), (warnings, "warning"))
        if number
    ]
    if waived:
        parts.append(f"{waived} waived")
    return ", ".join(parts) or "no findings"


def fairness_verdict(system: SystemView) -> tuple[str, str]:
    evaluation = system.evaluation
    if isinstance(evaluation, Unavailable):
        return "not evaluated", evaluation.reason
    thresholds = [t for t in evaluation.get("thresholds", []) if isinstance(t, dict)]
    if not thresholds:
        return "no thresholds", "no fairness thresholds are set"
    failed = [t for t in thresholds if not t.get("passed")]
    if failed:
        return "fail", f"{len(failed)} of {len(thresholds)} thresholds not met"
    return "pass", f"all {len(thresholds)} thresholds met"


def latest_signoffs(system: SystemView) -> list[Any]:
    """The latest sign-off per role, oldest role first."""
    if isinstance(system.signoffs, Unavailable):
        return []
    latest: dict[str, Any] = {}
    for signoff in system.signoffs:
        latest[signoff.role] = signoff
    return sorted(latest.values(), key=lambda s: (s.date, s.role))


# --- building -----------------------------------------------------------------------------------


def build_pages(
    model: SiteModel, environment: Environment
) -> tuple[list[Page], list[BuildProblem]]:
    """Every generated page; pages that fail to render are reported, not written.

    The pages are collected as jobs first (the dashboard's rows, which several pages
    share, are computed up front) and rendered by `fork_map`, shared among the CPUs; the
    result is the same, in the same order, whatever the number of processes.
    """
    jobs: list[Callable[[], Page | BuildProblem]] = []

    def render(
        path: str, template: str, source: str, *, compact: bool = False, **values: Any
    ) -> None:
        jobs.append(
            functools.partial(
                _render, model, environment, path, template, source, compact=compact, **values
            )
        )

    def render_system(system: SystemView) -> Page | BuildProblem:
        path = system_page(system.slug)
        values = _system_values(model, system, path, rule_codes)
        return _render(
            model, environment, path, "system.md.j2", system.card_path, compact=True, **values
        )

    rows = [_dashboard_row(model, system) for system in model.systems]
    groups = []
    for verdict in VERDICT_ORDER:
        members = sorted(
            (row for row in rows if row["verdict"] == verdict), key=lambda r: r["name"].lower()
        )
        if members:
            groups.append({"verdict": verdict, "rows": members})
    render(
        "index.md",
        "dashboard.md.j2",
        "(workspace)",
        compact=True,
        groups=groups,
        totals={v: sum(r["verdict"] == v for r in rows) for v in VERDICT_ORDER},
        count=len(rows),
        gate_reason=model.gate.reason,
        gate_policy=getattr(model.gate.result, "policy", ""),
        problems=model.problems,
        datasets=len(model.datasets),
    )
    render(
        "systems/index.md",
        "systems.md.j2",
        "(workspace)",
        dashboard=link("systems/index.md", "index.md"),
        rows=[
            {
                **row,
                "anchor": "system-" + system.slug,
                "href": link("systems/index.md", system_page(system.slug)),
            }
            for row, system in sorted(
                zip(rows, model.systems, strict=True),
                key=lambda pair: (pair[0]["name"].lower(), pair[0]["id"]),
            )
        ],
    )
    rules = _rule_entries(model)
    rule_codes = frozenset(rule["code"] for rule in rules)
    jobs.extend(functools.partial(render_system, system) for system in model.systems)
    render(
        "datasets/index.md",
        "datasets.md.j2",
        "(workspace)",
        datasets=[
            {
                "id": d.id,
                "name": d.sheet.name if d.sheet is not None else d.id,
                "href": link("datasets/index.md", dataset_page(d.slug)),
                "status": d.sheet.status if d.sheet is not None else "unreadable",
                "used_by": len(d.used_by),
                "check": _check_verdict(d.data_check),
            }
            for d in model.datasets
        ],
    )
    systems_by_id = {s.id: s for s in model.systems}
    for dataset in model.datasets:
        path = dataset_page(dataset.slug)
        render(
            path,
            "dataset.md.j2",
            dataset.sheet_path,
            dataset=dataset,
            sheet=dataset.sheet,
            check=_data_check_values(dataset),
            check_reason=(
                dataset.data_check.reason if isinstance(dataset.data_check, Unavailable) else ""
            ),
            check_verdict=_check_verdict(dataset.data_check),
            used_by=[
                {
                    "name": systems_by_id[s].name if s in systems_by_id else s,
                    "href": link(path, system_page(systems_by_id[s].slug))
                    if s in systems_by_id
                    else "",
                }
                for s in dataset.used_by
            ],
        )
    render("nist/index.md", "nist.md.j2", "(NIST AI RMF catalog)", **_nist_values(model))
    render(
        "rules/index.md",
        "rules.md.j2",
        "(gate rule registry)",
        rules=[{**rule, "href": link("rules/index.md", rule_page(rule["code"]))} for rule in rules],
        reason=model.gate.reason if not rules else "",
    )
    for rule in rules:
        render(rule_page(rule["code"]), "rule.md.j2", "(gate rule registry)", rule=rule)
    pages: list[Page] = []
    problems: list[BuildProblem] = []
    for rendered in fork_map(_call, jobs):
        if isinstance(rendered, Page):
            pages.append(rendered)
        else:
            problems.append(rendered)
    return pages, problems


def _call(job: Callable[[], Page | BuildProblem]) -> Page | BuildProblem:
    return job()


def _render(
    model: SiteModel,
    environment: Environment,
    path: str,
    template: str,
    source: str,
    *,
    compact: bool = False,
    **values: Any,
) -> Page | BuildProblem:
    """One page from one template, or why it could not be rendered."""
    values.setdefault("title", model.title)
    try:
        text = environment.get_template(template).render(
            page=path,
            root=root_of(path),
            today=model.today.isoformat(),
            site_title=model.title,
            **values,
        )
    except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as error:
        return BuildProblem(source, template, f"page could not be rendered: {error}")
    return Page(path, compact_html(text) if compact else text, source)


def _dashboard_row(model: SiteModel, system: SystemView) -> dict[str, Any]:
    card = system.card
    verdict, counts = gate_verdict(model, system)
    fairness, fairness_detail = fairness_verdict(system)
    signed = latest_signoffs(system)
    last = max(signed, key=lambda s: s.date) if signed else None
    return {
        "name": system.name,
        "id": system.id,
        "href": link("index.md", system_page(system.slug)),
        "owner": ", ".join(p.name for p in card.owners) if card else "—",
        "tier": card.risk_tier if card else "—",
        "stage": card.lifecycle_stage if card else "—",
        "verdict": verdict,
        "counts": counts,
        "fairness": fairness,
        "fairness_detail": fairness_detail,
        "coverage": system.coverage.overall.percent_addressed if system.coverage else None,
        "signed": last,
        "stale": any(s.stale for s in signed),
        "signoffs_unreadable": isinstance(system.signoffs, Unavailable),
        "reviewed": card.last_reviewed if card else None,
        "readable": card is not None,
    }


def _check_verdict(check: Any) -> str:
    """'pass' / 'fail' from a data-check artifact's `passed`; 'not checked' without one."""
    if isinstance(check, Unavailable):
        return "not checked"
    return "pass" if check.get("passed") is True else "fail"


def _data_check_values(dataset: Any) -> dict[str, Any] | None:
    """The data-check artifact (docs/data-check-artifact.md) as the dataset page shows it."""
    check = dataset.data_check
    if not isinstance(check, dict):
        return None
    data = check.get("data") or {}
    sheet = dataset.sheet
    pinned = getattr(sheet, "sha256", None) if sheet is not None else None
    contract = getattr(sheet, "contract", None) if sheet is not None else None
    contract_current: bool | None = None
    if contract is not None and check.get("contract_sha256"):
        from cardgate.evidence.datacheck.artifact import contract_digest

        contract_current = check["contract_sha256"] == contract_digest(contract)
    return {
        "passed": check.get("passed") is True,
        "path": data.get("path") or "",
        "format": data.get("format") or "",
        "sha256": data.get("sha256") or "",
        "bytes": data.get("bytes"),
        "pinned": pinned or "",
        "pin_matches": None if not pinned else pinned == data.get("sha256"),
        "contract_current": contract_current,
        "rows": check.get("rows"),
        "columns": [str(c) for c in check.get("columns") or []],
        "reference_date": check.get("reference_date") or "",
        "violations": [
            {
                "clause": str(v.get("clause", "")),
                "column": "" if v.get("column") is None else str(v.get("column")),
                "count": v.get("count"),
                "examples": ", ".join(_example(e) for e in v.get("examples") or []),
                "message": str(v.get("message", "")),
            }
            for v in check.get("violations") or []
        ],
        "profile": [
            {"column": str(column), **{key: p.get(key) for key in _PROFILE_FIELDS}}
            for column, p in (check.get("profile") or {}).items()
        ],
        "generator": " ".join(
            str(v) for v in (check.get("generator") or {}).values() if isinstance(v, str)
        ),
    }


_PROFILE_FIELDS = ("type", "stored_as", "nulls", "null_rate", "min", "max", "distinct")


def _example(value: Any) -> str:
    """One offending value as the artifact records it (JSON scalars; text quoted)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- system page --------------------------------------------------------------------------------


def _system_values(
    model: SiteModel, system: SystemView, path: str, rule_codes: frozenset[str]
) -> dict[str, Any]:
    verdict, counts = gate_verdict(model, system)
    fairness, fairness_detail = fairness_verdict(system)
    findings = sorted(
        model.gate.findings(system.id),
        key=lambda f: (not f.blocking, -int(f.severity), f.code, f.path, f.line),
    )
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
    return {
        "system": system,
        "card": card,
        "verdict": verdict,
        "counts": counts,
        "fairness": fairness,
        "fairness_detail": fairness_detail,
        "gate_reason": model.gate.reason,
        "findings": _by_rule([_finding(f, path, rule_codes) for f in findings]),
        "waived": [_finding(f, path, rule_codes) for f in model.gate.waived(system.id)],
        "evaluation": _evaluation_values(system),
        "evaluation_reason": (
            system.evaluation.reason if isinstance(system.evaluation, Unavailable) else ""
        ),
        "coverage": _coverage_values(model, system, path),
        "signoffs": system.signoffs if isinstance(system.signoffs, list) else [],
        "signoffs_reason": (
            system.signoffs.reason if isinstance(system.signoffs, Unavailable) else ""
        ),
        "changes": system.changes,
        "data_links": data_links,
        "problems": system.problems,
        "dashboard": link(path, "index.md"),
    }


def _finding(finding: Any, path: str, rule_codes: frozenset[str]) -> dict[str, Any]:
    known = finding.code in rule_codes
    where = f"{finding.path}:{finding.line}:{finding.column}" if finding.path else ""
    if where and finding.location:
        where = f"{where} at {finding.location}"
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": "waived"
        if finding.waiver is not None
        else getattr(finding.severity, "label", str(finding.severity)),
        "message": finding.message,
        "hint": finding.hint,
        "where": where,
        "href": link(path, rule_page(finding.code)) if known else "",
        "waiver": finding.waiver,
    }


def _by_rule(findings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings grouped by (rule, severity), in the order of each group's first finding.

    One row per rule keeps a page with twenty findings of three rules short to read and
    light to build; each finding keeps its own message and location.
    """
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for finding in findings:
        key = (finding["code"], finding["severity"])
        group = groups.get(key)
        if group is None:
            group = groups[key] = {
                "code": finding["code"],
                "name": finding["name"],
                "severity": finding["severity"],
                "href": finding["href"],
                "entries": [],
                "hints": [],
            }
        group["entries"].append(finding)
        if finding["hint"] and finding["hint"] not in group["hints"]:
            group["hints"].append(finding["hint"])
    return list(groups.values())


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


def _evaluation_values(system: SystemView) -> dict[str, Any] | None:
    evaluation = system.evaluation
    if isinstance(evaluation, Unavailable):
        return None
    thresholds = [t for t in evaluation.get("thresholds", []) if isinstance(t, dict)]
    overall = evaluation.get("overall", {}) if isinstance(evaluation.get("overall"), dict) else {}
    overall_metrics = overall.get("metrics", {}) if isinstance(overall.get("metrics"), dict) else {}
    features = []
    for feature in evaluation.get("features", []):
        features.append(_feature_values(feature, thresholds))
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
        "thresholds": [
            {
                "metric": t.get("metric", ""),
                "feature": t.get("feature") or "",
                "group": t.get("group") or "",
                "min": t.get("min"),
                "max": t.get("max"),
                "value": t.get("value"),
                "ci": t.get("ci"),
                "p_value": t.get("p_value"),
                "noise_floor": t.get("noise_floor"),
                "decide_on": t.get("decide_on", ""),
                "passed": bool(t.get("passed")),
            }
            for t in thresholds
        ],
        "predictions": predictions,
        "dropped": [d for d in predictions.get("dropped", []) if isinstance(d, dict)],
        "settings_sha256": provenance.get("settings_sha256", ""),
        "seed": provenance.get("seed"),
        "replicates": provenance.get("replicates"),
        "confidence_level": provenance.get("confidence_level"),
        "versions": sorted(versions.items()) if isinstance(versions, dict) else [],
    }


def _feature_values(feature: Any, thresholds: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
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
        lines = [
            Line(float(t[bound]), f"{bound} {float(t[bound]):.2f}")
            for t in own
            if t.get("metric") == metric
            for bound in ("min", "max")
            if isinstance(t.get(bound), int | float)
        ]
        charts.append(
            {
                "metric": metric,
                "caption": f"{metric.replace('_', ' ').capitalize()} by {name}: bars are values, "
                "black whiskers the intervals"
                + (", dashed red lines the thresholds." if lines else "."),
                "svg": bar_chart(
                    f"{metric.replace('_', ' ').capitalize()} by {name}",
                    bars,
                    lines=lines,
                    description=f"Per-group {metric.replace('_', ' ')} for {name}, "
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
                "passed": None if limit is None else bool(limit.get("passed")),
            }
        )
    if disparities:
        bars = [
            Bar(
                label=d["metric"].replace("_", " "),
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


def _coverage_values(model: SiteModel, system: SystemView, path: str) -> dict[str, Any] | None:
    """Per function: the roll-up and the subcategory numbers by status.

    Statements and the items behind each status are on the NIST page; a system page keeps
    this compact because it is repeated for every system.
    """
    coverage = system.coverage
    if coverage is None or model.coverage is None:
        return None
    by_function: dict[str, dict[str, list[str]]] = {}
    for sub in coverage.subcategories:
        statuses = by_function.setdefault(sub.function, {})
        statuses.setdefault(sub.status, []).append(sub.id.split(" ", 1)[1])
    functions = [
        {
            "id": rollup.id,
            "rollup": rollup,
            "statuses": [
                (status, " ".join(by_function.get(rollup.id, {}).get(status, [])))
                for status in ("addressed", "partial", "missing")
            ],
        }
        for rollup in coverage.functions
    ]
    return {
        "overall": coverage.overall,
        "functions": functions,
        "checklists": coverage.checklists,
        "nist": link(path, "nist/index.md"),
    }


# --- NIST and rules -----------------------------------------------------------------------------


def _nist_values(model: SiteModel) -> dict[str, Any]:
    if model.coverage is None:
        return {"available": False, "reason": model.coverage_reason}
    portfolio = model.coverage
    catalog = portfolio.catalog
    subcategory_ids, system_ids, rows = portfolio.matrix()
    slugs = {s.id: s.slug for s in model.systems}
    names = {s.id: s.name for s in model.systems}
    matrix = len(system_ids) <= MAX_MATRIX_SYSTEMS
    functions = []
    for function in catalog.functions:
        entries = []
        for index, sub_id in enumerate(subcategory_ids):
            sub = catalog.subcategories[sub_id]
            if sub.function != function.id:
                continue
            statuses = rows[index]
            entries.append(
                {
                    "id": sub_id,
                    "statement": sub.statement,
                    "statuses": list(statuses) if matrix else [],
                    "addressed": sum(s == "addressed" for s in statuses),
                    "partial": sum(s == "partial" for s in statuses),
                    "missing": sum(s == "missing" for s in statuses),
                }
            )
        functions.append({"id": function.id, "title": function.title, "subcategories": entries})
    return {
        "available": True,
        "reason": "",
        "framework": catalog.title,
        "matrix": matrix,
        "systems": [
            {
                "id": sid,
                "name": names.get(sid, sid),
                "href": link("nist/index.md", system_page(slugs[sid])) if sid in slugs else "",
            }
            for sid in system_ids
        ],
        "functions": functions,
        "overall": portfolio.overall(),
        "rollups": portfolio.functions(),
    }


def _rule_entries(model: SiteModel) -> list[dict[str, Any]]:
    entries = []
    levels = {}
    if model.gate.result is not None:
        levels = {run.code: run.level for run in model.gate.result.rules}
    if model.gate.rules:
        for rule in model.gate.rules:
            entries.append(
                {
                    "code": rule.code,
                    "name": rule.name,
                    "severity": rule.severity.label,
                    "level": levels.get(rule.code, ""),
                    "nist": list(rule.nist),
                    "aliases": list(rule.aliases),
                    "summary": rule.summary,
                    "sections": list(rule.sections().items()),
                }
            )
    elif model.gate.result is not None:
        for run in model.gate.result.rules:
            entries.append(
                {
                    "code": run.code,
                    "name": run.name,
                    "severity": run.severity.label,
                    "level": run.level,
                    "nist": list(run.nist),
                    "aliases": [],
                    "summary": run.summary,
                    "sections": [("Rationale", run.description), ("Remediation", run.help)],
                }
            )
    return sorted(entries, key=lambda entry: entry["code"])


def iter_sources(pages: Sequence[Page]) -> Iterator[tuple[str, str]]:
    """(page path, source document) pairs, for messages about a page."""
    for page in pages:
        yield page.path, page.source


__all__ = ["Markup", "Page", "build_pages", "link", "page_url"]
