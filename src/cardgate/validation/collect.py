"""Everything `cardgate validate` reports for a workspace, in one list."""

from __future__ import annotations

from cardgate.core.problems import Problem
from cardgate.documents.crossrefs import reference_problems
from cardgate.documents.signoffs import read_signoffs
from cardgate.documents.validated import placeholder_problems
from cardgate.documents.workspace import Workspace
from cardgate.evidence.datacheck.pins import pin_problems
from cardgate.evidence.genai.prompts import prompt_problems
from cardgate.frameworks.ai_act_profile import ai_act_profile_problems
from cardgate.frameworks.answers import check_answers
from cardgate.frameworks.genai_risks import gai_risk_problems


def workspace_problems(workspace: Workspace, *, placeholders: bool = True) -> list[Problem]:
    """Loading, schema, cross-reference, checklist-answer, data-pin, prompt-pin, AI 600-1
    risk, AI Act profile and sign-off file problems, sorted."""
    problems = [
        *workspace.problems,
        *reference_problems(workspace),
        *check_answers(workspace),
        *pin_problems(workspace),
        *prompt_problems(workspace),
        *gai_risk_problems(workspace),
        *ai_act_profile_problems(workspace),
        *(p for system in workspace.systems.values() for p in read_signoffs(system).problems),
    ]
    if placeholders:  # the gate finds these itself (GATE-MC001/MC002/DS001), as errors
        problems.extend(
            problem
            for document in workspace.documents
            if document.loaded is not None and document.model is not None
            for problem in placeholder_problems(document.loaded, document.model)
        )
    return sorted(set(problems), key=Problem.order)
