"""The model card's EU AI Act profile (`ai_act:`): its schema errors and the CG140
cross-checks are one message at file:line:col each, exit 1, no traceback; the worked
example's credit-default card carries the profile (Annex III, point 5(b), provider)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.workspace import load_workspace
from cardgate.frameworks.ai_act_profile import annex_iii_id, annex_iii_points
from cardgate.frameworks.registry import load_framework
from tests.conftest import REPO
from tests.gate.conftest import SYSTEM, build_workspace

CARD = f"systems/{SYSTEM}/model-card.yaml"

PROFILE = """ai_act:
  roles: [provider]
  high_risk: true
  annex_iii: 5(b)
  reason: Evaluates the creditworthiness of natural persons.
  general_purpose_model: false
"""


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "ws", {"evaluation": False, "sign": []})


def _with_profile(ws: Path, profile: str = PROFILE, *, tier: str = "high") -> str:
    """Append `profile` to the card, set its tier; the card's text."""
    card = ws / CARD
    text = card.read_text(encoding="utf-8").replace("risk_tier: high", f"risk_tier: {tier}", 1)
    text += profile
    card.write_text(text, encoding="utf-8")
    return text


def _at(text: str, needle: str) -> str:
    """'line:col' of the first occurrence of `needle` in `text`, 1-based."""
    before = text[: text.index(needle)]
    return f"{before.count(chr(10)) + 1}:{len(before) - before.rfind(chr(10))}"


def _validate(ws: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", "--workspace", str(ws)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_a_consistent_profile_validates(ws: Path) -> None:
    _with_profile(ws)
    code, out = _validate(ws)
    assert code == 0, out
    assert "CG140" not in out and "ai_act" not in out, out
    card = load_workspace(ws).systems[SYSTEM].model_card
    assert card is not None and card.ai_act is not None
    assert card.ai_act.roles == ["provider"] and card.ai_act.annex_iii == "5(b)"


def test_an_unknown_annex_iii_point_is_reported_where_it_is_written(ws: Path) -> None:
    text = _with_profile(ws, PROFILE.replace("5(b)", "5(f)"))
    code, out = _validate(ws)
    assert code == 1, out
    assert f"{CARD}:{_at(text, '5(f)')}: CG140 Annex III has no point '5(f)'" in out, out
    assert "5(a), 5(b), 5(c), 5(d)" in out  # the hint lists the points
    assert "Traceback" not in out


def test_an_area_without_its_letter_asks_for_the_point(ws: Path) -> None:
    text = _with_profile(ws, PROFILE.replace("annex_iii: 5(b)", "annex_iii: 5"))
    code, out = _validate(ws)
    assert code == 1
    position = _at(text, "annex_iii: 5").split(":")
    column = int(position[1]) + len("annex_iii: ")
    assert f"{CARD}:{position[0]}:{column}: CG140 Annex III has no point '5' without" in out
    assert "name the lettered point: 5(a), 5(b), 5(c), 5(d)" in out


def test_an_area_without_lettered_points_is_a_point(ws: Path) -> None:
    _with_profile(ws, PROFILE.replace("5(b)", "2"))
    _, out = _validate(ws)
    assert "CG140" not in out, out


@pytest.mark.parametrize("tier", ["minimal", "limited"])
def test_a_high_risk_profile_below_the_high_tier_is_a_problem(ws: Path, tier: str) -> None:
    text = _with_profile(ws, tier=tier)
    code, out = _validate(ws)
    assert code == 1
    expected = (
        f"{CARD}:{_at(text, tier)}: CG140 risk tier '{tier}' for a system the AI Act "
        "profile says is high-risk (Annex III, point 5(b))"
    )
    assert expected in out, out


def test_the_derogation_makes_a_low_tier_consistent(ws: Path) -> None:
    derogation = PROFILE.replace("high_risk: true", "high_risk: false") + (
        "  derogation:\n    condition: a\n    justification: A narrow procedural task.\n"
    )
    _with_profile(ws, derogation, tier="limited")
    _, out = _validate(ws)
    assert "CG140" not in out and "CG105" not in out, out


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("  annex_iii: 5(b)\n", ""),
            "a high-risk system says why: its Annex III point ('annex_iii') or its Annex I",
        ),
        (
            ("high_risk: true", "high_risk: false"),
            "an Annex III system that is not high-risk relies on the Article 6(3) derogation",
        ),
        (("roles: [provider]", "roles: [provider, provider]"), "a role is listed twice"),
    ],
)
def test_an_inconsistent_profile_is_one_positioned_problem(
    ws: Path, edit: tuple[str, str], message: str
) -> None:
    text = _with_profile(ws, PROFILE.replace(*edit))
    code, out = _validate(ws)
    assert code == 1
    # at the section's value: its first key
    assert f"{CARD}:{_at(text, 'roles:')}: CG105 'ai_act': " in out, out
    assert message in out, out
    assert "Traceback" not in out


def test_schema_errors_point_at_the_field(ws: Path) -> None:
    text = _with_profile(ws, PROFILE.replace("roles: [provider]", "roles: [manufacturer]"))
    code, out = _validate(ws)
    assert code == 1
    assert f"{CARD}:{_at(text, 'manufacturer')}: CG102 " in out, out
    text = (ws / CARD).read_text(encoding="utf-8").replace("[manufacturer]", "[provider]")
    (ws / CARD).write_text(text.replace("annex_iii: 5(b)", "annex_iii: five-b"), "utf-8")
    code, out = _validate(ws)
    assert code == 1
    assert f"{CARD}:{_at(text.replace('5(b)', 'five-b'), 'five-b')}: CG104 " in out, out


def test_every_annex_iii_point_of_the_catalog_is_named_by_its_citation() -> None:
    catalog = load_framework("eu-ai-act")
    points = annex_iii_points(catalog)
    assert points[:4] == ["1(a)", "1(b)", "1(c)", "2"]
    assert "5(b)" in points and "8(b)" in points
    for point in points:
        entry = catalog.provisions[annex_iii_id(point)]
        assert entry.cite == f"Annex III, point {point}"


def test_the_worked_example_credit_default_card_carries_the_profile() -> None:
    card = load_workspace(REPO / "governance").systems["credit-default"].model_card
    assert card is not None and card.ai_act is not None
    assert card.ai_act.roles == ["provider"]
    assert card.ai_act.high_risk and card.ai_act.annex_iii == "5(b)"
    assert card.risk_tier == "high"


def test_validate_and_gate_stay_light_with_a_profile() -> None:
    """The AI Act catalog is data: checking a profile imports no heavy library."""
    import subprocess
    import sys

    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom cardgate.cli import app\n"
        f"ws = {str(REPO / 'governance')!r}\n"
        "for args in (['validate', '-w', ws], ['gate', '-w', ws, '--today', '2026-11-30',"
        " '--policy', 'eu-ai-act-high-risk']):\n"
        "    result = CliRunner().invoke(app, args)\n"
        "    assert result.exit_code in (0, 1), result.output\n"
        "print(sorted(m for m in ('pandas', 'fairlearn', 'mkdocs', 'numpy', 'pyarrow',"
        " 'cardgate.interop') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
