"""`kind: checklist` — one system's answers to a checklist definition."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    IsoDate,
    Section,
    Status,
    Text,
    optional,
    required,
)

AnswerStatus = Literal["done", "partial", "not-started", "not-applicable"]


class Answer(Section):
    """The answer to one checklist item."""

    status: AnswerStatus = required(
        "done, partial, not-started or not-applicable.", gate=("GATE-CK002",)
    )
    evidence: list[Text] = Field(
        default_factory=list,
        description="Workspace-relative paths or http(s) URLs that show the answer holds.",
    )
    owner: Text | None = optional("Who is responsible for this item.")
    notes: Text | None = optional("Anything a reviewer should know.")
    justification: Text | None = optional("Why the item does not apply (for not-applicable).")


class Checklist(Document):
    """Answers for one system against one checklist definition."""

    kind: Literal["checklist"] = required("Always 'checklist'.")
    system: Identifier = required("Id of the system (its model card's id).")
    checklist: Identifier = required("Id of the checklist definition, e.g. 'nist-ai-rmf-core'.")
    status: Status = required("Document status: draft, review, approved or retired.")
    last_reviewed: IsoDate | None = optional("Date of the last review of these answers.")
    items: dict[str, Answer] = required(
        "Answers, keyed by checklist item id.", gate=("GATE-CK002", "GATE-CK003")
    )
