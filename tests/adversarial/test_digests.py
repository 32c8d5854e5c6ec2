"""Item 16 of issue #15 (digests): a one-character change of a digest is shown with enough
characters to see it (it used to read ``95d6…, now 95d6…``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest import SYSTEM, TODAY, invoke

SHOWN = re.compile(r"\(recorded (\S+), now (\S+)\)")


def test_a_late_difference_in_a_digest_is_visible(workspace: Path) -> None:
    artifact = workspace / "systems" / SYSTEM / "evaluation.json"
    data = json.loads(artifact.read_text(encoding="utf-8"))
    digest = data["provenance"]["predictions"]["sha256"]
    flipped = digest[:20] + ("0" if digest[20] != "0" else "1") + digest[21:]
    data["provenance"]["predictions"]["sha256"] = flipped
    artifact.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _, out, _ = invoke("gate", SYSTEM, "-w", workspace, "--today", TODAY)
    line = next(line for line in out.splitlines() if "predictions" in line and "stale" in line)
    match = SHOWN.search(line)
    assert match is not None, line
    recorded, now = match.groups()
    assert recorded != now
    assert recorded.rstrip("…").startswith(flipped[:21]) and now.rstrip("…").startswith(digest[:21])
