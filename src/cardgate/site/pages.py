"""Page builders: from the `SiteModel` to Markdown files, one template per page kind.

Each builder prepares plain values (numbers formatted, verdicts decided, charts drawn)
and hands them to a template; templates only lay out. Pages are written as
`<folder>/index.md` so that `rules/<code>/` (the SARIF helpUri) works on a web server
and `rules/<code>/index.html` from a file system; links between generated pages are
relative, computed here, so the site works from any base URL and offline."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, TemplateError
from markupsafe import Markup

from cardgate.core.parallel import fork_map
from cardgate.site.dataset_content import check_verdict, data_check_values
from cardgate.site.links import dataset_page, link, page_url, root_of, rule_page, system_page
from cardgate.site.portfolio_content import dashboard_row, nist_values, rule_entries
from cardgate.site.system_content import system_values
from cardgate.site.verdicts import VERDICT_ORDER
from cardgate.site.view_model import BuildProblem, SiteModel, SystemView, Unavailable


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
        values = system_values(model, system, path, rule_codes)
        return _render(
            model, environment, path, "system.md.j2", system.card_path, compact=True, **values
        )

    rows = [dashboard_row(model, system) for system in model.systems]
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
        gate_mode=getattr(model.gate.result, "mode", ""),
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
            dataset=dataset,
            sheet=dataset.sheet,
            check=data_check_values(dataset),
            check_reason=(
                dataset.data_check.reason if isinstance(dataset.data_check, Unavailable) else ""
            ),
            check_verdict=check_verdict(dataset.data_check),
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


def iter_sources(pages: Sequence[Page]) -> Iterator[tuple[str, str]]:
    """(page path, source document) pairs, for messages about a page."""
    for page in pages:
        yield page.path, page.source


__all__ = ["Markup", "Page", "build_pages", "link", "page_url"]
