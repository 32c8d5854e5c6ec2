"""A binary file where a CSV export belongs (a zip, an image, UTF-16 text without its
byte-order mark) is refused by every reader of data files, naming the file and where the
NUL byte is; nothing is written.

Before, `new datasheet --from` drafted a contract of one column named after the bytes and
0 rows, `profile` listed the bytes as the file's columns, and `evaluate` said the card's
column was missing from a file "that has: \\x00\\x01…": a NUL byte is valid UTF-8, so
every reader took the first line for a header row.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from .conftest import DATASET, SYSTEM, invoke, one_line_error

ZIP_START = b"PK\x03\x04\x14\x00\x00\x00\x08\x00binary\nmore\x00bytes\n"
UTF16_NO_MARK = "y_true,y_pred\n1,0\n".encode("utf-16-le")


def _refused(code: int, stderr: str, shown: str) -> None:
    assert code == 1, stderr
    line = one_line_error(stderr)
    assert f"{shown}:1:" in line and "holds a NUL byte: a binary file, not CSV text" in line
    assert "hint:" in stderr


@pytest.mark.parametrize("payload", [ZIP_START, UTF16_NO_MARK], ids=["zip", "utf16-no-bom"])
def test_a_draft_datasheet_is_not_made_from_a_binary_file(workspace: Path, payload: bytes) -> None:
    data = workspace / "upload.csv"
    data.write_bytes(payload)
    code, _, err = invoke("new", "datasheet", "uploaded", "--from", data, "-w", workspace)
    _refused(code, err, "upload.csv")
    assert not (workspace / "datasets" / "uploaded").exists()


def test_check_data_and_profile_refuse_a_binary_file(workspace: Path) -> None:
    data = workspace / "upload.csv"
    data.write_bytes(ZIP_START)
    out = workspace / "check.json"
    code, _, err = invoke("check-data", DATASET, "--data", data, "--out", out, "-w", workspace)
    _refused(code, err, "upload.csv")
    assert not out.exists()
    code, _, err = invoke("profile", DATASET, "--data", data, "-w", workspace)
    _refused(code, err, "upload.csv")


def test_evaluate_refuses_binary_predictions_and_keeps_the_artifact(workspace: Path) -> None:
    folder = workspace / "systems" / SYSTEM
    (folder / "predictions.csv.gz").write_bytes(gzip.compress(ZIP_START))
    before = (folder / "evaluation.json").read_bytes()
    code, _, err = invoke("evaluate", SYSTEM, "-w", workspace)
    _refused(code, err, "predictions.csv.gz")
    assert (folder / "evaluation.json").read_bytes() == before
