"""`kind: model-card` — one per AI system (Mitchell et al. 2019, plus governance fields)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.schemas.ai_act import AiActProfile
from cardgate.documents.schemas.base import (
    DateOrPlaceholder,
    Document,
    Identifier,
    IsoDate,
    Person,
    Reference,
    RiskTier,
    Section,
    Status,
    Text,
    optional,
    recommended,
    required,
)
from cardgate.documents.schemas.bias_audit import BiasAudit
from cardgate.documents.schemas.dataset_ref import DatasetRef
from cardgate.documents.schemas.evaluation import EvaluationSettings
from cardgate.documents.schemas.genai import GenAISystem
from cardgate.documents.schemas.provenance import LicenceField, Lineage, ReportedResult

Lifecycle = Literal["design", "development", "validation", "deployment", "monitoring", "retired"]


class ModelDetails(Section):
    """Basic information about the model."""

    description: Text = required("What the model does, in two or three sentences.")
    developers: Text | None = recommended("Person or organisation developing the model.")
    model_date: IsoDate | None = recommended("When this version was trained (YYYY-MM-DD).")
    model_version: Text | None = recommended("Version of the model this card describes.")
    model_type: Text | None = recommended(
        "Type of model, e.g. 'gradient-boosted trees', 'logistic regression'."
    )
    training_algorithm: Text | None = optional(
        "Training algorithms, parameters, fairness constraints or other approaches applied."
    )
    citation: Text | None = optional("Paper or other resource for more information.")
    license: LicenceField | None = recommended(
        "Licence of the model: free text, or structured as {spdx: Apache-2.0, text: ...} "
        "(an SPDX id or expression, which the Hugging Face, SPDX and CycloneDX exports need)."
    )
    contact: Text | None = recommended("Where to send questions or comments about the model.")
    task: Text | None = optional(
        "The model's task, in the Hugging Face Hub's task vocabulary where one fits "
        "(tabular-classification, text-generation, ...): the card's pipeline_tag."
    )
    tags: list[Text] | None = optional("Keywords for model catalogues (Hugging Face tags).")


class IntendedUse(Section):
    """What the model is for, and what it must not be used for."""

    primary_uses: list[Text] = required("Uses the model was designed and evaluated for.")
    primary_users: list[Text] | None = recommended("Who is expected to use it.")
    out_of_scope_uses: list[Text] | None = recommended(
        "Uses that are out of scope or that the model must not be used for."
    )


class Factors(Section):
    """Groups, instrumentation and environments across which performance may vary."""

    relevant_factors: list[Text] | None = recommended(
        "Foreseeable factors (demographic groups, environments) that can affect performance."
    )
    evaluation_factors: list[Text] | None = recommended(
        "Factors reported in the evaluation, and why these were chosen."
    )


class Metrics(Section):
    """How performance is measured."""

    performance_measures: list[Text] | None = recommended("Measures reported and why.")
    decision_thresholds: Text | None = recommended("Decision thresholds used and why.")
    variation_approaches: Text | None = recommended(
        "How uncertainty and variability of the measures are computed (e.g. bootstrap)."
    )


class DataSection(Section):
    """Data used to train or evaluate the model."""

    datasets: list[DatasetRef] = required("Datasets used, each with a datasheet.")
    motivation: Text | None = recommended("Why these datasets were chosen.")
    preprocessing: Text | None = recommended("How the data was preprocessed.")


class QuantitativeAnalyses(Section):
    """Results of the analyses; computed results live in the evaluation artifact."""

    summary: Text | None = recommended("What the results show, in words a reviewer can follow.")
    unitary_results: Text | None = optional("Discussion of results per factor.")
    intersectional_results: Text | None = optional("Discussion of results across factors.")


class EthicalConsideration(Section):
    """One ethical consideration and what was done about it."""

    consideration: Text = required("The consideration.")
    mitigation: Text | None = recommended("What was done about it.")


Likelihood = Literal["rare", "unlikely", "possible", "likely", "almost-certain"]
Impact = Literal["negligible", "minor", "moderate", "major", "severe"]


def _unrated(value: Any) -> Any:
    """`TODO` (a template's placeholder) means "not rated yet": no value, not a rating."""
    return None if isinstance(value, str) and is_placeholder_text(value) else value


Rating = BeforeValidator(_unrated)


class Risk(Section):
    """An entry of the risk register."""

    id: Identifier = required("Stable id of the risk within this card.", examples=["r1"])
    description: Text = required("What could go wrong, for whom.")
    likelihood: Annotated[Likelihood | None, Rating] = required(
        "How likely it is; TODO until someone rates it."
    )
    impact: Annotated[Impact | None, Rating] = required(
        "How bad it would be; TODO until someone rates it."
    )
    owner: Text = required("Who is accountable for the risk.")
    mitigation: Text | None = recommended("What reduces the risk.")
    status: Literal["open", "mitigated", "accepted", "closed"] = required("Where it stands.")


class MonitoredMetric(Section):
    """A metric watched in production."""

    name: Text = required("Metric name.")
    threshold: Text = required("When it triggers action, e.g. '< 0.80' or 'drift > 0.1'.")
    frequency: Text | None = recommended("How often it is computed.")


Cadence = Literal["daily", "weekly", "monthly", "quarterly"]
CADENCE_DAYS: dict[str, int] = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92}
"""The most days a deployed system's latest monitored window may be old (GATE-MON001)."""


