"""A policy loosened in a change counts only once merged: with ``--changed-since REF``,
each setting demanding less than the policy on REF is a GATE-POL001 finding no waiver
accepts (`cardgate.gate.policy_base`).

The attack: the organisation's policy says fairness failures are never waived
(``GATE-FA003: {waivable: false}``, stricter than the baseline). A pull request deletes
that line — not a loosening of the baseline, so GATE-POL001 saw nothing — and adds a
waiver of the system's fairness breach "approved" by a name anyone can type:
``gate --changed-since main`` passed the system."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, codes, gate_json, git

STRICT = (
    "kind: policy\nschema_version: 1\nextends: baseline\n"
    "defaults:\n  rules:\n    GATE-FA003: {waivable: false}\n"
)
LOOSE = "kind: policy\nschema_version: 1\nextends: baseline\n"
WAIVERS = (
    "kind: waivers\nschema_version: 1\nwaivers:\n"
    "  - rule: {rule}\n    system: " + SYSTEM + "\n    justification: Under study.\n"
    "    approver: Risk Owner\n    expires: 2027-01-31\n"
)


def _committed(tmp_path: Path, policy: str = STRICT) -> Path:
    """The base workspace with a fairness breach (FA003 beyond), `policy` committed."""
    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
    (root / "policy.yaml").write_text(policy, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _loosened(report: dict[str, object]) -> list[dict[str, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [f for f in findings if f["code"] == "GATE-POL001"]


def test_a_never_waived_rule_made_waivable_in_the_change_blocks(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    (root / "policy.yaml").write_text(LOOSE, encoding="utf-8")
    (root / "waivers.yaml").write_text(WAIVERS.format(rule="GATE-FA003"), encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    assert "GATE-FA003" in codes(report, "waived")  # the waiver matches now...
    loosened = _loosened(report)  # ...but the change that allows it does not pass
    assert [f["severity"] for f in loosened] == ["error"], loosened
    assert loosened[0]["message"] == (
        f"the policy loosens the policy on HEAD (policy.yaml) for '{SYSTEM}': risk tier "
        "'high': rule GATE-FA003 (evaluation.thresholds-met) is waivable (policy on HEAD: "
        "never waived)"
    )
    assert "counts once merged" in str(loosened[0]["hint"])
    assert report["systems"][0]["passed"] is False  # type: ignore[index]


def test_no_waiver_accepts_a_loosening_of_the_base_policy(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    (root / "policy.yaml").write_text(LOOSE, encoding="utf-8")
    waivers = (
        WAIVERS.format(rule="GATE-FA003")
        + WAIVERS.format(rule="GATE-POL001").split("waivers:\n")[1]
    )
    (root / "waivers.yaml").write_text(waivers, encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    assert "GATE-POL001" in codes(report)
    assert "GATE-POL001" not in codes(report, "waived")


def test_a_loosening_counts_once_merged(tmp_path: Path) -> None:
    """On the ref, the looser policy is the organisation's: nothing to report against it
    (and a tightening in the change is no loosening)."""
    root = _committed(tmp_path, LOOSE)
    (root / "waivers.yaml").write_text(WAIVERS.format(rule="GATE-FA003"), encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 0, report
    assert "GATE-POL001" not in codes(report)
    (root / "policy.yaml").write_text(STRICT, encoding="utf-8")
    _, report = gate_json(root, "--changed-since", "HEAD")
    assert "GATE-POL001" not in codes(report)


def test_the_policy_is_found_where_the_refs_configuration_names_it(tmp_path: Path) -> None:
    """``policy:`` renamed in cardgate.yaml in the same change: the ref's own file is
    the floor, not the new name's absence there."""
    root = _committed(tmp_path)
    (root / "policy.yaml").rename(root / "rules.yaml")
    (root / "rules.yaml").write_text(LOOSE, encoding="utf-8")
    config = root / "cardgate.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "policy: rules.yaml\n")
    (root / "waivers.yaml").write_text(WAIVERS.format(rule="GATE-FA003"), encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    assert "GATE-POL001" in codes(report)


def test_a_policy_unreadable_on_the_ref_is_the_strict_preset(tmp_path: Path) -> None:
    """There the gate applied the strict preset (fail closed): the change is held to it."""
    root = _committed(tmp_path, "kind: policy\nschema_version: 1\nextends: [baseline\n")
    (root / "policy.yaml").write_text(LOOSE, encoding="utf-8")
    _, report = gate_json(root, "--changed-since", "HEAD")
    messages = [str(f["message"]) for f in _loosened(report)]
    assert messages and all("(unreadable there: the strict preset)" in m for m in messages)
