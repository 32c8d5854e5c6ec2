"""The CycloneDX, SPDX and Croissant exporters build JSON themselves: importing them (and
exporting) pulls in neither numpy nor pandas, nor any of the validators the tests use."""

from __future__ import annotations

import subprocess
import sys

from tests.interop.bom_support import GOVERNANCE

PROGRAM = """
import sys
from pathlib import Path
from cardgate.documents.workspace import load_workspace
from cardgate.interop import croissant, cyclonedx, spdx
workspace = load_workspace(Path(sys.argv[1]).resolve())
cyclonedx.render(cyclonedx.dataset_bom(workspace, "adult"))
spdx.render(spdx.dataset_document(workspace, "adult"))
croissant.render(croissant.dataset_jsonld(workspace, "adult"))
heavy = ("numpy", "pandas", "fairlearn", "mkdocs", "mlcroissant", "cyclonedx", "jsonschema")
print(" ".join(sorted(m for m in heavy if m in sys.modules)) or "none")
"""


def test_exporting_imports_nothing_heavy() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(GOVERNANCE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert run.stdout.strip() == "none"
