"""The reporter registry: format name -> renderer, the one list of ``--format`` and
``--output`` choices (what each format is: `cardgate.reporting`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from cardgate.core.errors import UsageError
from cardgate.gate.result import GateResult
from cardgate.reporting import (
    codequality,
    github,
    json_report,
    junit,
    markdown,
    sarif,
    text,
)

Reporter = Callable[[GateResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
    "codequality": codequality.render,
}
"""Format name -> renderer; the ``--format`` and ``--output`` choices."""


def reporter(name: str) -> Reporter:
    """The renderer of a format; `UsageError` for another name (its hint: the formats)."""
    try:
        return REPORTERS[name]
    except KeyError:
        raise UsageError(
            f"unknown format '{name}'", hint="one of: " + ", ".join(REPORTERS)
        ) from None


def write_reports(
    result: GateResult, stream: TextIO, *, output_format: str, outputs: list[tuple[str, str]]
) -> list[str]:
    """Render `output_format` to `stream` and each (format, path) to its file, atomically.

    An output file is the user's choice, but never a link, a device, a FIFO or a
    document (`cardgate.core.files.write_file`); every path is checked before any is
    written.
    """
    import io
    from pathlib import Path

    from cardgate.core.errors import UsageError
    from cardgate.core.files import check_target, write_file
    from cardgate.core.paths import display_path

    targets = [(name, Path(path)) for name, path in outputs]
    claimed: dict[Path, str] = {}
    for name, target in targets:
        check_target(target, within=target.parent)
        key = target.resolve()
        if key in claimed:  # a second --output for the path: only the last would stay
            raise UsageError(
                f"--output: {claimed[key]} and {name} both write {display_path(target)}",
                hint="give each format a file of its own",
            )
        claimed[key] = name
    written = []
    for name, target in targets:
        buffer = io.StringIO()
        reporter(name)(result, buffer)
        write_file(target, buffer.getvalue(), within=target.parent)
        written.append(str(target))
    reporter(output_format)(result, stream)
    return written
