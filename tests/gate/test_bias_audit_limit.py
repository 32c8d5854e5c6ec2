"""GATE-BA001, the policy's minimum LL144 impact ratio, on hand-computed tables.

Each table: 200 men, 100 of them selected (rate 0.5, the highest), and 200 women, `k` of
them selected; one race/ethnicity category, so the race table has no ratio to judge and
the intersections repeat the sex table. The women's ratio is k/200 ÷ 100/200 = k/100;
its 95% interval (the log-ratio construction) and noise floor (pooled rate) are, for
k = 40: 0.293–0.542, floor 0.766 (the whole interval below 0.8 and the ratio below the
floor: beyond); for k = 75: 0.597–0.938, floor 0.801 (across 0.8: inconclusive; wholly
above 0.5: within).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.errors import ConfigurationError
from cardgate.gate.engine import run_gate
from cardgate.gate.result import Finding

from .conftest import SYSTEM, TODAY, build_workspace
from .test_gate_cli import PROBE

CODE = "GATE-BA001"
AUDIT = (
    "bias_audit:\n  method: selection\n  sex_column: sex\n  race_column: race\n"
    "  audit_date: 2026-11-30\n  distribution_date: 2026-11-30\n  data: test\n"
    "  data_source: Hand-made table.\n  auditor: Model Risk\n"
)
AUDIT_LINE = 74  # the card's bias_audit: key


def _predictions(women_selected: int, men_selected: int = 100) -> str:
    rows = ["label,prediction,sex,race"]
    for sex, selected in (("F", women_selected), ("M", men_selected)):
        rows += [f"1,{1 if i < selected else 0},{sex},A" for i in range(200)]
    return "\n".join(rows) + "\n"


def _policy(limit: float | None, *, extra: str = "") -> str:
    options = "" if limit is None else f"min_impact_ratio: {limit}"
    if extra:
        options = f"{options}, {extra}" if options else extra
    return (
        "kind: policy\nschema_version: 1\nextends: baseline\ndefaults:\n  rules:\n"
        f"    {CODE}: {{options: {{{options}}}}}\n"
    )


def _gate(
    tmp_path: Path, women: int, limit: float | None, *, extra: str = "", **case: object
) -> list[Finding]:
    edit = {
        f"systems/{SYSTEM}/model-card.yaml": [
            ["evaluation:\n  predictions:", AUDIT + "evaluation:\n  predictions:"]
        ],
        f"systems/{SYSTEM}/predictions.csv": _predictions(women),
        "policy.yaml": _policy(limit, extra=extra),
    }
    root = build_workspace(tmp_path / "ws", {"edit": edit, "artifact": {}, "sign": [], **case})
    result = run_gate(root, release=False, today=TODAY)
    assert not [f for f in result.findings if f.code == "GATE-INT001"]
    return [f for f in result.findings if f.code == CODE]


def _shown(findings: list[Finding]) -> list[tuple[int, str]]:
    return sorted((f.line, f.severity.label) for f in findings)


def test_a_ratio_conclusively_below_the_minimum_blocks(tmp_path: Path) -> None:
    found = _gate(tmp_path, 40, 0.8)
    # the sex table and the sex × race/ethnicity table (F × A against M × A)
    assert _shown(found) == [(AUDIT_LINE, "error"), (AUDIT_LINE, "error")]
    assert sorted(f.message for f in found) == [
        "LL144 impact_ratio for group 'F × A' of 'sex × race/ethnicity' 0.400 (95% CI "
        "0.293–0.542) is beyond min 0.8; noise floor 0.766",
        "LL144 impact_ratio for group 'F' of 'sex' 0.400 (95% CI 0.293–0.542) is beyond "
        "min 0.8; noise floor 0.766",
    ]


def test_an_interval_across_the_minimum_is_inconclusive_and_reported(tmp_path: Path) -> None:
    found = _gate(tmp_path, 75, 0.8)
    assert _shown(found) == [(AUDIT_LINE, "warning"), (AUDIT_LINE, "warning")]
    assert all(
        "0.750 (95% CI 0.597–0.938) straddles min 0.8: inconclusive" in f.message
        and "a warning: more data would decide it" in f.message
        for f in found
    )


def test_the_policy_may_block_an_inconclusive_ratio(tmp_path: Path) -> None:
    found = _gate(tmp_path, 75, 0.8, extra="inconclusive: block")
    assert _shown(found) == [(AUDIT_LINE, "error"), (AUDIT_LINE, "error")]
    assert "blocks until more data decide it" in found[0].message


def test_block_if_evident_blocks_an_estimate_below_the_minimum_and_its_floor(
    tmp_path: Path,
) -> None:
    # 0.75 is under 0.8 and under its noise floor 0.801: the evidence points to a breach
    found = _gate(tmp_path, 75, 0.8, extra="inconclusive: block-if-evident")
    assert _shown(found) == [(AUDIT_LINE, "error"), (AUDIT_LINE, "error")]


def test_a_ratio_wholly_above_the_minimum_passes(tmp_path: Path) -> None:
    assert _gate(tmp_path, 75, 0.5) == []


def test_without_a_minimum_the_rule_is_silent(tmp_path: Path) -> None:
    assert _gate(tmp_path, 40, None) == []


def test_a_category_nobody_was_selected_from_blocks(tmp_path: Path) -> None:
    # 0 of 200 against 100 of 200: the ratio 0 lies under 0.019/0.431 (never "0–1")
    found = _gate(tmp_path, 0, 0.8)
    assert _shown(found) == [(AUDIT_LINE, "error"), (AUDIT_LINE, "error")]
    assert "0.000 (95% CI 0.000–0.044) is beyond min 0.8" in found[0].message


def test_nobody_selected_anywhere_blocks_as_undefined(tmp_path: Path) -> None:
    found = _gate(tmp_path, 0, 0.8, edit_after={})
    assert found  # (the women's table above); now nobody at all:
    edit = {
        f"systems/{SYSTEM}/model-card.yaml": [
            ["evaluation:\n  predictions:", AUDIT + "evaluation:\n  predictions:"]
        ],
        f"systems/{SYSTEM}/predictions.csv": _predictions(0, 0),
        "policy.yaml": _policy(0.8),
    }
    root = build_workspace(tmp_path / "nobody", {"edit": edit, "artifact": {}, "sign": []})
    result = run_gate(root, release=False, today=TODAY)
    messages = [f.message for f in result.findings if f.code == CODE]
    # every table: sex, race/ethnicity, their intersections
    assert len(messages) == 3
    assert all("could not be computed: no category has anyone selected" in m for m in messages)


def test_a_minimum_without_an_evaluation_blocks(tmp_path: Path) -> None:
    found = _gate(tmp_path, 75, 0.5, evaluation=False)
    assert _shown(found) == [(AUDIT_LINE, "error")]
    assert "but the bias audit cannot be computed: evaluation artifact" in found[0].message
    assert found[0].hint == f"run: cardgate evaluate {SYSTEM}"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ('"0.8"', "Input should be a valid number"),
        ("true", "Input should be a valid number"),
        ("0", "Input should be greater than 0"),
        ("1.5", "Input should be less than or equal to 1"),
        (".nan", "Input should be a finite number"),
        ("[0.8]", "Input should be a valid number"),
        ('"\'; rm -rf / #<script>"', "Input should be a valid number"),
    ],
)
def test_a_wrong_minimum_is_a_configuration_error_at_its_position(
    tmp_path: Path, value: str, said: str
) -> None:
    root = build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})
    (root / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\ndefaults:\n  rules:\n"
        f"    {CODE}:\n      options:\n        min_impact_ratio: {value}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as raised:
        run_gate(root, release=False, today=TODAY)
    assert raised.value.message.startswith(
        f"{root / 'policy.yaml'}:8:9: CG100 rule {CODE} (bias-audit.impact-ratios-above-minimum) "
        f"option 'min_impact_ratio': {said}"
    )
    result = CliRunner().invoke(app, ["gate", "-w", str(root), "--today", TODAY.isoformat()])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "policy.yaml:8:9: CG100" in result.output


def test_an_unknown_option_names_the_rule_and_its_options(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})
    (root / "policy.yaml").write_text(_policy(None, extra="min_ratio: 0.8"), encoding="utf-8")
    with pytest.raises(ConfigurationError) as raised:
        run_gate(root, release=False, today=TODAY)
    assert "has no option 'min_ratio'" in raised.value.message
    assert "min_impact_ratio" in raised.value.hint


def test_choosing_a_policy_without_the_workspaces_minimum_is_a_loosening(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})
    (root / "policy.yaml").write_text(_policy(0.8), encoding="utf-8")
    (root / "lower.yaml").write_text(_policy(0.6, extra="inconclusive: pass"), encoding="utf-8")
    (root / "plain.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\n", encoding="utf-8"
    )
    for chosen, words in (
        (str(root / "plain.yaml"), "sets no minimum impact ratio (compared policy: 0.8)"),
        (str(root / "lower.yaml"), "lowers the minimum impact ratio to 0.6 (compared policy: 0.8)"),
    ):
        result = CliRunner().invoke(
            app, ["gate", "-w", str(root), "--today", TODAY.isoformat(), "--policy", chosen]
        )
        assert "GATE-POL001" in result.output and words in result.output, result.output
    # a preset goes under the workspace's policy: its minimum stays, nothing is loosened
    result = CliRunner().invoke(
        app, ["gate", "-w", str(root), "--today", TODAY.isoformat(), "--policy", "baseline"]
    )
    assert "GATE-POL001" not in result.output, result.output
    # the workspace's own minimum is no loosening (the baseline sets none)
    result = run_gate(root, release=False, today=TODAY)
    assert not [f for f in result.findings if f.code == "GATE-POL001"]


@pytest.mark.slow
def test_the_gate_stays_light(tmp_path: Path) -> None:
    """A minimum set: a system without a bias audit imports nothing heavy; one with an
    audit reads its predictions (pyarrow, numpy) but never pandas, fairlearn or mkdocs."""
    root = build_workspace(tmp_path / "ws", {"edit": {"policy.yaml": _policy(0.8)}})
    env = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}

    def heavy() -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, "gate", "-w", str(root)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        return next(line for line in done.stderr.splitlines() if line.startswith("HEAVY:"))

    assert heavy() == "HEAVY:"
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace(
            "evaluation:\n  predictions:",
            AUDIT.replace("race_column: race", "race_column: sex") + "evaluation:\n  predictions:",
        ),
        encoding="utf-8",
    )
    loaded = heavy().removeprefix("HEAVY:").split(",")
    assert not {"pandas", "fairlearn", "mkdocs"} & set(loaded), loaded
