"""The governance record of a system as CycloneDX 1.6 `definitions` and `declarations`.

- `definitions.standards`: the NIST AI RMF 1.0 core, from the catalog cardgate ships
  (functions, categories and subcategories as requirements, each with its parent), when a
  checklist of the system maps to it; and the gate's policy (one requirement per rule run).
- `declarations.claims`: each checklist answer (and each answer cardgate gives itself
  from the documents, `answered_by`), with its evidence (`declarations.evidence`).
- `declarations.attestations`: the answers mapped onto the subcategories they serve,
  with the coverage status (`frameworks.coverage`) as the rationale; and the gate's
  verdict, rule by rule, from the `GateResult` (never decided again here).
- `declarations.affirmation`: the sign-offs that count (as the gate decided), each
  signatory with a reference to the signed record in signoffs.yaml.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cardgate.core import indented_json
from cardgate.core.problems import Severity
from cardgate.documents.schemas.model_card import ModelCard
from cardgate.documents.signoffs import read_signoffs, signed_documents, staleness
from cardgate.documents.workspace import SystemDocs, Workspace
from cardgate.frameworks.automatic import automatic_answers
from cardgate.frameworks.catalog import Catalog, load_catalog
from cardgate.frameworks.coverage import (
    answered_checklists,
    answers_of,
    compute_system_coverage,
)
from cardgate.frameworks.coverage_results import SystemCoverage
from cardgate.frameworks.definitions import Definition, workspace_definitions
from cardgate.gate.result import Finding, GateResult, SystemVerdict
from cardgate.interop.bom_parts import iri

CATALOG_VERSION = "1.0"
"""The version of the AI RMF the shipped catalog holds (its id: nist-ai-rmf-1.0)."""
ASSESSOR = "assessor:first-party"


@dataclass(frozen=True)
class Governance:
    """What the declarations are made of."""

    workspace: Workspace
    system: SystemDocs
    card: ModelCard
    gate: GateResult | None
    verdict: SystemVerdict | None
    findings: tuple[Finding, ...] | None = None
    """The gate's findings on the system, waived ones after the others (None: taken from
    `gate`)."""
    coverage: SystemCoverage | None = None
    """The system's NIST AI RMF coverage, when the caller has it (None: worked out here)."""
    definitions: Mapping[str, Definition] | None = None
    """The checklist definitions in force (None: the workspace's are read)."""


@functools.lru_cache(maxsize=8192)
def _ref(*parts: str) -> str:
    """A bom-ref of `parts` (the same few thousand refs recur in every system's BOM)."""
    return ":".join(part.replace(" ", "-") for part in parts)


def _organization(governance: Governance) -> dict[str, str]:
    name = governance.card.model_details.developers or governance.workspace.config.name
    return {"name": name}


def nist_standard(catalog: Catalog) -> dict[str, Any]:
    """The AI RMF core as a CycloneDX standard: every function, category and subcategory,
    with their statements as the catalog holds them."""
    requirements: list[dict[str, Any]] = []
    for function in catalog.functions:
        function_ref = _ref("requirement", catalog.id, function.id)
        requirements.append(
            {
                "bom-ref": function_ref,
                "identifier": function.id,
                "title": function.title,
                "text": function.description,
            }
        )
        for category in function.categories:
            category_ref = _ref("requirement", catalog.id, category.id)
            requirements.append(
                {
                    "bom-ref": category_ref,
                    "identifier": category.id,
                    "text": category.statement,
                    "parent": function_ref,
                }
            )
            for sub in category.subcategories:
                requirements.append(
                    {
                        "bom-ref": _ref("requirement", catalog.id, sub.id),
                        "identifier": sub.id,
                        "text": sub.statement,
                        "parent": category_ref,
                    }
                )
    standard: dict[str, Any] = {
        "bom-ref": _ref("standard", catalog.id),
        "name": catalog.title,
        "version": CATALOG_VERSION,
        "owner": "NIST",
        "requirements": requirements,
    }
    original = catalog.source.get("core_statements", {})
    url = original.get("original") if isinstance(original, dict) else None
    if isinstance(url, str) and url:
        standard["externalReferences"] = [{"type": "documentation", "url": url}]
    return standard


def gate_standard(gate: GateResult) -> dict[str, Any]:
    """The gate's policy as a standard: one requirement per rule it ran."""
    return {
        "bom-ref": "standard:cardgate-gate",
        "name": f"cardgate release gate: {gate.policy}",
        "owner": "cardgate",
        "requirements": [
            {
                "bom-ref": _ref("requirement", "gate", run.code),
                "identifier": run.code,
                "title": run.name,
                "text": run.summary,
            }
            for run in gate.rules
        ],
    }


