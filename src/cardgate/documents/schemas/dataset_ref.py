"""A reference from a model card to a dataset's datasheet (training or evaluation data,
or the corpus of a GenAI system)."""

from __future__ import annotations

from cardgate.documents.schemas.base import Reference, Section, Sha256, Text, optional, required


class DatasetRef(Section):
    """A dataset the model was trained or evaluated on, by datasheet id."""

    dataset: Reference = required(
        "Id of the dataset's datasheet (datasets/<id>/datasheet.yaml).",
        gate=("GATE-DS001", "GATE-DC001"),
    )
    split: Text | None = optional("Which part of the dataset, e.g. 'train', 'test'.")
    sha256: Sha256 | None = optional(
        "Pinned fingerprint of the data file; validate compares it with the data-check artifact.",
        gate=("GATE-DC004",),
    )
