"""What the interchange formats need of a document, beyond Mitchell's and Gebru's sections:
a structured licence (an SPDX expression, with words), lineage (the models and datasets a
model comes from, by reference), and results measured elsewhere.

A reported result is a claim with its source, kept apart from what `cardgate evaluate`
computed (`evaluation.json`): no gate rule reads one, and the site labels it as reported.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, StringConstraints, Tag, model_validator

from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.base import Reference, Section, Text, optional, required
from cardgate.documents.schemas.spdx import ExpressionError, licence_ids


def _spdx(value: Any) -> Any:
    if isinstance(value, str) and not is_placeholder_text(value):
        try:
            licence_ids(value)
        except ExpressionError as error:
            raise ValueError(str(error)) from error
    return value


SpdxExpression = Annotated[str, BeforeValidator(_spdx)]
"""An SPDX licence expression of ids on the SPDX License List, e.g. ``Apache-2.0`` or
``MIT OR Apache-2.0``; ``TODO`` while unknown."""

HfRepoId = Annotated[
    str,
    StringConstraints(
        pattern=r"^(?:[A-Za-z0-9][A-Za-z0-9._-]*/)?[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=200
    ),
]
"""A Hugging Face Hub repository id: ``namespace/name`` (or a legacy name alone)."""

Doi = Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")]
"""A DOI without its resolver, e.g. ``10.24432/C5XW20``."""

WebUrl = Annotated[str, StringConstraints(pattern=r"^https?://\S+$", max_length=2000)]
"""An http(s) URL."""


class Licence(Section):
    """A licence: its SPDX expression where one names it, and the terms in words."""

    spdx: SpdxExpression | None = optional(
        "SPDX licence id or expression (https://spdx.org/licenses/), e.g. Apache-2.0 or "
        "'MIT OR Apache-2.0'; the formats that need an id (Hugging Face, SPDX, CycloneDX) "
        "take it from here."
    )
    text: Text | None = optional(
        "The licence or terms of use in words: what no SPDX id names, or what each part covers."
    )
    url: WebUrl | None = optional("Where the licence text is.")

    @model_validator(mode="after")
    def _something(self) -> Licence:
        if self.spdx is None and self.text is None:
            raise ValueError("give the licence's 'spdx' id, its 'text', or both")
        return self


def _licence_kind(value: Any) -> str:
    return "structured" if isinstance(value, dict | Licence) else "text"


LicenceField = Annotated[
    Annotated[Text, Tag("text")] | Annotated[Licence, Tag("structured")],
    Discriminator(_licence_kind),
]
"""A licence as free text (accepted; an export that needs an SPDX id warns), or structured."""


class ExternalIds(Section):
    """How something is named outside the workspace (any that apply)."""

    hf: HfRepoId | None = optional(
        "Hugging Face Hub repository id, e.g. 'distilbert/distilbert-base-uncased'."
    )
    doi: Doi | None = optional("DOI, without https://doi.org/, e.g. '10.24432/C5XW20'.")
    url: WebUrl | None = optional("A web page about it.")


def _one_of(section: Section, names: tuple[str, ...]) -> None:
    given = [name for name in names if getattr(section, name) is not None]
    if len(given) != 1:
        raise ValueError(
            "name it by exactly one of "
            + ", ".join(names)
            + (f" (given: {', '.join(given)})" if given else "")
        )


class ModelRef(Section):
    """A model this one derives from, by an external identifier."""

    hf: HfRepoId | None = optional("Its Hugging Face Hub repository id.")
    doi: Doi | None = optional("Its DOI.")
    url: WebUrl | None = optional("A web page about it.")
    name: Text | None = optional("What it is called, for readers.")
    relation: Text | None = optional(
        "How this model derives from it, e.g. 'fine-tuned', 'adapter', 'distilled', 'merged'."
    )

    @model_validator(mode="after")
    def _one_identifier(self) -> ModelRef:
        _one_of(self, ("hf", "doi", "url"))
        return self


DatasetRole = Literal["training", "validation", "testing"]


class DatasetLineage(Section):
    """A dataset the model was trained, validated or tested on, by reference."""

    dataset: Reference | None = optional(
        "Id of a datasheet of this workspace (datasets/<id>/datasheet.yaml)."
    )
    hf: HfRepoId | None = optional("Its Hugging Face Hub dataset id.")
    doi: Doi | None = optional("Its DOI.")
    url: WebUrl | None = optional("A web page about it.")
    name: Text | None = optional("What it is called, for readers.")
    role: DatasetRole = required("What the model did with it: training, validation or testing.")

    @model_validator(mode="after")
    def _one_identifier(self) -> DatasetLineage:
        _one_of(self, ("dataset", "hf", "doi", "url"))
        return self


class Lineage(Section):
    """Where the model comes from: its base models and its datasets, by reference."""

    base_models: list[ModelRef] | None = optional(
        "Models this one was fine-tuned, adapted, distilled or merged from."
    )
    datasets: list[DatasetLineage] | None = optional(
        "Datasets the model was trained, validated or tested on, beyond the datasheets of "
        "training_data and evaluation_data (which count as training and testing): "
        "datasets outside the workspace, and validation sets."
    )


class ReportedResult(Section):
    """A result measured elsewhere (a paper, a vendor, a benchmark), with its source.

    Never verified by cardgate: the gate reads none, and the site shows them apart from
    the results `cardgate evaluate` computed.
    """

    metric: Text = required("The metric, e.g. accuracy, roc_auc, f1.")
    value: float = Field(
        ..., description="Its value.", json_schema_extra={"x-cardgate-level": "required"}
    )
    source: Text = required(
        "Who measured it, where: a paper, a vendor's documentation, a benchmark."
    )
    url: WebUrl | None = optional("Where the source can be read.")
    dataset: Text | None = optional(
        "What it was measured on: a Hugging Face dataset id, a datasheet id, or a name."
    )
    split: Text | None = optional("Which part of the dataset, e.g. 'test'.")
    slice: Text | None = optional("The group or subset it was measured on (absent: all of it).")
    ci: list[float] | None = optional(
        "Its confidence interval as given by the source: [low, high].",
        min_length=2,
        max_length=2,
    )
    task: Text | None = optional(
        "The task it was measured on, where it differs from the model's (model_details.task)."
    )


def licence_words(licence: str | Licence | None) -> str | None:
    """A licence as one text for readers: its SPDX expression and its words, and where its
    text is; None when absent or a placeholder."""
    if licence is None or isinstance(licence, str):
        return None if licence is None or is_placeholder_text(licence) else licence
    words = " — ".join(
        part for part in (licence.spdx, licence.text) if part and not is_placeholder_text(part)
    )
    if licence.url is not None:
        words = f"{words} ({licence.url})" if words else licence.url
    return words or None
