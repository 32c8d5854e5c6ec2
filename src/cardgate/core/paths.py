"""Paths as users see them, and confinement of document-named paths to the workspace."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path


class PathEscapeError(ValueError):
    """A path named in a document leaves the workspace, or is absolute."""


def display_path(path: Path) -> str:
    """The path as printed in messages: relative to the current directory when under it."""
    text = os.path.abspath(path)
    here = os.getcwd()
    if text.startswith(here + os.sep):
        return text[len(here) + 1 :].replace(os.sep, "/")
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def resolve_inside(root: Path, relative: str, *, base: Path | None = None) -> Path:
    """Resolve `relative` (a POSIX path from a document) against `base` (default: `root`).

    Refuses absolute paths, drive letters and anything that resolves outside `root`,
    following symlinks, so that a document cannot make cardgate read or write elsewhere.
    """
    return Path(confined(root, relative, base=base))


def named_inside(root: Path, relative: str, *, base: Path | None = None) -> Path:
    """The path a document names for cardgate to write: confined like `resolve_inside`,
    but not resolved, so that the writer sees a link where there is one
    (`cardgate.core.files.write_file` refuses to write through it)."""
    confined(root, relative, base=base)
    start = base if base is not None else root
    return Path(os.path.normpath(os.path.join(start, relative.replace("\\", "/"))))


def confined(root: Path, relative: str, *, base: Path | None = None) -> str:
    """`resolve_inside` as a string: for loops over thousands of evidence paths."""
    if not relative or relative.strip() != relative:
        raise PathEscapeError(f"'{relative}' is not a usable path")
    posix = relative.replace("\\", "/")
    if posix.startswith("/") or (len(relative) > 1 and relative[1] == ":"):
        raise PathEscapeError(f"'{relative}' is absolute; use a path relative to the workspace")
    start = base if base is not None else root
    candidate = os.path.join(start, *(part for part in posix.split("/") if part not in ("", ".")))
    resolved_root = _real_folder(os.fspath(root))
    resolved = _realpath(candidate)
    if resolved != resolved_root and not resolved.startswith(resolved_root.rstrip(os.sep) + os.sep):
        raise PathEscapeError(f"'{relative}' leads outside the workspace")
    return resolved


def written_from(root: Path, relative: str, *, base: Path, instead: Path) -> str | None:
    """The path to write, read from `base`, for what `relative` names when read from the
    folder `instead` (a document's folder, or the workspace's), when that exists inside
    `root`: the fix for a path written from the wrong folder. None when it does not."""
    try:
        target = confined(root, relative, base=instead)
    except PathEscapeError:
        return None
    if not os.path.exists(target):
        return None
    return Path(os.path.relpath(target, _real_folder(os.fspath(base)))).as_posix()


def folders_holding(folder: Path, name: str) -> list[str]:
    """The names of the folders just below `folder` that hold a file called `name`."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    held = [e.name for e in entries if e.is_dir() and os.path.isfile(os.path.join(e.path, name))]
    return sorted(held)


def leads_outside(root: Path, path: Path) -> bool:
    """Whether `path`, named inside `root`, resolves through links to a place outside it."""
    resolved = _realpath(os.path.abspath(path))
    inside = _real_folder(os.fspath(root)).rstrip(os.sep)
    return resolved != inside and not resolved.startswith(inside + os.sep)


def _realpath(path: str) -> str:
    """os.path.realpath, with the folders' resolution cached (they repeat across documents)."""
    head, tail = os.path.split(path)
    if tail in ("", ".", ".."):
        return os.path.realpath(path)
    joined = os.path.join(_real_folder(head), tail)
    return os.path.realpath(joined) if os.path.islink(joined) else joined


@functools.lru_cache(maxsize=65536)
def _real_folder(path: str) -> str:
    # Cached for the run: symlinks in the workspace do not change while cardgate reads it.
    return os.path.realpath(path)


_GLOB = re.compile(r"([*?\[])")


def glob_literal(path: Path | str) -> str:
    """`path` as a DuckDB file pattern that matches that one file: DuckDB's readers take
    a pattern (``*``, ``?`` and ``[...]``), so ``w[1].parquet`` would read ``w1.parquet``
    and ``a*b.parquet`` every file it matches; each of those characters is written as a
    one-character class (``[[]``, ``[*]``, ``[?]``)."""
    return _GLOB.sub(r"[\1]", str(path))


_HADOOP_GLOB = re.compile(r"([\\*?\[\]{}])")


def hadoop_glob_literal(path: Path | str) -> str:
    """`path` as a Hadoop file pattern (what Spark's readers take) that matches that one
    file: ``\\``, ``*``, ``?``, ``[``, ``]``, ``{`` and ``}`` escaped with a backslash."""
    return _HADOOP_GLOB.sub(r"\\\1", str(path))
