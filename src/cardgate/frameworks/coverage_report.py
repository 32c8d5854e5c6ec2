"""Render a `PortfolioCoverage` as text, JSON, CSV or Markdown; rendering only.

``FORMATS`` is the one list of ``cardgate coverage --format`` choices. With a crosswalk,
every format adds (JSON: fills ``crosswalk``) the references of the other framework touched
by each system's coverage; CSV then lists those references instead of subcategories.

CSV columns (one row per system x subcategory)::

    system,risk_tier,function,category,subcategory,status,items

``items`` reads ``checklist:ITEM=status`` joined by ``;``. With ``--crosswalk``::

    system,crosswalk,reference,status,subcategories,addressed

(subcategory lists joined by ``;``). A cell that a spreadsheet would take for a formula
(a system folder named ``=…``) starts with ``'`` (`cardgate.core.text.csv_cell`).
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any, TextIO

from cardgate.core.errors import InputError, UsageError
from cardgate.core.problems import Problem
from cardgate.core.text import csv_cell, markdown_text, visible
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import Crosswalk
from cardgate.frameworks.coverage import crosswalk_coverage, workspace_coverage
from cardgate.frameworks.coverage_json import coverage_to_json
from cardgate.frameworks.coverage_results import PortfolioCoverage, Rollup, SystemCoverage

_MARK = {"addressed": "✔", "partial": "◐", "missing": "✘"}


def _summary(rollup: Rollup) -> str:
    return (
        f"{rollup.addressed}/{rollup.total} addressed ({rollup.percent_addressed:.1f}%), "
        f"{rollup.partial} partial, {rollup.missing} missing"
    )


def _tier(coverage: SystemCoverage) -> str:
    return coverage.risk_tier or "unknown"


def render_text(
    portfolio: PortfolioCoverage, stream: TextIO, *, crosswalk: Crosswalk | None = None
) -> None:
    """A summary per system; for a single system, every subcategory not yet addressed."""
    catalog = portfolio.catalog
    stream.write(f"{catalog.short_title} coverage ({len(catalog.subcategories)} {catalog.unit})\n")
    if not portfolio.systems:
        stream.write("no systems\n")
        return
    width = max(len(fn.id) for fn in catalog.functions) + 2
    for coverage in portfolio.systems:
        checklists = ", ".join(coverage.checklists) or "no checklist answers"
        heading = f"{coverage.system} (risk tier: {_tier(coverage)}; {checklists})"
        stream.write(f"\n{visible(heading)}\n")
        stream.write(f"  {'overall':<{width}}{_summary(coverage.overall)}\n")
        for rollup in coverage.functions:
            stream.write(f"  {rollup.id:<{width}}{_summary(rollup)}\n")
        if len(portfolio.systems) == 1:
            _text_details(portfolio, coverage, stream)
        if crosswalk is not None:
            view = crosswalk_coverage(catalog, crosswalk, coverage)
            rollup = view.rollup()
            stream.write(f"  {crosswalk.title}: {_summary(rollup)} references\n")
            if len(portfolio.systems) == 1:
                for ref in view.references:
                    subs = ", ".join(ref.subcategories)
                    stream.write(
                        f"    {_MARK[ref.status]} {ref.reference:<10} {ref.status:<9} {subs}\n"
                    )
    if len(portfolio.systems) > 1:
        stream.write(f"\nportfolio ({len(portfolio.systems)} systems)\n")
        stream.write(f"  {'overall':<{width}}{_summary(portfolio.overall())}\n")
        for rollup in portfolio.functions():
            stream.write(f"  {rollup.id:<{width}}{_summary(rollup)}\n")
        _text_matrix(portfolio, stream)


MATRIX_MAX_SYSTEMS = 12
"""Beyond this many systems the terminal matrix is too wide: use --format csv or json."""


def _text_matrix(portfolio: PortfolioCoverage, stream: TextIO) -> None:
    """Subcategories down, systems across: one mark per cell."""
    subcategories, systems, rows = portfolio.matrix()
    legend = ", ".join(f"{mark} {status}" for status, mark in _MARK.items())
    if len(systems) > MATRIX_MAX_SYSTEMS:
        stream.write(
            f"\nmatrix: {len(subcategories)} subcategories x {len(systems)} systems is too "
            "wide for a terminal; use --format csv, json or markdown\n"
        )
        return
    stream.write(f"\nsubcategory x system ({legend})\n")
    width = max(len(sub) for sub in subcategories) + 2
    systems = tuple(visible(system) for system in systems)
    columns = [max(len(system), 1) + 2 for system in systems]
    header = "".join(f"{system:<{col}}" for system, col in zip(systems, columns, strict=True))
    stream.write(" " * (width + 2) + header.rstrip() + "\n")
    for sub, row in zip(subcategories, rows, strict=True):
        cells = "".join(f"{_MARK[status]:<{col}}" for status, col in zip(row, columns, strict=True))
        stream.write(f"  {sub:<{width}}{cells.rstrip()}\n")


def _text_details(portfolio: PortfolioCoverage, coverage: SystemCoverage, stream: TextIO) -> None:
    for status in ("missing", "partial"):
        open_subs = [sub for sub in coverage.subcategories if sub.status == status]
        if not open_subs:
            continue
        stream.write(f"  {status}:\n")
        for sub in open_subs:
            items = ", ".join(f"{state.item} {state.status}" for state in sub.items)
            statement = portfolio.catalog.subcategories[sub.id].statement
            if portfolio.catalog.provisions:
                statement = f"{portfolio.catalog.cite(sub.id)}: {statement}"
            if len(statement) > 70:
                statement = statement[:69] + "…"
            stream.write(f"    {sub.id:<13} {statement}\n")
            stream.write(f"    {'':<13} items: {items or 'none for this tier'}\n")


def render_json(
    portfolio: PortfolioCoverage,
    stream: TextIO,
    *,
    crosswalk: Crosswalk | None = None,
    crosswalk_name: str = "",
) -> None:
    """The JSON form of `cardgate.frameworks.coverage`, sorted keys, two-space indent."""
    data = coverage_to_json(portfolio, crosswalk=crosswalk, crosswalk_name=crosswalk_name)
    json.dump(data, stream, indent=2, sort_keys=True, ensure_ascii=False)
    stream.write("\n")


def _csv_row(writer: Any, cells: list[str]) -> None:
    writer.writerow([csv_cell(cell) for cell in cells])


def render_csv(
    portfolio: PortfolioCoverage, stream: TextIO, *, crosswalk: Crosswalk | None = None
) -> None:
    """One row per system x subcategory, or per system x reference with a crosswalk."""
    writer = csv.writer(stream, lineterminator="\n")
    if crosswalk is not None:
        _csv_row(
            writer, ["system", "crosswalk", "reference", "status", "subcategories", "addressed"]
        )
        for coverage in portfolio.systems:
            view = crosswalk_coverage(portfolio.catalog, crosswalk, coverage)
            for ref in view.references:
                _csv_row(
                    writer,
                    [
                        coverage.system,
                        crosswalk.id,
                        ref.reference,
                        ref.status,
                        ";".join(ref.subcategories),
                        ";".join(ref.addressed),
                    ],
                )
        return
    _csv_row(
        writer, ["system", "risk_tier", "function", "category", "subcategory", "status", "items"]
    )
    for coverage in portfolio.systems:
        for sub in coverage.subcategories:
            items = ";".join(f"{s.checklist}:{s.item}={s.status}" for s in sub.items)
            _csv_row(
                writer,
                [
                    coverage.system,
                    coverage.risk_tier or "",
                    sub.function,
                    sub.category,
                    sub.id,
                    sub.status,
                    items,
                ],
            )


def _percent(rollup: Rollup) -> str:
    return f"{rollup.percent_addressed:.1f}% ({rollup.addressed}/{rollup.total})"


def render_markdown(
    portfolio: PortfolioCoverage, stream: TextIO, *, crosswalk: Crosswalk | None = None
) -> None:
    """A summary table of systems x functions; for one system, its subcategory table."""
    catalog = portfolio.catalog
    functions = [fn.id for fn in catalog.functions]
    stream.write(f"## {markdown_text(catalog.short_title)} coverage\n\n")
    if not portfolio.systems:
        stream.write("No systems.\n")
        return
    stream.write("| System | Risk tier | Overall | " + " | ".join(functions) + " |\n")
    stream.write("|---|---|---|" + "---|" * len(functions) + "\n")
    for coverage in portfolio.systems:
        cells = [markdown_text(coverage.system), _tier(coverage), _percent(coverage.overall)]
        cells.extend(_percent(rollup) for rollup in coverage.functions)
        stream.write("| " + " | ".join(cells) + " |\n")
    if len(portfolio.systems) > 1:
        subcategories, systems, rows = portfolio.matrix()
        stream.write("\n### Subcategory × system\n\n")
        stream.write("| Subcategory | " + " | ".join(markdown_text(s) for s in systems) + " |\n")
        stream.write("|---|" + "---|" * len(systems) + "\n")
        for sub_id, row in zip(subcategories, rows, strict=True):
            stream.write(f"| {sub_id} | " + " | ".join(_MARK[status] for status in row) + " |\n")
    if len(portfolio.systems) == 1:
        coverage = portfolio.systems[0]
        stream.write(f"\n### {markdown_text(coverage.system)}: {catalog.unit}\n\n")
        stream.write(f"| {catalog.levels[2].capitalize()} | Status | Items |\n|---|---|---|\n")
        for sub in coverage.subcategories:
            items = ", ".join(f"{state.item} ({state.status})" for state in sub.items)
            shown = catalog.cite(sub.id) if catalog.provisions else sub.id
            stream.write(
                f"| {shown} | {_MARK[sub.status]} {sub.status} | {markdown_text(items)} |\n"
            )
    if crosswalk is not None:
        stream.write(f"\n### {markdown_text(crosswalk.title)}\n\n")
        if len(portfolio.systems) == 1:
            view = crosswalk_coverage(catalog, crosswalk, portfolio.systems[0])
            stream.write("| Reference | Status | Subcategories |\n|---|---|---|\n")
            for ref in view.references:
                subs = ", ".join(ref.subcategories)
                reference = markdown_text(ref.reference)
                stream.write(f"| {reference} | {_MARK[ref.status]} {ref.status} | {subs} |\n")
        else:
            stream.write("| System | Addressed | Partial | Missing |\n|---|---|---|---|\n")
            for coverage in portfolio.systems:
                rollup = crosswalk_coverage(catalog, crosswalk, coverage).rollup()
                stream.write(
                    f"| {markdown_text(coverage.system)} | {_percent(rollup)} | {rollup.partial} "
                    f"| {rollup.missing} |\n"
                )


Renderer = Callable[..., None]

FORMATS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "csv": render_csv,
    "markdown": render_markdown,
}
"""Renderers by ``--format`` name; each is ``render(portfolio, stream, *, crosswalk=None)``."""


def render(
    portfolio: PortfolioCoverage,
    stream: TextIO,
    *,
    output_format: str = "text",
    crosswalk: Crosswalk | None = None,
    crosswalk_name: str = "",
) -> None:
    """Render `portfolio` in `output_format` (one of `FORMATS`)."""
    if output_format == "json":
        render_json(portfolio, stream, crosswalk=crosswalk, crosswalk_name=crosswalk_name)
    else:
        FORMATS[output_format](portfolio, stream, crosswalk=crosswalk)


def select_system(portfolio: PortfolioCoverage, system_id: str) -> PortfolioCoverage:
    """The portfolio narrowed to one system; `UsageError` when there is no such system."""
    for coverage in portfolio.systems:
        if coverage.system == system_id:
            used = tuple(d for d in portfolio.checklists if d.id in coverage.checklists)
            return replace(portfolio, checklists=used, systems=(coverage,))
    known = [coverage.system for coverage in portfolio.systems]
    close = difflib.get_close_matches(system_id, known, n=1)
    raise UsageError(
        f"no system '{system_id}' in this workspace",
        hint=f"did you mean '{close[0]}'?" if close else "systems: " + ", ".join(known),
    )


def report_coverage(
    workspace: Workspace,
    stream: TextIO,
    *,
    system: str | None = None,
    output_format: str = "text",
    crosswalk: str | None = None,
    framework: str | None = None,
) -> PortfolioCoverage:
    """Compute the workspace's coverage (or one system's) of `framework` (an id or another
    name; default the NIST AI RMF 1.0) and render it to `stream`."""
    from cardgate.frameworks.registry import DEFAULT_FRAMEWORK, load_framework

    if output_format not in FORMATS:
        raise UsageError(
            f"unknown format '{output_format}'", hint="choose one of: " + ", ".join(FORMATS)
        )
    catalog = load_framework(framework or DEFAULT_FRAMEWORK)
    chosen = catalog.crosswalk(crosswalk) if crosswalk is not None else None
    _refuse_broken_checklists(workspace, system)
    portfolio = workspace_coverage(workspace, catalog=catalog)
    if not portfolio.systems:
        raise InputError(
            f"no systems found in {workspace.config.systems_dir}/",
            hint="add systems/<id>/model-card.yaml and a checklist (cardgate new checklist ID)",
        )
    if system is not None:
        portfolio = select_system(portfolio, system)
    render(
        portfolio,
        stream,
        output_format=output_format,
        crosswalk=chosen,
        crosswalk_name=crosswalk or "",
    )
    if output_format == "text" and len(portfolio.systems) == 1:
        only = portfolio.systems[0]
        render_automatic(workspace, only.system, stream, checklists=only.checklists)
    return portfolio


def render_automatic(
    workspace: Workspace,
    system_id: str,
    stream: TextIO,
    *,
    checklists: Collection[str] | None = None,
) -> None:
    """The items cardgate answered from the documents, with the evidence it used (of the
    `checklists` given, or all)."""
    from cardgate.frameworks.automatic import automatic_answers
    from cardgate.frameworks.coverage import answered_checklists
    from cardgate.frameworks.definitions import workspace_definitions

    system = workspace.systems[system_id]
    definitions = workspace_definitions(workspace)
    lines = []
    for checklist_id, (_, model) in answered_checklists(system, checklists).items():
        definition = definitions.get(checklist_id)
        if definition is None:
            continue
        for item_id, answer in automatic_answers(workspace, system, definition).items():
            if item_id in model.items:
                continue  # a written answer overrides the automatic one
            evidence = f"; evidence: {', '.join(answer.evidence)}" if answer.evidence else ""
            shown = visible(answer.reason + evidence)
            lines.append(f"    {item_id:<8} {answer.status:<12} {shown}\n")
    if lines:
        stream.write("  answered by cardgate from the documents:\n")
        stream.writelines(lines)


def _refuse_broken_checklists(workspace: Workspace, system: str | None) -> None:
    """Coverage from a checklist that does not load or validate would be a silent 0%: the
    first problem is an `InputError` (exit 1) with its position instead."""
    from cardgate.frameworks.definitions import workspace_definitions

    definitions = None
    for docs in workspace.systems.values():
        if system is not None and docs.id != system:
            continue
        for document in docs.checklists:
            problems = list(document.problems)
            model = document.model
            if not problems and isinstance(model, Checklist):
                definitions = definitions or workspace_definitions(workspace)
                if definitions.get(model.checklist) is None and document.loaded is not None:
                    span = document.loaded.positions.value(("checklist",))
                    problems.append(
                        Problem.at(
                            document.loaded.display,
                            span,
                            "CL100",
                            f"unknown checklist definition '{model.checklist}'",
                            hint="known definitions: "
                            + ", ".join(sorted(d.id for d in definitions)),
                        )
                    )
            if problems:
                first = min(problems, key=Problem.order)
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                raise InputError(
                    f"{first.format()}{more}",
                    hint=first.hint or "fix the checklist; cardgate validate lists every problem",
                )
