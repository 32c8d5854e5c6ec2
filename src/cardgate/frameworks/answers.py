"""Checks of checklist answers that need the checklist definition.

The schema of a ``checklist`` document (`cardgate.documents.schemas.checklist`) says what an answer
looks like; these checks say whether the answers fit the definition they claim to answer,
and whether their evidence exists. Each problem points at the line and column concerned:

======  ==================================================================================
CL100   the checklist names a definition that is neither shipped nor in the workspace
CL101   an answer for an item id the definition does not have
(CL102  retired: which items need an answer depends on the policy; GATE-CK004 checks it)
CL103   ``done`` without evidence, for an item whose definition requires evidence
CL104   an evidence file or folder does not exist
CL105   an evidence path leads outside the workspace (or is absolute)
CL106   ``not-applicable`` without a justification
CL107   evidence that is neither a workspace path nor an http(s) URL
CL108   two checklist documents of one system answer the same definition
CL109   evidence names a section (``file#section``) the file does not have, or a sign-off
        not recorded yet (``signoffs.yaml#legal``: a warning until it is)
CL110   evidence names a section that is not filled in
======  ==================================================================================

Problems of workspace checklist definitions (``CL001`` to ``CL007`` and schema errors, see
`cardgate.frameworks.definitions`) are reported here too: answers cannot be checked against
a definition that does not load.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Collection
from pathlib import Path

from cardgate.core.paths import written_from
from cardgate.core.problems import Problem, Severity
from cardgate.documents.evidence_ref import evidence_ref
from cardgate.documents.loading import LoadedDocument
from cardgate.documents.placeholders import is_missing
from cardgate.documents.schemas.checklist import Checklist
from cardgate.documents.workspace import SIGNOFFS_FILE, Workspace
from cardgate.frameworks.definitions import (
    Definition,
    DefinitionSet,
    applies,
    workspace_definitions,
)
from cardgate.frameworks.evidence_sections import Verdict, section_verdict


def check_answers(
    workspace: Workspace, *, definitions: DefinitionSet | None = None
) -> list[Problem]:
    """Every problem of the workspace's checklist answers against their definitions.

    Includes the problems of the workspace's own checklist definitions. Answers that failed
    schema validation are skipped (validation has reported them).
    """
    definitions = definitions if definitions is not None else workspace_definitions(workspace)
    problems = list(definitions.problems)
    _evidence_verdict.cache_clear()  # files may have changed since an earlier call
    for system in workspace.systems.values():
        card = system.model_card
        tier = card.risk_tier if card is not None else None
        answered: dict[str, str] = {}
        for document in system.checklists:
            model, loaded = document.model, document.loaded
            if not isinstance(model, Checklist) or loaded is None:
                continue
            if model.checklist in answered:
                problems.append(
                    Problem.at(
                        loaded.display,
                        loaded.positions.value(("checklist",)),
                        "CL108",
                        f"'{model.checklist}' is already answered in {answered[model.checklist]}",
                        hint="keep one checklist document per definition and system",
                    )
                )
                continue
            answered[model.checklist] = loaded.display
            problems.extend(
                check_checklist(
                    workspace.root, loaded, model, definitions=definitions, risk_tier=tier
                )
            )
    return sorted(set(problems), key=Problem.order)


def check_checklist(
    root: Path,
    loaded: LoadedDocument,
    model: Checklist,
    *,
    definitions: DefinitionSet,
    risk_tier: str | None,
) -> list[Problem]:
    """Problems of one checklist document; evidence paths are confined to `root`."""
    definition = definitions.get(model.checklist)
    if definition is None:
        close = difflib.get_close_matches(model.checklist, list(definitions.definitions), n=1)
        known = ", ".join(definitions.definitions) or "none"
        return [
            Problem.at(
                loaded.display,
                loaded.positions.value(("checklist",)),
                "CL100",
                f"unknown checklist definition '{model.checklist}'",
                hint=f"did you mean '{close[0]}'?" if close else f"known definitions: {known}",
            )
        ]
    problems = _item_problems(loaded, model, definition)
    for item_id, answer in model.items.items():
        path = ("items", item_id)
        item = definition.items.get(item_id)
        if (
            item is not None
            and answer.status == "done"
            and item.evidence_required
            and all(is_missing(entry) for entry in answer.evidence)
        ):
            problems.append(
                Problem.at(
                    loaded.display,
                    loaded.positions.value((*path, "status")),
                    "CL103",
                    f"'{item_id}' is done but lists no evidence",
                    hint="add evidence: workspace-relative paths or http(s) URLs that "
                    "show the answer holds",
                )
            )
        if answer.status == "not-applicable" and is_missing(answer.justification):
            problems.append(
                Problem.at(
                    loaded.display,
                    loaded.positions.value((*path, "status")),
                    "CL106",
                    f"'{item_id}' is not-applicable without a justification",
                    hint="say why the item does not apply under 'justification:'",
                )
            )
        for index, entry in enumerate(answer.evidence):
            problem = _evidence_problem(root, loaded, (*path, "evidence", index), entry)
            if problem is not None:
                problems.append(problem)
    return problems


def _item_problems(
    loaded: LoadedDocument, model: Checklist, definition: Definition
) -> list[Problem]:
    problems: list[Problem] = []
    known = list(definition.items)
    for item_id in model.items:
        if item_id not in definition.items:
            close = difflib.get_close_matches(item_id, known, n=1)
            problems.append(
                Problem.at(
                    loaded.display,
                    loaded.positions.key(("items", item_id)),
                    "CL101",
                    f"'{item_id}' is not an item of '{definition.id}'",
                    hint=f"did you mean '{close[0]}'?"
                    if close
                    else f"items of '{definition.id}': {known[0]} … {known[-1]}",
                )
            )
    return problems


def unanswered_items(
    model: Checklist, definition: Definition, risk_tier: str | None, *, automatic: Collection[str]
) -> list[str]:
    """Items of `definition` applicable to `risk_tier` with no answer in `model`.

    Items cardgate answers itself (`automatic`, see `cardgate.frameworks.automatic`) need
    none.
    """
    return [
        item.id
        for item in definition.model.items
        if applies(item, risk_tier) and item.id not in model.items and item.id not in automatic
    ]


def _evidence_problem(
    root: Path, loaded: LoadedDocument, path: tuple[str | int, ...], entry: str
) -> Problem | None:
    verdict = _evidence_verdict(os.fspath(root), entry)
    if verdict is None:
        return None
    code, message, hint, severity = verdict
    if code == "CL104":  # written from the checklist's folder?
        file, mark, section = entry.partition("#")
        meant = written_from(root, file, base=root, instead=loaded.path.parent)
        hint = f"did you mean '{meant}{mark}{section}'? {hint}" if meant is not None else hint
    return Problem.at(
        loaded.display, loaded.positions.value(path), code, message, hint=hint, severity=severity
    )


@functools.lru_cache(maxsize=65536)
def _evidence_verdict(root: str, entry: str) -> Verdict | None:
    """(code, message, hint, severity) of what is wrong with one evidence entry, or None.

    Cached: the same evidence (the model card, the datasheet) is cited by many items.
    Within one run the files do not change; `check_answers` clears the cache on entry.
    """
    ref = evidence_ref(Path(root), entry)
    if ref.kind in ("none", "url"):
        return None
    if ref.kind == "scheme":
        return (
            "CL107",
            f"evidence '{entry}' is neither a workspace path nor an http(s) URL",
            "link evidence as a path relative to the workspace root or an https:// URL",
            Severity.ERROR,
        )
    if ref.target is None:  # outside
        return (
            "CL105",
            f"evidence path {ref.reason}",
            "evidence must live inside the workspace; copy it in or link an https:// URL",
            Severity.ERROR,
        )
    file, target, section = ref.file, ref.target, ref.section
    signoff_record = bool(section) and Path(target).name == SIGNOFFS_FILE
    if not os.path.exists(target) and not signoff_record:
        return (
            "CL104",
            f"evidence '{file}' does not exist",
            "paths are relative to the workspace root (the folder with cardgate.yaml)",
            Severity.ERROR,
        )
    if section.strip():
        return section_verdict(Path(target), entry, section.strip())
    return None
