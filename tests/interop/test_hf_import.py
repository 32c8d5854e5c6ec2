"""`cardgate import hf`: a card written with the Hub's own template (huggingface_hub's
``ModelCard.from_template``, offline) drafted into a model card; what has no field is
kept under ``extensions.hf`` and listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from huggingface_hub import EvalResult, ModelCard, ModelCardData
from typer.testing import CliRunner

from cardgate.cli import app

REPO = Path(__file__).resolve().parents[2]


def _hub_card() -> str:
    data = ModelCardData(
        language="en",
        license="mit",
        base_model="acme/base-encoder",
        datasets=["acme/support-tickets"],
        pipeline_tag="text-classification",
        tags=["support", "triage"],
        model_name="Ticket router",
        eval_results=[
            EvalResult(
                task_type="text-classification",
                dataset_type="acme/support-tickets",
                dataset_name="Support tickets",
                dataset_split="test",
                metric_type="accuracy",
                metric_value=0.91,
                source_name="ACME evaluation report",
                source_url="https://example.org/report",
            )
        ],
    )
    card = ModelCard.from_template(
        data,
        model_id="Ticket router",
        model_summary="Routes support tickets.",
        model_description="Routes incoming support tickets to the right team.",
        developers="ACME ML team",
        model_type="Fine-tuned encoder",
        direct_use="Suggest a team for each new ticket.",
        out_of_scope_use="Deciding refunds.",
        bias_risks_limitations="English tickets only.",
        bias_recommendations="A person confirms every routing.",
        training_regime="fp32",
        testing_metrics="Accuracy on the held-out month.",
        results_summary="Accurate on common ticket kinds.",
        hardware_type="1 GPU",
        model_card_contact="ml@example.org",
    )
    return str(card)


def test_a_card_of_the_hubs_template_drafts_a_model_card(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    readme = tmp_path / "README.md"
    readme.write_text(_hub_card())
    runner = CliRunner()
    result = runner.invoke(
        app, ["import", "hf", str(readme), "--as", "ticket-router", "-w", str(root)]
    )
    assert result.exit_code == 0, result.output
    path = root / "systems/ticket-router/model-card.yaml"
    checked = runner.invoke(app, ["validate", "-w", str(root), str(path)])
    assert checked.exit_code == 0, checked.output
    draft = yaml.safe_load(path.read_text())
    details = draft["model_details"]
    assert draft["name"] == "Ticket router" and draft["status"] == "draft"
    assert details["description"] == "Routes incoming support tickets to the right team."
    assert details["developers"] == "ACME ML team"
    assert details["model_type"] == "Fine-tuned encoder"
    assert details["license"] == {"spdx": "MIT"}
    assert details["task"] == "text-classification"
    assert details["tags"] == ["support", "triage"]
    assert details["contact"] == "ml@example.org"
    assert draft["lineage"] == {
        "base_models": [{"hf": "acme/base-encoder"}],
        "datasets": [{"hf": "acme/support-tickets", "role": "training"}],
    }
    assert draft["intended_use"]["primary_uses"] == ["Suggest a team for each new ticket."]
    assert draft["intended_use"]["out_of_scope_uses"] == ["Deciding refunds."]
    assert draft["limitations"] == ["English tickets only."]
    assert draft["caveats_and_recommendations"] == ["A person confirms every routing."]
    assert draft["metrics"] == {"performance_measures": ["Accuracy on the held-out month."]}
    assert draft["quantitative_analyses"] == {"summary": "Accurate on common ticket kinds."}
    assert draft["reported_results"] == [
        {
            "metric": "accuracy",
            "value": 0.91,
            "source": "ACME evaluation report",
            "url": "https://example.org/report",
            "dataset": "acme/support-tickets",
            "split": "test",
        }
    ]
    kept = draft["extensions"]["hf"]
    assert kept["metadata"] == {"language": "en"}
    assert "environmental impact" in kept["sections"]
    assert "metadata 'language'" in result.output
    assert "section 'environmental impact'" in result.output
    # sections the template leaves as "[More Information Needed]" are not kept
    assert "model examination" not in kept["sections"]


def test_a_malformed_metadata_block_is_one_message_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    readme = tmp_path / "README.md"
    readme.write_text("---\nlicense: mit\ntags: [a, b\n---\n# Model Card for x\n")
    result = CliRunner().invoke(app, ["import", "hf", str(readme), "--as", "x", "-w", str(root)])
    assert result.exit_code == 1
    assert "README.md:4:1: CG005 invalid YAML" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert not (root / "systems/x").exists()


def test_a_licence_link_to_a_file_of_the_repository_is_kept_not_lost(tmp_path: Path) -> None:
    """The Hub lets `license_link` name a file of the model's repository (LICENSE): a
    licence's link here is a web address, so the path is kept under extensions.hf and
    listed, not dropped; a web address is the licence's link."""
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    runner = CliRunner()
    for name, link in (("by-path", "LICENSE"), ("by-url", "https://example.org/licence")):
        readme = tmp_path / f"{name}.md"
        readme.write_text(
            f"---\nlicense: other\nlicense_name: acme-licence\nlicense_link: {link}\n---\n"
            "# Model card for X\n\nA model.\n"
        )
        result = runner.invoke(app, ["import", "hf", str(readme), "--as", name, "-w", str(root)])
        assert result.exit_code == 0, result.output
        draft = yaml.safe_load((root / f"systems/{name}/model-card.yaml").read_text())
        licence = draft["model_details"]["license"]
        if link.startswith("https://"):
            assert licence == {"text": "acme-licence", "url": link}
            assert "license_link" not in draft.get("extensions", {}).get("hf", {}).get(
                "metadata", {}
            )
        else:
            assert licence == {"text": "acme-licence"}
            assert draft["extensions"]["hf"]["metadata"]["license_link"] == "LICENSE"
            assert "metadata 'license_link' (not an http(s) URL)" in result.output


def test_a_reported_value_that_is_no_finite_number_is_left_out_and_listed(
    tmp_path: Path,
) -> None:
    """YAML's .nan and .inf, and an integer too large for a float: the draft validates
    (a reported value is finite), the import does not stop with an internal error, and the
    metric is listed as not mapped."""
    root = tmp_path / "governance"
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    huge = "1" + "0" * 400
    metrics = ", ".join(
        f"{{type: {name}, value: {value}}}"
        for name, value in (("a", ".nan"), ("b", "-.inf"), ("c", huge), ("d", "0.5"))
    )
    readme = tmp_path / "README.md"
    readme.write_text(
        f"---\nmodel-index: [{{name: x, results: [{{metrics: [{metrics}]}}]}}]\n---\n"
    )
    result = CliRunner().invoke(app, ["import", "hf", str(readme), "--as", "x", "-w", str(root)])
    assert result.exit_code == 0, result.output
    for index in range(3):
        assert f"model-index[0].results[0].metrics[{index}]" in result.output
    draft = yaml.safe_load((root / "systems/x/model-card.yaml").read_text(encoding="utf-8"))
    assert [(r["metric"], r["value"]) for r in draft["reported_results"]] == [("d", 0.5)]
    card = str(root / "systems/x/model-card.yaml")
    checked = CliRunner().invoke(app, ["validate", "-w", str(root), card])
    assert "CG104" not in checked.output, checked.output
