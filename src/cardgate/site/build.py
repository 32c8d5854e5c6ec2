"""`cardgate build`: write the generated pages, run `mkdocs build`, check the result.

Where things live (the *site folder*, S):

* S is ``<workspace>/<site.site_dir>`` from ``cardgate.yaml`` (default ``site``): inside
  the workspace unless ``site_dir`` says otherwise (a governance folder inside a
  repository whose site sits at the root sets ``site_dir: ../site``, as the worked example
  does). A ``site/mkdocs.yml`` beside the workspace is not guessed to be its site: the
  build stays in the workspace and says how to use that one (`unused_site_note`).
* ``S/mkdocs.yml`` — the MkDocs configuration, hand-written and kept in git. When it is
  missing, cardgate writes a default one from ``templates/site/mkdocs.yml.j2`` (once;
  never overwritten). It must say ``docs_dir: generated``.
* ``S/pages/`` and ``S/assets/`` — hand-written pages and extra CSS, kept in git.
* ``S/templates/`` — optional overrides of the shipped page templates (same names).
* ``S/generated/`` — the MkDocs ``docs_dir``, git-ignored and rewritten on every build:
  shipped defaults, then the hand-written pages, then the generated ones.
* ``S/build/`` — the HTML (``--out`` elsewhere), git-ignored. It is built in a staging
  folder beside it (``.build.build-*``) and put in place whole when complete; a build
  that fails (a full disk) leaves it as it was (`cardgate.site.output`). Its
  ``downloads/`` (each page's exports, `cardgate.site.downloads`) are made while MkDocs
  builds, in a staging folder of their own, and moved in.

Principle 9: plain Markdown files and ``mkdocs.yml``; no MkDocs plugin hooks; the run is
``mkdocs.commands.build.build`` on that configuration, exactly what
``mkdocs build -f S/mkdocs.yml`` does (`cardgate build` runs it in a worker process
started at the beginning, see `cardgate.site.mkdocs_run`). ``--strict`` fails on pages
that could not be rendered, on links that lead nowhere and on anything that would load
from the network.

Where the time goes for 1,000 systems: see benchmarks/README.md (site). MkDocs itself
takes most of it; cardgate's own work (loading, the gate, rendering the pages) is shared
among the CPUs (`cardgate.core.parallel`), and the downloads are made on the CPU MkDocs
leaves idle.

Kept whole: the build's steps (the configuration, the generated pages, the MkDocs run in
a worker, the checks of its result) share the one set of folders described above; split,
each part would take them as arguments and the order of the steps would be harder to see.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO
from urllib.parse import unquote, urlsplit

from cardgate.core.files import write_file
from cardgate.core.paths import display_path
from cardgate.core.text import visible
from cardgate.documents.workspace import Workspace
from cardgate.site.docs_folder import DocsFolder, sync_docs
from cardgate.site.downloads import (
    discard_staging,
    offer_dataset_downloads,
    publish_downloads,
    stage_downloads,
)
from cardgate.site.escape import page_title
from cardgate.site.gather import gather
from cardgate.site.mkdocs_run import (
    GENERATED,
    MkdocsWorker,
    SiteLayout,
    run_mkdocs,
)
from cardgate.site.output import check_out_folder, staged_site
from cardgate.site.pages import build_pages
from cardgate.site.templating import make_environment
from cardgate.site.view_model import BuildProblem, Page, SiteModel

CONFIG_NAME = "mkdocs.yml"
BUILD = "build"
_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']*)["']""")
_REMOTE_LOAD = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed)\b[^>]*\bsrc\s*=\s*["'](?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


@dataclass
class BuildResult:
    """What `build_site` did."""

    layout: SiteLayout
    pages: list[Page] = field(default_factory=list)
    problems: list[BuildProblem] = field(default_factory=list)
    """Inputs the site could not use (unreadable documents, gate not available...)."""
    render_problems: list[BuildProblem] = field(default_factory=list)
    """Pages that could not be rendered, and broken or remote links."""
    mkdocs_warnings: list[str] = field(default_factory=list)
    created: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    strict: bool = False
    notes: list[str] = field(default_factory=list)
    """What the build chose that the user may not expect (`unused_site_note`)."""

    @property
    def failed(self) -> bool:
        """With --strict: anything that keeps a page from being complete or linked."""
        if self.render_problems:
            return True
        return self.strict and bool(self.problems or self.mkdocs_warnings)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def site_layout(workspace: Workspace, *, out: Path | None = None) -> SiteLayout:
    """The site folder, its configuration and the generated and HTML folders."""
    site_dir = (workspace.root / workspace.config.site.site_dir).resolve()
    out_dir = out.resolve() if out is not None else site_dir / BUILD
    return SiteLayout(site_dir, site_dir / CONFIG_NAME, site_dir / GENERATED, out_dir)


def unused_site_note(workspace: Workspace, layout: SiteLayout) -> str | None:
    """What to say when the build made its site folder's configuration while a
    ``site/mkdocs.yml`` sits beside the workspace: the build once took that folder,
    outside the workspace, for the site's (its generated pages and HTML written into
    another project's MkDocs site); it is used only when cardgate.yaml names it."""
    beside = workspace.root.parent / "site" / CONFIG_NAME
    if not beside.is_file() or beside.resolve() == layout.config_file:
        return None
    return (
        f"{display_path(beside)}, beside the workspace, is not used: the site is built in "
        f"{display_path(layout.site_dir)}/; to build that one instead, set "
        "site.site_dir: ../site in cardgate.yaml"
    )


def ensure_config(layout: SiteLayout, *, site_name: str) -> list[Path]:
    """Write the default mkdocs.yml when the site folder has none; never overwrite."""
    if layout.config_file.is_file():
        return []
    environment = make_environment(None)
    text = environment.get_template("mkdocs.yml.j2").render(site_name=page_title(site_name))
    try:
        write_file(layout.config_file, text, within=layout.site_dir, exclusive=True)
    except FileExistsError:
        return []
    return [layout.config_file]


@dataclass
class Generated:
    """The generated pages, and what kept the site from being complete."""

    model: SiteModel
    pages: list[Page]
    unrendered: list[BuildProblem]
    """Pages a template could not render (not written)."""
    overlaps: list[BuildProblem]
    """Hand-written pages replaced by generated ones."""


def generate(
    workspace: Workspace,
    layout: SiteLayout,
    *,
    today: dt.date,
    run_gate: bool = True,
    pdf: bool = False,
    recompute: bool = False,
    today_set_by: str | None = None,
) -> Generated:
    """Render every page and write the docs folder (hand-written pages plus generated)."""
    model = gather(workspace, today=today, run_gate=run_gate, recompute=recompute)
    model.pdf = pdf
    model.today_set_by = today_set_by
    offer_dataset_downloads(model)  # a system's are offered by the worker of its pages
    environment = make_environment(layout.site_dir)
    docs = DocsFolder.claim(layout.docs_dir)  # before any worker writes a page into it
    pages, unrendered = build_pages(model, environment, write=docs.write)
    overlaps = sync_docs(layout.site_dir, docs, pages)
    return Generated(model, pages, unrendered, overlaps)


def check_links(layout: SiteLayout, pages: list[Page]) -> list[BuildProblem]:
    """Relative links that lead to no file, and anything loaded from the network."""
    out = layout.out_dir.resolve()
    sources = {page.path[: -len(".md")] + ".html": page.source for page in pages if page.markdown}
    problems = []
    for html_file in sorted(out.rglob("*.html")):
        relative = html_file.relative_to(out).as_posix()
        if relative.startswith(("assets/", "search/")) or relative == "404.html":
            continue
        text = html_file.read_text(encoding="utf-8")
        source = sources.get(relative, f"(page {relative})")
        if _REMOTE_LOAD.search(text):
            problems.append(BuildProblem(source, relative, "loads a resource from the network"))
        for target in dict.fromkeys(_LINK.findall(text)):
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path or target.startswith("#"):
                if parts.scheme.lower() in ("javascript", "data", "vbscript"):
                    problems.append(BuildProblem(source, relative, f"unsafe link '{target}'"))
                continue
            resolved = (html_file.parent / unquote(parts.path)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file() or out not in resolved.parents:
                problems.append(BuildProblem(source, relative, f"broken link '{target}'"))
    return problems


def build_site(
    workspace: Workspace,
    *,
    out: Path | None = None,
    strict: bool = False,
    pdf: bool = False,
    today: dt.date | None = None,
    run_gate: bool = True,
    mkdocs: MkdocsWorker | None = None,
    recompute: bool = False,
) -> BuildResult:
    """Generate the pages, build the HTML with MkDocs, check links; optionally print PDFs.

    `mkdocs` is a worker started by the caller before loading the workspace (see
    `cardgate.site.mkdocs_run`); without one, MkDocs runs in this process. `recompute`
    shows the verdict of `gate --release` (artifacts computed again and compared) instead
    of the gate on the artifacts as committed.
    """
    from cardgate.core.clock import pinned_by
    from cardgate.core.clock import today as clock_today
    from cardgate.core.gcpause import frozen_heap, paused_collector

    layout = site_layout(workspace, out=out)
    check_out_folder(layout.out_dir)  # before any work; again when it is replaced
    result = BuildResult(layout=layout, strict=strict)
    started = time.perf_counter()
    result.created = ensure_config(layout, site_name=workspace.config.site.title)
    note = unused_site_note(workspace, layout) if result.created else None
    result.notes = [note] if note is not None else []
    with paused_collector():  # thousands of pages' worth of small objects, no cycles
        generated_site = generate(
            workspace,
            layout,
            today=today or clock_today(),
            run_gate=run_gate,
            pdf=pdf,
            recompute=recompute,
            today_set_by=pinned_by() if today is None else None,
        )
    model = generated_site.model
    result.pages = generated_site.pages
    result.problems = [*model.problems, *generated_site.overlaps]
    result.render_problems = list(generated_site.unrendered)
    generated = time.perf_counter()
    final = layout
    with staged_site(final.out_dir) as staging:  # the site in place whole, or not at all
        layout = replace(final, out_dir=staging)
        staged: list[Path] = []

        def make_downloads() -> None:  # while MkDocs builds the pages on another CPU
            with paused_collector():
                downloads = stage_downloads(model, layout.out_dir)
            if downloads is not None:
                staged.append(downloads)

        try:
            if mkdocs is not None:
                result.mkdocs_warnings = mkdocs.build(
                    layout, strict=strict, meanwhile=make_downloads
                )
            else:
                make_downloads()
                with frozen_heap():  # the workspace and pages stay alive; mkdocs makes garbage
                    result.mkdocs_warnings = run_mkdocs(layout, strict=strict)
            for downloads in staged:
                result.problems.extend(publish_downloads(downloads, layout.out_dir))
        finally:
            for downloads in staged:
                discard_staging(downloads)
        built = time.perf_counter()
        if pdf:  # before the link check: the pages link each system's PDF
            from cardgate.site.pdf import print_system_pdfs

            pdfs = print_system_pdfs(layout, model)
            result.pdfs = [final.out_dir / path.relative_to(staging) for path in pdfs]
        printed = time.perf_counter()
        if strict:  # reading every built page back costs ~10% of a 1,000-system build
            result.render_problems.extend(check_links(layout, result.pages))
    checked = time.perf_counter()
    result.timings = {"pages": generated - started, "mkdocs": built - generated}
    if pdf:
        result.timings["pdf"] = printed - built
    if strict:
        result.timings["link check"] = checked - printed
    return result


__all__ = [
    "BuildResult",
    "Generated",
    "SiteLayout",
    "build_site",
    "check_links",
    "generate",
    "render_build",
    "run_mkdocs",
    "site_layout",
]


def render_build(result: BuildResult, stream: TextIO) -> None:
    """The summary `cardgate build` prints."""
    layout = result.layout
    for path in result.created:
        stream.write(f"created {display_path(path)} (default MkDocs configuration)\n")
    for note in result.notes:
        stream.write(f"note: {visible(note)}\n")
    written = sum(page.markdown for page in result.pages)
    stream.write(
        f"wrote {written} pages to {display_path(layout.docs_dir)}; "
        f"HTML in {display_path(layout.out_dir)}\n"
    )
    if result.timings:
        stream.write(
            "time spent: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
            + "\n"
        )
    for pdf_path in result.pdfs:
        stream.write(f"wrote {display_path(pdf_path)}\n")
    problems = sorted(set(result.problems))
    if problems:
        label = "error" if result.strict else "warning"
        stream.write(f"{len(problems)} input problem(s) ({label} with --strict):\n")
        for problem in problems[:50]:
            stream.write(f"  {visible(problem.format())}\n")
        if len(problems) > 50:
            stream.write(f"  ... and {len(problems) - 50} more (listed on the dashboard)\n")
    for warning in result.mkdocs_warnings:
        stream.write(f"mkdocs: {visible(warning)}\n")
    for problem in sorted(set(result.render_problems)):
        stream.write(f"error: {visible(problem.format())}\n")
    if result.failed:
        stream.write("site build failed\n")
