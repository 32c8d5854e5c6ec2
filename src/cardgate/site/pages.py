"""Page builders: from the `SiteModel` to Markdown files, one template per page kind.

Each builder prepares plain values (numbers formatted, verdicts decided, charts drawn)
and hands them to a template; templates only lay out. Pages are written as
`<folder>/index.md` so that `rules/<code>/` (the SARIF helpUri) works on a web server
and `rules/<code>/index.html` from a file system; links between generated pages are
relative, computed here, so the site works from any base URL and offline."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from jinja2 import Environment, TemplateError
from markupsafe import Markup

from cardgate.core.parallel import fork_map
from cardgate.core.paths import PathEscapeError
from cardgate.site.actions import Action, deciding_groups, system_actions
from cardgate.site.compliance_content import (
    compliance_page,
    compliance_values,
    evidence_citations,
    evidence_links,
    system_crosswalks,
)
from cardgate.site.dataset_content import check_verdict, data_check_values
from cardgate.site.downloads import offer_system_downloads
from cardgate.site.evidence import EvidenceLink, evidence_body, read_evidence, site_relative
from cardgate.site.governance_content import (
    ACTIONS_PAGE,
    GLOSSARY_PAGE,
    POLICY_PAGE,
    WAIVERS_PAGE,
    actions_values,
    policy_values,
    waiver_rows,
    waivers_values,
)
from cardgate.site.links import dataset_page, link, page_url, root_of, rule_page, system_page
from cardgate.site.portfolio_content import dashboard_row, nist_values, rule_entries
from cardgate.site.regulation_content import regulation_links, regulation_pages
from cardgate.site.system_content import system_values
from cardgate.site.templating import label
from cardgate.site.threshold_rows import threshold_rows
from cardgate.site.verdicts import VERDICT_ORDER, VERDICT_WORDS, gate_mode, gate_verdict
from cardgate.site.view_model import BuildProblem, Page, SiteModel, SystemView, Unavailable

_OPTIONAL_END_TAGS = re.compile(r"</(?:td|th|tr|li)>")


def compact_html(text: str) -> str:
    """Drop the end tags HTML makes optional (cells, rows, list items).

    A system page's tables are parsed twice per page by MkDocs (its anchor scan and
    Markdown's raw-HTML pass), so a third fewer tags is a faster build; browsers build the
    same document. Only for pages left out of the search index (Material's indexer
    expects closed tags). Card text cannot produce these strings: it is always escaped.
    """
    return _OPTIONAL_END_TAGS.sub("", text)


# --- building -----------------------------------------------------------------------------------


def build_pages(
    model: SiteModel,
    environment: Environment,
    *,
    write: Callable[[Page], Page] | None = None,
) -> tuple[list[Page], list[BuildProblem]]:
    """Every generated page; pages that fail to render are reported, not written.

    The pages are collected as jobs first (the dashboard's rows, which several pages
    share, are computed up front) and rendered by `fork_map`, shared among the CPUs; the
    result is the same, in the same order, whatever the number of processes. With
    `write` (`DocsFolder.write`), each worker writes the pages it renders and returns them
    without their text.
    """
    jobs: list[Callable[[], Page | BuildProblem | list[Page | BuildProblem]]] = []
    templates = {"system.md.j2", "compliance.md.j2", "annex-iv.md.j2", "ll144.md.j2"}

    def render(
        path: str, template: str, source: str, *, compact: bool = False, **values: Any
    ) -> None:
        templates.add(template)
        jobs.append(
            functools.partial(
                _render, model, environment, path, template, source, compact=compact, **values
            )
        )

    def render_system(system: SystemView) -> list[Page | BuildProblem]:
        """The system's page, its compliance page (they share the crosswalks), its
        regulation pages (Annex IV, LL144) where it has them; the downloads its page
        offers are listed here and made while MkDocs builds (`site.downloads`)."""
        offer_system_downloads(model, system)
        path, compliance = system_page(system.slug), compliance_page(system.slug)
        crosswalks = system_crosswalks(model, system)
        values = system_values(model, system, path, rule_codes, actions[system.id], crosswalks)
        regulation = regulation_pages(model, system)
        values["regulation"] = regulation_links(path, regulation)
        return [
            *(
                _render(model, environment, page, template, system.card_path, **page_values)
                for page, template, page_values in regulation
            ),
            _render(
                model, environment, path, "system.md.j2", system.card_path, compact=True, **values
            ),
            _render(
                model,
                environment,
                compliance,
                "compliance.md.j2",
                system.card_path,
                compact=True,
                **compliance_values(model, system, compliance, crosswalks),
            ),
        ]

    rows = [dashboard_row(model, system) for system in model.systems]
    actions = {system.id: system_actions(model, system) for system in model.systems}
    groups = []
    for verdict in VERDICT_ORDER:
        members = sorted(
            (row for row in rows if row["verdict"] == verdict), key=lambda r: r["name"].lower()
        )
        if members:
            groups.append({"verdict": verdict, "rows": members})
    mode, mode_line = gate_mode(model)
    waivers = waiver_rows(model, "index.md")
    render(
        "index.md",
        "dashboard.md.j2",
        "(workspace)",
        groups=groups,
        totals={v: sum(r["verdict"] == v for r in rows) for v in VERDICT_ORDER},
        count=len(rows),
        gate_reason=model.gate.reason,
        gate_policy=getattr(model.gate.result, "policy", ""),
        mode=mode,
        mode_line=mode_line,
        blocked=_blocked(model, rows, actions)[:MAX_BLOCKED_SHOWN],
        blocked_more=max(0, sum(r["verdict"] == "fail" for r in rows) - MAX_BLOCKED_SHOWN),
        open_actions=sum(a.blocking for found in actions.values() for a in found),
        waivers_soon=sum(w["state"] in ("soon", "expired") for w in waivers),
        actions=link("index.md", ACTIONS_PAGE),
        policy=link("index.md", POLICY_PAGE),
        waivers=link("index.md", WAIVERS_PAGE),
        problems=model.problems,
        datasets=len(model.datasets),
    )
    by_system = {system.id: system for system in model.systems}
    render(
        "systems/index.md",
        "systems.md.j2",
        "(workspace)",
        dashboard=link("systems/index.md", "index.md"),
        rows=[
            {
                **row,
                **_directory_entry(model, by_system[row["id"]], actions[row["id"]], waivers),
                "anchor": "system-" + system.slug,
                "href": link("systems/index.md", system_page(system.slug)),
            }
            for row, system in sorted(
                zip(rows, model.systems, strict=True),
                key=lambda pair: (pair[0]["name"].lower(), pair[0]["id"]),
            )
        ],
    )
    render(
        "actions/index.md",
        "actions.md.j2",
        "(gate findings)",
        compact=True,
        **actions_values(model, ACTIONS_PAGE, actions),
    )
    render(
        "policy/index.md", "policy.md.j2", "(release policy)", **policy_values(model, POLICY_PAGE)
    )
    render(
        "waivers/index.md", "waivers.md.j2", "waivers.yaml", **waivers_values(model, WAIVERS_PAGE)
    )
    citations = evidence_citations(model)
    for evidence in evidence_links(model):
        cited = [
            (name, link(evidence.href, compliance_page(slug)) + f"#item-{item.lower()}", item)
            for name, slug, item in citations.get(evidence.href, [])
        ]
        if evidence.kind == "file":
            jobs.append(functools.partial(_copy, model, evidence))
        else:
            render(
                evidence.href,
                "evidence.md.j2",
                evidence.source,
                evidence=evidence,
                cited=cited,
                body=evidence_body(model.workspace, evidence),
            )
    rules = rule_entries(model)
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
                "check": check_verdict(d.data_check),
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
            glossary=link(path, GLOSSARY_PAGE),
            dataset=dataset,
            sheet=dataset.sheet,
            check=data_check_values(dataset),
            check_reason=(
                dataset.data_check.reason if isinstance(dataset.data_check, Unavailable) else ""
            ),
            check_verdict=check_verdict(dataset.data_check),
            downloads_reason=dataset.downloads_reason,
            downloads=[
                {"title": d.title, "name": d.name, "href": site_relative(path, d.path)}
                for d in dataset.downloads
            ],
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
    render("nist/index.md", "nist.md.j2", "(NIST AI RMF catalog)", **nist_values(model))
    render(
        "rules/index.md",
        "rules.md.j2",
        "(gate rule registry)",
        rules=[{**rule, "href": link("rules/index.md", rule_page(rule["code"]))} for rule in rules],
        reason=model.gate.reason if not rules else "",
    )
    for rule in rules:
        render(rule_page(rule["code"]), "rule.md.j2", "(gate rule registry)", rule=rule)
    for template in sorted(templates):  # compiled once here, not again in each worker
        with contextlib.suppress(TemplateError):  # the page that uses it reports the error
            environment.get_template(template)
    pages: list[Page] = []
    problems: list[BuildProblem] = []
    for done in fork_map(functools.partial(_call, write=write), jobs):
        for rendered in done:
            if isinstance(rendered, Page):
                pages.append(rendered)
            else:
                problems.append(rendered)
    return pages, problems


def _call(
    job: Callable[[], Page | BuildProblem | list[Page | BuildProblem]],
    *,
    write: Callable[[Page], Page] | None,
) -> list[Page | BuildProblem]:
    """A job's pages and problems; its pages written by `write` where one is given."""
    done = job()
    found = done if isinstance(done, list) else [done]
    if write is None:
        return found
    return [write(item) if isinstance(item, Page) else item for item in found]


