"""`cardgate export annex-iv SYSTEM`: the technical documentation of a high-risk AI system
ordered as Annex IV of Regulation (EU) 2024/1689 (``annex-iv.md``).

Every point and lettered sub-point of Annex IV in the catalog cardgate ships is a section,
its heading the catalog's text verbatim. Under each: what answers it — the items of the
``eu-ai-act-provider`` checklist mapped to it, with the system's written answers (status,
evidence, notes) or, where the checklist leaves an item open, cardgate's automatic answer
from the documents — and where in the system's documents the answer lives
(``answered_in``), pointing at the files that exist. A point no answer documents is
marked **missing**; the document never fills a point with text of its own. The results
cardgate computed — ``evaluation.json`` of a predictive model; ``retrieval.json``,
``generation.json``, ``safety.json`` and ``operations.json`` of a GenAI system — are cited
where the checklist places the evaluation, and listed with the SHA-256 of each file.

A system qualifies when its model card's ``ai_act:`` profile says it is high-risk; any
other is skipped by ``export all`` and refused with a hint when named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cardgate.core.digests import file_sha256
from cardgate.core.errors import UsageError
from cardgate.core.text import markdown_text
from cardgate.documents.schemas.checklist import Answer
from cardgate.documents.signoffs import genai_artifact_paths
from cardgate.frameworks.ai_act_profile import AI_ACT_FRAMEWORK, profile_basis
from cardgate.frameworks.automatic import AutomaticAnswer, automatic_answers
from cardgate.frameworks.catalog import Catalog
from cardgate.frameworks.coverage import answered_checklists, item_references
from cardgate.frameworks.coverage_results import CoverageStatus, subcategory_status
from cardgate.frameworks.definitions import applies, workspace_definitions
from cardgate.frameworks.provisions import Provision
from cardgate.frameworks.registry import load_framework
from cardgate.interop.format import ExportFiles, Format
from cardgate.interop.source import SystemSource, policy_options

DOCUMENT_FILE = "annex-iv.md"
CHECKLIST = "eu-ai-act-provider"
ANNEX = "annex-iv"
DATASETS = "datasets/<id>/"
SHOWN_STATUS: dict[CoverageStatus, str] = {
    "addressed": "documented",
    "partial": "partly documented",
    "missing": "missing",
}


@dataclass(frozen=True)
class ItemAnswer:
    """One checklist item mapped to a point, and its answer."""

    item: str
    question: str
    status: str
    """done, partial, not-started, not-applicable, or unanswered."""
    by: str
    """'written' (the checklist), 'automatic' (cardgate, from the documents) or ''."""
    evidence: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class PointDocumentation:
    """One point or sub-point of Annex IV, and what documents it."""

    provision: Provision
    status: CoverageStatus
    answers: tuple[ItemAnswer, ...]
    found_in: tuple[str, ...]
    """Workspace-relative pointers (``file#section``) to where the answer lives, that exist."""
    expected_in: tuple[str, ...]
    """Where the checklist says the answer lives, not found in the workspace."""


def unavailable(system: SystemSource) -> UsageError | None:
    """Why the system has no Annex IV documentation (None: it has)."""
    profile = system.card.ai_act
    if profile is None or not profile.high_risk:
        state = "has no 'ai_act:' profile" if profile is None else "is not high-risk"
        return UsageError(
            f"the model card of '{system.id}' {state}: Annex IV documents a high-risk system",
            hint="record the system's AI Act profile under ai_act: (docs/regulation.md)",
        )
    if system.workspace is None:
        return UsageError(f"'{system.id}' was loaded without its workspace")
    return None


def _headings(catalog: Catalog) -> list[Provision]:
    """Annex IV's points and lettered sub-points, in the catalog's order."""
    found: list[Provision] = []
    for entry in catalog.provisions.values():
        if not isinstance(entry, Provision) or entry.level not in ("point", "subpoint"):
            continue
        if entry.parent == ANNEX or (
            entry.parent is not None and catalog.provisions[entry.parent].parent == ANNEX
        ):
            found.append(entry)
    return found


def document_points(system: SystemSource) -> list[PointDocumentation]:
    """What documents each point and sub-point of Annex IV for `system`."""
    workspace = system.workspace
    assert workspace is not None
    catalog = load_framework(AI_ACT_FRAMEWORK)
    definition = workspace_definitions(workspace).get(CHECKLIST)
    docs = workspace.systems[system.id]
    written: dict[str, Answer] = {}
    answered = answered_checklists(docs, [CHECKLIST]).get(CHECKLIST)
    if answered is not None:
        written = dict(answered[1].items)
    automatic = automatic_answers(workspace, docs, definition) if definition else {}
    folder = workspace.relative(docs.folder)
    points: list[PointDocumentation] = []
    for provision in _headings(catalog):
        answers: list[ItemAnswer] = []
        found_in: list[str] = []
        expected_in: list[str] = []
        serving = set(catalog.expand(provision.id))
        items = definition.model.items if definition is not None else []
        for item in items:
            assert definition is not None
            references = item_references(catalog, definition, item)
            if not any(serving & set(catalog.expand(ref)) for ref in references):
                continue
            if not applies(item, system.card.risk_tier):
                continue
            answers.append(_answer(item.id, item.question, written, automatic))
            for place in item.answered_in or ():
                pointers = _pointers(system, folder, place)
                if pointers:
                    found_in.extend(pointers)
                else:
                    expected_in.append(place)
        points.append(
            PointDocumentation(
                provision=provision,
                status=subcategory_status(answer.status for answer in answers),
                answers=tuple(answers),
                found_in=tuple(dict.fromkeys(found_in)),
                expected_in=tuple(dict.fromkeys(expected_in)),
            )
        )
    return points


def _answer(
    item: str,
    question: str,
    written: Mapping[str, Answer],
    automatic: Mapping[str, AutomaticAnswer],
) -> ItemAnswer:
    answer = written.get(item)
    if answer is not None:
        note = answer.justification or answer.notes or ""
        return ItemAnswer(item, question, answer.status, "written", tuple(answer.evidence), note)
    made = automatic.get(item)
    if made is not None:
        return ItemAnswer(item, question, made.status, "automatic", made.evidence, made.reason)
    return ItemAnswer(item, question, "unanswered", "", (), "")


def _pointers(system: SystemSource, folder: str, place: str) -> tuple[str, ...]:
    """The workspace-relative pointers for an ``answered_in`` entry, when what it names
    exists: the system's own files (``model-card.yaml#intended_use``, ``evaluation.json``,
    ``signoffs.yaml``) and its datasets' (``datasets/<id>/datasheet.yaml``, one per
    dataset its card references); none for free text or what is missing."""
    if " " in place:
        return ()
    name, _, section = place.partition("#")
    anchor = f"#{section}" if section else ""
    if name.startswith(DATASETS):
        rest = name.removeprefix(DATASETS)
        return tuple(
            f"datasets/{dataset.id}/{rest}"
            for dataset in system.datasets
            if (dataset.folder / rest).is_file()
        )
    if name == "model-card.yaml" and section:
        value = getattr(system.card, section, None)
        return (f"{system.path}{anchor}",) if value not in (None, [], "") else ()
    if name == "evaluation.json":
        return tuple(f"{path}{anchor}" for path, _ in computed_evidence(system))
    if name == "signoffs.yaml" and system.signoffs is not None:
        return (f"{folder}/signoffs.yaml{anchor}",)
    return ()


def computed_evidence(system: SystemSource) -> list[tuple[str, str]]:
    """The results cardgate computed for the system, as (workspace-relative path, SHA-256
    of the file): its evaluation artifact, and a GenAI system's retrieval, generation,
    safety and operations artifacts, those its card names and that exist (an export refuses
    one that cannot be read before it gets here)."""
    workspace = system.workspace
    assert workspace is not None
    found: list[tuple[str, str]] = []
    if system.evaluation is not None and system.evaluation_path is not None:
        found.append((system.evaluation_path, file_sha256(workspace.root / system.evaluation_path)))
    for path in genai_artifact_paths(workspace, workspace.systems[system.id], system.card):
        if path.is_file():
            found.append((workspace.relative(path), file_sha256(path)))
    return found


def answered_points(points: list[PointDocumentation]) -> list[PointDocumentation]:
    """The points answered on their own: those without sub-points (points 1 and 2 are
    answered by theirs)."""
    parents = {point.provision.parent for point in points}
    return [point for point in points if point.provision.id not in parents]


def _heading(provision: Provision) -> str:
    """The point's text verbatim: its first line (a point with sub-points has them in its
    text; they are headings of their own)."""
    return provision.text.split("\n", 1)[0]


def application_text(system: SystemSource) -> str:
    """From when the documented obligations apply under the AI Act schedule the
    workspace's policy chooses (GATE-CK001's ``ai_act_schedule``), in words; "" when it
    chooses none."""
    from cardgate.frameworks.obligation_dates import basis_applies_from
    from cardgate.gate.rules.checklists_answered import CODE, Options

    options = policy_options(system, CODE)
    profile = system.card.ai_act
    if not isinstance(options, Options) or options.ai_act_schedule is None or profile is None:
        return ""
    applies = basis_applies_from(profile, options.ai_act_schedule)
    if applies is None:
        return ""
    when = "they apply" if applies.date <= system.today else "they do not apply yet"
    return (
        f"Under the AI Act schedule the organisation's policy chooses "
        f"('{applies.schedule}'), {applies.obligations} apply from "
        f"{applies.date.isoformat()}: on {system.today.isoformat()} {when}."
    )


def annex_iv_markdown(system: SystemSource, points: list[PointDocumentation]) -> str:
    """The technical documentation as Markdown (every value from a document escaped)."""
    catalog = load_framework(AI_ACT_FRAMEWORK)
    annex = catalog.provisions[ANNEX]
    profile = system.card.ai_act
    assert profile is not None
    leaves = answered_points(points)
    missing = sum(1 for point in leaves if point.status == "missing")
    lines = [
        f"# Technical documentation: {markdown_text(system.card.name)}",
        "",
        f"Ordered as {markdown_text(annex.heading)} of Regulation (EU) 2024/1689. "
        f"System `{system.id}`; the organisation's roles: {', '.join(profile.roles)}; "
        f"high-risk: {markdown_text(profile_basis(profile))}. "
        f"Prepared by cardgate from the workspace's documents on {system.today.isoformat()}.",
        "",
        f"{len(leaves) - missing} of {len(leaves)} points and sub-points are documented "
        f"or partly documented; {missing} are **missing**.",
        "",
    ]
    if dated := application_text(system):
        lines += [dated, ""]
    lines += [
        "Headings quote the Regulation verbatim from the catalog cardgate ships "
        "(checklists/frameworks/eu-ai-act-2024-1689.yaml). "
        + markdown_text(catalog.license_note.split(". ")[0] + ".")
        + " This document supports, and does not replace, legal review.",
        "",
        f"> {markdown_text(catalog.provisions['annex-iv-intro'].text)}",
    ]
    if computed := computed_evidence(system):
        lines += ["", "Results computed by cardgate and cited below (SHA-256 of each file):", ""]
        lines += [f"- {markdown_text(path)}: `{digest}`" for path, digest in computed]
    for point in points:
        level = "##" if point.provision.parent == ANNEX else "###"
        lines += ["", f"{level} {markdown_text(_heading(point.provision))}", ""]
        if point not in leaves:
            lines.append(f"*{markdown_text(point.provision.cite)}: see its sub-points.*")
            continue
        lines.append(f"**{markdown_text(point.provision.cite)}: {SHOWN_STATUS[point.status]}.**")
        for answer in point.answers:
            source = {
                "written": f"answered in the {CHECKLIST} checklist",
                "automatic": "answered by cardgate from the documents",
            }.get(answer.by, f"not answered in the {CHECKLIST} checklist")
            line = f"- {answer.item} ({source}): {answer.status}"
            if answer.evidence:
                line += "; evidence: " + ", ".join(markdown_text(path) for path in answer.evidence)
            if answer.note:
                line += f". {markdown_text(answer.note)}"
            lines.append(line)
        if not point.answers:
            lines.append(f"- no item of the {CHECKLIST} checklist serves this point")
        if point.found_in:
            lines.append(
                "- where the system's documents hold it: "
                + ", ".join(markdown_text(pointer) for pointer in point.found_in)
            )
        if point.expected_in:
            lines.append(
                "- expected evidence, not found in the workspace: "
                + "; ".join(markdown_text(place) for place in point.expected_in)
            )
    lines.append("")
    return "\n".join(lines)


def export_system(system: SystemSource) -> ExportFiles:
    """The Annex IV technical documentation of `system`, or nothing when not high-risk."""
    if unavailable(system) is not None:
        return {}
    return {DOCUMENT_FILE: annex_iv_markdown(system, document_points(system)).encode("utf-8")}


FORMAT = Format(
    name="annex-iv",
    title="EU AI Act Annex IV technical documentation (Regulation (EU) 2024/1689)",
    systems=export_system,
    unavailable=unavailable,
)
