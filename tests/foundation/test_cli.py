"""The CLI: exit codes, output formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_init_new_validate_round_trip(in_tmp: Path) -> None:
    assert invoke("init")[0] == 0
    assert (in_tmp / ".schemas" / "model-card.schema.json").is_file()
    code, out, _ = invoke("new", "model-card", "credit-scoring")
    assert code == 0 and "systems/credit-scoring/model-card.yaml" in out
    code, out, _ = invoke("validate")
    assert code == 0, out
    assert out.startswith("ok: 2 documents valid")  # the card and policy.yaml


def test_new_refuses_to_overwrite(in_tmp: Path) -> None:
    invoke("init")
    invoke("new", "datasheet", "applications")
    path = in_tmp / "datasets" / "applications" / "datasheet.yaml"
    path.write_text(path.read_text() + "# my edit\n")
    code, _, err = invoke("new", "datasheet", "applications")
    assert code == 2 and "already exists" in err
    assert path.read_text().endswith("# my edit\n")


def test_bad_ids_and_kinds_are_usage_errors(in_tmp: Path) -> None:
    invoke("init")
    assert invoke("new", "model-card", "Bad Id")[0] == 2
    assert invoke("new", "poem", "x")[0] == 2


def test_validate_reports_problems_with_exit_1(in_tmp: Path) -> None:
    invoke("init")
    invoke("new", "model-card", "demo")
    card = in_tmp / "systems" / "demo" / "model-card.yaml"
    card.write_text(card.read_text().replace("risk_tier: high", "risk_tier: hihg"))
    code, out, _ = invoke("validate")
    assert code == 1
    assert "systems/demo/model-card.yaml:" in out and "CG102" in out
    assert out.rstrip().endswith("1 problem in 1 of 2 documents")
    code, out, _ = invoke("validate", "--format", "json")
    payload = json.loads(out)
    assert code == 1 and payload["errors"] == 1
    assert payload["problems"][0]["code"] == "CG102"


def test_validate_without_workspace_is_a_configuration_error(in_tmp: Path) -> None:
    code, _, err = invoke("validate")
    assert code == 2
    assert "cardgate init" in err


def test_a_workspace_in_a_subfolder_is_named_in_the_hint(in_tmp: Path) -> None:
    """Run from the project folder (where train.py is), above the workspace, status said
    'no cardgate.yaml found ... run cardgate init': init there would make a second
    workspace. The hint names the workspace below instead."""
    assert invoke("init", "governance")[0] == 0
    (in_tmp / "data").mkdir()
    code, _, err = invoke("status")
    assert code == 2
    assert "hint: the workspace is in governance/: cd governance, or pass --workspace " in err
    assert "governance" in err.split("--workspace ")[1]


def test_empty_workspace_is_an_error_not_zero_problems(in_tmp: Path) -> None:
    invoke("init")
    code, out, _ = invoke("validate")
    assert code == 1 and "CG020" in out


def test_validate_single_files_outside_a_workspace(in_tmp: Path) -> None:
    path = in_tmp / "x.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    code, out, _ = invoke("validate", str(path))
    assert code == 1 and "CG003" in out


def test_a_file_named_from_the_workspace_not_the_current_folder_gets_a_hint(
    in_tmp: Path,
) -> None:
    """`validate -w ws systems/x/model-card.yaml`: paths are read from the current folder,
    which a new user, having named the workspace, does not expect."""
    assert invoke("init", "ws")[0] == 0
    assert invoke("new", "model-card", "credit-scoring", "-w", "ws")[0] == 0
    code, _, err = invoke("validate", "-w", "ws", "systems/credit-scoring/model-card.yaml")
    assert code == 2
    assert "systems/credit-scoring/model-card.yaml: no such file" in err
    assert "hint: paths are read from the current folder" in err and "ws/systems/" in err


def test_python_dash_m_and_help_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cardgate", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0
    assert "validate" in result.stdout
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            # cardgate's main() runs the exit handlers, then leaves without teardown.
            "import atexit, sys, runpy; sys.argv=['cardgate','--help']\n"
            "def report():\n"
            "    heavy = [m for m in ('pandas','fairlearn','mkdocs','numpy') if m in sys.modules]\n"
            "    print('heavy=' + ','.join(heavy))\n"
            "atexit.register(report)\n"
            "runpy.run_module('cardgate', run_name='__main__')",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert probe.stdout.strip().splitlines()[-1] == "heavy="


def test_validate_path_imports_no_heavy_library(in_tmp: Path) -> None:
    invoke("init")
    invoke("new", "model-card", "demo")
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom cardgate.cli import app\n"
        "result = CliRunner().invoke(app, ['validate'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted(m for m in ('pandas','fairlearn','mkdocs','numpy','duckdb','mlflow',"
        "'cardgate.interop') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=in_tmp, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_an_explicit_workspace_means_exactly_that_folder(in_tmp: Path) -> None:
    invoke("init")
    invoke("new", "model-card", "demo")
    (in_tmp / "systems" / "demo").mkdir(exist_ok=True)
    # A folder inside a workspace is not silently replaced by the workspace above it.
    code, _, err = invoke("validate", "--workspace", "systems")
    assert code == 2 and "is not a workspace" in err
    code, _, err = invoke("gate", "--workspace", "missing")
    assert code == 2
    assert invoke("validate", "--workspace", ".")[0] == 0


def test_init_writes_a_gitignore_and_schema_modelines(in_tmp: Path) -> None:
    assert invoke("init", "ws")[0] == 0
    ignore = (in_tmp / "ws" / ".gitignore").read_text(encoding="utf-8")
    assert "site/build/" in ignore and "site/generated/" in ignore
    assert "evaluation.json" not in ignore.replace("(evaluation.json", "")  # evidence is kept
    policy = (in_tmp / "ws" / "policy.yaml").read_text(encoding="utf-8")
    assert policy.startswith("# yaml-language-server: $schema=.schemas/policy.schema.json\n")
    assert (in_tmp / "ws" / ".schemas" / "policy.schema.json").is_file()


def test_init_keeps_an_existing_gitignore(in_tmp: Path) -> None:
    (in_tmp / "ws").mkdir()
    (in_tmp / "ws" / ".gitignore").write_text("mine\n", encoding="utf-8")
    code, out, _ = invoke("init", "ws")
    assert code == 0
    assert (in_tmp / "ws" / ".gitignore").read_text(encoding="utf-8") == "mine\n"
    assert ".gitignore" not in out


def test_shell_completion_is_offered() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    assert "--install-completion" in out and "--show-completion" in out


def test_site_pages_of_systems_without_a_bias_audit_import_no_numpy(in_tmp: Path) -> None:
    """numpy is the LL144 audit's, loaded for systems that have one (about 0.1 s of a
    build's start that a portfolio without audits does not pay)."""
    invoke("init")
    invoke("new", "model-card", "demo")
    code = (
        "import sys, datetime\nfrom pathlib import Path\n"
        "from cardgate.documents.workspace import load_workspace\n"
        "from cardgate.site.build import generate, site_layout\n"
        "workspace = load_workspace(Path('.').resolve())\n"
        "day = datetime.date(2026, 11, 30)\n"
        "generated = generate(workspace, site_layout(workspace), today=day)\n"
        "assert any(page.path.startswith('systems/') for page in generated.pages)\n"
        "print(sorted(m for m in ('pandas','fairlearn','numpy','duckdb') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=in_tmp, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "command", ["check-data", "gate", "status", "sign", "monitor", "profile", "export"]
)
def test_help_names_what_an_option_takes_not_its_python_type(command: str) -> None:
    """`--output <list[str]>`, `--window <list[Path]>`, `--today <str>`: an option's value
    is shown as what to write (FORMAT=PATH, PATH, YYYY-MM-DD, CODE)."""
    code, out, _ = invoke(command, "--help")
    assert code == 0
    options = [line.strip() for line in out.splitlines() if line.strip().startswith("-")]
    assert options
    assert not [line for line in options if "<list[" in line], options
    today = [line for line in options if line.startswith("--today")]
    assert not today or today[0].startswith("--today YYYY-MM-DD"), today
