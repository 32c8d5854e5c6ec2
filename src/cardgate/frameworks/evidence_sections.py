"""Evidence that points at a section of a document: ``model-card.yaml#owners``.

The part after ``#`` names what in the file shows the answer holds, and is checked:

* in a YAML document, a dotted data path (``monitoring.rollback``, ``risks.0.mitigation``)
  that must exist and hold content (not empty, not a placeholder);
* in a system's ``signoffs.yaml``, a role (``signoffs.yaml#legal``) that must have signed
  off; citing the sign-off record does not make a sign-off stale, since sign-offs cover
  the documents' content, never the record itself; a sign-off not recorded yet is a
  warning, so the checklist can cite it before the reviewer signs;
* in a Markdown file, a heading, by its text or its anchor (``review-record.md#legal-review``).

Other files are only checked to exist (a PDF page anchor cannot be read without the PDF).
"""

from __future__ import annotations

import re
from pathlib import Path

from cardgate.core.headings import heading_text
from cardgate.core.inputs import DOCUMENT_BYTES, read_regular
from cardgate.core.problems import Severity
from cardgate.documents.load_limits import DocumentLoadError
from cardgate.documents.loading import load_document
from cardgate.documents.placeholders import is_missing
from cardgate.documents.workspace import SIGNOFFS_FILE

Verdict = tuple[str, str, str, Severity]
"""(code, message, hint, severity) of a problem with one evidence entry."""

_HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.*)$")


def section_verdict(target: Path, entry: str, section: str) -> Verdict | None:
    """(code, message, hint, severity) of what is wrong with `section` of `target`, or None.

    `target` exists, except for a ``signoffs.yaml`` not written yet.
    """
    name = target.name.lower()
    if name == SIGNOFFS_FILE:
        return _signoff(target, entry, section)
    if name.endswith((".yaml", ".yml")):
        return _yaml(target, entry, section)
    if name.endswith((".md", ".markdown")):
        return _markdown(target, entry, section)
    return None


def _signoff(target: Path, entry: str, role: str) -> Verdict | None:
    system = target.parent.name
    # the tier's signing policy is the gate's (GATE-SO001 words its hint by it): both ways
    hint = (
        f"cardgate sign {system} --role {role} --key PATH (the signer's SSH key), or "
        '--name "NAME" where the policy counts unsigned sign-offs'
    )
    roles: set[str] = set()
    if target.is_file():
        try:
            data = load_document(target).data
        except DocumentLoadError:
            return None  # validate reports the unreadable sign-off file itself
        signoffs = data.get("signoffs")
        if isinstance(signoffs, list):
            roles = {str(s.get("role")) for s in signoffs if isinstance(s, dict)}
    if role in roles:
        return None
    return (
        "CL109",
        f"evidence '{entry}': no {role} sign-off is recorded yet",
        hint,
        Severity.WARNING,
    )


def _yaml(target: Path, entry: str, section: str) -> Verdict | None:
    try:
        value: object = load_document(target).data
    except DocumentLoadError:
        return (
            "CL109",
            f"evidence '{entry}': the document does not load, so '{section}' cannot be found",
            "fix the document (cardgate validate lists its problems)",
            Severity.ERROR,
        )
    for part in section.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            keys = ", ".join(str(key) for key in value) if isinstance(value, dict) else ""
            return (
                "CL109",
                f"evidence '{entry}': the document has no section '{section}'",
                f"sections there: {keys}" if keys else "name a section as a dotted path",
                Severity.ERROR,
            )
    if is_missing(value):
        return (
            "CL110",
            f"evidence '{entry}': section '{section}' is not filled in",
            "fill in the section, or cite another",
            Severity.ERROR,
        )
    return None


def _markdown(target: Path, entry: str, section: str) -> Verdict | None:
    try:  # evidence is named by a checklist: a regular file, within the document limit
        text = read_regular(target, limit=DOCUMENT_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return None
    wanted = section.strip().lower()
    for line in text.splitlines():
        match = _HEADING.match(line)
        if match is None:
            continue
        title = heading_text(match.group(1))  # linear time: the file is anyone's
        if wanted in (title.strip().lower(), anchor(title)):
            return None
    return (
        "CL109",
        f"evidence '{entry}': the document has no heading '{section}'",
        "name a heading by its text or its anchor (lower case, words joined by '-')",
        Severity.ERROR,
    )


def anchor(heading: str) -> str:
    """A heading's anchor as Markdown renderers write it: lower case, words joined by '-'."""
    text = re.sub(r"[^\w\s-]", "", heading.strip().lower())
    return re.sub(r"[\s]+", "-", text).strip("-")
