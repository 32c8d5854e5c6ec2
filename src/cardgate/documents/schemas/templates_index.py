"""The shipped templates, by file name: one definition shared by the script and the tests."""

from __future__ import annotations

from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.schemas.datasheet import Datasheet
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.yaml_template import render_template


def TEMPLATES() -> dict[str, str]:
    """File name under templates/ -> its generated text."""
    return {
        "model-card.yaml": render_template(
            ModelCard,
            kind="model-card",
            title="Model card for one AI system (Mitchell et al. 2019)",
        ),
        "datasheet.yaml": render_template(
            Datasheet, kind="datasheet", title="Datasheet for one dataset (Gebru et al. 2021)"
        ),
        "checklist.yaml": render_template(
            Checklist, kind="checklist", title="Answers of one system to a checklist definition"
        ),
    }
