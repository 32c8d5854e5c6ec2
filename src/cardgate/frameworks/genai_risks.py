"""The NIST AI 600-1 risks a GenAI card names (`genai.gai_risks[].risk`) must be risks of
the AI 600-1 catalog cardgate ships (`checklists/frameworks/nist-ai-600-1.yaml`): CG132
in `cardgate validate`, blocking through GATE-DOC001. Each risk may be named once. A
safety rate (`genai.safety_evaluation.rates[].risk`) is evidence for one of the risks the
card names."""

from __future__ import annotations

import difflib

from cardgate.core.problems import Problem
from cardgate.documents.workspace import Workspace
from cardgate.frameworks.catalog import load_catalog

UNKNOWN_GAI_RISK = "CG132"
"""A GenAI card names a risk that is not in the AI 600-1 catalog, or names one twice."""


def gai_risk_problems(workspace: Workspace) -> list[Problem]:
    """A problem at each risk id of a GenAI card that the catalog does not have, or that
    the card names twice."""
    problems: list[Problem] = []
    known: tuple[str, ...] | None = None
    for system in workspace.systems.values():
        card = system.model_card
        loaded = system.card.loaded if system.card is not None else None
        if card is None or loaded is None or card.genai is None:
            continue
        if known is None:
            known = tuple(risk.id for risk in load_catalog().gai_risks)
        seen: set[str] = set()
        for index, exposure in enumerate(card.genai.gai_risks):
            span = loaded.positions.value(("genai", "gai_risks", index, "risk"))
            if exposure.risk not in known:
                close = difflib.get_close_matches(exposure.risk, known, n=1)
                hint = f"did you mean '{close[0]}'? " if close else ""
                problems.append(
                    Problem.at(
                        loaded.display,
                        span,
                        UNKNOWN_GAI_RISK,
                        f"'{exposure.risk}' is not a risk of NIST AI 600-1",
                        hint=hint + "the 12 risks: " + ", ".join(known),
                    )
                )
            elif exposure.risk in seen:
                problems.append(
                    Problem.at(
                        loaded.display,
                        span,
                        UNKNOWN_GAI_RISK,
                        f"risk '{exposure.risk}' is named twice",
                        hint="describe each risk once, with all its mitigations",
                    )
                )
            seen.add(exposure.risk)
        safety = card.genai.safety_evaluation
        for index, rate in enumerate(safety.rates if safety is not None else []):
            if rate.risk in seen:
                continue
            span = loaded.positions.value(("genai", "safety_evaluation", "rates", index, "risk"))
            if rate.risk not in known:
                close = difflib.get_close_matches(rate.risk, known, n=1)
                message = f"'{rate.risk}' is not a risk of NIST AI 600-1"
                hint = (f"did you mean '{close[0]}'? " if close else "") + "the 12 risks: "
                hint += ", ".join(known)
            else:
                message = (
                    f"rate '{rate.outcome}' is evidence for '{rate.risk}', a risk "
                    "genai.gai_risks does not name"
                )
                hint = "add the risk to genai.gai_risks (exposure, mitigations), or map the "
                hint += "rate to one it names: " + ", ".join(sorted(seen))
            problems.append(Problem.at(loaded.display, span, UNKNOWN_GAI_RISK, message, hint=hint))
    return problems
