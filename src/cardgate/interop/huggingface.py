"""Hugging Face model card (and dataset card): ``README.md`` with YAML metadata, as the Hub
and `huggingface_hub`'s ``ModelCard`` / ``DatasetCard`` read it.

The metadata carries what the Hub indexes: ``license`` (the Hub's identifier for an SPDX
id; ``other`` with ``license_name`` otherwise), ``base_model`` and ``datasets`` (Hub ids
from the card's lineage and the datasheets' identifiers), ``pipeline_tag`` and ``tags``,
and ``model-index`` with the overall results `cardgate evaluate` computed and the reported
results that name a source URL. The body follows the sections of the Hub's model card
template; per-group results, intervals, disparities with their noise floors and the
release gate's verdict are Markdown tables there, because ``model-index`` cannot hold
them (the card says so). Card text is written as plain text (`hf_common.md`): it never
becomes a link, an image or HTML. Mapping table: docs/interop.md.
"""

from __future__ import annotations

from typing import Any

from cardgate.core.text import fixed
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.schemas.provenance import ReportedResult, licence_words
from cardgate.evidence.evaluation.artifact import EvaluationArtifact
from cardgate.interop.format import Draft, ExportFiles, Format
from cardgate.interop.hf_common import SLICES_NOTE, filled, front_matter, licence_metadata, md
from cardgate.interop.hf_dataset import dataset_card
from cardgate.interop.hf_dataset_import import import_dataset_card, is_dataset_card
from cardgate.interop.hf_genai import results_lines, system_lines
from cardgate.interop.hf_import import import_card, split_card
from cardgate.interop.hf_vocabulary import PIPELINE_TAGS
from cardgate.interop.source import DatasetSource, SystemSource

CARD_FILE = "README.md"


def model_card(system: SystemSource) -> ExportFiles:
    """The Hugging Face model card of a system."""
    text = front_matter(model_metadata(system)) + "\n" + "\n".join(_body(system)) + "\n"
    return {CARD_FILE: text.encode("utf-8")}


def _dataset_card(dataset: DatasetSource) -> ExportFiles:
    return {CARD_FILE: dataset_card(dataset).encode("utf-8")}


def import_hub_card(raw: bytes, shown: str, name: str) -> Draft:
    """`cardgate import hf README.md --as NAME`: a draft datasheet from a dataset card
    (`hf_dataset_import.is_dataset_card`), else a draft model card."""
    metadata, body = split_card(raw, shown)
    if is_dataset_card(metadata, body):
        return import_dataset_card(raw, shown, name)
    return import_card(raw, shown, name)


FORMAT = Format(
    name="hf",
    title="Hugging Face model card and dataset card (README.md with YAML metadata)",
    systems=model_card,
    datasets=_dataset_card,
    importer=import_hub_card,
    needs_license_id=True,
    extensions=(".md",),
    files=lambda target: (CARD_FILE,),
)


def pipeline_tag(card: ModelCard) -> str | None:
    """The card's task, when it is one of the Hub's pipeline tags."""
    task = filled(card.model_details.task)
    return task if task in PIPELINE_TAGS else None


def training_hub_ids(system: SystemSource) -> list[str]:
    """Hub ids of the datasets the model was trained on: the training datasheets' and the
    lineage's."""
    card = system.card
    found: list[str] = []
    sheets = {d.id: d.datasheet for d in system.datasets}
    for ref in card.training_data.datasets if card.training_data is not None else ():
        sheet = sheets.get(ref.dataset)
        if sheet is not None and sheet.identifiers is not None and sheet.identifiers.hf:
            found.append(sheet.identifiers.hf)
    lineage = card.lineage
    for item in lineage.datasets or () if lineage is not None else ():
        if item.role == "training" and item.hf is not None:
            found.append(item.hf)
    return list(dict.fromkeys(found))