def _claims(
    governance: Governance, definitions: dict[str, Definition], target: str
) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, dict[str, Any]]]:
    """Claims by (checklist, item), and evidence entries by their path or URL."""
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    evidence: dict[str, dict[str, Any]] = {}

    def cite(entries: list[str] | tuple[str, ...]) -> list[str]:
        refs = []
        for entry in entries:
            ref = _ref("evidence", entry)
            evidence.setdefault(
                entry,
                {
                    "bom-ref": ref,
                    "description": entry,
                    "data": [{"name": entry, "contents": {"url": iri(entry)}}],
                },
            )
            refs.append(ref)
        return refs

    for checklist in governance.system.checklist_models():
        definition = definitions.get(checklist.checklist)
        if definition is None:
            continue
        questions = {item.id: item.question for item in definition.model.items}
        automatic = automatic_answers(governance.workspace, governance.system, definition)
        for item in definition.model.items:
            answer = checklist.items.get(item.id)
            claim: dict[str, Any] = {
                "bom-ref": _ref("claim", checklist.checklist, item.id),
                "target": target,
                "predicate": f"{item.id}: {questions[item.id]}",
            }
            if answer is not None:
                words = [f"Answer: {answer.status}."]
                words += [text for text in (answer.notes, answer.justification) if text]
                if answer.owner:
                    words.append(f"Owner: {answer.owner}.")
                claim["reasoning"] = " ".join(words)
                refs = cite(answer.evidence)
            elif item.id in automatic:
                given = automatic[item.id]
                claim["reasoning"] = (
                    f"Answer: {given.status} (answered by cardgate from the documents: "
                    f"{given.reason})."
                )
                refs = cite(given.evidence)
            else:
                continue
            if refs:
                claim["evidence"] = refs
            claims[(checklist.checklist, item.id)] = claim
    return claims, evidence


def _framework_attestation(
    governance: Governance,
    catalog: Catalog,
    definitions: dict[str, Definition],
    claims: dict[tuple[str, str], dict[str, Any]],
) -> dict[str, Any] | None:
    coverage = governance.coverage
    if coverage is None:
        answers = answers_of(
            governance.workspace, governance.system, governance.card.risk_tier, definitions
        )
        if not answers.answers:
            return None
        coverage = compute_system_coverage(catalog, definitions, answers)
    elif not answered_checklists(governance.system):
        return None
    mapped = []
    for sub in coverage.subcategories:
        entry: dict[str, Any] = {"requirement": _ref("requirement", catalog.id, sub.id)}
        refs = [
            claims[(i.checklist, i.item)]["bom-ref"]
            for i in sub.items
            if (i.checklist, i.item) in claims
        ]
        if refs:
            entry["claims"] = refs
        states = ", ".join(f"{i.item} {i.status}" for i in sub.items) or "no applicable item"
        entry["conformance"] = {"rationale": f"{sub.status} ({states})"}
        mapped.append(entry)
    overall = coverage.overall
    return {
        "summary": (
            f"Coverage of the {catalog.title} by the answers of '{governance.card.id}' to "
            f"{', '.join(coverage.checklists)}: {overall.addressed} of {overall.total} "
            f"subcategories addressed, {overall.partial} partial, {overall.missing} missing."
        ),
        "assessor": ASSESSOR,
        "map": mapped,
    }


def _finding_text(finding: Finding) -> str:
    state = "waived" if finding.waiver is not None else finding.severity.name.lower()
    return f"{state}: {finding.message}"


def _gate_attestation(governance: Governance) -> dict[str, Any] | None:
    gate, verdict = governance.gate, governance.verdict
    if gate is None or verdict is None:
        return None
    mine = governance.findings
    if mine is None:
        mine = tuple(f for f in (*gate.findings, *gate.waived) if f.system == verdict.system)
    by_rule: dict[str, list[Finding]] = {}
    for finding in mine:
        by_rule.setdefault(finding.code, []).append(finding)
    mapped = []
    for run in gate.rules:
        if run.level_for(verdict.risk_tier) == "off":
            continue
        found = by_rule.get(run.code, [])
        blocking = any(f.blocking for f in found)
        texts = "; ".join(_finding_text(f) for f in found) or "no finding"
        mapped.append(
            {
                "requirement": _ref("requirement", "gate", run.code),
                "conformance": {"score": 0 if blocking else 1, "rationale": texts},
            }
        )
    outcome = "passed (may ship)" if verdict.passed else "blocked"
    return {
        "summary": (
            f"{gate.judged_by}, judged on {gate.today.isoformat()} under "
            f"{gate.policy}: '{verdict.system}' {outcome}; {verdict.errors} errors, "
            f"{verdict.warnings} warnings, {verdict.waived} waived. A score of 0 marks a "
            f"rule with a blocking finding ({Severity.ERROR.name.lower()}, not waived)."
        ),
        "assessor": ASSESSOR,
        "map": mapped,
    }


