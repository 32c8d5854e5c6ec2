"""The validation codes (``CG…`` documents, ``CL…`` checklists): one registry, like the
gate's rules.

Every problem `cardgate validate` (and the gate's GATE-DOC001) reports carries one of these
codes; `cardgate explain CG107` prints its entry, `cardgate rules --codes` lists them,
scripts/generate_rule_docs.py writes docs/codes.md from them, and a test asserts that every
code the source emits is registered here (and none is registered that nothing emits).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One validation code and its documentation."""

    code: str
    title: str
    explanation: str
    remediation: str

    @property
    def family(self) -> str:
        return "checklists" if self.code.startswith("CL") else "documents"


_ENTRIES: tuple[tuple[str, str, str, str], ...] = (
    (
        "CG001",
        "file cannot be read",
        "The file does not exist, is not a regular file, or cannot be opened.",
        "Check the path and the file's permissions.",
    ),
    (
        "CG002",
        "file too large",
        "The file is larger than the size limit for a governance "
        "document (documents are small; large files are usually data).",
        "Point cardgate at the YAML document; keep data in data files.",
    ),
    (
        "CG003",
        "binary file",
        "The file contains NUL bytes: it is not YAML text (or is UTF-16).",
        "Save the document as UTF-8 text.",
    ),
    (
        "CG004",
        "empty file",
        "The file holds no YAML document.",
        "Start from a template: cardgate new KIND ID.",
    ),
    (
        "CG005",
        "invalid YAML",
        "The YAML does not parse (indentation, quoting, a tab, an "
        "unsupported construct such as a merge key).",
        "Fix the YAML at the position given; the hint names the likely cause.",
    ),
    (
        "CG006",
        "several YAML documents",
        "The file holds more than one YAML document (a '---' separator).",
        "Keep one document per file.",
    ),
    (
        "CG007",
        "top level is not a mapping",
        "A cardgate document is a mapping that starts with kind: and schema_version:.",
        "Write the document as keys and values.",
    ),
    (
        "CG008",
        "duplicate key",
        "A key appears twice in one mapping (a merge key << too), or two mappings merged by "
        "one << set the same key; YAML would silently keep only one of the values, and YAML "
        "readers differ on which.",
        "Merge the two entries into one; write a merged key's value in the mapping itself.",
    ),
    (
        "CG009",
        "nesting too deep",
        "The document nests deeper than the loader's limit.",
        "Flatten the structure.",
    ),
    (
        "CG010",
        "document expands too much",
        "Aliases (*name) expand the document beyond the limit of values (an alias bomb).",
        "Write the values out; avoid aliases.",
    ),
    (
        "CG011",
        "unsupported YAML tag",
        "An explicit tag (!!python/object, !custom) is refused: documents are plain data.",
        "Remove the tag; write the value plainly or in quotes.",
    ),
    (
        "CG012",
        "key is not text",
        "A mapping key is a list, a mapping or another non-text value.",
        "Write the key as a word.",
    ),
    (
        "CG020",
        "no documents",
        "The workspace holds no model card or datasheet: validating nothing is not success.",
        "Create one with: cardgate new model-card ID.",
    ),
    (
        "CG100",
        "wrong kind or configuration",
        "The document's kind is missing, unknown or not "
        "the kind its file name holds; or a configuration value (policy, workspace) is "
        "unusable: in a policy, an unknown preset to extend, a rule the gate does not have, "
        "an option the rule does not take, or an option of the wrong type or value (the "
        "gate's own check: it refuses such a policy with exit 2).",
        "Set kind: to the document's kind; fix the setting named.",
    ),
    (
        "CG101",
        "unknown field",
        "A key the schema does not know (often a misspelling).",
        "Correct the name (the hint suggests one), or move your own fields under extensions:.",
    ),
    (
        "CG102",
        "value not among the choices",
        "An enumerated field has a value outside its choices.",
        "Use one of the values listed.",
    ),
    (
        "CG103",
        "required field missing",
        "A field the schema requires is absent.",
        "Add it; the template (cardgate new) shows what goes there.",
    ),
    (
        "CG104",
        "wrong type",
        "A value has the wrong type or form (a date that is not "
        "YYYY-MM-DD, text where a number is expected, a number out of range).",
        "Write the value in the form the message names.",
    ),
    (
        "CG105",
        "invalid value",
        "A value breaks a rule of its section (e.g. a threshold with "
        "neither min nor max, a group without its feature).",
        "Fix the section as the message says.",
    ),
    (
        "CG106",
        "unknown reference",
        "The document names a dataset, system or checklist that the workspace does not hold.",
        "Fix the id, or add the document it names.",
    ),
    (
        "CG107",
        "recommended section missing",
        "A recommended field is missing or still a "
        "placeholder. Drafts may leave it; the release gate demands it (GATE-MC002, "
        "GATE-DS001).",
        "Write the section before asking for release.",
    ),
    (
        "CG108",
        "id does not match folder",
        "A document's id differs from the name of its "
        "folder, so references by id would find the wrong document.",
        "Rename the folder or set id: to the folder's name.",
    ),
    (
        "CG109",
        "placeholder left",
        "A field still holds a template placeholder (TODO, TBD).",
        "Write the real content; the release gate rejects placeholders.",
    ),
    (
        "CG130",
        "pinned data version differs",
        "A sha256 pinned on a card or datasheet differs "
        "from the SHA-256 of the file cardgate check-data last checked.",
        "Pin the checked file's SHA-256, or check the pinned file.",
    ),
    (
        "CG131",
        "pinned prompt template differs",
        "A prompt template listed under genai.components.prompts is missing, or its bytes "
        "no longer have the SHA-256 the card pins: the system's prompt changed unreviewed.",
        "Review the change, then pin the new SHA-256 (the hint gives it).",
    ),
    (
        "CG132",
        "unknown NIST AI 600-1 risk",
        "A GenAI card's gai_risks names a risk id that the AI 600-1 catalog shipped with "
        "cardgate does not have, or names one risk twice.",
        "Use one of the 12 risk ids of checklists/frameworks/nist-ai-600-1.yaml, once.",
    ),
    (
        "CG140",
        "AI Act profile inconsistent",
        "A model card's ai_act: profile names an Annex III point that the EU AI Act catalog "
        "shipped with cardgate does not have (or an area without its lettered point), or "
        "says the system is high-risk while its risk_tier is minimal or limited.",
        "Name a point of Annex III as cited (e.g. 5(b)); align risk_tier with the profile.",
    ),
    (
        "CL001",
        "not a checklist definition",
        "A file in the workspace's checklists folder is not a checklist-definition.",
        "Keep definitions there; answers (kind: checklist) go in systems/<id>/.",
    ),
    (
        "CL002",
        "duplicate item id",
        "Two items of a checklist definition share an id.",
        "Give every item its own id.",
    ),
    (
        "CL003",
        "unknown subcategory",
        "An item maps to a framework subcategory the catalog does not have.",
        "Use an id of the catalog (the hint suggests one).",
    ),
    (
        "CL004",
        "unknown framework catalog",
        "A definition names a framework catalog cardgate does not ship.",
        "Use the catalog id shipped (nist-ai-rmf-1.0).",
    ),
    (
        "CL005",
        "unknown NIST AI 600-1 action",
        "An item names an action id that NIST AI 600-1 does not have.",
        "Use an action id such as GV-1.1-001.",
    ),
    (
        "CL006",
        "definition id taken by a shipped one",
        "A workspace definition reuses the id of a definition cardgate ships.",
        "Choose another id.",
    ),
    (
        "CL007",
        "definition id used twice",
        "Two workspace definitions share an id.",
        "Give each definition its own id.",
    ),
    (
        "CL100",
        "unknown checklist definition",
        "Answers name a checklist definition that neither cardgate nor the workspace defines.",
        "Use a known definition id.",
    ),
    (
        "CL101",
        "unknown item",
        "Answers name an item the definition does not have.",
        "Correct the item id (the hint suggests one).",
    ),
    (
        "CL103",
        "done without evidence",
        "An item answered done lists no evidence.",
        "Add workspace paths or https URLs that show the answer holds.",
    ),
    (
        "CL104",
        "evidence file missing",
        "An evidence path names a file that does not exist.",
        "Fix the path (relative to the workspace root) or add the file.",
    ),
    (
        "CL105",
        "evidence outside the workspace",
        "An evidence path leaves the workspace.",
        "Copy the evidence in, or link an https URL.",
    ),
    (
        "CL106",
        "not applicable without justification",
        "An item marked not-applicable says not why.",
        "Write the reason under justification:.",
    ),
    (
        "CL107",
        "evidence neither path nor URL",
        "An evidence entry is neither a workspace path nor an http(s) URL.",
        "Link a path relative to the workspace root or a URL.",
    ),
    (
        "CL108",
        "checklist answered twice",
        "Two answer documents of one system answer the same definition.",
        "Keep one checklist document per definition and system.",
    ),
    (
        "CL109",
        "cited sign-off not recorded",
        "Evidence cites a role's sign-off that signoffs.yaml does not record yet.",
        "Sign off, or cite other evidence.",
    ),
    (
        "CL110",
        "cited section empty",
        "Evidence cites a section of a document that is not filled in.",
        "Fill in the section, or cite another.",
    ),
)

CODES: dict[str, Code] = {entry[0]: Code(*entry) for entry in _ENTRIES}
"""Every validation code, in order."""


def find_code(code: str) -> Code | None:
    """The entry of a validation code (any case), or None."""
    return CODES.get(code.strip().upper())


def code_text(entry: Code) -> str:
    """What `cardgate explain CODE` prints for a validation code."""
    return (
        f"{entry.code}  {entry.title}\n\n"
        f"Validation code ({entry.family}): reported by cardgate validate, and by the release "
        "gate as GATE-DOC001 (or the rule named below).\n\n"
        f"Rationale:\n  {entry.explanation}\n\nRemediation:\n  {entry.remediation}\n"
    )
