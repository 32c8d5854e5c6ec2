"""Item 7 (and the UTF-16 part of 16) of issue #15: reads with limits.

Only regular files are read, each kind within a size limit set by whoever runs cardgate
(environment variables, not the workspace under review); a compressed data file is bounded
by its decompressed size; a JSON artifact is size-checked before it is parsed. A FIFO or a
link to /dev/zero never hangs a command or exhausts memory: each test runs cardgate in a
subprocess with a timeout and a memory cap.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from cardgate.core.inputs import loads_json

from .conftest import DATASET, SIGNED_SYSTEM, SYSTEM, invoke, one_line_error, run_cli

TIMEOUT = 60
# `gate --release` does real work on the worked example besides reading the FIFO: it
# computes both evaluations, both data checks and twelve monitoring windows again (about
# 35 s of CPU, DuckDB's address space included); a hang, or reading /dev/zero into memory,
# still fails, only later
RELEASE_TIMEOUT = 300
RELEASE_MEMORY = 4 << 30


def test_a_checklist_linked_to_dev_zero_is_not_read(workspace: Path) -> None:
    link = workspace / "systems" / SYSTEM / "checklist-zero.yaml"
    link.symlink_to("/dev/zero")
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert "checklist-zero.yaml" in done.stdout
    assert "outside the workspace" in done.stdout or "not a regular file" in done.stdout


def test_a_device_inside_the_workspace_is_not_read(workspace: Path) -> None:
    device = workspace / "systems" / SYSTEM / "checklist-zero.yaml"
    try:
        os.mknod(device, 0o20666, os.makedev(1, 5))  # /dev/zero's numbers
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (root)")
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert "checklist-zero.yaml:1:1: CG001" in done.stdout
    assert "is a device, not a regular file" in done.stdout


def test_a_folder_named_like_a_document_is_told_to_name_a_file(workspace: Path) -> None:
    folder = workspace / "systems" / SYSTEM / "checklist-folder.yaml"
    folder.mkdir()
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert "checklist-folder.yaml:1:1: CG001 file is a folder, not a regular file" in done.stdout
    assert "hint: name the file inside it" in done.stdout


@pytest.mark.parametrize(
    "name",
    [
        f"systems/{SYSTEM}/checklist-x.yaml",
        f"systems/{SYSTEM}/evaluation.json",
        f"systems/{SIGNED_SYSTEM}/signoffs.yaml",
        f"datasets/{DATASET}/data-check.json",
        "waivers.yaml",
    ],
)
def test_a_fifo_never_hangs_the_gate(workspace: Path, name: str) -> None:
    target = workspace / name
    target.unlink(missing_ok=True)
    os.mkfifo(target)
    done = run_cli(
        "gate", "-w", workspace, "--release", timeout=RELEASE_TIMEOUT, memory=RELEASE_MEMORY
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert "FIFO (named pipe), not a regular file" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("make", "cause"),
    [
        (os.mkfifo, "is a FIFO (named pipe), not a regular file"),
        (os.mkdir, "is a folder, not a regular file"),
        (lambda path: path.symlink_to("/dev/zero"), "is a device, not a regular file"),
    ],
)
def test_a_workspace_config_that_is_not_a_file_is_named_as_such(
    workspace: Path, make: Callable[[Path], object], cause: str
) -> None:
    # It said "is not a workspace: it has no cardgate.yaml" of a folder that has one.
    config = workspace / "cardgate.yaml"
    config.unlink()
    make(config)
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 2, done.stderr
    assert f"cardgate.yaml:1:1: CG001 file {cause}" in one_line_error(done.stderr)
    # found by walking up from a folder inside it, too: it walked past it to a parent's
    # workspace, or said there was none
    found = run_cli("validate", cwd=workspace / "systems", timeout=TIMEOUT)
    assert found.returncode == 2, found.stderr
    assert f"cardgate.yaml:1:1: CG001 file {cause}" in one_line_error(found.stderr)


def test_a_fifo_model_card_is_reported_not_skipped(workspace: Path) -> None:
    card = workspace / "systems" / SYSTEM / "model-card.yaml"
    card.unlink()
    os.mkfifo(card)
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert f"systems/{SYSTEM}/model-card.yaml:1:1: CG001" in done.stdout


def test_fifo_predictions_are_named_as_such(workspace: Path) -> None:
    predictions = workspace / "systems" / SYSTEM / "predictions.csv.gz"
    predictions.unlink()
    os.mkfifo(predictions)
    done = run_cli("evaluate", SYSTEM, "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1
    assert "not a regular file" in one_line_error(done.stderr)


def _bomb(path: Path, rows: int) -> None:
    """A .csv.gz of the dataset's header and `rows` identical rows (about 1000:1)."""
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        header, first = stream.readline(), stream.readline()
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as stream:
        stream.write(header)
        block = first * 10_000
        for _ in range(rows // 10_000):
            stream.write(block)


def test_a_gzip_bomb_does_not_reach_pandas(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    _bomb(data, 600_000)  # ~180 MB of text from ~200 kB
    monkeypatch.setenv("CARDGATE_MAX_IN_MEMORY_BYTES", "32M")
    done = run_cli("check-data", DATASET, "-w", workspace, "--engine", "pandas", timeout=120)
    assert done.returncode == 1, done.stderr
    line = one_line_error(done.stderr)
    assert "german-credit.csv.gz" in line and "decompresses to more than 33,554,432 bytes" in line
    assert "CARDGATE_MAX_IN_MEMORY_BYTES" in done.stderr or "--engine duckdb" in done.stderr


def test_auto_streams_a_file_that_decompresses_beyond_the_limit(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    _bomb(data, 600_000)
    monkeypatch.setenv("CARDGATE_MAX_IN_MEMORY_BYTES", "32M")
    done = run_cli("check-data", DATASET, "-w", workspace, "-f", "json", timeout=180)
    assert done.returncode in (0, 1), done.stderr
    assert '"rows": 600000' in done.stdout


def test_a_json_artifact_is_size_checked_before_parsing(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    artifact = workspace / "systems" / SYSTEM / "evaluation.json"
    text = artifact.read_text(encoding="utf-8")
    artifact.write_text(text[:-2] + ', "padding": "' + "x" * (2 << 20) + '"}\n', "utf-8")
    monkeypatch.setenv("CARDGATE_MAX_ARTIFACT_BYTES", "1M")
    done = run_cli(
        "gate", "-w", workspace, "--release", timeout=RELEASE_TIMEOUT, memory=RELEASE_MEMORY
    )
    assert done.returncode == 1
    assert "over the limit of 1,048,576 for a JSON artifact" in done.stdout


def test_the_document_limit_is_configurable(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDGATE_MAX_DOCUMENT_BYTES", "10K")
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 1
    assert f"systems/{SYSTEM}/model-card.yaml:1:1: CG002" in done.stdout
    assert "over the limit of 10,240" in done.stdout


def test_a_limit_that_is_not_a_size_is_a_configuration_error(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDGATE_MAX_DOCUMENT_BYTES", "lots")
    done = run_cli("validate", "-w", workspace, timeout=TIMEOUT)
    assert done.returncode == 2
    assert "CARDGATE_MAX_DOCUMENT_BYTES='lots' is not a size" in one_line_error(done.stderr)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_named(workspace: Path, encoding: str) -> None:
    card = workspace / "systems" / SYSTEM / "model-card.yaml"
    card.write_bytes(card.read_text(encoding="utf-8").encode(encoding))
    code, out, _ = invoke("validate", "-w", workspace)
    assert code == 1
    # the card's own message (a checklist citing the card may name it too)
    line = next(line for line in out.splitlines() if line.split(":", 1)[0].endswith("card.yaml"))
    assert "UTF-16" in line and "binary" not in line
    assert "save it as UTF-8" in out


DEEP_JSON = '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"


def test_json_nested_too_deeply_or_with_a_huge_integer_is_a_decode_error() -> None:
    """json raises RecursionError and a bare ValueError ("use sys.set_int_max_str_digits()")
    for these: every reader caught only ValueError or JSONDecodeError."""
    with pytest.raises(json.JSONDecodeError, match="nested too deeply"):
        loads_json(DEEP_JSON)
    with pytest.raises(json.JSONDecodeError, match="integer of more than 4300 digits") as huge:
        loads_json(b'{\n  "count": ' + b"7" * 5000 + b"\n}")
    assert (huge.value.lineno, huge.value.colno) == (2, 12)


@pytest.mark.parametrize(
    ("name", "commands"),
    [
        (f"datasets/{DATASET}/data-check.json", ("gate", "status", "validate")),
        (f"systems/{SYSTEM}/evaluation.json", ("gate", "status")),
        (f"systems/{SIGNED_SYSTEM}/monitoring.json", ("gate",)),
        ("systems/helpdesk-assistant/retrieval.json", ("gate",)),
    ],
)
def test_a_deeply_nested_artifact_is_unusable_not_an_internal_error(
    workspace: Path, name: str, commands: tuple[str, ...]
) -> None:
    (workspace / name).write_text(DEEP_JSON, encoding="utf-8")
    for command in commands:
        done = run_cli(command, "-w", workspace, timeout=TIMEOUT)
        assert "internal error" not in done.stdout + done.stderr, (command, done.stderr)
        assert "Traceback" not in done.stderr and "GATE-INT001" not in done.stdout
        if command == "validate":
            assert done.returncode in (0, 1)
        else:
            assert done.returncode == 1, (command, done.stderr)
            assert name in done.stdout, command
