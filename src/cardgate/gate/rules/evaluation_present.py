"""An evaluation artifact exists and can be read where the policy requires one.

Rationale:
Fairness and performance claims must rest on computed results. When the policy requires
an evaluation for the system's risk tier, the card needs an ``evaluation:`` section and
``cardgate evaluate`` must have written its artifact (``evaluation.json`` beside the card
by default). A GenAI system (a ``genai:`` section) has no predictions and labels to
evaluate: its retrieval or generation evaluation is the evaluation the policy asks for,
and GATE-RAG001 and GATE-GEN001 check that their artifacts exist and are current. An
artifact that exists but cannot be read or is malformed is reported by GATE-ART001 (an
integrity rule) whether or not it is required: the gate does not guess.

Fails:
- the policy requires an evaluation and the card has no ``evaluation`` section (for a
  GenAI system: neither ``evaluation`` nor ``genai.retrieval_evaluation`` nor
  ``genai.generation_evaluation``);
- the artifact named by ``evaluation.artifact`` does not exist (error when required,
  warning otherwise);
- the artifact belongs to another system. (An artifact that exists but cannot be read is
  reported by GATE-ART001, which no policy can switch off.)

Passes:
- the artifact exists, parses, and names this system;
- a GenAI system without an ``evaluation`` section has a retrieval or generation
  evaluation (their artifacts are GATE-RAG001's and GATE-GEN001's).

Remediation:
Run ``cardgate evaluate SYSTEM`` and commit the artifact beside the card.
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity, Span
from cardgate.documents.placeholders import commented_out
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-FA001"
NAME = "evaluation.artifact-present"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.3"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None:
        return
    required = ctx.settings.require_evaluation
    tier = ctx.settings.tier
    if card.evaluation is None:
        if card.genai is not None:
            if required and not card.genai.evaluated():
                yield ctx.finding(
                    system.card,
                    f"no evaluation: the policy requires one for risk tier '{tier}', and the "
                    "GenAI section has neither 'retrieval_evaluation' nor "
                    "'generation_evaluation'",
                    path=("genai",),
                    key=True,
                    hint="add genai.retrieval_evaluation (labelled queries and a run) or "
                    "genai.generation_evaluation (judged score files), then run cardgate "
                    "evaluate-retrieval or evaluate-generation",
                )
            return
        if required:
            hint = "add evaluation: (predictions, columns, sensitive features, thresholds)"
            loaded = system.card.loaded if system.card is not None else None
            line = commented_out(loaded.text, "evaluation") if loaded is not None else None
            if line is not None:  # the template's example, commented out: point at it
                hint = "uncomment the 'evaluation:' section the template left here, fill it in"
            yield ctx.finding(
                system.card,
                f"no 'evaluation' section: the policy requires an evaluation for risk "
                f"tier '{tier}'",
                hint=f"{hint} and run cardgate evaluate",
                span=None if line is None else Span(line, 1),
            )
        return
    read = ctx.gate.artifact(system)
    if read is None:
        return
    if read.artifact is not None:
        if read.artifact.system != system.id:
            yield ctx.finding(
                read.relative,
                f"evaluation artifact is for system '{read.artifact.system}', not '{system.id}'",
                hint=f"run: cardgate evaluate {system.id}",
            )
        return
    missing = read.error == "does not exist"
    if not missing:
        return  # it exists but cannot be read: GATE-ART001 (an integrity rule) says so
    yield ctx.finding(
        system.card,
        f"evaluation artifact '{read.relative}' {read.error}",
        path=("evaluation", "artifact") if "artifact" in _given(card) else ("evaluation",),
        key=True,
        severity=None if required or not missing else Severity.WARNING,
        hint=f"run: cardgate evaluate {system.id}",
    )


def _given(card: object) -> set[str]:
    evaluation = getattr(card, "evaluation", None)
    return set(evaluation.model_fields_set) if evaluation is not None else set()
