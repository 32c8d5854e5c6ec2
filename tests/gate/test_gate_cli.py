"""End to end through the CLI: CliRunner in process, and real subprocesses."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.gate import rules as registry

from .conftest import SYSTEM, TODAY, build_workspace, key

runner = CliRunner()


def gate(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["gate", "-w", str(root), "--today", TODAY.isoformat(), *args], catch_exceptions=False
    )
    return result.exit_code, result.output


def test_passing_workspace_exits_0(workspace: Path) -> None:
    code, out = gate(workspace, "--release")
    assert code == 0, out
    assert out.strip() == (
        f"PASSED  {SYSTEM}   (judged as of {TODAY.isoformat()}, set by --today; release mode)"
    )


@pytest.mark.parametrize("pin", ["--today", "CARDGATE_TODAY", None])
def test_a_chosen_date_is_shown_beside_the_verdicts(workspace: Path, pin: str | None) -> None:
    """Freshness and expiry are judged as of the gate's date: one chosen with --today or
    CARDGATE_TODAY (a CI variable nobody sees in the diff) keeps stale evidence fresh, so
    every report says it was chosen, and by what; the system's date adds nothing."""
    args = ["gate", "-w", str(workspace), "--release"]
    env = {"CARDGATE_TODAY": None}
    if pin == "--today":
        args += ["--today", TODAY.isoformat()]
    elif pin == "CARDGATE_TODAY":
        env["CARDGATE_TODAY"] = TODAY.isoformat()
    text = runner.invoke(app, args, env=env).output.strip().splitlines()[-1]
    data = json.loads(runner.invoke(app, [*args, "-f", "json"], env=env).output)
    markdown = runner.invoke(app, [*args, "-f", "markdown"], env=env).output
    assert data["today_pinned_by"] == pin
    if pin is None:
        assert text.endswith("   (release mode)") and "judged as of" not in text, text
        assert "set by" not in markdown
    else:
        assert data["today"] == TODAY.isoformat()
        assert text.endswith(f"   (judged as of {TODAY.isoformat()}, set by {pin}; release mode)")
        assert f"{TODAY.isoformat()}, set by {pin})" in markdown


def test_stale_signoff_after_cardgate_sign(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws", {"sign": []})
    for role in ("owner", "legal", "risk"):
        signed = runner.invoke(
            app,
            [
                "sign",
                SYSTEM,
                "-w",
                str(root),
                "--role",
                role,
                "--name",
                "A. Reviewer",
                "--key",
                str(key(role)),
                "--today",
                TODAY.isoformat(),
            ],
        )
        assert signed.exit_code == 0, signed.output
    assert gate(root, "--release")[0] == 0
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text().replace("Loan approval", "Loan approval v2"))
    code, out = gate(root, "--release")
    assert code == 1
    assert (
        "GATE-SO002 error  legal sign-off by A. Reviewer is stale: model-card.yaml changed" in out
    )
    code, out = gate(root)  # draft mode: a warning, the gate passes
    assert code == 0 and "GATE-SO002 warning" in out
    code, _ = gate(root, "--strict")
    assert code == 1


def test_expired_waiver_blocks_again(tmp_path: Path) -> None:
    waivers = (
        "kind: waivers\nschema_version: 1\nwaivers:\n  - rule: GATE-FA003\n"
        f"    system: {SYSTEM}\n    justification: Retraining.\n    approver: Risk Owner\n"
        "    expires: {date}\n"
    )
    root = build_workspace(
        tmp_path / "ws",
        {
            "edit": {
                "waivers.yaml": waivers.format(date="2026-12-31"),
                # each group's accuracy is 0.8: a real failure, recomputed by --release
                f"systems/{SYSTEM}/model-card.yaml": [
                    ["- metric: demographic_parity_difference", "- metric: accuracy"],
                    ["      max: 0.1", "      min: 0.9"],
                ],
            }
        },
    )
    code, out = gate(root, "--release")
    assert code == 0, out
    assert "GATE-FA003 waived" in out
    (root / "waivers.yaml").write_text(waivers.format(date="2026-11-29"))
    code, out = gate(root, "--release")
    assert code == 1
    assert "GATE-WV001 error  waiver of GATE-FA003 for 'loan-approval' expired on 2026-11-29" in out
    assert "GATE-FA003 error" in out


