"""Hole 7: `cardgate sign` refuses invalid documents and a failing gate unless the signer
acknowledges the findings by code."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, TODAY, build_workspace, cli, edit


def sign(root: Path, *extra: str) -> tuple[int, str]:
    return cli(
        "sign", SYSTEM, "-w", str(root), "--role", "owner", "--name", "Ada Owner",
        "--today", TODAY.isoformat(), *extra,
    )  # fmt: skip


def test_sign_refuses_an_invalid_card(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    edit(
        root / f"systems/{SYSTEM}/model-card.yaml", ("name: Loan approval\n", "name: L\nnmae: x\n")
    )
    code, out = sign(root)
    assert code == 1, out
    assert not (root / f"systems/{SYSTEM}/signoffs.yaml").exists()


def test_sign_refuses_a_failing_gate_unless_acknowledged(tmp_path: Path) -> None:
    root = build_workspace(
        tmp_path / "ws",
        {"sign": [], "artifact": {"value": 0.3, "ci": [0.2, 0.4]}},
    )
    code, out = sign(root)
    assert code == 1 and "GATE-FA003" in out
    # one refusal per line, each line escaped on its own (not one line with visible "\n"s)
    lines = out.splitlines()
    assert lines[0].endswith(f"refusing to sign {SYSTEM}:"), out
    assert any(line.startswith("  ") and "GATE-FA003" in line for line in lines[1:]), out
    assert "\\n" not in out
    assert not (root / f"systems/{SYSTEM}/signoffs.yaml").exists()
    code, out = sign(root, "--acknowledge", "GATE-FA003")
    assert code == 0, out
    text = (root / f"systems/{SYSTEM}/signoffs.yaml").read_text()
    assert "acknowledged" in text and "GATE-FA003" in text


def test_an_acknowledgement_that_is_no_rule_code_is_refused(tmp_path: Path) -> None:
    """An empty code or a typo was recorded in the signed sign-off (it acknowledged
    nothing, and read as if it had); a rule's name is answered with its code."""
    root = build_workspace(tmp_path / "ws", {"sign": []})
    for given, hint in (
        ("GATE-FA03", "e.g. GATE-FR001"),
        ("", "e.g. GATE-FR001"),
        ("documents.found", "its code is GATE-DOC002"),
    ):
        code, out = sign(root, "--acknowledge", given)
        assert code == 2, out
        assert f"--acknowledge: '{given}' is not a gate rule's code" in out, out
        assert hint in out and "Traceback" not in out
        assert not (root / f"systems/{SYSTEM}/signoffs.yaml").exists()
    code, out = sign(root, "--acknowledge", " gate-fa003 ")  # a code, as typed
    assert code == 0, out
    assert "- GATE-FA003" in (root / f"systems/{SYSTEM}/signoffs.yaml").read_text()
