"""`cardgate import FORMAT FILE --as NAME`: a new draft document from a file in another format.

The draft is written where `cardgate new` would write a document of its kind and id, and
only if nothing is there (never an overwrite, even of a file appearing meanwhile). What
the file held that has no field in cardgate's documents is listed and kept under
``extensions:``, so nothing is lost silently.
"""

from __future__ import annotations

from pathlib import Path

from cardgate.authoring.scaffold import document_target
from cardgate.core.errors import InputError, UsageError
from cardgate.core.files import write_file
from cardgate.core.inputs import DOCUMENT_BYTES, UnreadableFile, read_regular
from cardgate.core.paths import display_path
from cardgate.documents.workspace import Workspace
from cardgate.interop.format import Draft, Format


def import_document(
    workspace: Workspace, entry: Format, file: Path, name: str
) -> tuple[Path, Draft]:
    """Draft a document of id `name` from `file` in `entry`'s format and write it; returns
    where, and the draft (with what did not map)."""
    if entry.importer is None:  # the registry's import_format only returns importers
        raise UsageError(f"cannot import from '{entry.name}'")
    shown = display_path(file)
    try:
        raw = read_regular(file, limit=DOCUMENT_BYTES)
    except FileNotFoundError as error:
        raise InputError(
            f"{shown}: does not exist",
            hint="a relative path is read from the current folder, not from the workspace",
        ) from error
    except UnreadableFile as error:
        raise InputError(f"{shown}: {error.reason}", hint=error.hint) from error
    except IsADirectoryError as error:
        raise InputError(
            f"{shown}: is a folder, not a file",
            hint="name the card's file inside it (a Hugging Face card is its README.md)",
        ) from error
    draft = entry.importer(raw, shown, name)
    target = document_target(workspace, draft.kind, name)
    try:
        write_file(target, draft.text, within=workspace.root, exclusive=True)
    except FileExistsError as error:
        raise UsageError(
            f"{display_path(target)} already exists",
            hint="cardgate never overwrites a document; pick another name with --as",
        ) from error
    return target, draft
