"""Item 17 of issue #15: the release gate verifies what it certifies.

A data file deleted after `check-data` blocks `gate --release` exactly like a deleted
predictions file: each is an input of a committed artifact, and the finding names it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SIGNED_SYSTEM, TODAY, invoke

INPUTS = {
    "data file": "datasets/adult/adult.csv.gz",
    "predictions": f"systems/{SIGNED_SYSTEM}/predictions.csv.gz",
}


def _release(workspace: Path) -> tuple[int, str]:
    code, out, err = invoke("gate", SIGNED_SYSTEM, "-w", workspace, "--release", "--today", TODAY)
    assert "Traceback" not in err
    return code, out


def test_the_signed_system_passes_with_its_inputs(workspace: Path) -> None:
    code, out = _release(workspace)
    assert code == 0, out


@pytest.mark.parametrize("name", INPUTS.values(), ids=INPUTS.keys())
def test_a_deleted_input_blocks_the_release(workspace: Path, name: str) -> None:
    (workspace / name).unlink()
    code, out = _release(workspace)
    assert code == 1, out
    blocking = [line for line in out.splitlines() if " error " in line and name in line]
    assert blocking, out
