"""What a load refuses: the limits (size, depth, alias expansion), and the error that
says where and why (`DocumentLoadError`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cardgate.core.inputs import DOCUMENT_BYTES
from cardgate.core.problems import Problem


@dataclass(frozen=True)
class Limits:
    """What a document may cost to load."""

    max_bytes: int = field(default_factory=DOCUMENT_BYTES.value)
    """5 MiB unless $CARDGATE_MAX_DOCUMENT_BYTES says otherwise (`cardgate.core.inputs`)."""
    max_depth: int = 64
    max_nodes: int = 250_000


DEFAULT_LIMITS = Limits()


class DocumentLoadError(Exception):
    """The file could not be turned into a mapping; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def clip(text: str, width: int = 60) -> str:
    shown = text if len(text) <= width else text[: width - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
