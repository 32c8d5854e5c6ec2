"""`cardgate export annex-iv SYSTEM` on the worked example's credit-default (Annex III,
point 5(b), provider), point by point: every point and lettered sub-point of Annex IV in
the shipped catalog is a heading quoting it verbatim, in the catalog's order, and each is
either documented with a pointer to its evidence or marked missing; a system that is not
high-risk is refused with a hint (exit 2); card text is escaped."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.core.text import markdown_text
from cardgate.frameworks.registry import load_framework
from tests.conftest import REPO

SYSTEM = "credit-default"
DOCUMENT = f"systems/{SYSTEM}/annex-iv/annex-iv.md"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    return root


def _export(ws: Path, *targets: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        [
            "export",
            "annex-iv",
            *targets,
            "-w",
            str(ws),
            "--out",
            str(ws / "out"),
            "--today",
            "2026-11-30",
        ],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) of every ## and ### section, in order."""
    parts = re.split(r"^(#{2,3} .*)$", text, flags=re.MULTILINE)
    return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]


def test_credit_default_point_by_point(ws: Path) -> None:
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    text = (ws / "out" / DOCUMENT).read_text(encoding="utf-8")
    catalog = load_framework("eu-ai-act")
    expected = [
        entry
        for entry in catalog.provisions.values()
        if entry.id.startswith("annex-iv-") and entry.level in ("point", "subpoint")
    ]
    assert len(expected) == 25  # points 1 to 9, 1(a)-(h), 2(a)-(h)
    sections = _sections(text)
    assert len(sections) == len(expected)
    for (heading, body), entry in zip(sections, expected, strict=True):
        first_line = entry.text.split("\n", 1)[0]
        assert heading.split(" ", 1)[1] == markdown_text(first_line), entry.id
        if entry.id in ("annex-iv-1", "annex-iv-2"):
            assert "see its sub-points" in body
            continue
        verdict = re.search(rf"\*\*{re.escape(entry.cite)}: ([a-z ]+)\.\*\*", body)
        assert verdict is not None, (entry.id, body)
        if verdict.group(1) == "missing":
            continue
        assert verdict.group(1) in ("documented", "partly documented")
        # a pointer to evidence in the workspace, or the justification of not-applicable
        assert "; evidence: " in body or "): not-applicable. " in body, (entry.id, body)
    verdicts = {
        entry.cite: verdict.group(1)
        for (_, body), entry in zip(sections, expected, strict=True)
        if (verdict := re.search(r": ([a-z ]+)\.\*\*", body)) is not None
    }
    # credit-default's eu-ai-act-provider answers (in validation, not placed on the market):
    # what the example holds is documented; what waits for the pilot is missing
    assert {cite for cite, shown in verdicts.items() if shown == "documented"} == {
        "Annex IV, point 1(a)",  # cardgate's automatic answer
        "Annex IV, point 1(f)",  # not-applicable: software only
        "Annex IV, point 2(a)",
        "Annex IV, point 2(d)",  # cardgate's automatic answer
        "Annex IV, point 4",  # cardgate's automatic answer
    }
    assert {cite for cite, shown in verdicts.items() if shown == "missing"} == {
        "Annex IV, point 1(d)",
        "Annex IV, point 1(e)",
        "Annex IV, point 1(g)",
        "Annex IV, point 2(h)",
        "Annex IV, point 7",
        "Annex IV, point 8",
        "Annex IV, point 9",
    }
    # no sign-off of credit-default yet: its test reports are not signed
    assert "**Annex IV, point 2(g): partly documented.**" in text
    assert "no test report is signed" in text
    # where the documents hold a point: the system's own files and its datasets' files,
    # never listed as not found when they exist
    body_2d = dict(zip((entry.cite for entry in expected), (b for _, b in sections), strict=True))
    assert (
        "hold it: datasets/german-credit/datasheet.yaml, datasets/german-credit/data-check.json"
        in markdown_unescaped(body_2d["Annex IV, point 2(d)"])
    )
    assert "hold it: systems/credit-default/evaluation.json, " in markdown_unescaped(
        body_2d["Annex IV, point 2(g)"]
    )
    assert "not found in the workspace: evaluation.json" not in markdown_unescaped(text)
    assert "not found in the workspace: datasets/" not in markdown_unescaped(text)
    # the count is of the points answered on their own (points 1 and 2 by their sub-points)
    assert "16 of 23 points and sub-points are documented or partly documented; 7 are" in text
    assert "high-risk: Annex III, point 5(b)" in text and "roles: provider" in text
    assert "does not replace, legal review" in text