def model_metadata(system: SystemSource) -> dict[str, Any]:
    """The card's YAML metadata, in the Hub's order of keys."""
    card = system.card
    metadata: dict[str, Any] = dict(licence_metadata(card.model_details.license))
    bases = [m.hf for m in (card.lineage.base_models or ()) if m.hf] if card.lineage else []
    if bases:
        metadata["base_model"] = bases[0] if len(bases) == 1 else bases
    datasets = training_hub_ids(system)
    if datasets:
        metadata["datasets"] = datasets
    tag = pipeline_tag(card)
    if tag is not None:
        metadata["pipeline_tag"] = tag
    tags = [t for t in card.model_details.tags or () if filled(t)]
    if tags:
        metadata["tags"] = list(dict.fromkeys(tags))
    results = _model_index_results(system, tag)
    if results:
        metadata["model-index"] = [{"name": card.name, "results": results}]
    return metadata


def _evaluation_dataset(system: SystemSource) -> tuple[str, str] | None:
    """(type, name) of the one dataset the card's evaluation data names, if one."""
    card = system.card
    refs = card.evaluation_data.datasets if card.evaluation_data is not None else []
    ids = list(dict.fromkeys(ref.dataset for ref in refs))
    if len(ids) != 1:
        return None
    sheet = next((d.datasheet for d in system.datasets if d.id == ids[0]), None)
    if sheet is None:
        return None
    hub = sheet.identifiers.hf if sheet.identifiers is not None else None
    return (hub or sheet.id, sheet.name)


def in_model_index(result: ReportedResult) -> bool:
    """Whether a reported result fits ``model-index``: a dataset and a source URL (the Hub
    needs ``source.url`` with ``source.name``), overall (no slice)."""
    return result.dataset is not None and result.url is not None and result.slice is None


def _model_index_results(system: SystemSource, task: str | None) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    evaluated = _evaluation_dataset(system)
    artifact = system.evaluation
    if artifact is not None and task is not None and evaluated is not None:
        metrics = [
            {"type": name, "value": estimate.value}
            for name, estimate in sorted(artifact.overall.metrics.items())
            if estimate.value is not None
        ]
        if metrics:
            results.append(
                {
                    "task": {"type": task},
                    "dataset": {"type": evaluated[0], "name": evaluated[1]},
                    "metrics": metrics,
                }
            )
    for result in system.card.reported_results or ():
        result_task = filled(result.task) or task
        if not in_model_index(result) or result_task is None:
            continue
        assert result.dataset is not None and result.url is not None
        described: dict[str, Any] = {"type": result.dataset, "name": result.dataset}
        if result.split is not None:
            described["split"] = result.split
        results.append(  # one result each: a source belongs to its result, not a group
            {
                "task": {"type": result_task},
                "dataset": described,
                "metrics": [{"type": result.metric, "value": result.value}],
                "source": {"name": result.source, "url": result.url},
            }
        )
    return results


def _bullets(items: list[str] | None) -> list[str]:
    lines = [f"- {md(item)}" for item in items or () if filled(item)]
    return lines or ["[More Information Needed]"]


def _para(text: str | None) -> list[str]:
    value = filled(text)
    return [md(value)] if value is not None else ["[More Information Needed]"]


