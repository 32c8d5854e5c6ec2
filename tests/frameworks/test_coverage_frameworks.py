"""`cardgate coverage --framework`: the worked example, through the CLI.

The NIST AI RMF numbers are pinned: making frameworks data (and shipping the EU AI Act
checklists beside the NIST ones) must not change what existing workspaces report."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cardgate.cli import app

GOVERNANCE = Path(__file__).resolve().parents[2] / "governance"

NIST_PINNED = {
    "credit-default": (
        {"addressed": 17, "partial": 31, "missing": 24, "total": 72},
        {"GOVERN": (7, 7, 5), "MAP": (6, 10, 2), "MEASURE": (3, 7, 12), "MANAGE": (1, 7, 5)},
    ),
    "income-screening": (
        {"addressed": 45, "partial": 20, "missing": 7, "total": 72},
        {"GOVERN": (14, 4, 1), "MAP": (10, 6, 2), "MEASURE": (13, 6, 3), "MANAGE": (8, 4, 1)},
    ),
}


def _coverage(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["coverage", *args, "--workspace", str(GOVERNANCE)])
    return result.exit_code, result.stdout, result.stderr


def _json(*args: str) -> dict[str, object]:
    code, out, err = _coverage("--format", "json", *args)
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def test_the_worked_example_nist_coverage_numbers_are_unchanged() -> None:
    for framework in ((), ("--framework", "nist"), ("--framework", "nist-ai-rmf-1.0")):
        data = _json(*framework)
        assert data["framework"]["id"] == "nist-ai-rmf-1.0"  # type: ignore[index]
        systems = {s["system"]: s for s in data["systems"]}  # type: ignore[attr-defined]
        for system, (overall, functions) in NIST_PINNED.items():
            got = systems[system]
            assert {k: got["overall"][k] for k in overall} == overall
            assert {
                f["id"]: (f["addressed"], f["partial"], f["missing"]) for f in got["functions"]
            } == functions
            assert got["checklists"] == ["nist-ai-rmf-core"]


def test_eu_ai_act_coverage_of_the_worked_example() -> None:
    code, out, err = _coverage("--framework", "eu-ai-act")
    assert code == 0, err
    assert out.startswith("EU AI Act (Regulation (EU) 2024/1689) coverage (156 provisions)\n")
    data = _json("--framework", "eu-ai-act")
    framework = data["framework"]
    assert framework["id"] == "eu-ai-act-2024-1689"  # type: ignore[index]
    assert framework["levels"] == [  # type: ignore[index]
        "article or annex",
        "paragraph or point",
        "provision",
    ]
    for system in data["systems"]:  # type: ignore[attr-defined]
        assert system["overall"]["total"] == 156
        assert [f["id"] for f in system["functions"]][-1] == "annex-iv"


def test_an_unknown_framework_is_one_message_and_exit_2() -> None:
    code, out, err = _coverage("--framework", "eu-ai-akt")
    assert code == 2
    assert "unknown framework 'eu-ai-akt'" in err and "did you mean 'eu-ai-act'" in err
    assert "Traceback" not in out + err