class DriftThresholds(Section):
    """Thresholds on the effect sizes of drift (`cardgate monitor`; docs/monitoring.md)."""

    psi: float | None = optional("Population stability index (default 0.25).", gt=0)
    js: float | None = optional("Jensen–Shannon distance, natural log (default 0.1).", gt=0)
    wasserstein: float | None = optional(
        "Wasserstein distance in reference standard deviations (default 0.1).", gt=0
    )
    ks: float | None = optional("Kolmogorov–Smirnov statistic D (default 0.1).", gt=0)
    missing: float | None = optional(
        "Change in a column's share of missing values (default 0.05).", gt=0
    )
    fdr: float | None = optional(
        "False-discovery rate across a window's columns, Benjamini–Hochberg (default 0.05).",
        gt=0,
        lt=1,
    )
    min_rows: int | None = optional("Fewest values of a column compared (default 30).", ge=1)
    tolerance: float | None = optional(
        "How far a metric may fall below the approved evaluation before a window breaches "
        "(default 0.05).",
        ge=0,
    )


class MonitoringAction(Section):
    """What is done when a window breaches."""

    on: Literal["drift", "threshold", "performance", "contract", "any"] = required(
        "The kind of breach."
    )
    action: Literal["investigate", "retrain", "rollback", "disable"] = required("What is done.")
    rollback_to: Text | None = optional("For a rollback: the previous version rolled back to.")


class MonitoringDecision(Section):
    """A decision recorded on a window that breached its plan (GATE-MON002)."""

    window: Text = required("Id of the window in monitoring.json, e.g. '2026-07'.")
    decision: Literal["rollback", "retrain", "waiver"] = required(
        "rollback (to the plan's previous version), retrain, or waiver (accepted for now)."
    )
    approver: Text = required("Who took the decision.")
    date: IsoDate = required("When (YYYY-MM-DD).")
    expires: IsoDate | None = optional(
        "When the decision stops covering the breach (required for a waiver)."
    )
    note: Text | None = optional("Why.")

    @model_validator(mode="after")
    def _waiver_expires(self) -> MonitoringDecision:
        if self.decision == "waiver" and self.expires is None:
            raise ValueError("a waiver needs 'expires' (YYYY-MM-DD)")
        return self


class Monitoring(Section):
    """How the system is watched after release, and how it is rolled back."""

    metrics: list[MonitoredMetric] = required("Metrics watched in production.")
    rollback: Text | None = recommended("How and when the release is rolled back.")
    owner: Text | None = recommended("Who watches and acts.")
    plan: Text | None = optional("Workspace-relative path of a longer monitoring plan.")
    cadence: Cadence | None = optional(
        "How often a window is monitored; the gate fails a deployed system whose latest "
        "window in monitoring.json is older.",
        gate=("GATE-MON001",),
    )
    reference: Text | None = optional(
        "Workspace-relative path of the reference data (features, predictions and outcomes "
        "of the approved baseline) that `cardgate profile SYSTEM` profiles: a file, a Delta "
        "table's folder, or a folder of partitions (every data file under it, merged) "
        "(default: the evaluation's predictions). The gate refuses a reference profiled "
        "from other data.",
        gate=("GATE-MON003",),
    )
    reference_table: Text | None = optional(
        "Or: the Spark catalog table of the reference data, which `cardgate profile SYSTEM "
        "--engine spark` profiles (default: the evaluation's predictions table when Spark "
        "computed its counts). The gate refuses a reference profiled from a table the card "
        "does not name.",
        gate=("GATE-MON003",),
    )
    dataset: Reference | None = optional(
        "Id of the datasheet whose contract every window must meet."
    )
    drift: DriftThresholds | None = optional("Thresholds on the effect sizes of drift.")
    alert: list[Text] | None = optional("Who is alerted when a window breaches.")
    actions: list[MonitoringAction] | None = optional("What is done on a breach.")
    decisions: list[MonitoringDecision] | None = optional(
        "Decisions recorded on breaching windows.", gate=("GATE-MON002",)
    )

    @model_validator(mode="after")
    def _one_reference(self) -> Monitoring:
        if self.reference is not None and self.reference_table is not None:
            raise ValueError(
                "the reference data is a file ('reference') or a table ('reference_table'), "
                "not both"
            )
        return self