def _body(system: SystemSource) -> list[str]:
    card = system.card
    details = card.model_details
    lines = [f"# Model Card for {md(card.name)}", ""]
    lines += [*_para(details.description), ""]
    lines += ["## Model Details", "", "### Model Description", ""]
    lines += [*_para(details.description), ""]
    facts = [
        ("Developed by", filled(details.developers)),
        ("Model type", filled(details.model_type)),
        ("Model version", filled(details.model_version)),
        ("License", licence_words(details.license)),
        ("Risk tier", card.risk_tier),
        ("Lifecycle stage", card.lifecycle_stage),
        ("Document status", card.status),
    ]
    lines += [f"- **{key}:** {md(value)}" for key, value in facts if value]
    lines.append("")
    lines += _lineage(card)
    lines += system_lines(system)
    uses = card.intended_use
    lines += ["## Uses", "", "### Direct Use", "", *_bullets(uses.primary_uses), ""]
    if uses.primary_users:
        lines += ["### Intended Users", "", *_bullets(uses.primary_users), ""]
    lines += ["### Out-of-Scope Use", "", *_bullets(uses.out_of_scope_uses), ""]
    lines += ["## Bias, Risks, and Limitations", "", *_bullets(card.limitations), ""]
    if card.ethical_considerations:
        lines += ["### Ethical Considerations", ""]
        for item in card.ethical_considerations:
            mitigation = filled(item.mitigation)
            lines.append(
                f"- {md(item.consideration)}"
                + (f" Mitigation: {md(mitigation)}" if mitigation else "")
            )
        lines.append("")
    lines += ["### Recommendations", "", *_bullets(card.caveats_and_recommendations), ""]
    lines += ["## Training Details", "", "### Training Data", ""]
    lines += [*_data_lines(system, "training_data"), ""]
    lines += ["#### Training Hyperparameters", "", *_para(details.training_algorithm), ""]
    lines += ["## Evaluation", "", "### Testing Data, Factors & Metrics", ""]
    lines += ["#### Testing Data", "", *_data_lines(system, "evaluation_data"), ""]
    factors = card.factors.evaluation_factors if card.factors is not None else None
    lines += ["#### Factors", "", *_bullets(factors), ""]
    measures = card.metrics.performance_measures if card.metrics is not None else None
    lines += ["#### Metrics", "", *_bullets(measures), ""]
    lines += ["### Results", "", *_results(system), ""]
    summary = card.quantitative_analyses.summary if card.quantitative_analyses else None
    lines += ["#### Summary", "", *_para(summary), ""]
    lines += _gate(system)
    lines += ["## Citation", "", *_para(details.citation), ""]
    lines += ["## Model Card Contact", "", *_para(details.contact)]
    return lines


def _lineage(card: ModelCard) -> list[str]:
    lineage = card.lineage
    if lineage is None or not (lineage.base_models or lineage.datasets):
        return []
    lines = ["### Lineage", ""]
    for model in lineage.base_models or ():
        named = model.hf or (f"doi:{model.doi}" if model.doi else model.url) or ""
        relation = f" ({md(model.relation)})" if model.relation and filled(model.relation) else ""
        label = f"{md(model.name)}: " if model.name and filled(model.name) else ""
        lines.append(f"- base model{relation}: {label}{md(named)}")
    for item in lineage.datasets or ():
        named = item.dataset or item.hf or (f"doi:{item.doi}" if item.doi else item.url) or ""
        label = f"{md(item.name)}: " if item.name and filled(item.name) else ""
        lines.append(f"- {item.role} dataset: {label}{md(named)}")
    return [*lines, ""]


def _data_lines(system: SystemSource, section: str) -> list[str]:
    data = getattr(system.card, section)
    if data is None:
        return ["[More Information Needed]"]
    sheets = {d.id: d.datasheet for d in system.datasets}
    lines = []
    for ref in data.datasets:
        sheet = sheets.get(ref.dataset)
        name = sheet.name if sheet is not None else ref.dataset
        split = f", {md(ref.split)}" if filled(ref.split) else ""
        pin = f" (SHA-256 `{ref.sha256}`)" if ref.sha256 else ""
        lines.append(f"- {md(name)} (datasheet `{ref.dataset}`{split}){pin}")
    for label, value in (("Motivation", data.motivation), ("Preprocessing", data.preprocessing)):
        if filled(value):
            lines += ["", f"{label}: {md(value)}"]
    return lines


def _number(value: float | None) -> str:
    return "—" if value is None else fixed(value)


def _interval(ci: tuple[float, float] | None) -> str:
    return "—" if ci is None else f"{fixed(ci[0])}–{fixed(ci[1])}"


