"""What one evidence entry of a checklist answer refers to.

One decision, shared by the checklist checks (`cardgate.frameworks.answers`: CL104, CL105,
CL107, CL109) and by what a sign-off covers (`cardgate.documents.signed_context`): if the
two read an entry differently, evidence the gate counts could escape the sign-offs.

An entry is, in this order:

- ``none``: a placeholder or empty (`is_missing`), no evidence at all;
- ``url``: an http(s) URL with a host, outside the workspace's history;
- ``scheme``: any other ``scheme:`` (``ftp:``, ``file:``, ``http:x``), neither a workspace
  path nor a URL (a drive letter, ``C:\\x``, is a path: refused as absolute);
- ``outside``: a path that is absolute or leads out of the workspace (through ``..`` or
  links), with the reason;
- ``path``: a path inside the workspace (resolved through its links; it may not exist),
  with the ``#section`` it names, if any.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from cardgate.core.paths import PathEscapeError, confined
from cardgate.documents.placeholders import is_missing

__all__ = ["EvidenceRef", "evidence_ref"]

_URL = re.compile(r"^https?://[^\s/]+", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


@dataclass(frozen=True)
class EvidenceRef:
    """An evidence entry, classified (see the module's docstring)."""

    kind: Literal["none", "url", "scheme", "outside", "path"]
    file: str = ""
    """The entry without its ``#section``."""
    target: str | None = None
    """The resolved path inside the workspace (``path`` only)."""
    section: str = ""
    """What follows the first ``#`` (``path`` only; empty when none), as written."""
    reason: str = ""
    """Why the path is refused (``outside`` only)."""


def evidence_ref(root: Path, entry: str) -> EvidenceRef:
    """Classify `entry`, an evidence entry of a checklist answer in the workspace `root`."""
    if is_missing(entry):
        return EvidenceRef("none")
    if _URL.match(entry):
        return EvidenceRef("url")
    if _SCHEME.match(entry) and not _DRIVE.match(entry):
        return EvidenceRef("scheme")
    file, _, section = entry.partition("#")
    try:
        target = confined(root, file)
    except PathEscapeError as error:
        return EvidenceRef("outside", file, reason=str(error))
    return EvidenceRef("path", file, target, section)
