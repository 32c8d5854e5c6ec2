"""`mkdocs build` on the site's configuration: in this process, or in a worker process.

`run_mkdocs` is the build: ``mkdocs.commands.build.build`` on ``S/mkdocs.yml``, exactly
what ``mkdocs build -f S/mkdocs.yml`` does, with MkDocs's warnings collected.

`MkdocsWorker` runs it in a fresh interpreter, started when `cardgate build` starts: for
the first seconds cardgate loads the workspace, gates it and renders the pages, and the
worker imports MkDocs meanwhile, then waits. When the pages are written it gets the
layout on stdin, builds, and answers on stdout; while it builds, this process makes what
MkDocs does not read (the site's downloads, `cardgate.site.downloads`) on another CPU.
MkDocs works in a small heap of its own rather than one grown by a thousand systems'
worth of objects (and shared, page by page, with the forked page workers), and its
start-up costs nothing. Whatever goes wrong
with the worker itself (it cannot start, dies, answers nonsense) falls back to building
in this process; errors of the build are the same in both.

This module imports neither the workspace nor the schemas: the worker stays light.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from cardgate.core.errors import CardgateError, ConfigurationError, UsageError
from cardgate.core.files import WriteError, write_file
from cardgate.core.paths import display_path
from cardgate.site.output import BUILD_MARKER, cannot_write, check_out_folder

GENERATED = "generated"
_BOOT = (
    "import runpy, sys; sys.path.append(sys.argv.pop(1)); "
    "runpy.run_module('cardgate.site.mkdocs_run', run_name='__main__', alter_sys=True)"
)
_ANSWER = "cardgate-mkdocs-worker-answer "
"""Prefixes the worker's one answer line on stdout (anything else printed is ignored)."""


@dataclass(frozen=True)
class SiteLayout:
    """Where the site's inputs and outputs are."""

    site_dir: Path
    config_file: Path
    docs_dir: Path
    out_dir: Path