class ModelCard(Document):
    """A model card for one AI system."""

    kind: Literal["model-card"] = required("Always 'model-card'.")
    id: Identifier = required("Stable id of the system; the folder name under systems/.")
    name: Text = required("Human-readable name of the system.")
    status: Status = required("Document status: draft, review, approved or retired.")
    risk_tier: RiskTier = required(
        "Risk tier; decides what the release policy demands.",
        examples=["high"],
        gate=("GATE-MC003",),
    )
    lifecycle_stage: Lifecycle = required(
        "Where the system is in its lifecycle.", examples=["development"]
    )
    owners: list[Person] = required("People accountable for the system.", min_length=1)
    last_reviewed: DateOrPlaceholder = recommended(
        "Date of the last review of this card.", gate=("GATE-FR001",)
    )
    generative: bool = Field(
        default=False, description="True for generative AI systems (adds the GenAI checklist)."
    )
    model_details: ModelDetails = required("Basic information about the model.")
    intended_use: IntendedUse = required("Intended and out-of-scope uses.")
    factors: Factors | None = recommended("Factors across which performance may vary.")
    metrics: Metrics | None = recommended("How performance is measured.")
    evaluation_data: DataSection | None = recommended("Data the model was evaluated on.")
    training_data: DataSection | None = recommended("Data the model was trained on.")
    quantitative_analyses: QuantitativeAnalyses | None = recommended("Results of the analyses.")
    ethical_considerations: list[EthicalConsideration] | None = recommended(
        "Ethical considerations and their mitigations."
    )
    caveats_and_recommendations: list[Text] | None = recommended(
        "Caveats, and recommendations for users of the model."
    )
    assumptions: list[Text] | None = recommended("Assumptions the system relies on.")
    limitations: list[Text] | None = recommended("Known limitations.")
    tradeoffs: list[Text] | None = recommended("Trade-offs made, e.g. accuracy vs. fairness.")
    risks: list[Risk] | None = recommended("The risk register.")
    monitoring: Monitoring | None = recommended("Monitoring plan.")
    lineage: Lineage | None = optional(
        "Where the model comes from: base models, and datasets beyond the datasheets above "
        "(an external identifier: Hugging Face id, DOI or URL)."
    )
    reported_results: list[ReportedResult] | None = optional(
        "Results measured elsewhere (a paper, a vendor, a benchmark), each with its source: "
        "shown apart from what cardgate computed, never verified, never read by the gate."
    )
    evaluation: EvaluationSettings | None = recommended(
        "How `cardgate evaluate` computes metrics from the model's predictions.",
        commented=True,
        gate=("GATE-FA001",),
    )
    ai_act: AiActProfile | None = optional(
        "The system's profile under the EU AI Act: the organisation's roles, high-risk or "
        "not and why (Annex III point, Annex I legislation or the Article 6(3) derogation), "
        "general-purpose AI model or not, Article 50 duties (docs/regulation.md; CG140)."
    )
    bias_audit: BiasAudit | None = optional(
        "A NYC Local Law 144 bias audit of the system (an automated employment decision "
        "tool): method, category columns, dates, data; `cardgate export ll144 SYSTEM` "
        "computes it from the evaluation's predictions (docs/regulation.md)."
    )
    genai: GenAISystem | None = optional(
        "For an LLM or RAG system (`generative: true`): its components, corpus, oversight, "
        "fallback, NIST AI 600-1 risks and how its retrieval, generation, safety and "
        "operations are evaluated (docs/genai.md).",
        commented=True,
    )

    def not_demanded(self) -> frozenset[str]:
        """What a GenAI system is not asked for (GATE-MC002): `evaluation:` (predictions and
        labels) when its retrieval or generation is evaluated instead (GATE-FA001 accepts
        those), and `training_data`: it trains nothing itself — its base model is the
        provider's (genai.components.base_model) and its documents are genai.corpus. Both
        may still be given (a fine-tuned model has training data)."""
        if self.genai is None:
            return frozenset()
        return frozenset(
            {"training_data", "evaluation"} if self.genai.evaluated() else {"training_data"}
        )

    def dataset_references(self) -> list[tuple[tuple[str, str, int], DatasetRef]]:
        """Every dataset reference, training data first, then a GenAI system's corpus:
        ((section, 'datasets', index), ref), or (('genai', 'corpus', index), ref).

        The one walk over the card's datasets: validation, the gate, sign-offs, the data
        pins, `--changed-since` and the site all ask this.
        """
        found: list[tuple[tuple[str, str, int], DatasetRef]] = []
        for name in ("training_data", "evaluation_data"):
            section: DataSection | None = getattr(self, name)
            for index, ref in enumerate(section.datasets if section is not None else ()):
                found.append(((name, "datasets", index), ref))
        for index, ref in enumerate(self.genai.corpus or () if self.genai is not None else ()):
            found.append((("genai", "corpus", index), ref))
        return found
