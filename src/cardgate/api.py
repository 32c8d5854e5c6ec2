"""cardgate's Python API, for notebooks and training pipelines.

What this module defines is the public, stable API (listed in the README and documented in
docs/api.md); everything else in the package may change between versions. The functions
return the same objects the command line renders, computed by the same code::

    import cardgate.api as cg

    result = cg.gate("governance", release=True)      # a GateResult
    print(cg.render(result, "text"))                   # what `cardgate gate` prints
    for step in cg.status("governance").systems[0].left:
        print(step.title)

Nothing here imports pandas, numpy, fairlearn or mkdocs until a function needs them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from cardgate.core.clock import today as reference_date
from cardgate.documents.workspace import Workspace, workspace_root
from cardgate.gate.result import GateResult
from cardgate.gate.status import StatusReport
from cardgate.validation.report import ValidationReport

if TYPE_CHECKING:
    from cardgate.evidence.evaluation.run import EvaluationRun

PathLike = str | os.PathLike[str]

__all__ = [
    "GateResult",
    "StatusReport",
    "ValidationReport",
    "Workspace",
    "evaluate_system",
    "gate",
    "load_workspace",
    "render",
    "status",
    "validate",
]


def _root(path: PathLike | Workspace) -> Path:
    if isinstance(path, Workspace):
        return path.root
    return workspace_root(Path(path))


def _date(today: dt.date | str | None) -> dt.date:
    if isinstance(today, dt.date):
        return today
    return reference_date(today)


def load_workspace(path: PathLike = ".") -> Workspace:
    """The workspace in folder `path` (the folder holding ``cardgate.yaml``), every
    document loaded and validated once: ``ws.systems["credit"].model_card`` is the typed
    model card."""
    from cardgate.documents.workspace import load_workspace as load

    return load(_root(path))


def validate(path: PathLike = ".") -> ValidationReport:
    """What ``cardgate validate`` reports: ``report.problems`` (each with path, line,
    column, code, message and hint) and ``report.exit_code``."""
    from cardgate.validation.report import run_validation

    return run_validation([], workspace=_root(path))


def gate(
    path: PathLike | Workspace = ".",
    *,
    release: bool = True,
    systems: Iterable[str] | None = None,
    today: dt.date | str | None = None,
    strict: bool = False,
) -> GateResult:
    """Run the release gate, as ``cardgate gate [--release]``; `result.passed`, its
    `findings` (with `hint`) and per-system `systems` verdicts."""
    from cardgate.gate.engine import run_gate

    workspace = path if isinstance(path, Workspace) else _root(path)
    return run_gate(
        workspace,
        release=release,
        strict=strict,
        today=_date(today),
        systems=list(systems) if systems is not None else None,
    )


def status(
    path: PathLike | Workspace = ".",
    *,
    systems: Iterable[str] | None = None,
    today: dt.date | str | None = None,
) -> StatusReport:
    """What is left before each system can ship, as ``cardgate status``."""
    from cardgate.gate.status import workspace_status

    workspace = path if isinstance(path, Workspace) else _root(path)
    return workspace_status(
        workspace, systems=list(systems) if systems is not None else None, today=_date(today)
    )


def render(result: GateResult | StatusReport, output_format: str = "text") -> str:
    """A gate result in any ``--format`` of ``cardgate gate`` (text, json, sarif, junit,
    github, markdown), or a status report as text or json, as a string."""
    buffer = io.StringIO()
    if isinstance(result, StatusReport):
        from cardgate.reporting.status import render_json, render_text

        if output_format not in ("text", "json"):
            raise ValueError(f"a status report renders as text or json, not {output_format!r}")
        (render_json if output_format == "json" else render_text)(result, buffer)
    else:
        from cardgate.reporting.registry import reporter

        reporter(output_format)(result, buffer)
    return buffer.getvalue()


def evaluate_system(path: PathLike | Workspace, system: str) -> EvaluationRun:
    """Evaluate one system from its model card's ``evaluation:`` settings and write its
    ``evaluation.json``, exactly as ``cardgate evaluate SYSTEM``; ``run.artifact`` is the
    artifact (its model: ``artifact_data(run.artifact)`` is what was written) and
    ``run.path`` where. Imports pandas, numpy and fairlearn."""
    from cardgate.evidence.evaluation.run import evaluate_system as run

    workspace = path if isinstance(path, Workspace) else load_workspace(path)
    return run(workspace, system)
