"""Running git on a workspace: the one place cardgate calls it, for reading only.

A workspace need not be in git, and git need not be installed: every caller treats "no
answer" (None) as "not known" and says so in its own terms.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(root: Path, *args: str, timeout: float = 30) -> str | None:
    """The output of ``git -C ROOT ARGS``; None when git is missing, fails or times out."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


__all__ = ["git"]
