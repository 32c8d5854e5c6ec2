"""`kind: signoffs` — who approved a system's documents, in which role, bound to digests.

Written by `cardgate sign` to ``systems/<id>/signoffs.yaml`` (appending; the model card is
never rewritten). Each sign-off records the canonical SHA-256 (`cardgate.core.digests.
canonical_sha256` of the document's data) of every document it covered; the gate calls a
sign-off stale when any of them changed since.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from cardgate.documents.schemas.base import (
    Document,
    Identifier,
    IsoDate,
    Section,
    Sha256,
    Text,
    optional,
    required,
)

CommitId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,64}$")]


class Signoff(Section):
    """One approval."""

    role: Identifier = required("Role signing, e.g. 'owner', 'legal', 'risk'.")
    name: Text = required("Who signed.")
    date: IsoDate = required("When (YYYY-MM-DD).")
    note: Text | None = optional("Conditions or remarks.")
    commit: CommitId | None = optional("Git commit of the workspace when signed, if known.")
    acknowledged: list[Text] | None = optional(
        "Gate findings the signer accepted, by rule code (cardgate sign --acknowledge)."
    )
    signer: Text | None = optional(
        "Principal (e-mail) of the SSH key that signed, as listed in allowed_signers."
    )
    signature: Text | None = optional(
        "SSH signature (ssh-keygen -Y sign, namespace cardgate) of this sign-off's manifest."
    )
    documents: dict[str, Sha256] = Field(
        ...,
        min_length=1,
        description="Workspace-relative path -> canonical SHA-256 of each document covered.",
        json_schema_extra={"x-cardgate-level": "required"},
    )


class Signoffs(Document):
    """The sign-offs of one system, oldest first."""

    kind: Literal["signoffs"] = required("Always 'signoffs'.")
    system: Identifier = required("Id of the system signed off.")
    signoffs: list[Signoff] = required("The sign-offs, oldest first.")
