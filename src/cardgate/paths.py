"""Paths as users see them, and confinement of document-named paths to the workspace."""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePosixPath


class PathEscapeError(ValueError):
    """A path named in a document leaves the workspace, or is absolute."""


def display_path(path: Path) -> str:
    """The path as printed in messages: relative to the current directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def resolve_inside(root: Path, relative: str, *, base: Path | None = None) -> Path:
    """Resolve `relative` (a POSIX path from a document) against `base` (default: `root`).

    Refuses absolute paths, drive letters and anything that resolves outside `root`,
    following symlinks, so that a document cannot make cardgate read or write elsewhere.
    """
    if not relative or relative.strip() != relative:
        raise PathEscapeError(f"'{relative}' is not a usable path")
    pure = PurePosixPath(relative.replace("\\", "/"))
    if pure.is_absolute() or (len(relative) > 1 and relative[1] == ":"):
        raise PathEscapeError(f"'{relative}' is absolute; use a path relative to the workspace")
    start = base if base is not None else root
    candidate = os.path.join(start, *pure.parts)
    resolved_root = _realpath(os.fspath(root))
    resolved = _realpath(candidate)
    if resolved != resolved_root and not resolved.startswith(resolved_root.rstrip(os.sep) + os.sep):
        raise PathEscapeError(f"'{relative}' leads outside the workspace")
    return Path(resolved)


@functools.lru_cache(maxsize=65536)
def _realpath(path: str) -> str:
    # Cached: evidence paths repeat across a portfolio; symlinks don't change mid-run.
    return os.path.realpath(path)
