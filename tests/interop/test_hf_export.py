"""The Hugging Face model and dataset cards of the worked example, read back by
`huggingface_hub` itself (offline, ``ignore_metadata_errors=False``: a malformed
``model-index`` is an error), and checked against the documents and artifacts they came
from."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from huggingface_hub import DatasetCard, ModelCard

import cardgate.api as cg
from cardgate.evidence.evaluation.artifact import read_artifact
from cardgate.interop.hf_common import md

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-11-30"


@pytest.fixture(scope="module")
def exported() -> dict[str, bytes]:
    return cg.export(REPO / "governance", "hf", today=TODAY)


def _card(exported: dict[str, bytes], system: str) -> ModelCard:
    return ModelCard(
        exported[f"systems/{system}/hf/README.md"].decode(), ignore_metadata_errors=False
    )


@pytest.mark.parametrize("system", ["credit-default", "income-screening"])
def test_model_cards_parse_and_carry_the_computed_results(
    exported: dict[str, bytes], system: str
) -> None:
    card = _card(exported, system)
    data = card.data
    assert data.license == "apache-2.0"
    assert data.pipeline_tag == "tabular-classification"
    artifact, _ = read_artifact(REPO / f"governance/systems/{system}/evaluation.json")
    results = {r.metric_type: r.metric_value for r in data.eval_results}
    overall = {k: e.value for k, e in artifact.overall.metrics.items() if e.value is not None}
    assert results == overall
    assert all(r.task_type == "tabular-classification" for r in data.eval_results)
    assert not any(r.verified for r in data.eval_results)
    # per-group slices, intervals and noise floors are in the body, which says why
    assert "has no place for per-group slices, confidence intervals or noise floors" in card.text
    for feature in artifact.features:
        for group in feature.groups:
            assert re.search(rf"\| {re.escape(md(group.group))}.* \| {group.count} \|", card.text)
        for disparity in feature.disparities:
            if disparity.noise_floor is not None:
                assert f"| {disparity.noise_floor:.3f} |" in card.text


def test_the_release_gates_verdict_is_in_the_card(exported: dict[str, bytes]) -> None:
    result = cg.gate(REPO / "governance", release=True, today=TODAY)
    for verdict in result.systems:
        text = _card(exported, verdict.system).text
        state = "passed" if verdict.passed else "blocked"
        assert "release mode, its computed artifacts read as committed" in text
        assert f"computes them again) on {TODAY}: **{state}**" in text
    blocked = _card(exported, "credit-default").text
    assert "demographic_parity_difference for &#x27;age_group&#x27;" not in blocked
    assert "| demographic\\_parity\\_difference for 'age\\_group' | beyond | block |" in blocked


def test_the_card_names_gate_release_only_for_a_verdict_it_reached(tmp_path: Path) -> None:
    """A hand-edited evaluation.json: read as committed, the export said "`cardgate gate
    --release`: blocked (4 blocking findings)" where gate --release finds 6 (the artifact
    differs from its recomputation). Only an export with --recompute names that command."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "governance", root)
    path = root / "systems" / "income-screening" / "evaluation.json"
    artifact = json.loads(path.read_text(encoding="utf-8"))
    artifact["overall"]["metrics"]["accuracy"]["value"] = 0.99
    path.write_text(json.dumps(artifact, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    name = "systems/income-screening/hf/README.md"
    as_committed = cg.export(root, "hf", ["income-screening"], today=TODAY)[name].decode()
    assert not re.search(r"cardgate gate --release`? on", as_committed)
    assert "its computed artifacts read as committed" in as_committed
    recomputed = cg.export(root, "hf", ["income-screening"], today=TODAY, recompute=True)
    verdict = cg.gate(root, release=True, today=TODAY).systems
    errors = next(v.errors for v in verdict if v.system == "income-screening")
    assert (
        f"Judged by cardgate gate --release on {TODAY}: **blocked** ({errors} blocking"
        in recomputed[name].decode()
    )


def test_dataset_cards_parse(exported: dict[str, bytes]) -> None:
    for dataset in ("adult", "german-credit"):
        text = exported[f"datasets/{dataset}/hf/README.md"].decode()
        card = DatasetCard(text, ignore_metadata_errors=False)
        assert card.data.license == "cc-by-4.0"
        check = json.loads((REPO / f"governance/datasets/{dataset}/data-check.json").read_text())
        assert check["data"]["sha256"] in card.text
        sheet = yaml.safe_load((REPO / f"governance/datasets/{dataset}/datasheet.yaml").read_text())
        assert card.data.pretty_name == sheet["name"]
        for column in sheet["contract"]["columns"]:
            assert (
                f"| {column['name'].replace('_', chr(92) + '_')} | {column['type']} |" in card.text
            )
    adult = DatasetCard(exported["datasets/adult/hf/README.md"].decode())
    assert adult.data.size_categories == ["10K<n<100K"]  # 48,842 rows


def test_huggingface_hub_rejects_a_malformed_model_index(exported: dict[str, bytes]) -> None:
    """The validator can fail: the same card with a result lacking its dataset is refused."""
    text = exported["systems/credit-default/hf/README.md"].decode()
    _, block, body = text.split("---\n", 2)
    metadata = yaml.safe_load(block)
    del metadata["model-index"][0]["results"][0]["dataset"]
    broken = f"---\n{yaml.safe_dump(metadata, sort_keys=False)}---\n{body}"
    with pytest.raises(ValueError, match="Invalid `model_index`"):
        ModelCard(broken, ignore_metadata_errors=False)
    ModelCard(broken, ignore_metadata_errors=True)  # what the check above guards against


def test_card_text_is_plain_text(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root)
    card = root / "systems/credit-default/model-card.yaml"
    card.write_text(
        card.read_text().replace(
            '  contact: "credit-analytics@example.org"',
            '  contact: "<script>alert(1)</script> [click](https://evil.example) ![x](y.png)"',
        )
    )
    text = cg.export(root, "hf", ["credit-default"], today=TODAY)[
        "systems/credit-default/hf/README.md"
    ].decode()
    assert "<script>" not in text and "](https://evil" not in text and "![x]" not in text
    assert "\\<script\\>" in text


def test_a_free_text_licence_exports_with_a_warning_at_its_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cardgate.cli import app

    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root)
    card = root / "systems/credit-default/model-card.yaml"
    text = card.read_text()
    start = text.index("  license:")
    end = text.index("\n  contact:")
    card.write_text(text[:start] + '  license: "Apache 2.0, roughly"' + text[end:])
    line = text[:start].count("\n") + 1
    result = CliRunner().invoke(
        app, ["export", "hf", "credit-default", "-w", str(root), "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    assert f"model-card.yaml:{line}:12: model_details.license is free text" in result.stderr
    exported = (root / "exports/systems/credit-default/hf/README.md").read_text()
    data = ModelCard(exported, ignore_metadata_errors=False).data
    assert data.license == "other" and data.license_name == "Apache 2.0, roughly"
