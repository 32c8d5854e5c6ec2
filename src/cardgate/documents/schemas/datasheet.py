"""`kind: datasheet` — one per dataset (Gebru et al., Datasheets for Datasets), plus a contract."""

from __future__ import annotations

from typing import Literal

from cardgate.documents.schemas.base import (
    DateOrPlaceholder,
    Document,
    Identifier,
    Person,
    Section,
    Sha256,
    Status,
    Text,
    optional,
    recommended,
    required,
)
from cardgate.documents.schemas.contract import DataContract
from cardgate.documents.schemas.provenance import ExternalIds, LicenceField


class Motivation(Section):
    """Why the dataset was created."""

    purpose: Text = required("For what purpose was the dataset created? What gap does it fill?")
    creators: Text | None = recommended("Who created it, on behalf of which entity?")
    funding: Text | None = recommended("Who funded its creation?")


class Composition(Section):
    """What the dataset consists of."""

    instances: Text = required("What do the instances represent (people, transactions…)?")
    count: int | None = recommended("How many instances are there?", ge=0)
    sampling: Text | None = recommended("Is it a sample? Of what larger set, and how drawn?")
    labels: Text | None = recommended("Is there a label or target per instance? What is it?")
    missing_data: Text | None = recommended("Is any information missing, and why?")
    sensitive_attributes: list[Text] | None = recommended(
        "Attributes that identify sub-populations or are sensitive (e.g. sex, race, age)."
    )
    confidential_data: Text | None = recommended(
        "Does it contain confidential, personal or offensive data?"
    )
    known_biases: Text | None = recommended("Known biases or representativeness issues.")


class CollectionProcess(Section):
    """How the data was collected."""

    method: Text = required("How was the data acquired (survey, logs, scraping, registry…)?")
    timeframe: Text | None = recommended("Over what timeframe was it collected?")
    consent: Text | None = recommended("Were individuals notified, and did they consent?")
    ethical_review: Text | None = recommended("Was an ethical review conducted?")


class Preprocessing(Section):
    """Preprocessing, cleaning and labelling."""

    steps: list[Text] | None = recommended("What preprocessing, cleaning or labelling was done?")
    raw_data_kept: Text | None = recommended("Is the raw data kept, and where?")
    code: Text | None = optional("Where is the preprocessing code?")


class Uses(Section):
    """What the dataset is and is not for."""

    intended: list[Text] = required("Tasks the dataset is intended for.")
    prior_uses: Text | None = recommended("Has it been used already, and where?")
    not_suitable_for: list[Text] | None = recommended("Tasks for which it should not be used.")
    impact_notes: Text | None = recommended(
        "Anything about composition or collection that could cause unfair treatment or harm."
    )


class Distribution(Section):
    """How the dataset is distributed."""

    license: LicenceField = required(
        "Licence or terms of use: free text (e.g. CC BY 4.0), or structured as "
        "{spdx: CC-BY-4.0, text: ...} (an SPDX id, which the exports need)."
    )
    source: Text | None = recommended("Where the data was obtained (URL, package, citation).")
    citation: Text | None = optional("How to cite the dataset.")
    restrictions: Text | None = recommended("Export controls or other regulatory restrictions.")


class Maintenance(Section):
    """Who maintains the dataset and how."""

    maintainer: Text = required("Who supports, hosts and maintains the dataset.")
    update_policy: Text | None = recommended("Will it be updated, how often, by whom?")
    retention: Text | None = recommended("Retention limits on data about people.")
    contact: Text | None = optional("How to contact the maintainer.")


class Datasheet(Document):
    """A datasheet for one dataset."""

    kind: Literal["datasheet"] = required("Always 'datasheet'.")
    id: Identifier = required("Stable id of the dataset; the folder name under datasets/.")
    name: Text = required("Human-readable name of the dataset.")
    status: Status = required("Document status: draft, review, approved or retired.")
    version: Text | None = recommended("Version of the dataset this datasheet describes.")
    owners: list[Person] = required("People accountable for the dataset.", min_length=1)
    last_reviewed: DateOrPlaceholder = recommended("Date of the last review of this datasheet.")
    sha256: Sha256 | None = optional("SHA-256 of the data file this datasheet describes.")
    identifiers: ExternalIds | None = optional(
        "How the dataset is known outside the workspace: Hugging Face id, DOI, web page."
    )
    motivation: Motivation = required("Why the dataset exists.")
    composition: Composition = required("What it consists of.")
    collection_process: CollectionProcess | None = recommended("How it was collected.")
    preprocessing: Preprocessing | None = recommended("Preprocessing, cleaning, labelling.")
    uses: Uses | None = recommended("Intended and unsuitable uses.")
    distribution: Distribution | None = recommended("Licence and distribution.")
    maintenance: Maintenance | None = recommended("Maintenance.")
    contract: DataContract | None = recommended(
        "What the data file must look like; `cardgate check-data` checks it.",
        gate=("GATE-DC001", "GATE-DC002", "GATE-DC003"),
    )
