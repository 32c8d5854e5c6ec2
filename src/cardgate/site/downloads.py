"""The exports offered for download on each system's and dataset's page.

Every registered format's files for the system or dataset (`cardgate.interop`), computed
from the same workspace and gate result the pages show, written beside the pages under
``downloads/`` (a Markdown export gets ``.txt`` added, so that MkDocs copies it as a file
instead of rendering it as a page; the link's ``download`` name is the file's own). A
system or dataset whose documents cannot be exported has no downloads, and its page says
why. ``site: {downloads: false}`` in ``cardgate.yaml`` leaves them out (their cost grows
with the portfolio: about 5 ms of CPU per system, most of it writing indented JSON).
"""

from __future__ import annotations

from cardgate.core.errors import CardgateError
from cardgate.interop.exporting import plan_exports
from cardgate.interop.registry import FORMATS
from cardgate.site.view_model import DatasetView, Download, Page, SiteModel, SystemView

DOWNLOADS = "downloads"


def site_path(exported: str) -> str:
    """Where an exported file (its path under an export folder) goes in the site."""
    return f"{DOWNLOADS}/{exported}" + (".txt" if exported.endswith(".md") else "")


def dataset_downloads(model: SiteModel) -> list[Page]:
    """The download files of every dataset (their `downloads` filled in, or
    `downloads_reason` saying why there are none)."""
    pages: list[Page] = []
    for view in model.datasets:
        pages.extend(_downloads(model, "datasets", view, view.sheet_path))
    return pages


def system_downloads(model: SiteModel, system: SystemView) -> list[Page]:
    """The download files of `system` (its `downloads` filled in, or `downloads_reason`),
    made with its pages, by the worker that renders them (`site.pages`)."""
    return _downloads(model, "systems", system, system.card_path)


def _downloads(
    model: SiteModel, kind: str, view: SystemView | DatasetView, document: str
) -> list[Page]:
    """Every registered format's files of one system or dataset. Nothing without the
    gate's result: an export carries it."""
    source = model.export_source
    if source is None or not model.workspace.config.site.downloads:
        return []
    usable = [
        entry
        for entry in FORMATS.values()
        if (entry.systems if kind == "systems" else entry.datasets)
    ]
    if not usable:
        return []
    target = view.id
    view.downloads, view.downloads_reason = [], ""  # the same whenever it is made again
    try:
        files, _ = plan_exports(source, usable, [target])
    except CardgateError as error:  # the page says why; the gate reports the cause
        view.downloads_reason = error.message
        return []
    pages: list[Page] = []
    prefix = f"{kind}/{target}/"
    for exported, data in sorted(files.items()):
        if not exported.startswith(prefix):
            continue  # the dataset of the same id as a system, or the reverse
        format_name, _, name = exported[len(prefix) :].partition("/")
        path = site_path(exported)
        pages.append(Page(path, "", document, data=data))
        view.downloads.append(Download(format_name, FORMATS[format_name].title, name, path))
    return pages
