"""Everything `cardgate validate` reports for a workspace, in one list."""

from __future__ import annotations

from cardgate.contracts.pins import pin_problems
from cardgate.crossrefs import reference_problems
from cardgate.frameworks.answers import check_answers
from cardgate.gate.signoffs import read_signoffs
from cardgate.problems import Problem
from cardgate.workspace import Workspace


def workspace_problems(workspace: Workspace) -> list[Problem]:
    """Loading, schema, cross-reference, checklist-answer, data-pin and sign-off file
    problems, sorted."""
    problems = [
        *workspace.problems,
        *reference_problems(workspace),
        *check_answers(workspace),
        *pin_problems(workspace),
        *(p for system in workspace.systems.values() for p in read_signoffs(system).problems),
    ]
    return sorted(set(problems))
