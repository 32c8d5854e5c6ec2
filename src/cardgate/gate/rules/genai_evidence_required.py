"""A GenAI system has the evaluations the policy requires for its risk tier.

Rationale:
An LLM application can be evaluated four ways in cardgate: its retrieval
(``genai.retrieval_evaluation``), its judged generation (``generation_evaluation``), its
judged red-team outcomes (``safety_evaluation``) and its latency and cost
(``operations_evaluation``). GATE-FA001 asks every evaluated tier for one of the first
two; what more a tier needs is the policy's to say: the option ``required`` of this rule
lists the evaluations a GenAI system of the tier must have (``retrieval``,
``generation``, ``safety``, ``operations``). The presets ``strict`` and
``eu-ai-act-high-risk`` ask a high-risk GenAI system for its judged generation and a
red-team run; ``baseline`` asks for nothing beyond GATE-FA001. Retrieval is not asked of
a system that says it retrieves nothing (``retrieval: false``). Whether each artifact is
written and current is its own rule's (GATE-RAG001, GATE-GEN001, GATE-SAF001,
GATE-OPS001).

Fails:
- the policy requires ``safety`` for the tier and the card has no
  ``genai.safety_evaluation`` (no red-team evidence for a high-risk chat assistant).

Passes:
- the card has every evaluation the policy lists for its tier; a system without a
  ``genai:`` section (GATE-FA001 asks for its evaluation).

Remediation:
Add the missing section under ``genai:`` (docs/genai.md) and run
``cardgate evaluate-<name> SYSTEM``. A workspace policy that requires less than the preset
chosen for a run (``cardgate gate --policy eu-ai-act-high-risk``) is a GATE-POL001
loosening against it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from cardgate.core.problems import Severity
from cardgate.gate.context import RuleContext
from cardgate.gate.result import Finding

CODE = "GATE-GAI001"
NAME = "genai.evidence-required"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.3", "MEASURE 2.7", "GOVERN 1.3"]
ALIASES: list[str] = []
NEEDS_CARD = True

Evaluation = Literal["retrieval", "generation", "safety", "operations"]

_WHAT: dict[str, str] = {
    "retrieval": "a labelled query set and the system's ranked results",
    "generation": "judged per-sample generation scores",
    "safety": "a judged red-team run counted as rates",
    "operations": "a run log of latency and cost per query",
}


class Options(BaseModel):
    """Options of GATE-GAI001."""

    model_config = ConfigDict(extra="forbid")

    required: list[Evaluation] = Field(default_factory=list)
    """The evaluations a GenAI system of the tier must have: retrieval, generation, safety,
    operations."""

    def looser_than(self, floor: BaseModel) -> list[tuple[str, str]]:
        """Where these options demand less than the baseline's `floor` (GATE-POL001)."""
        if not isinstance(floor, Options):
            return []
        dropped = [name for name in floor.required if name not in self.required]
        if dropped:
            return [("required", f"does not require {', '.join(dropped)}")]
        return []


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None or card.genai is None:
        return
    found = ctx.settings.options.get(CODE)
    required = found.required if isinstance(found, Options) else []
    genai = card.genai
    for name in required:
        if name == "retrieval" and not genai.retrieval:
            continue  # the card says it retrieves nothing (a schema check keeps it true)
        if getattr(genai, f"{name}_evaluation") is not None:
            continue
        yield ctx.finding(
            system.card,
            f"no 'genai.{name}_evaluation': the policy requires {_WHAT[name]} of a GenAI "
            f"system of risk tier '{ctx.settings.tier}'",
            path=("genai",),
            key=True,
            hint=f"add genai.{name}_evaluation (docs/genai.md) and run cardgate "
            f"evaluate-{name} {system.id}",
        )