def test_a_system_that_is_not_high_risk_is_refused(ws: Path) -> None:
    code, out = _export(ws, "income-screening")
    assert code == 2, out
    assert "the model card of 'income-screening' has no 'ai_act:' profile" in out
    assert "hint: record the system's AI Act profile" in out
    assert not (ws / "out").exists()


def test_card_text_is_escaped(ws: Path) -> None:
    card = ws / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    hostile = '"<script>alert(1)</script> [x](javascript:alert(1)) | # *"'
    text = text.replace('name: "Consumer-credit default risk (validation)"', f"name: {hostile}")
    card.write_text(text, encoding="utf-8")
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    document = (ws / "out" / DOCUMENT).read_text(encoding="utf-8")
    assert "<script>" not in document and "[x](javascript" not in document
    assert "\\<script\\>" in document
    assert "\\[x\\](javascript\\:alert(1))" in document  # shown as text, not a link


def markdown_unescaped(text: str) -> str:
    """The Markdown text without the backslashes that escape its punctuation."""
    return re.sub(r"\\(.)", r"\1", text)


def test_the_document_says_from_when_its_obligations_apply_under_the_policys_schedule(
    ws: Path,
) -> None:
    policy = ws / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    rule = "    GATE-FA003: {waivable: false}\n"
    assert rule in text
    for schedule, sentence in (
        (
            "regulation-2024",
            "the obligations of an Annex III high-risk system apply from 2026-08-02: on "
            "2026-11-30 they apply.",
        ),
        (
            "digital-omnibus-reported",
            "the obligations of an Annex III high-risk system apply from 2027-12-02: on "
            "2026-11-30 they do not apply yet.",
        ),
    ):
        policy.write_text(
            text.replace(
                rule, rule + f"    GATE-CK001: {{options: {{ai_act_schedule: {schedule}}}}}\n"
            ),
            encoding="utf-8",
        )
        code, out = _export(ws, SYSTEM)
        assert code == 0, out
        document = (ws / "out" / DOCUMENT).read_text(encoding="utf-8")
        assert (
            f"Under the AI Act schedule the organisation's policy chooses ('{schedule}'), "
            + sentence
        ) in document
    # the worked example's policy chooses none: the document names no date
    policy.write_text(text, encoding="utf-8")
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    assert "Under the AI Act schedule" not in (ws / "out" / DOCUMENT).read_text(encoding="utf-8")


def test_a_genai_system_cites_its_computed_results_with_their_digests(ws: Path) -> None:
    # helpdesk-assistant made a high-risk provider's system (a copy): where the checklist
    # places the evaluation (evaluation.json), its GenAI artifacts are cited, and each
    # computed result is listed with the SHA-256 of its file
    import hashlib

    card = ws / "systems/helpdesk-assistant/model-card.yaml"
    text = card.read_text(encoding="utf-8").replace("\nrisk_tier: limited\n", "\nrisk_tier: high\n")
    text += (
        "ai_act:\n  roles: [provider]\n  high_risk: true\n  annex_iii: 5(b)\n"
        "  reason: a test.\n  general_purpose_model: false\n"
    )
    card.write_text(text, encoding="utf-8")
    code, out = _export(ws, "helpdesk-assistant")
    assert code == 0, out
    document = markdown_unescaped(
        (ws / "out/systems/helpdesk-assistant/annex-iv/annex-iv.md").read_text(encoding="utf-8")
    )
    names = ("retrieval.json", "generation.json", "safety.json", "operations.json")
    for name in names:
        path = f"systems/helpdesk-assistant/{name}"
        digest = hashlib.sha256((ws / path).read_bytes()).hexdigest()
        assert f"- {path}: `{digest}`" in document, name
    cited = ", ".join(f"systems/helpdesk-assistant/{name}#provenance" for name in names)
    assert f"hold it: {cited}" in document
    assert "not found in the workspace: evaluation.json" not in document
    # a predictive model's evaluation artifact is listed the same way
    code, out = _export(ws, SYSTEM)
    assert code == 0, out
    evaluation = f"systems/{SYSTEM}/evaluation.json"
    digest = hashlib.sha256((ws / evaluation).read_bytes()).hexdigest()
    assert f"- {evaluation}: `{digest}`" in markdown_unescaped((ws / "out" / DOCUMENT).read_text())
