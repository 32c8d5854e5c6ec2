"""Sign-offs that cannot be forged: SSH signatures verified against allowed_signers and the
role mapping; a signer added in the same change does not count."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cardgate.core.git import git_blob
from cardgate.core.inputs import SizeLimit, UnreadableFile
from tests.gate.conftest import key

from .conftest import SYSTEM, TODAY, build_workspace, cli, codes, edit, gate_json, git


def test_an_unsigned_sign_off_does_not_count_for_a_high_risk_system(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    for role in ("owner", "legal", "risk"):
        code, out = cli(
            "sign", SYSTEM, "-w", str(root), "--role", role, "--name", "Someone",
            "--today", TODAY.isoformat(),
        )  # fmt: skip
        assert code == 0, out
    code, report = gate_json(root, "--release")
    assert code == 1
    assert codes(report).count("GATE-SO001") == 3


def test_an_unsigned_sign_off_cannot_make_a_stale_signed_one_current(tmp_path: Path) -> None:
    """The card changes after the signed sign-offs; an unsigned sign-off per role, which
    records the current digests but does not count on a high-risk tier, is appended:
    each role's latest sign-off that counts is still the stale signed one."""
    root = build_workspace(tmp_path / "ws")
    assert gate_json(root, "--release")[0] == 0
    edit(root / f"systems/{SYSTEM}/model-card.yaml", ("name: Loan approval\n", "name: Loan v2\n"))
    for role in ("owner", "legal", "risk"):
        code, out = cli(
            "sign", SYSTEM, "-w", str(root), "--role", role, "--name", "Mallory",
            "--today", TODAY.isoformat(),
        )  # fmt: skip
        assert code == 0, out
    code, report = gate_json(root, "--release")
    assert code == 1
    stale = [f for f in report["findings"] if f["code"] == "GATE-SO002"]  # type: ignore[union-attr]
    assert len(stale) == 3, report["findings"]
    assert all("Person is stale: model-card.yaml changed" in f["message"] for f in stale)


def test_a_signer_added_in_the_same_change_does_not_count(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner", "risk"]})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    mallory = tmp_path / "mallory"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(mallory)],
        check=True,
        capture_output=True,
    )
    kind, public = mallory.with_suffix(".pub").read_text().split()[:2]
    with (root / "allowed_signers").open("a") as stream:
        stream.write(f'mallory@example.org namespaces="cardgate" {kind} {public}\n')
    edit(root / "cardgate.yaml", ("legal: [legal@example.org]", "legal: [mallory@example.org]"))
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "legal", "--key", str(mallory),
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out
    assert gate_json(root, "--release")[0] == 0  # taken alone, the new mapping holds
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    found = [f for f in report["findings"] if f["code"] == "GATE-SO003"]  # type: ignore[union-attr]
    assert found and "was not an allowed legal signer on HEAD" in found[0]["message"]


def test_a_key_outside_allowed_signers_cannot_sign(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    stranger = tmp_path / "stranger"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)],
        check=True,
        capture_output=True,
    )
    code, out = cli("sign", SYSTEM, "-w", str(root), "--role", "legal", "--key", str(stranger))
    assert code == 1 and "is not in" in out
    code, out = cli("sign", SYSTEM, "-w", str(root), "--role", "legal", "--key", str(key("risk")))
    assert code == 1 and "may not sign as legal" in out


def test_a_file_that_is_not_a_key_is_named_with_a_hint(tmp_path: Path) -> None:
    """ssh-keygen says "Couldn't load public key …: No such file or directory" of any
    file it cannot read as a key (it tries the private key, then a public one for the
    agent): the sign command says what the file is, and how to make a key."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    noise = tmp_path / "binkey"
    noise.write_bytes(bytes(range(256)) * 12)
    code, out = cli("sign", SYSTEM, "-w", str(root), "--role", "owner", "--key", str(noise))
    assert code == 1, out
    assert "binkey: is not an SSH private key" in out
    assert "No such file or directory" not in out
    assert "hint:" in out and "ssh-keygen -t ed25519 -f" in out
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--key", str(tmp_path / "gone")
    )
    assert code == 1 and "gone: no such file" in out, out


def test_the_signers_name_is_echoed_without_terminal_codes(tmp_path: Path) -> None:
    """`sign --name` with an escape sequence (set the terminal's title, ...): the
    confirmation shows it escaped, as every other output does (`visible`)."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    code, out = cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", "A\x1b]0;x\x07",
        "--today", TODAY.isoformat(),
    )  # fmt: skip
    assert code == 0, out
    assert "\x1b" not in out and "\x07" not in out
    assert "(A\\x1b]0;x\\x07, " in out


def test_the_base_refs_allowed_signers_is_read_within_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--changed-since REF reads REF's allowed_signers within CARDGATE_MAX_SIGNERS_BYTES,
    as the working tree's is: over it, no signature counts (fail closed), and the
    finding says which file, on which ref, and which limit."""
    root = build_workspace(tmp_path / "ws")
    signers = root / "allowed_signers"
    small = signers.read_text(encoding="utf-8")
    signers.write_text(small + "# padding\n" * 400, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base with a large allowed_signers")
    signers.write_text(small, encoding="utf-8")
    monkeypatch.setenv("CARDGATE_MAX_SIGNERS_BYTES", str(len(small.encode()) + 100))
    assert gate_json(root, "--release")[0] == 0  # the working tree's is within the limit
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1, report
    found = [f for f in report["findings"] if f["code"] == "GATE-SO003"]  # type: ignore[union-attr]
    assert found, report["findings"]
    assert all(
        "cannot be verified against HEAD: allowed_signers on HEAD is " in f["message"]
        and "over the limit of" in f["message"]
        and "CARDGATE_MAX_SIGNERS_BYTES" in f["message"]
        for f in found
    ), found


def test_git_blob_reads_a_file_at_a_commit_within_a_limit(tmp_path: Path) -> None:
    root = tmp_path / "repo" / "ws"
    root.mkdir(parents=True)
    (root / "a.txt").write_text("hello\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "one")
    (root / "a.txt").write_text("changed since\n", encoding="utf-8")
    limit = SizeLimit("CARDGATE_TEST_LIMIT", 6, "a test file")
    assert git_blob(root, "HEAD", "a.txt", limit=limit) == b"hello\n"
    assert git_blob(root, "HEAD", "missing.txt", limit=limit) is None
    assert git_blob(root, "HEAD", ".", limit=limit) is None  # a folder is not a file
    assert git_blob(root, "no-such-ref", "a.txt", limit=limit) is None
    with pytest.raises(UnreadableFile, match="is 6 bytes, over the limit of 5 for a test file"):
        git_blob(root, "HEAD", "a.txt", limit=SizeLimit("CARDGATE_TEST_LIMIT", 5, "a test file"))
