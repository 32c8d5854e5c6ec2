"""Running git on a workspace: the one place cardgate calls it, for reading only.

A workspace need not be in git, and git need not be installed: every caller treats "no
answer" (None) as "not known" and says so in its own terms. A file's content at a commit
is read with `git_blob`, within the size limit of its kind, as a file of the working tree
is (`cardgate.core.inputs`): history is no more trusted than the working tree.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from cardgate.core.inputs import SizeLimit, over_limit


def _run(
    root: Path, args: tuple[str, ...], timeout: float, *, stdin: bytes | None = None
) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
            input=stdin,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def git(root: Path, *args: str, timeout: float = 30) -> str | None:
    """The output of ``git -C ROOT ARGS`` as text (bytes that are not UTF-8 replaced);
    None when git is missing, fails or times out."""
    out = _run(root, args, timeout)
    return None if out is None else out.decode("utf-8", errors="replace")


def git_paths(root: Path, *args: str, timeout: float = 30) -> list[str] | None:
    """The paths ``git -C ROOT ARGS`` lists, for a command given ``-z``: NUL-separated,
    never quoted (git quotes names with non-ASCII bytes, quotes or spaces otherwise),
    decoded as the file system's names are; None when git is missing, fails or times out."""
    out = _run(root, args, timeout)
    if out is None:
        return None
    return [os.fsdecode(name) for name in out.split(b"\0") if name]


def git_blob(
    root: Path, revision: str, path: str, *, limit: SizeLimit, timeout: float = 30
) -> bytes | None:
    """The bytes of the file `path` (relative to ROOT) at `revision`; None when git is
    missing, fails or times out, or the file is not a file there.

    Raises `UnreadableFile` (``oversize``) when the file is larger than `limit`: its size
    is asked first and the object read by its id, which no later commit can change, so
    the check holds for the bytes read.
    """
    spec = f"{revision}:./{path}"
    if "\n" in spec:  # one object name per line of --batch-check
        return None
    found = _run(root, ("cat-file", "--batch-check"), timeout, stdin=spec.encode() + b"\n")
    fields = found.decode("utf-8", errors="replace").split() if found is not None else []
    if len(fields) != 3 or fields[1] != "blob" or not fields[2].isdigit():
        return None  # missing, a folder, or a submodule: not a file at `revision`
    size, most = int(fields[2]), limit.value()
    if size > most:
        raise over_limit(Path(path), size, limit, most)
    out = _run(root, ("cat-file", "blob", fields[0]), timeout)
    if out is None or len(out) != size:
        return None
    return out


__all__ = ["git", "git_blob", "git_paths"]
