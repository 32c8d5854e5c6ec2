"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself.

pre-commit clones this repository (a snapshot of the working tree, committed), installs it
with pip into a hook environment (cardgate and its dependencies, from the package index)
and runs the hooks in a temporary git repository: with `pre-commit try-repo` on a
workspace at the repository's root, and with `pre-commit run` on the README's layout (the
workspace in `governance/`, the hooks given `--workspace governance`, other YAML around).
One hook environment serves both (same repository and revision): installing it is most of
the time this takes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
GIT = ("git", "-c", "user.name=cardgate tests", "-c", "user.email=tests@cardgate.invalid")
BROKEN = ("risk_tier: high", "risk_tier: hi")


@dataclass(frozen=True)
class Hooks:
    source: Path
    """A git repository holding this working tree, committed: what pre-commit installs."""
    revision: str
    env: dict[str, str]


def _git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        [*GIT, *args], cwd=folder, capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hooks]:
    folder = tmp_path_factory.mktemp("pre-commit")
    source = folder / "cardgate"
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():  # a deleted, not yet committed file is listed too
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    _git(source, "init", "--quiet")
    _git(source, "add", "--all")
    _git(source, "commit", "--quiet", "--message", "the working tree under test")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(folder / "home"),
        "PRE_COMMIT_COLOR": "never",
        "CARDGATE_CACHE_DIR": str(folder / "parse-cache"),
    }
    env.pop("VIRTUAL_ENV", None)
    yield Hooks(source, _git(source, "rev-parse", "HEAD"), env)


def _project(folder: Path, workspace: str) -> Path:
    """A git repository with a draft workspace (at `workspace`) and unrelated YAML."""
    folder.mkdir()
    _git(folder, "init", "--quiet")
    runner = CliRunner()
    root = folder / workspace
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    assert runner.invoke(app, ["new", "model-card", "demo", "-w", str(root)]).exit_code == 0
    other = folder / "k8s" / "policy.yaml"  # matched by the hook's pattern; not ours
    other.parent.mkdir()
    other.write_text("apiVersion: v1\nkind: NetworkPolicy\n", encoding="utf-8")
    _git(folder, "add", "--all")
    return folder / workspace / "systems" / "demo" / "model-card.yaml"


def _pre_commit(hooks: Hooks, project: Path, *args: str) -> tuple[int, str]:
    done = subprocess.run(
        [str(PRE_COMMIT), *args],
        cwd=project,
        env=hooks.env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    return done.returncode, done.stdout + done.stderr


def _break(card: Path, project: Path) -> None:
    card.write_text(card.read_text(encoding="utf-8").replace(*BROKEN), encoding="utf-8")
    _git(project, "add", "--all")


def test_try_repo_on_a_workspace_at_the_root(hooks: Hooks, tmp_path: Path) -> None:
    project = tmp_path / "repo"
    card = _project(project, ".")
    code, out = _pre_commit(hooks, project, "try-repo", str(hooks.source), "--all-files")
    assert code == 0, out
    assert "cardgate validate" in out and "cardgate gate" in out
    assert out.count("Passed") == 2, out
    _break(card, project)
    code, out = _pre_commit(
        hooks, project, "try-repo", str(hooks.source), "cardgate-validate", "--all-files"
    )
    assert code == 1, out
    assert "cardgate validate" in out and "Failed" in out
    line = next(n for n, text in enumerate(card.read_text().splitlines(), 1) if BROKEN[1] in text)
    assert f"systems/demo/model-card.yaml:{line}:" in out, out
    assert "k8s/policy.yaml" not in out  # other YAML is left out, never refused


def test_run_with_the_readme_config_on_a_workspace_in_a_subfolder(
    hooks: Hooks, tmp_path: Path
) -> None:
    project = tmp_path / "repo"
    card = _project(project, "governance")
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {hooks.source}\n"
        f"    rev: {hooks.revision}\n"
        "    hooks:\n"
        "      - {id: cardgate-validate, args: [--workspace, governance]}\n"
        "      - {id: cardgate-gate, args: [--workspace, governance]}\n",
        encoding="utf-8",
    )
    _git(project, "add", "--all")
    code, out = _pre_commit(hooks, project, "run", "--all-files")
    assert code == 0, out
    assert out.count("Passed") == 2, out
    _break(card, project)
    code, out = _pre_commit(hooks, project, "run", "--all-files")
    assert code == 1, out
    assert out.count("Failed") == 2, out  # validate reports the card; the gate blocks on it
    assert "governance/systems/demo/model-card.yaml:" in out and "k8s/policy.yaml" not in out