def _results(system: SystemSource) -> list[str]:
    lines: list[str] = []
    artifact = system.evaluation
    if artifact is not None:
        lines += _computed(artifact)
    lines += results_lines(system)
    reported = system.card.reported_results or []
    if reported:
        lines += [
            "#### Reported results (not computed by cardgate)",
            "",
            "Measured elsewhere and recorded with their source; cardgate has not verified "
            "them and its release gate does not read them.",
            "",
            "| metric | value | interval | dataset | split | slice | source |",
            "|---|---|---|---|---|---|---|",
        ]
        for result in reported:
            source = md(result.source) + (f" ({md(result.url)})" if result.url else "")
            cells = [
                md(result.metric),
                _number(result.value),
                _interval((result.ci[0], result.ci[1]) if result.ci else None),
                md(result.dataset) if result.dataset else "—",
                md(result.split) if result.split else "—",
                md(result.slice) if result.slice else "all",
                source,
            ]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    return lines or ["[More Information Needed]"]


def _computed(artifact: EvaluationArtifact) -> list[str]:
    level = round(artifact.provenance.confidence_level * 100)
    lines = [
        f"Computed by `cardgate evaluate` from {artifact.overall.count} rows "
        f"(predictions SHA-256 `{artifact.provenance.predictions.sha256}`), with "
        f"{level}% intervals. {SLICES_NOTE}",
        "",
        "#### Overall",
        "",
        f"| metric | value | {level}% interval |",
        "|---|---|---|",
    ]
    for name, estimate in sorted(artifact.overall.metrics.items()):
        lines.append(f"| {name} | {_number(estimate.value)} | {_interval(estimate.ci)} |")
    for feature in artifact.features:
        names = sorted({m for g in feature.groups for m in g.metrics})
        lines += [
            "",
            f"#### By {md(feature.feature)} (reference group: {md(feature.reference_group)})",
            "",
            "| group | rows | " + " | ".join(names) + " |",
            "|---|---|" + "---|" * len(names),
        ]
        for group in feature.groups:
            cells = []
            for name in names:
                found = group.metrics.get(name)
                cells.append(
                    "—" if found is None else f"{_number(found.value)} ({_interval(found.ci)})"
                )
            shown = md(group.group) + (" (too few rows: not compared)" if group.suppressed else "")
            lines.append(f"| {shown} | {group.count} | " + " | ".join(cells) + " |")
        if feature.disparities:
            lines += [
                "",
                f"Disparities by {md(feature.feature)}:",
                "",
                f"| metric | value | {level}% interval | noise floor | p-value | groups |",
                "|---|---|---|---|---|---|",
            ]
            for disparity in feature.disparities:
                p_value = "—" if disparity.p_value is None else f"{disparity.p_value:.3g}"
                groups = ", ".join(md(g) for g in disparity.groups_compared) or "—"
                lines.append(
                    f"| {disparity.metric} | {_number(disparity.value)} | "
                    f"{_interval(disparity.ci)} | {_number(disparity.noise_floor)} | "
                    f"{p_value} | {groups} |"
                )
    return [*lines, ""]


def _gate(system: SystemSource) -> list[str]:
    verdict = system.verdict
    lines = ["## Release Gate", ""]
    if verdict is None:
        return [*lines, "Not judged by `cardgate gate --release`.", ""]
    state = "passed" if verdict.passed else "blocked"
    run = system.gate.judged_by if system.gate is not None else "cardgate gate"
    lines += [
        f"Judged by {run} on {system.today.isoformat()}: **{state}** "
        f"({verdict.errors} blocking findings, "
        f"{verdict.warnings} warnings, {verdict.waived} waived).",
        "",
    ]
    rows = [(t, v) for t in verdict.thresholds for v in t.verdicts]
    if rows:
        lines += ["| threshold | state | outcome | why |", "|---|---|---|---|"]
        for _, decided in rows:
            lines.append(
                f"| {md(decided.subject)} | {decided.state} | {decided.outcome} | "
                f"{md(decided.message)} |"
            )
        lines.append("")
    blocking = [f for f in system.findings if f.blocking]
    if blocking:
        lines += ["Blocking findings:", ""]
        lines += [f"- {f.code}: {md(f.message)}" for f in blocking]
        lines.append("")
    return lines
