"""The system's documents have reached the status the policy requires for its tier.

Rationale:
``status: draft`` is the author saying "not finished". A release resting on a draft
model card, checklist or datasheet ships what its own author has not put up for review.
The policy's ``min_document_status`` (the baseline: ``review`` for risk tier ``high``)
sets the least status; ``retired`` documents never qualify.

Fails:
- a high-risk system whose model card says ``status: draft``;
- a checklist answer file or a referenced datasheet still in ``draft``.

Passes:
- every document of the system is at or past the required status.

Remediation:
Finish the document, have it reviewed, and set ``status: review`` (or ``approved``).
"""

from __future__ import annotations

from collections.abc import Iterator

from cardgate.core.problems import Severity
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.validated import ValidatedDocument
from cardgate.gate.context import RuleContext
from cardgate.gate.policy import STATUS_ORDER
from cardgate.gate.result import Finding

CODE = "GATE-MC004"
NAME = "documents.past-draft"
SEVERITY = Severity.ERROR
NIST = ["GOVERN 1.4", "GOVERN 4.2"]
ALIASES: list[str] = []
RELEASE_STRICT = True
NEEDS_CARD = True


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    if system is None or card is None:
        return
    wanted = ctx.settings.min_document_status
    documents: list[ValidatedDocument | None] = [system.card, *system.checklists]
    documents += [docs.sheet for _, _, docs in ctx.gate.datasets_of(card) if docs is not None]
    seen: set[int] = set()
    for document in documents:
        if document is None or id(document) in seen:
            continue
        seen.add(id(document))
        model = document.model
        if not isinstance(model, ModelCard | Checklist | Datasheet):
            continue  # an invalid document: GATE-DOC001
        status = model.status
        retired = status == "retired" and wanted != "draft"
        if retired or (
            status != "retired" and STATUS_ORDER.index(status) < STATUS_ORDER.index(wanted)
        ):
            yield ctx.finding(
                document,
                f"status is '{status}': risk tier '{ctx.settings.tier}' needs its documents "
                f"at '{wanted}' or later",
                path=("status",),
                hint="finish the document, have it reviewed and set its status",
            )
