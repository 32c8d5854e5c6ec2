"""References between documents: ids that must name something that exists."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from cardgate.core.problems import Problem
from cardgate.documents.placeholders import is_placeholder_text
from cardgate.documents.positions import DataPath
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.validated import ValidatedDocument
from cardgate.documents.workspace import Workspace


def reference_problems(workspace: Workspace) -> list[Problem]:
    """Problems with ids that point nowhere, at the referencing line."""
    problems: list[Problem] = []
    for system in workspace.systems.values():
        card = system.model_card
        if card is not None and system.card is not None:
            if card.id != system.id:
                problems.append(
                    _at(
                        system.card,
                        ("id",),
                        "CG108",
                        f"id '{card.id}' does not match its folder '{system.id}'",
                        f"rename the folder or set id: {system.id}",
                    )
                )
            lineage = card.lineage.datasets or [] if card.lineage is not None else []
            named = [
                *((where, ref.dataset) for where, ref in card.dataset_references()),
                *(
                    (("lineage", "datasets", index), item.dataset)
                    for index, item in enumerate(lineage)
                    if item.dataset is not None
                ),
            ]
            for where, named_id in named:
                if named_id not in workspace.datasets and not is_placeholder_text(named_id):
                    problems.append(
                        _at(
                            system.card,
                            (*where, "dataset"),
                            "CG106",
                            f"unknown dataset '{named_id}'",
                            _hint(named_id, workspace.datasets, "add datasets/<id>/datasheet.yaml"),
                        )
                    )
        for document in system.checklists:
            model = document.model
            if isinstance(model, Checklist) and model.system != system.id:
                problems.append(
                    _at(
                        document,
                        ("system",),
                        "CG106",
                        f"checklist names system '{model.system}' but lives in "
                        f"the folder of '{system.id}'",
                        f"set system: {system.id}",
                    )
                )
    for dataset in workspace.datasets.values():
        sheet = dataset.datasheet
        if sheet is not None and dataset.sheet is not None and sheet.id != dataset.id:
            problems.append(
                _at(
                    dataset.sheet,
                    ("id",),
                    "CG108",
                    f"id '{sheet.id}' does not match its folder '{dataset.id}'",
                    f"rename the folder or set id: {dataset.id}",
                )
            )
    waivers = workspace.waivers
    if waivers is not None and workspace.waivers_doc is not None:
        for index, waiver in enumerate(waivers.waivers):
            if waiver.system not in workspace.systems:
                problems.append(
                    _at(
                        workspace.waivers_doc,
                        ("waivers", index, "system"),
                        "CG106",
                        f"unknown system '{waiver.system}'",
                        _hint(waiver.system, workspace.systems, "check the system id"),
                    )
                )
    return problems


def _at(document: ValidatedDocument, path: DataPath, code: str, message: str, hint: str) -> Problem:
    assert document.loaded is not None  # only validated documents are cross-checked
    return Problem.at(
        document.loaded.display, document.loaded.positions.value(path), code, message, hint=hint
    )


def _hint(value: str, known: Mapping[str, object], fallback: str) -> str:
    match = difflib.get_close_matches(value, list(known), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else fallback
