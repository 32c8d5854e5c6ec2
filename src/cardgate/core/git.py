"""Running git on a workspace: the one place cardgate calls it, for reading only.

A workspace need not be in git, and git need not be installed: every caller treats "no
answer" (None) as "not known" and says so in its own terms.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def _run(root: Path, args: tuple[str, ...], timeout: float) -> bytes | None:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            timeout=timeout,
            check=False,
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


__all__ = ["git", "git_paths"]