def _affirmation(governance: Governance) -> dict[str, Any] | None:
    """The latest sign-off of each role, when the gate counts it and it is current (its
    documents unchanged since: `documents.signoffs.staleness`, as the site shows it)."""
    verdict = governance.verdict
    if verdict is None or not verdict.signoffs:
        return None
    doc = read_signoffs(governance.system)
    if doc.model is None:
        return None
    where = governance.workspace.relative(doc.path)
    current = signed_documents(governance.workspace, governance.system)
    latest = {s.role: index for index, s in enumerate(doc.model.signoffs)}
    signatories = []
    left_out: list[str] = []
    for decided in verdict.signoffs:
        signoff = doc.model.signoffs[decided.index]
        if latest.get(signoff.role) != decided.index:
            continue  # superseded by a later sign-off of the same role: history
        who = f"{signoff.role} ({signoff.name})"
        if not decided.counts:
            left_out.append(f"{who}: {decided.problem}")
            continue
        if staleness(signoff, current).stale:
            left_out.append(f"{who}: stale, the documents changed since it was given")
            continue
        how = f"SSH signature by {decided.signer}, verified" if decided.signed else "unsigned"
        note = f"; note: {signoff.note}" if signoff.note else ""
        signatories.append(
            {
                "name": signoff.name,
                "role": signoff.role,
                "organization": _organization(governance),
                "externalReference": {
                    "type": "digital-signature" if decided.signed else "electronic-signature",
                    "url": iri(f"{where}#signoffs.{decided.index}"),
                    "comment": f"Signed {signoff.date.isoformat()} ({how}){note}",
                },
            }
        )
    statement = (
        f"The sign-offs of '{governance.card.id}' recorded in {where}, each bound to the "
        "SHA-256 of the documents it approved. Listed: the latest of each role, when the "
        "gate counts it and the documents are unchanged since."
    )
    if left_out:
        statement += " Not listed: " + "; ".join(left_out) + "."
    return {"statement": statement, "signatories": signatories}


_STANDARDS: dict[tuple[str, int], tuple[object, dict[str, Any]]] = {}


def _shared_standard(
    kind: str, source: Any, make: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """`make(source)`, made once per `source` object and marked as shared text
    (`indented_json.shared`): every system's BOM holds the same standards."""
    key = (kind, id(source))
    found = _STANDARDS.get(key)
    if found is None or found[0] is not source:
        if len(_STANDARDS) >= 8:
            del _STANDARDS[next(iter(_STANDARDS))]
        found = _STANDARDS[key] = (source, indented_json.shared(make(source)))
    return found[1]


_DEFINITIONS: dict[tuple[int, ...], tuple[list[dict[str, Any]], dict[str, Any]]] = {}


def _shared_definitions(standards: list[dict[str, Any]]) -> dict[str, Any]:
    """`{"standards": standards}` of shared standards, itself one shared object per list
    of them (what the serial number's digest encodes once)."""
    key = tuple(id(standard) for standard in standards)
    found = _DEFINITIONS.get(key)
    if found is None or any(a is not b for a, b in zip(found[0], standards, strict=True)):
        if len(_DEFINITIONS) >= 8:
            del _DEFINITIONS[next(iter(_DEFINITIONS))]
        found = _DEFINITIONS[key] = (standards, indented_json.shared({"standards": standards}))
    return found[1]


def declarations(governance: Governance, *, target: str, shared: bool = False) -> dict[str, Any]:
    """The BOM's `definitions` and `declarations` for one system ({} when it has nothing
    to declare). With `shared`, the standards are the same objects in every BOM (for
    a BOM rendered at once and dropped, as an export is: their text is written once)."""
    catalog = load_catalog()
    given = governance.definitions
    if given is None:
        given = workspace_definitions(governance.workspace).definitions
    definitions = dict(given)
    claims, evidence = _claims(governance, definitions, target)
    framework = _framework_attestation(governance, catalog, definitions, claims)
    gate_record = _gate_attestation(governance)
    standards = []
    if framework is not None:
        standards.append(
            _shared_standard("nist", catalog, nist_standard) if shared else nist_standard(catalog)
        )
    if gate_record is not None and governance.gate is not None:
        gate = governance.gate
        standards.append(
            _shared_standard("gate", gate, gate_standard) if shared else gate_standard(gate)
        )
    attestations = [a for a in (framework, gate_record) if a]
    declared: dict[str, Any] = {}
    if claims or attestations:
        declared["assessors"] = [
            {"bom-ref": ASSESSOR, "thirdParty": False, "organization": _organization(governance)}
        ]
    if attestations:
        declared["attestations"] = attestations
    if claims:
        declared["claims"] = list(claims.values())
    if evidence:
        declared["evidence"] = [evidence[key] for key in sorted(evidence)]
    affirmation = _affirmation(governance)
    if affirmation is not None:
        declared["affirmation"] = affirmation
    out: dict[str, Any] = {}
    if standards:
        out["definitions"] = _shared_definitions(standards) if shared else {"standards": standards}
    if declared:
        out["declarations"] = declared
    return out
