"""Reporters: each renders one `GateResult` to a text stream; the registry is the one list
of ``--format`` choices.

=========  ===========================================================================
text       compiler-style lines and a per-system verdict (colour on a terminal)
json       the stable JSON form documented in docs/gate-json.md (the review site reads it)
sarif      SARIF 2.1.0 for code scanning (GitHub, GitLab, IDEs)
junit      JUnit XML: one testcase per rule x system; waived findings are skipped
github     GitHub Actions workflow commands (annotations), plus a Markdown job summary
           appended to $GITHUB_STEP_SUMMARY when it is set
markdown   a summary sized for a pull-request comment
=========  ===========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from cardgate.gate.result import GateResult
from cardgate.reporters import github, json_report, junit, markdown, sarif, text

Reporter = Callable[[GateResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "json": json_report.render,
    "sarif": sarif.render,
    "junit": junit.render,
    "github": github.render,
    "markdown": markdown.render,
}
"""Format name -> renderer; the ``--format`` and ``--output`` choices."""


def reporter(name: str) -> Reporter:
    """The renderer of a format; KeyError names the known ones."""
    try:
        return REPORTERS[name]
    except KeyError:
        raise KeyError(f"unknown format '{name}' (one of: {', '.join(REPORTERS)})") from None


def write_reports(
    result: GateResult, stream: TextIO, *, output_format: str, outputs: list[tuple[str, str]]
) -> list[str]:
    """Render `output_format` to `stream` and each (format, path) to its file, atomically."""
    import io
    from pathlib import Path

    from cardgate.atomic import write_text_atomic

    written = []
    for name, path in outputs:
        buffer = io.StringIO()
        reporter(name)(result, buffer)
        write_text_atomic(Path(path), buffer.getvalue())
        written.append(path)
    reporter(output_format)(result, stream)
    return written
