"""CI recipes on the README's layout: a workspace in a subfolder, other YAML around it."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from cardgate.cli import app

from .conftest import SYSTEM, TODAY, build_workspace

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_validate_hook_leaves_out_unrelated_yaml(tmp_path: Path) -> None:
    """pre-commit passes every matching file; the hook validates only the workspace's."""
    repo = tmp_path / "repo"
    build_workspace(repo / "governance")
    other = repo / "k8s" / "policy.yaml"
    other.parent.mkdir(parents=True)
    other.write_text("apiVersion: v1\nkind: NetworkPolicy\n", encoding="utf-8")
    card = repo / "governance" / "systems" / SYSTEM / "model-card.yaml"
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "cardgate-validate")
    args = [*hook["entry"].split()[1:], "--workspace", str(repo / "governance")]
    result = runner.invoke(app, [*args, str(card), str(other)])
    assert result.exit_code == 0, result.output
    card.write_text(card.read_text(encoding="utf-8").replace("risk_tier: high", "risk_tier: hi"))
    result = runner.invoke(app, [*args, str(card), str(other)])
    assert result.exit_code == 1
    assert "model-card.yaml" in result.output and "policy.yaml" not in result.output
    # without the hook's flag, an unrelated file is refused, never reported as "ok"
    plain = runner.invoke(app, ["validate", "--workspace", str(repo / "governance"), str(other)])
    assert plain.exit_code == 2 and "not a document cardgate reads" in plain.output


def test_codequality_report_puts_findings_on_lines(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": ["owner"]})
    result = runner.invoke(
        app,
        [
            "gate",
            "-w",
            str(root),
            "--release",
            "--format",
            "codequality",
            "--today",
            TODAY.isoformat(),
        ],
    )
    assert result.exit_code == 1
    issues = json.loads(result.output)
    assert {issue["check_name"] for issue in issues} == {"GATE-SO001"}
    for issue in issues:
        assert {"description", "check_name", "fingerprint", "severity", "location"} <= set(issue)
        assert issue["severity"] == "major"
        assert issue["location"]["path"].endswith(f"systems/{SYSTEM}/signoffs.yaml")
        assert isinstance(issue["location"]["lines"]["begin"], int)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues) == 2


def test_action_uploads_sarif_and_junit() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"].split() == ["cardgate.sarif", "cardgate-junit.xml"]
    script = next(step["run"] for step in steps if step.get("id") == "gate")
    assert "--output junit=cardgate-junit.xml" in script and '--workspace "$WORKSPACE"' in script
