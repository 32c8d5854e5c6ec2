"""The CI integrations parse and carry the keys their consumers require."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml

from cardgate.reporting.registry import REPORTERS

ROOT = Path(__file__).resolve().parents[2]


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {hook["id"] for hook in hooks} == {"cardgate-validate", "cardgate-gate"}
    for hook in hooks:
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["entry"].startswith("cardgate ")
        re.compile(hook["files"])


def test_composite_action() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert {"name", "description", "inputs", "runs"} <= set(action)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    assert all("shell" in step for step in steps if "run" in step)
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps
    )
    script = next(step["run"] for step in steps if step.get("id") == "gate")
    assert "--output sarif=cardgate.sarif" in script and "--format github" in script


def test_gitlab_snippet_and_formats_documented() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = text.split("## GitLab CI", 1)[1].split("```yaml", 1)[1].split("```", 1)[0]
    job = yaml.safe_load(block)["cardgate-gate"]
    assert {"image", "script", "artifacts"} <= set(job)
    assert job["artifacts"]["reports"]["junit"] == "cardgate-junit.xml"
    cache_dir = job["variables"]["CARDGATE_CACHE_DIR"].replace("$CI_PROJECT_DIR/", "")
    assert job["cache"]["paths"] == [cache_dir + "/"]
    gate_json = (ROOT / "docs" / "gate-json.md").read_text(encoding="utf-8")
    assert '"format": "cardgate-gate"' in gate_json
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert "--output codequality=gl-code-quality-report.json" in " ".join(job["script"])
    assert set(REPORTERS) == {
        "text",
        "json",
        "sarif",
        "junit",
        "github",
        "markdown",
        "codequality",
    }


def test_validate_hook_picks_cardgate_documents_only() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    pattern = re.compile(next(h["files"] for h in hooks if h["id"] == "cardgate-validate"))
    for ours in (
        "governance/systems/x/model-card.yaml",
        "governance/systems/x/checklist-nist-ai-rmf-core.yaml",
        "governance/datasets/y/datasheet.yaml",
        "governance/policy.yaml",
        "cardgate.yaml",
    ):
        assert pattern.search(ours), ours
    for theirs in (".github/workflows/ci.yml", ".pre-commit-config.yaml", "mkdocs.yml"):
        assert not pattern.search(theirs), theirs


def _install(tmp_path: Path, version: str) -> str:
    """Run the action's install step with a stub `python` that records its arguments."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "install")
    stub = tmp_path / "bin" / "python"
    stub.parent.mkdir(exist_ok=True)
    stub.write_text('#!/bin/sh\necho "$@" > "$RECORD"\n', encoding="utf-8")
    stub.chmod(0o755)
    record = tmp_path / "args"
    env = {
        "PATH": f"{stub.parent}:/usr/bin:/bin",
        "RECORD": str(record),
        "VERSION": version,
        "ACTION_PATH": "/runner/_actions/cardgate/cardgate/v0.1.0",
    }
    assert set(step["env"]) == {"VERSION", "ACTION_PATH"}
    subprocess.run(["bash", "-e", "-c", step["run"]], env=env, check=True)
    return record.read_text(encoding="utf-8").strip()


def test_the_action_installs_its_own_source_unless_a_version_is_asked(tmp_path: Path) -> None:
    """cardgate is not on PyPI yet: by default the action installs the code of the ref it
    runs at; a version specifier installs that release from the package index."""
    assert _install(tmp_path, "") == "-m pip install /runner/_actions/cardgate/cardgate/v0.1.0"
    assert _install(tmp_path, "==0.1.0") == "-m pip install cardgate==0.1.0"


def _gate_step(tmp_path: Path, systems: str) -> tuple[str, str]:
    """Run the action's gate step with the real cardgate on the worked example, for the
    `systems` input; (its exit-code output, what it printed)."""
    import os
    import sys

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "gate")
    assert "SYSTEMS" in step["env"]
    output = tmp_path / "github-output"
    output.unlink(missing_ok=True)  # GitHub gives each step its own file
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "GITHUB_OUTPUT": str(output),
        "CARDGATE_TODAY": "2026-11-30",
        "WORKSPACE": str(ROOT / "governance"),
        "RELEASE": "false",
        "STRICT": "false",
        "CHANGED_SINCE": "",
        "SYSTEMS": systems,
    }
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr  # the step records the code; a later step fails
    return output.read_text(encoding="utf-8").strip(), done.stdout + done.stderr


def test_the_action_gates_the_systems_it_is_given(tmp_path: Path) -> None:
    """A release job names its system: gated alone, and one whose documents are gone
    (deleted in the change) is an error, where a whole-workspace gate would not see it."""
    code, out = _gate_step(tmp_path, "income-screening")
    assert code == "exit-code=0", out
    assert "credit-default" not in out
    code, out = _gate_step(tmp_path, " credit-default  income-screening ")
    assert code == "exit-code=1", out
    code, out = _gate_step(tmp_path, "retired-system")
    assert code == "exit-code=2", out
    assert "retired-system" in out
    code, out = _gate_step(tmp_path, "--today 2099-01-01 income-screening")
    assert code == "exit-code=2", out  # an id, not an option: no such system
    code, out = _gate_step(tmp_path, "")
    assert code == "exit-code=1", out  # every system: credit-default is blocked
