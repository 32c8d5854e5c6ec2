"""`cardgate serve`: build, serve the HTML on 127.0.0.1, rebuild when an input changes.

A polling watcher (no inotify dependency, no MkDocs plugin or livereload hooks): every
`interval` seconds it fingerprints the workspace's YAML and JSON files and the site
folder's hand-written pages, assets, templates and mkdocs.yml (size and mtime), and
rebuilds when the fingerprint changes. The generated and build folders are not watched,
and links to folders are not followed (two links to their own folder would otherwise make
the walk endless). The server is the standard library's, bound to 127.0.0.1 by default
before the first build (a busy port is said at once) and answering once it is complete.
"""

from __future__ import annotations

import functools
import http.server
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cardgate.core.errors import CardgateError, UsageError
from cardgate.site.build import BuildResult, SiteLayout

WATCHED_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".md", ".css", ".j2"})
SKIPPED_FOLDERS = frozenset({".git", ".venv", "node_modules", "__pycache__", ".schemas"})

Fingerprint = tuple[tuple[str, int, int], ...]


def _files(folder: Path, skip: set[Path]) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for child in sorted(folder.iterdir()):
        if child.name in SKIPPED_FOLDERS or child.resolve() in skip:
            continue
        if child.is_dir() and not child.is_symlink():
            yield from _files(child, skip)
        elif child.suffix in WATCHED_SUFFIXES:
            yield child


def fingerprint(roots: list[Path], skip: set[Path]) -> Fingerprint:
    """(path, size, mtime_ns) of every watched file under `roots`."""
    entries = []
    for root in roots:
        for path in _files(root, skip):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(set(entries)))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def bind_server(folder: Path, *, host: str, port: int) -> http.server.ThreadingHTTPServer:
    """A server of `folder`, bound and listening (a busy port is a `UsageError`); it
    answers once `serve_forever` runs, and the caller shuts it down."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    try:
        server = http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        raise UsageError(
            f"cannot serve on {host}:{port}: {error.strerror or error}",
            hint="choose another port with --port, or stop what uses this one",
        ) from error
    return server


def serve(
    build: Callable[[], BuildResult],
    layout: SiteLayout,
    workspace_root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    interval: float = 1.0,
    report: Callable[[str], None] = print,
    stop: threading.Event | None = None,
) -> None:
    """Build, serve, and rebuild on change until interrupted (or `stop` is set)."""
    roots = [workspace_root, layout.site_dir]
    skip = {layout.docs_dir.resolve(), layout.out_dir.resolve()}

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            result = build()
        except CardgateError as error:
            report(f"build failed: {error.message}")
            return
        report(
            f"built {len(result.pages)} pages in {time.perf_counter() - started:.1f}s"
            + (f" ({len(result.render_problems)} link/render problems)" if result.failed else "")
        )

    layout.out_dir.mkdir(parents=True, exist_ok=True)
    server = bind_server(layout.out_dir, host=host, port=port)
    stop = stop or threading.Event()
    answering = threading.Thread(target=server.serve_forever, daemon=True)
    try:
        # taken before the first build: a file changed while it runs (or as soon as the
        # site answers) is a change, and the next poll rebuilds
        seen = fingerprint(roots, skip)
        rebuild()  # requests wait in the listen queue until the first build is complete
        answering.start()
        report(f"serving http://{host}:{server.server_address[1]}/ (Ctrl-C to stop)")
        while not stop.wait(interval):
            current = fingerprint(roots, skip)
            if current != seen:
                seen = current
                report("change detected; rebuilding")
                rebuild()
    finally:
        if answering.is_alive():
            server.shutdown()  # waits for serve_forever, which must have started
        server.server_close()