def run_mkdocs(layout: SiteLayout, *, strict: bool = False) -> list[str]:
    """`mkdocs build` in-process on the site's mkdocs.yml; returns its warnings."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort
    from mkdocs.exceptions import ConfigurationError as MkdocsConfigError

    out = layout.out_dir
    check_out_folder(out)
    with _captured_mkdocs_log() as warnings:
        try:
            config = load_config(
                config_file=str(layout.config_file), site_dir=str(out), strict=False
            )
        except (MkdocsConfigError, Abort) as error:
            raise ConfigurationError(
                f"{display_path(layout.config_file)}: {error}",
                hint="see templates/site/mkdocs.yml.j2 for a working configuration",
            ) from error
        if Path(config["docs_dir"]).resolve() != layout.docs_dir.resolve():
            raise ConfigurationError(
                f"{display_path(layout.config_file)}: docs_dir must be '{GENERATED}' "
                f"(it is '{config['docs_dir']}')",
                hint="cardgate writes the pages there; hand-written pages go in pages/",
            )
        try:
            build(config)
        except Abort as error:
            raise ConfigurationError(f"mkdocs build failed: {error}") from error
        except OSError as error:  # the environment: a full disk, an unreadable theme file
            raise _environment_error(error, out) from error
    out.mkdir(parents=True, exist_ok=True)
    write_file(out / BUILD_MARKER, "Built by cardgate build.\n", within=out)
    return warnings


def _environment_error(error: OSError, out: Path) -> CardgateError:
    """MkDocs's `OSError`: a `WriteError` when it concerns the output folder (or says the
    disk is full), else the unreadable input it names."""
    reason = error.strerror or str(error)
    names = [Path(os.fsdecode(n)) for n in (error.filename2, error.filename) if n is not None]
    inside = any(name.absolute().is_relative_to(out.absolute()) for name in names)
    if inside or error.errno in _WRITE_ERRNOS or not names:
        return cannot_write(out, reason)
    return ConfigurationError(
        f"mkdocs build failed: {display_path(names[-1])}: cannot read: {reason}",
        hint="check that the theme and the site folder's files are readable",
    )


_WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


@contextlib.contextmanager
def _captured_mkdocs_log() -> Iterator[list[str]]:
    captured: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                captured.append(record.getMessage())

    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    previous_level, previous_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield captured
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
        logger.propagate = previous_propagate


class MkdocsWorker:
    """A worker process that builds the site with MkDocs when asked; see the module doc."""

    def __init__(self, process: subprocess.Popen[str] | None) -> None:
        self.process = process

    @classmethod
    def start(cls) -> MkdocsWorker:
        """Start the worker now; it imports MkDocs while the caller does other work.

        With one CPU (or ``CARDGATE_JOBS=1``) there is nothing to overlap: no worker.
        """
        from cardgate.core.parallel import available_jobs

        if available_jobs() < 2:
            return cls(None)
        # The folder this cardgate was imported from goes at the end of the worker's path:
        # found when nothing else provides cardgate, shadowing nothing (not the stdlib).
        package_parent = str(Path(__file__).resolve().parents[2])
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, package_parent],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        except OSError:
            return cls(None)
        return cls(process)

    def build(
        self,
        layout: SiteLayout,
        *,
        strict: bool = False,
        meanwhile: Callable[[], object] | None = None,
    ) -> list[str]:
        """`run_mkdocs` in the worker (in this process if the worker is not usable).

        `meanwhile` runs in this process while the worker builds (before the build when
        there is no worker); if it fails, the worker is stopped and its error raised."""
        process, self.process = self.process, None
        if process is None:
            if meanwhile is not None:
                meanwhile()
            return run_mkdocs(layout, strict=strict)
        request = {
            "site_dir": str(layout.site_dir),
            "config_file": str(layout.config_file),
            "docs_dir": str(layout.docs_dir),
            "out_dir": str(layout.out_dir),
            "strict": strict,
        }
        assert process.stdin is not None and process.stdout is not None
        with contextlib.suppress(OSError):  # the worker is gone: no answer below
            process.stdin.write(json.dumps(request) + "\n")
        with contextlib.suppress(OSError):
            process.stdin.close()
        try:
            if meanwhile is not None:
                meanwhile()
        except BaseException:
            process.kill()
            process.wait()
            raise
        try:
            output = process.stdout.read()
        except OSError:
            output = ""
        process.wait()
        answer = _answer(output)
        if answer is None:  # the worker died or could not start MkDocs: build here
            return run_mkdocs(layout, strict=strict)
        return _result(answer)

    def close(self) -> None:
        """Stop a worker that was never asked to build (it exits on end of input)."""
        process, self.process = self.process, None
        if process is None:
            return
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            process.communicate("", timeout=10)
        if process.poll() is None:
            process.kill()
            process.wait()

    def __enter__(self) -> MkdocsWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _answer(output: str) -> dict[str, object] | None:
    for line in reversed(output.splitlines()):
        if line.startswith(_ANSWER):
            try:
                answer = json.loads(line[len(_ANSWER) :])
            except ValueError:
                return None
            return answer if isinstance(answer, dict) else None
    return None


def _result(answer: dict[str, object]) -> list[str]:
    """The warnings of a worker's answer; its error raised as the same error type."""
    error = answer.get("error")
    if isinstance(error, dict):
        kinds: dict[str, type[CardgateError]] = {
            "UsageError": UsageError,
            "ConfigurationError": ConfigurationError,
            "WriteError": WriteError,
        }
        kind = kinds.get(str(error.get("kind")), ConfigurationError)
        raise kind(str(error.get("message", "")), hint=str(error.get("hint", "")))
    crash = answer.get("crash")
    if crash is not None:
        raise RuntimeError(f"mkdocs build failed in the worker process: {crash}")
    warnings = answer.get("warnings")
    return [str(w) for w in warnings] if isinstance(warnings, list) else []


def _serve_one_build() -> int:
    """The worker: import MkDocs, wait for a layout on stdin, build it, answer on stdout."""
    import mkdocs.commands.build
    import mkdocs.config  # noqa: F401

    with contextlib.suppress(ImportError):
        import material  # type: ignore[import-untyped]  # noqa: F401

    line = sys.stdin.readline()
    if not line.strip():
        return 0  # the parent stopped before building
    request = json.loads(line)
    layout = SiteLayout(
        Path(request["site_dir"]),
        Path(request["config_file"]),
        Path(request["docs_dir"]),
        Path(request["out_dir"]),
    )
    answer: dict[str, object]
    try:
        answer = {"warnings": run_mkdocs(layout, strict=bool(request.get("strict")))}
    except CardgateError as error:
        answer = {
            "error": {"kind": type(error).__name__, "message": error.message, "hint": error.hint}
        }
    except Exception as error:  # reported by the parent as an internal error
        answer = {"crash": f"{type(error).__name__}: {error}"}
    sys.stdout.write(_ANSWER + json.dumps(answer) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":  # pragma: no cover - runs as the worker process
    try:
        code = _serve_one_build()
    except KeyboardInterrupt:  # the user's Ctrl-C reaches the whole process group
        code = 130
    except BaseException:  # no answer: the parent builds in its own process and reports
        if os.environ.get("CARDGATE_DEBUG"):
            raise
        code = 1
    sys.stdout.flush()
    os._exit(code)