MAX_BLOCKED_SHOWN = 10
"""The dashboard names this many blocked systems with their deciding finding."""


def _blocked(
    model: SiteModel, rows: Sequence[dict[str, Any]], actions: dict[str, list[Action]]
) -> list[dict[str, Any]]:
    """Each blocked system with its most deciding finding, for the top of the dashboard."""
    found = []
    for row in sorted(rows, key=lambda r: r["name"].lower()):
        if row["verdict"] != "fail":
            continue
        groups = deciding_groups(actions.get(row["id"], []), per_group=1)
        first = groups[0] if groups else None
        blocking = sum(a.blocking for a in actions.get(row["id"], []))
        found.append(
            {
                "name": row["name"],
                "href": row["href"],
                "title": first["title"] if first else "blocked",
                "entry": first["entries"][0] if first else None,
                "more": max(0, blocking - 1),
            }
        )
    return found


def _directory_entry(
    model: SiteModel,
    system: SystemView,
    actions: Sequence[Action],
    waivers: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """What the search directory says of a system: the words readers search for (people,
    what blocks it, the measures that fail or pass only inconclusively, waivers), each
    once and short; the sentences behind them are on the system's page."""
    verdict, counts = gate_verdict(model, system)
    people: list[str] = []
    card = system.card
    if card is not None:
        people.extend(f"{p.name} ({p.role})" if p.role else p.name for p in card.owners)
    if isinstance(system.signoffs, list):
        people.extend(f"{s.name} (signed as {s.role})" for s in system.signoffs)
    for checklist in system.docs.checklist_models():
        people.extend(a.owner for a in checklist.items.values() if a.owner)
    measures: dict[str, list[str]] = {"fail": [], "shaky": []}
    for row in threshold_rows(model.gate.verdict(system.id)):
        if row["css"] in measures:
            subject = label(row["metric"]) + (f" ({row['group']})" if row["group"] else "")
            measures[row["css"]].append(f"{subject} by {row['feature'] or 'all'}")
    return {
        "verdict_words": VERDICT_WORDS[verdict],
        "counts": counts,
        "people": list(dict.fromkeys(people)),
        "deciding": [group["title"] for group in deciding_groups(actions, per_group=1)],
        "failing": list(dict.fromkeys(measures["fail"])),
        "shaky": list(dict.fromkeys(measures["shaky"])),
        "waivers": [
            f"{w['rule']} until {w['expires'].isoformat()}, approved by {w['approver']}"
            for w in waivers
            if w["system"] == system.id
        ],
    }


def _copy(model: SiteModel, evidence: EvidenceLink) -> Page | BuildProblem:
    """An evidence file copied into the site as it is (a PDF, an image...)."""
    try:
        data = read_evidence(model.workspace, evidence)
    except (OSError, PathEscapeError) as error:
        return BuildProblem(evidence.source, "", f"evidence cannot be copied: {error}")
    return Page(evidence.href, "", evidence.source, data)


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
            today_set_by=model.today_set_by,
            site_title=model.title,
            **values,
        )
    except (TemplateError, TypeError, ValueError, KeyError, AttributeError) as error:
        return BuildProblem(source, template, f"page could not be rendered: {error}")
    return Page(path, compact_html(text) if compact else text, source)


def iter_sources(pages: Sequence[Page]) -> Iterator[tuple[str, str]]:
    """(page path, source document) pairs, for messages about a page."""
    for page in pages:
        yield page.path, page.source


__all__ = ["Markup", "Page", "build_pages", "link", "page_url"]
