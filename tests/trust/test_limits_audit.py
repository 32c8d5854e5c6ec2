"""GATE-MC005 on what a card's LL144 bias audit reads its impact ratios from, where the
policy holds them to a minimum (GATE-BA001; `cardgate.gate.audit_limits`; red team 44).

The attack: the policy sets ``min_impact_ratio: 0.35``; income-screening's ``Female ×
Black`` ratio is 0.283 (95% CI 0.242–0.329) and GATE-BA001 blocks it on main. A pull
request adds ``unknown_values: ["Black"]`` to the card's ``bias_audit:`` (those
individuals are "of unknown category" and leave every ratio), the roles sign again, and
``gate --release --changed-since main`` passed: nothing compared the audit's readings
with the ref's. So could ``race_column`` pointed at another column, the justification
for excluding small categories added, or the section removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.gate.test_bias_audit_limit import AUDIT, _predictions

from .conftest import SYSTEM, build_workspace, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"


def _policy(limit: str) -> str:
    return (
        "kind: policy\nschema_version: 1\nextends: baseline\ndefaults:\n  rules:\n"
        f"    GATE-BA001: {{options: {{{limit}}}}}\n"
    )


def _committed(tmp_path: Path, limit: str = "min_impact_ratio: 0.8") -> Path:
    """The women's impact ratio 0.40 (95% CI 0.29–0.54) under the policy's minimum:
    GATE-BA001 blocks the system on the ref."""
    edit_ = {
        CARD: [["evaluation:\n  predictions:", AUDIT + "evaluation:\n  predictions:"]],
        f"systems/{SYSTEM}/predictions.csv": _predictions(40),
        "policy.yaml": _policy(limit),
    }
    root = build_workspace(tmp_path / "ws", {"edit": edit_, "artifact": {}, "sign": []})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _limits(report: dict[str, Any]) -> list[str]:
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]


CHANGES = {
    "unknown_values": (
        ("  race_column: race\n", '  race_column: race\n  unknown_values: ["F"]\n'),
        "bias_audit.unknown_values: 'F' is read as an unknown category here, not on HEAD: "
        "the individuals in it leave every impact ratio (unknown_values widened)",
    ),
    "sex_column": (
        ("  sex_column: sex\n", "  sex_column: race\n"),
        "bias_audit.sex_column is 'sex' on HEAD, 'race' here: the ratios are taken over "
        "another column than they were reviewed on (sex_column changed)",
    ),
    "removed": (
        (AUDIT, ""),
        "bias_audit: the card on HEAD has a bias audit, this one none: GATE-BA001 computes no "
        "impact ratio to hold to the policy's minimum (bias_audit removed)",
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_an_audit_reading_its_ratios_otherwise_blocks(tmp_path: Path, change: str) -> None:
    root = _committed(tmp_path)
    assert "GATE-BA001" in codes(gate_json(root)[1])  # the ratio blocks on the ref
    replacement, expected = CHANGES[change]
    edit(root / CARD, replacement)
    code, report = gate_json(root)
    assert "GATE-BA001" not in codes(report), report["findings"]  # the ratio leaves the audit
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0
    assert _limits(report) == [expected]


def test_small_categories_excluded_since_the_ref_blocks(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    excluded = "  auditor: Model Risk\n  exclude_small_categories: Few.\n"
    edit(root / CARD, ("  auditor: Model Risk\n", excluded))
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1
    assert _limits(report) == [
        "bias_audit.exclude_small_categories is set here, not on HEAD: categories under 2% "
        "of the individuals leave the impact ratios (small categories excluded)"
    ]


def test_an_audit_reading_as_much_or_more_passes(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    edit(root / CARD, ("  data: test\n", "  data: historical\n"))  # not a reading
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []


def test_without_a_minimum_the_audit_is_no_limit(tmp_path: Path) -> None:
    root = _committed(tmp_path, "inconclusive: warn")
    edit(root / CARD, ("  race_column: race\n", '  race_column: race\n  unknown_values: ["F"]\n'))
    report = gate_json(root, "--changed-since", "HEAD")[1]
    assert _limits(report) == [], report["findings"]
