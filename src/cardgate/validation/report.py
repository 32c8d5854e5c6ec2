"""`cardgate validate`: run validation and render its report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from cardgate.core.errors import ConfigurationError
from cardgate.core.paths import display_path
from cardgate.core.problems import Problem, Severity
from cardgate.core.text import visible
from cardgate.documents.schemas.workspace import CONFIG_FILE
from cardgate.documents.workspace import Workspace, load_file, load_workspace, workspace_root
from cardgate.validation.collect import workspace_problems

Check = Callable[[Workspace], Iterable[Problem]]
"""A check of the workspace by a later stage (the gate's policy check,
`gate.policy_check.validation_problems`), handed in by the command that runs validation."""


@dataclass
class ValidationReport:
    """What validation found."""

    problems: list[Problem]
    documents: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if any(p.severity is Severity.ERROR for p in self.problems) else 0


def run_validation(
    paths: list[Path],
    *,
    workspace: Path | None,
    only_documents: bool = False,
    checks: Sequence[Check] = (),
) -> ValidationReport:
    """Validate the workspace (reporting only on `paths` when given), or bare files;
    `checks` add their problems to the workspace's.

    With `only_documents` (the pre-commit hook), given paths that are not documents of the
    workspace — other YAML of the repository, files outside the workspace — are left out
    instead of refused.
    """
    for path in paths:
        if not path.exists():
            meant = workspace / path if workspace is not None else None
            raise ConfigurationError(
                f"{path}: no such file",
                hint="paths are read from the current folder, not from the workspace"
                + (
                    f"; did you mean {display_path(meant)}?"
                    if meant is not None and meant.exists()
                    else ""
                ),
            )
    root: Path | None
    try:
        start = paths[0].resolve().parent if paths else None
        root = workspace_root(workspace, start=start)
    except ConfigurationError:
        if not paths or workspace is not None:
            raise
        root = None  # files outside any workspace: validate them on their own
    if root is None:
        documents = [load_file(path) for path in paths]
        problems = sorted({p for doc in documents for p in doc.problems}, key=Problem.order)
        return ValidationReport(problems, [display_path(path) for path in paths])
    loaded = load_workspace(root)
    shown = [
        doc.loaded.display if doc.loaded is not None else doc.problems[0].path
        for doc in loaded.documents
    ]
    found = {*workspace_problems(loaded), *(p for check in checks for p in check(loaded))}
    problems = sorted(found, key=Problem.order)
    if not loaded.systems and not loaded.datasets:
        problems.append(
            Problem(
                display_path(root / CONFIG_FILE),
                1,
                1,
                "CG020",
                "no model cards or datasheets found in the workspace",
                hint="create one with: cardgate new model-card ID",
            )
        )
    if paths:
        readable = {
            *shown,
            display_path(root / CONFIG_FILE),
            *(display_path(s.signoffs_path) for s in loaded.systems.values()),
        }
        wanted = {display_path(path) for path in paths}
        unknown = sorted(wanted - readable)
        if only_documents:
            wanted -= set(unknown)
            unknown = []
        if unknown:  # "ok: 0 documents" for a file that was never read would be a lie
            raise ConfigurationError(
                f"{unknown[0]}: not a document cardgate reads",
                hint="cardgate validate reads the workspace's model cards, datasheets, "
                "checklists, policy, waivers, sign-offs and cardgate.yaml",
            )
        problems = [p for p in problems if p.path in wanted]
        shown = sorted(wanted)
    return ValidationReport(problems, shown)


def render_validation(report: ValidationReport, stream: TextIO, *, as_json: bool) -> None:
    """Print the report as compiler-style text or as JSON."""
    if as_json:
        errors = sum(p.severity is Severity.ERROR for p in report.problems)
        payload = {
            "documents": len(report.documents),
            "errors": errors,
            "warnings": len(report.problems) - errors,
            "problems": [p.as_dict() for p in report.problems],
        }
        stream.write(json.dumps(payload, indent=2, sort_keys=True) + "\n")
        return
    for problem in report.problems:
        stream.write(visible(problem.format()) + "\n")
        if problem.hint:
            stream.write(f"    hint: {visible(problem.hint)}\n")
    affected = len({p.path for p in report.problems})
    count = len(report.problems)
    if count == 0:
        stream.write(f"ok: {len(report.documents)} documents valid\n")
        return
    noun = "problem" if count == 1 else "problems"
    warnings = sum(p.severity is not Severity.ERROR for p in report.problems)
    extra = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
    stream.write(f"{count} {noun}{extra} in {affected} of {len(report.documents)} documents\n")