def test_empty_workspace_fails_with_a_finding(tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", str(tmp_path / "ws")]).exit_code == 0
    code, out = gate(tmp_path / "ws", "--release")
    assert code == 1
    assert "cardgate.yaml:1:1: GATE-DOC002 error  no documents found" in out


@pytest.fixture
def crashing_rule(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    def boom(ctx: object) -> Iterator[object]:
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    victim = next(rule for rule in registry.RULES if rule.code == "GATE-FR001")
    replaced = tuple(
        dataclasses.replace(rule, check=boom) if rule is victim else rule for rule in registry.RULES
    )
    monkeypatch.setattr(registry, "RULES", replaced)
    yield victim.code


def test_crashed_rule_fails_the_gate_naming_the_rule(workspace: Path, crashing_rule: str) -> None:
    code, out = gate(workspace, "--release")
    assert code == 1
    assert (
        f"GATE-INT001 error  rule {crashing_rule} (freshness.review-recent) crashed on system "
        f"'{SYSTEM}': ZeroDivisionError: division by zero"
    ) in out


def test_unknown_rule_in_policy_is_a_configuration_error(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\ndefaults:\n  rules:\n"
        "    GATE-MC0002: {level: off}\n"
    )
    code, out = gate(workspace, "--release")
    assert code == 2
    assert "policy.yaml:6:5: CG100 unknown rule 'GATE-MC0002'" in out
    assert "did you mean 'GATE-MC002'?" in out


def test_unknown_option_names_rule_and_option(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\ntiers:\n  high:\n    rules:\n"
        "      evaluation.thresholds-met:\n        options: {decide: ci-bound}\n"
    )
    code, out = gate(workspace, "--release")
    assert code == 2
    assert "rule GATE-FA003 (evaluation.thresholds-met) has no option 'decide'" in out


def test_unknown_preset_is_a_configuration_error(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text("kind: policy\nschema_version: 1\nextends: strictest\n")
    code, out = gate(workspace)
    assert code == 2 and "unknown policy preset 'strictest'" in out


def test_unreadable_policy_fails_with_a_finding(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text("kind: policy\nschema_version: 1\nextends: [base\n")
    code, out = gate(workspace, "--release")
    assert code == 1
    assert "policy.yaml:4:1: GATE-DOC001 error  CG005 invalid YAML" in out
    assert "FAILED  workspace (1 error)" in out


def test_outputs_and_today_from_the_environment(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CARDGATE_TODAY", "2027-12-31")  # the review is now too old
    sarif, junit = tmp_path / "gate.sarif", tmp_path / "gate.xml"
    result = runner.invoke(
        app,
        [
            "gate",
            "-w",
            str(workspace),
            "--release",
            "-f",
            "json",
            "--output",
            f"sarif={sarif}",
            "--output",
            f"junit={junit}",
        ],
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["today"] == "2027-12-31"
    assert any(f["code"] == "GATE-FR001" for f in data["findings"])
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert junit.read_text().startswith("<?xml")
    bad = runner.invoke(app, ["gate", "-w", str(workspace), "--output", "pdf=x"])
    assert bad.exit_code == 2


def test_rules_and_explain() -> None:
    listed = runner.invoke(app, ["rules"])
    assert listed.exit_code == 0 and "GATE-FA003" in listed.output
    explained = runner.invoke(app, ["explain", "evaluation.thresholds-met"])
    assert explained.exit_code == 0
    assert "Remediation:" in explained.output and "GATE-FA003" in explained.output
    assert runner.invoke(app, ["explain", "GATE-ZZ999"]).exit_code == 2


def test_explain_shortens_an_unknown_code_it_echoes() -> None:
    """100 KB typed as a code was echoed whole in the error."""
    result = runner.invoke(app, ["explain", "A" * 100_000])
    assert result.exit_code == 2
    assert "unknown rule 'AAAA" in result.output and "…'" in result.output
    assert len(result.output) < 500


def test_changed_since_gates_only_changed_systems(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "base")
    code, out = gate(root, "--release", "--changed-since", "HEAD")
    assert code == 0 and "SKIPPED  1 unchanged" in out
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text().replace("Loan approval", "Loan approval v2"))
    code, out = gate(root, "--release", "--changed-since", "HEAD")
    assert code == 1 and "GATE-SO002" in out
    card.write_text(card.read_text().replace("Loan approval v2", "Loan approval"))
    (root / "policy.yaml").write_text((root / "policy.yaml").read_text() + "# touched\n")
    code, out = gate(root, "--release", "--changed-since", "HEAD")
    assert code == 0 and f"PASSED  {SYSTEM}" in out
    assert gate(root, "--changed-since", "no-such-ref")[0] == 2


def test_changed_since_takes_one_commit_not_a_range(tmp_path: Path) -> None:
    """git diff reads 'HEAD..HEAD' (or 'HEAD^!') as two commits compared with each other,
    not with the files as they are: an uncommitted change to a system was no change, and
    the gate skipped it and passed (exit 0). A range, or a tree, is refused."""
    root = build_workspace(tmp_path / "ws")

    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "add", ".")
    git("-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qm", "base")
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text().replace("Loan approval", "Loan approval v2"))
    for ref in ("HEAD..HEAD", "HEAD...HEAD", "HEAD^!", "HEAD^@"):
        code, out = gate(root, "--release", "--changed-since", ref)
        assert code == 2, out
        assert f"--changed-since: '{ref}' is a range of commits, not one" in out, out
    code, out = gate(root, "--release", "--changed-since", "HEAD^{tree}")
    assert code == 2 and "git cannot compare with 'HEAD^{tree}'" in out, out
    code, out = gate(root, "--release", "--changed-since", "HEAD")  # one commit
    assert code == 1 and "GATE-SO002" in out


def test_systems_not_named_are_not_called_unchanged(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    shutil.copytree(root / f"systems/{SYSTEM}", root / "systems/other")
    code, out = gate(root, "--release", SYSTEM)
    assert code == 0 and "SKIPPED  1 not named" in out and "unchanged" not in out
    code, out = gate(root, "--release", SYSTEM, "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert report["unselected_systems"] == ["other"] and report["skipped_systems"] == []
    assert [verdict["system"] for verdict in report["systems"]] == [SYSTEM]


HEAVY = ("pandas", "numpy", "scipy", "sklearn", "pyarrow", "duckdb", "fairlearn", "mkdocs")
"""What `gate` never imports (`--release` may, for the evidence it recomputes)."""
PROBE = f"""
import atexit, sys
HEAVY = {(*HEAVY, "mlflow", "cardgate.interop")!r}
from cardgate.cli import main


@atexit.register
def report() -> None:  # main() runs exit handlers, then leaves without teardown
    heavy = sorted(
        m
        for m in HEAVY
        if m in sys.modules
    )
    print("HEAVY:" + ",".join(heavy), file=sys.stderr)


sys.argv = ["cardgate", *sys.argv[1:]]
main()
"""


@pytest.mark.slow
def test_subprocess_gate_is_light_and_exits_with_the_verdict(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    env = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "gate", "-w", str(root)],  # --release recomputes
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "HEAVY:\n" in done.stderr
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text().replace("Loan approval", "Loan approval v2"))
    done = subprocess.run(
        [sys.executable, "-m", "cardgate", "gate", "-w", str(root), "--release"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1
    assert "GATE-SO002 error" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_subprocess_gate_of_a_pull_request_is_light(tmp_path: Path) -> None:
    """`gate --changed-since` reads the base ref's cards and policy (the risk tier, the
    policy and the card's limits are floors there) and must stay as light as `gate`."""
    root = build_workspace(tmp_path / "ws")
    git = ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    card.write_text(card.read_text().replace("      max: 0.1\n", "      max: 0.35\n"))
    policy = root / "policy.yaml"
    policy.write_text(policy.read_text() + "defaults:\n  max_waiver_days: 400\n")
    env = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "gate", "-w", str(root), "--changed-since", "HEAD"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "GATE-MC005 error" in done.stdout and "GATE-POL001 error" in done.stdout
    assert "HEAVY:\n" in done.stderr


def test_systems_checked_in_several_processes_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from cardgate.core import parallel

    root = tmp_path / "governance"
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "governance",
        root,
        ignore=shutil.ignore_patterns("data"),
    )
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # fork even for three systems
    reports = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("CARDGATE_JOBS", jobs)
        reports[jobs] = gate(root, "--release", "--format", "json")
    assert reports["1"] == reports["2"]
    code, out = reports["2"]
    assert code == 1
    assert len(json.loads(out)["systems"]) == 3


def test_a_rule_crashing_in_a_worker_process_still_fails_the_gate(
    workspace: Path, crashing_rule: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from cardgate.core import parallel

    second = workspace / "systems" / "loan-approval-2"
    shutil.copytree(workspace / "systems" / SYSTEM, second)
    card = second / "model-card.yaml"
    card.write_text(card.read_text().replace(f"id: {SYSTEM}", "id: loan-approval-2"))
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)  # one system per process
    monkeypatch.setenv("CARDGATE_JOBS", "2")
    code, out = gate(workspace, "--release")
    assert code == 1
    for system in (SYSTEM, "loan-approval-2"):
        assert f"rule {crashing_rule} (freshness.review-recent) crashed on system '{system}'" in out


def test_coverage_findings_are_tagged_with_the_function_that_falls_short(workspace: Path) -> None:
    (workspace / "policy.yaml").write_text(
        "kind: policy\nschema_version: 1\nextends: baseline\ntiers:\n  high:\n"
        "    min_coverage: {MANAGE: 1.0}\n"
    )
    answers = workspace / "systems" / SYSTEM / "checklist-nist-ai-rmf-core.yaml"
    text = answers.read_text()
    answers.write_text(
        text.replace("  MAN-01:\n    status: done", "  MAN-01:\n    status: partial")
    )
    code, out = gate(workspace, "--release", "--format", "json")
    assert code == 1
    findings = [f for f in json.loads(out)["findings"] if f["code"] == "GATE-CK002"]
    assert findings and all(f["nist"][0] == "MANAGE" for f in findings)
    assert all("GOVERN 1.3" in f["nist"] for f in findings)


def test_the_api_gate_says_what_chose_its_date(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate import api

    monkeypatch.delenv("CARDGATE_TODAY", raising=False)
    assert api.gate(workspace).pinned_by is None
    assert api.gate(workspace, today=TODAY).pinned_by == "--today"  # renders as the CLI
    monkeypatch.setenv("CARDGATE_TODAY", TODAY.isoformat())
    result = api.gate(workspace)
    assert (result.today, result.pinned_by) == (TODAY, "CARDGATE_TODAY")
