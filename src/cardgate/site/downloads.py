"""The exports offered for download on each system's and dataset's page.

Every registered format's files for the system or dataset (`cardgate.interop`), computed
from the same workspace and gate result the pages show, published under ``downloads/``
of the built site (a Markdown export gets ``.txt`` added, so that a browser or a plain
file server shows it as text; the link's ``download`` name is the file's own). A system
or dataset whose documents cannot be exported has no downloads, and its page says why.
``site: {downloads: false}`` in ``cardgate.yaml`` leaves them out.

In two steps, so that making them costs the reader no time. The pages are rendered with
the files `offer_*` lists: the same call as the export, with the same errors, but the
formats that declare their file names (`Format.files`: their export cannot fail once the
documents load) are named, not made. `make_downloads` then makes every file while MkDocs
builds the pages on another CPU (about 2.5 s of CPU at 1,000 systems, most of it writing
indented JSON), into a staging folder that `publish_downloads` moves into the built site.
The files are not in the docs folder: MkDocs neither reads nor copies them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cardgate.core.errors import CardgateError
from cardgate.core.files import write_file
from cardgate.interop.exporting import plan_exports
from cardgate.interop.registry import FORMATS
from cardgate.interop.source import ExportSource
from cardgate.site.view_model import BuildProblem, DatasetView, Download, SiteModel, SystemView

DOWNLOADS = "downloads"


def site_path(exported: str) -> str:
    """Where an exported file (its path under an export folder) goes in the site."""
    return f"{DOWNLOADS}/{exported}" + (".txt" if exported.endswith(".md") else "")


def offer_dataset_downloads(model: SiteModel) -> None:
    """Fill in every dataset's `downloads` (or `downloads_reason`, saying why none)."""
    for view in model.datasets:
        _offer(model, "datasets", view)


def offer_system_downloads(model: SiteModel, system: SystemView) -> None:
    """Fill in `system`'s `downloads` (or `downloads_reason`); called by the worker that
    renders its pages (`site.pages`)."""
    _offer(model, "systems", system)


def make_downloads(model: SiteModel) -> Iterator[tuple[str, bytes]]:
    """(path in the site, bytes) of every file the pages offer: the systems' and the
    datasets' that `offer_*` found exportable (the same calls, so the same outcome)."""
    source = _source(model)
    if source is None:
        return
    for kind, views in (("systems", model.systems), ("datasets", model.datasets)):
        for view in views:
            try:
                files = _files(source, kind, view.id, listing=False)
            except CardgateError:  # its page says why it has no downloads
                continue
            for exported, data in files:
                yield site_path(exported), data


def stage_downloads(model: SiteModel, out: Path) -> Path | None:
    """Make every download into a new staging folder beside `out` (the built site,
    which MkDocs empties when it starts); the folder, or None when there is none."""
    made = make_downloads(model)
    first = next(made, None)
    if first is None:
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{out.name}.downloads-"
    for left in out.parent.glob(prefix + "*"):  # by a build that was killed
        if left.is_dir() and not left.is_symlink():
            discard_staging(left)
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))
    try:
        folders: set[Path] = set()
        for path, data in itertools.chain((first,), made):
            target = staging / path
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            write_file(target, data, within=staging, durable=False)
    except BaseException:
        discard_staging(staging)
        raise
    return staging


def publish_downloads(staging: Path, out: Path) -> list[BuildProblem]:
    """Move the staged downloads into the built site `out` (one rename when MkDocs wrote
    no ``downloads/`` folder of its own; file by file over it otherwise) and remove the
    staging folder. The files of a hand-written ``pages/downloads/`` that a download
    replaced, as problems."""
    staged, target = staging / DOWNLOADS, out / DOWNLOADS
    replaced: list[BuildProblem] = []
    try:
        if os.path.islink(target):  # never written through
            os.unlink(target)
        if not os.path.lexists(target):
            with contextlib.suppress(OSError):  # on another file system: moved below
                os.rename(staged, target)
                return replaced
        for folder, _, names in os.walk(staged):
            for name in sorted(names):
                path = (Path(folder) / name).relative_to(staging).as_posix()
                destination = out / path
                if os.path.lexists(destination):
                    replaced.append(
                        BuildProblem(
                            f"pages/{path}",
                            "",
                            "hand-written file has the path of a download; the download "
                            "replaces it",
                        )
                    )
                    if destination.is_dir() and not destination.is_symlink():
                        shutil.rmtree(destination)
                    else:
                        destination.unlink()
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(Path(folder) / name, destination)
    finally:
        discard_staging(staging)
    return replaced


def discard_staging(staging: Path) -> None:
    """Remove a staging folder (after publishing, or when the build failed)."""
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(staging)


def _source(model: SiteModel) -> ExportSource | None:
    """The export source, when downloads are made at all (nothing without the gate's
    result: an export carries it)."""
    source = model.export_source
    if source is None or not model.workspace.config.site.downloads:
        return None
    return source


def _offer(model: SiteModel, kind: str, view: SystemView | DatasetView) -> None:
    source = _source(model)
    if source is None:
        return
    view.downloads, view.downloads_reason = [], ""  # the same whenever it is made again
    try:
        files = _files(source, kind, view.id, listing=True)
    except CardgateError as error:  # the page says why; the gate reports the cause
        view.downloads_reason = error.message
        return
    prefix = f"{kind}/{view.id}/"
    for exported, _ in files:
        format_name, _, name = exported[len(prefix) :].partition("/")
        view.downloads.append(
            Download(format_name, FORMATS[format_name].title, name, site_path(exported))
        )


def _files(
    source: ExportSource, kind: str, target: str, *, listing: bool
) -> list[tuple[str, bytes]]:
    """(export path, bytes) of every usable format's files of one system or dataset, in
    order; with `listing`, the declared files are named with empty contents."""
    usable = [
        entry
        for entry in FORMATS.values()
        if (entry.systems if kind == "systems" else entry.datasets)
    ]
    if not usable:
        return []
    files, _ = plan_exports(source, usable, [target], listing=listing)
    prefix = f"{kind}/{target}/"
    # not the dataset of the same id as a system, or the reverse
    return [(path, data) for path, data in sorted(files.items()) if path.startswith(prefix)]
