"""Item 3 of issue #15: concurrent `cardgate sign` loses no sign-off."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from .conftest import SIGNED_SYSTEM, TODAY

SIGNERS = 10


def test_ten_parallel_signers_leave_ten_signoffs(workspace: Path) -> None:
    path = workspace / "systems" / SIGNED_SYSTEM / "signoffs.yaml"
    before = len(yaml.safe_load(path.read_text(encoding="utf-8"))["signoffs"])
    env = {**os.environ, "CARDGATE_TODAY": TODAY}
    signers = [
        subprocess.Popen(
            [
                sys.executable, "-m", "cardgate", "sign", SIGNED_SYSTEM,
                "--role", f"reviewer{index}", "--name", f"Reviewer {index}",
                "--workspace", str(workspace),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(SIGNERS)
    ]  # fmt: skip
    for signer in signers:
        _, err = signer.communicate(timeout=120)
        assert signer.returncode == 0, err
    signoffs = yaml.safe_load(path.read_text(encoding="utf-8"))["signoffs"]
    assert len(signoffs) == before + SIGNERS
    roles = {signoff["role"] for signoff in signoffs}
    assert {f"reviewer{index}" for index in range(SIGNERS)} <= roles
