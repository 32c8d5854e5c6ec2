"""The `bias_audit:` section of a model card: a NYC Local Law 144 bias audit (6 RCNY
§§ 5-300 to 5-304) of an automated employment decision tool.

It says what the rules' summary of results needs beyond the evaluation's data: whether
the tool selects (or classifies) or scores, which columns hold sex and race/ethnicity,
the audit and distribution dates, the data's source and whether it is historical or test
data, and the justification for leaving categories under 2% of the data out of the
impact ratios. `cardgate export ll144 SYSTEM` computes the audit from the evaluation's
predictions and writes the summary (docs/regulation.md). The rules' text is in the
catalog shipped with cardgate (`checklists/frameworks/nyc-ll144.yaml`), never here.
"""

from __future__ import annotations

from typing import Literal

from cardgate.documents.schemas.base import IsoDate, Section, Text, optional, required


class BiasAudit(Section):
    """A NYC LL144 bias audit of the system, computed from its evaluation's predictions."""

    method: Literal["selection", "scoring"] = required(
        "'selection': the tool selects or classifies (selection rates, § 5-301(b), from "
        "the prediction column); 'scoring': it scores (scoring rates, § 5-301(c), from "
        "the score column)."
    )
    sex_column: Text = required("Column of the predictions holding the sex category.")
    race_column: Text = required("Column of the predictions holding the race/ethnicity category.")
    unknown_values: list[Text] | None = optional(
        "Values of those columns that mean an unknown category (an empty cell always does)."
    )
    audit_date: IsoDate = required("Date of the bias audit (YYYY-MM-DD).")
    distribution_date: IsoDate = required(
        "Distribution date of the tool (YYYY-MM-DD), published with the summary."
    )
    data: Literal["historical", "test"] = required(
        "Whether the audit used historical data (of the tool's use) or test data."
    )
    data_source: Text = required("Source and explanation of the data used for the audit.")
    auditor: Text = required("Who conducted the audit (the independent auditor).")
    exclude_small_categories: Text | None = optional(
        "The auditor's justification for excluding categories under 2% of the data from "
        "the impact ratios (absent: none is excluded). Excluded categories are still "
        "reported with their numbers and rates."
    )
    note: Text | None = optional(
        "A statement published with the summary (e.g. that the system is a stand-in)."
    )
