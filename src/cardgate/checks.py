"""Everything `cardgate validate` reports for a workspace, in one list."""

from __future__ import annotations

from cardgate.crossrefs import reference_problems
from cardgate.problems import Problem
from cardgate.workspace import Workspace


def workspace_problems(workspace: Workspace) -> list[Problem]:
    """Loading, schema and cross-reference problems, sorted by file and position."""
    problems = [*workspace.problems, *reference_problems(workspace)]
    return sorted(set(problems))
