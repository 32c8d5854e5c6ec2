"""`cardgate export` / `cardgate import` and `api.export`: the machinery every format plugs
into (the source records, the folder and its manifest, the refusals), driven with a probe
format defined here, on a copy of the worked example."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cardgate.api as cg
from cardgate.cli import app
from cardgate.core.errors import InputError
from cardgate.core.files import canonical_json
from cardgate.interop import registry
from cardgate.interop.format import Draft, ExportFiles, Format
from cardgate.interop.source import DatasetSource, SystemSource

REPO = Path(__file__).resolve().parents[2]
TODAY = "2026-12-04"
runner = CliRunner()


def _system_summary(system: SystemSource) -> ExportFiles:
    evaluation = system.evaluation
    data = {
        "id": system.id,
        "name": system.card.name,
        "path": system.path,
        "passed": system.verdict.passed if system.verdict is not None else None,
        "findings": len(system.findings),
        "metrics": sorted(evaluation.overall.metrics) if evaluation is not None else [],
        "evaluation": system.evaluation_path,
        "datasets": [d.id for d in system.datasets],
        "signoffs": len(system.signoffs.signoffs) if system.signoffs is not None else 0,
    }
    return {"summary.json": canonical_json(data).encode()}


def _dataset_summary(dataset: DatasetSource) -> ExportFiles:
    check = dataset.data_check
    data = {"id": dataset.id, "rows": check.rows if check is not None else None}
    return {"summary.json": canonical_json(data).encode()}


def _probe_import(raw: bytes, shown: str, name: str) -> Draft:
    data = json.loads(raw)
    text = (
        REPO.joinpath("governance/systems/income-screening/model-card.yaml")
        .read_text(encoding="utf-8")
        .replace("id: income-screening", f"id: {name}")
        .replace('name: "', f'name: "{data["title"]} — ', 1)
    )
    return Draft("model-card", text, unmapped=tuple(f"{key} (from {shown})" for key in data))


PROBE = Format(
    name="probe",
    title="a probe format of the tests",
    systems=_system_summary,
    datasets=_dataset_summary,
    importer=_probe_import,
)
SYSTEMS_ONLY = Format(name="systems-only", title="systems only", systems=_system_summary)


@pytest.fixture(autouse=True)
def _probe_formats(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "FORMATS", {"probe": PROBE, "systems-only": SYSTEMS_ONLY})


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = tmp_path / "governance"
    # the committed exports (governance/exports) are the real formats': left out here
    shutil.copytree(REPO / "governance", root, ignore=shutil.ignore_patterns("exports"))
    return root


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _export(root: Path, *args: str) -> tuple[int, str, str]:
    return cli("export", *args, "-w", str(root), "--today", TODAY)


def test_export_writes_every_system_and_dataset_with_a_manifest(example: Path) -> None:
    code, out, err = _export(example, "probe")
    assert code == 0, err
    folder = example / "exports"
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert written == [
        "cardgate-exports.json",
        "datasets/adult/probe/summary.json",
        "datasets/german-credit/probe/summary.json",
        "datasets/helpdesk-articles/probe/summary.json",
        "systems/credit-default/probe/summary.json",
        "systems/helpdesk-assistant/probe/summary.json",
        "systems/income-screening/probe/summary.json",
    ]
    assert "wrote 6" in out
    manifest = json.loads((folder / "cardgate-exports.json").read_text())
    assert manifest["kind"] == "cardgate-exports"
    assert set(manifest["files"]) == set(written) - {"cardgate-exports.json"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_the_source_carries_the_release_gates_verdict_and_the_evidence(example: Path) -> None:
    assert _export(example, "probe")[0] == 0
    result = cg.gate(example, release=True, today=TODAY)
    verdicts = {v.system: v.passed for v in result.systems}
    assert verdicts == {
        "credit-default": False,
        "helpdesk-assistant": False,
        "income-screening": True,
    }
    for system, passed in verdicts.items():
        summary = json.loads((example / f"exports/systems/{system}/probe/summary.json").read_text())
        assert summary["passed"] is passed
        assert summary["findings"] == sum(f.system == system for f in result.findings)
        if system == "helpdesk-assistant":  # a GenAI system: no evaluation.json
            assert summary["evaluation"] is None and summary["metrics"] == []
            continue
        assert summary["evaluation"] == f"systems/{system}/evaluation.json"
        assert "selection_rate" in summary["metrics"]
        assert summary["path"] == f"systems/{system}/model-card.yaml"
    credit = json.loads((example / "exports/systems/credit-default/probe/summary.json").read_text())
    assert credit["datasets"] == ["german-credit"]
    income = json.loads(
        (example / "exports/systems/income-screening/probe/summary.json").read_text()
    )
    assert income["signoffs"] > 0 and credit["signoffs"] == 0
    check = json.loads((example / "datasets/adult/data-check.json").read_text())
    adult = json.loads((example / "exports/datasets/adult/probe/summary.json").read_text())
    assert adult["rows"] == check["rows"]


def test_a_second_export_leaves_identical_files_alone(example: Path) -> None:
    assert _export(example, "probe", "credit-default")[0] == 0
    target = example / "exports/systems/credit-default/probe/summary.json"
    before = target.stat().st_mtime_ns
    code, out, _ = _export(example, "probe", "credit-default")
    assert code == 0 and "wrote 0 (1 unchanged)" in out
    assert target.stat().st_mtime_ns == before


def test_export_never_replaces_a_file_it_did_not_write(example: Path) -> None:
    mine = example / "exports/systems/credit-default/probe/summary.json"
    mine.parent.mkdir(parents=True)
    mine.write_text("my own notes\n")
    code, _, err = _export(example, "probe", "credit-default")
    assert code == 2
    assert "exists and is not a file cardgate exported" in err and "Traceback" not in err
    assert mine.read_text() == "my own notes\n"
    assert not (example / "exports/cardgate-exports.json").exists()


def test_a_foreign_manifest_is_refused(example: Path) -> None:
    (example / "exports").mkdir()
    (example / "exports/cardgate-exports.json").write_text('{"kind": "something else"}')
    code, _, err = _export(example, "probe")
    assert code == 2 and "is not a manifest of cardgate exports" in err


def test_export_to_another_folder_with_out(example: Path, tmp_path: Path) -> None:
    out = tmp_path / "elsewhere"
    code, _, err = _export(example, "probe", "adult", "--out", str(out))
    assert code == 0, err
    assert (out / "datasets/adult/probe/summary.json").is_file()
    assert not (example / "exports").exists()


def test_unknown_format_and_target_are_usage_errors(example: Path) -> None:
    code, _, err = _export(example, "nope")
    assert code == 2 and "cannot export to 'nope'" in err and "probe" in err
    code, _, err = _export(example, "probe", "no-such-thing")
    assert code == 2 and "neither a system nor a dataset" in err
    assert "credit-default" in err and "german-credit" in err
    code, _, err = _export(example, "systems-only", "adult")
    assert code == 2 and "cannot export the dataset 'adult'" in err


def test_all_exports_each_format_what_it_can(example: Path) -> None:
    assert _export(example, "all", "adult", "income-screening")[0] == 0
    folder = example / "exports"
    assert (folder / "systems/income-screening/systems-only/summary.json").is_file()
    assert (folder / "datasets/adult/probe/summary.json").is_file()
    assert not (folder / "datasets/adult/systems-only").exists()


def test_an_invalid_card_is_not_exported(example: Path) -> None:
    card = example / "systems/credit-default/model-card.yaml"
    card.write_text(card.read_text().replace("risk_tier: high", "risk_tier: extreme"))
    code, _, err = _export(example, "probe", "credit-default")
    assert code == 1
    assert err.startswith("cardgate: error: ") and "model-card.yaml:17:12: " in err
    assert "risk_tier" in err and "cannot export system 'credit-default'" in err
    assert "hint: fix what 'cardgate validate' reports" in err


def test_a_missing_evaluation_artifact_is_not_exported(example: Path) -> None:
    (example / "systems/credit-default/evaluation.json").unlink()
    code, _, err = _export(example, "probe", "credit-default")
    assert code == 1
    assert "evaluation.json: does not exist" in err
    assert "cardgate evaluate credit-default" in err


def test_an_unreadable_data_check_is_not_exported(example: Path) -> None:
    (example / "datasets/adult/data-check.json").write_text("{}")
    code, _, err = _export(example, "probe", "adult")
    assert code == 1 and "data-check.json" in err and "check-data adult" in err


def test_api_export_returns_what_the_command_writes(example: Path, tmp_path: Path) -> None:
    files = cg.export(example, "probe", today=dt.date.fromisoformat(TODAY))
    assert _export(example, "probe")[0] == 0
    for name, content in files.items():
        assert (example / "exports" / name).read_bytes() == content
    assert len(files) == 6
    out = tmp_path / "api-out"
    cg.export(example, "probe", ["adult"], out=out, today=TODAY)
    assert (out / "datasets/adult/probe/summary.json").read_bytes() == files[
        "datasets/adult/probe/summary.json"
    ]
    with pytest.raises(InputError):
        (example / "systems/credit-default/evaluation.json").unlink()
        cg.export(example, "probe", ["credit-default"], today=TODAY)


def test_import_writes_a_new_draft_and_lists_what_did_not_map(
    example: Path, tmp_path: Path
) -> None:
    given = tmp_path / "card.json"
    given.write_text('{"title": "Imported", "colour": "blue"}')
    code, out, err = cli("import", "probe", str(given), "--as", "imported", "-w", str(example))
    assert code == 0, err
    written = example / "systems/imported/model-card.yaml"
    assert "wrote" in out and "systems/imported/model-card.yaml" in out
    assert "not mapped (2; kept under extensions.probe)" in out
    assert "colour (from" in out
    text = written.read_text()
    assert "id: imported" in text and 'name: "Imported — ' in text
    code, out, err = cli("validate", "-w", str(example), str(written))
    assert code == 0, out


def test_import_never_overwrites(example: Path, tmp_path: Path) -> None:
    given = tmp_path / "card.json"
    given.write_text('{"title": "Imported"}')
    card = example / "systems/credit-default/model-card.yaml"
    before = card.read_bytes()
    code, _, err = cli("import", "probe", str(given), "--as", "credit-default", "-w", str(example))
    assert code == 2 and "already exists" in err and "never overwrites" in err
    assert card.read_bytes() == before


def test_import_errors(example: Path, tmp_path: Path) -> None:
    code, _, err = cli("import", "systems-only", "x.json", "--as", "a", "-w", str(example))
    assert code == 2 and "cannot import from 'systems-only'" in err and "probe" in err
    code, _, err = cli(
        "import", "probe", str(tmp_path / "absent.json"), "--as", "a", "-w", str(example)
    )
    assert code == 1 and "absent.json: does not exist" in err
    assert "hint: a relative path is read from the current folder" in err
    given = tmp_path / "card.json"
    given.write_text('{"title": "x"}')
    code, _, err = cli("import", "probe", str(given), "--as", "Not An Id", "-w", str(example))
    assert code == 2 and "is not a valid id" in err


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _disk_fills_after(monkeypatch: pytest.MonkeyPatch, writes: int) -> None:
    """Every write after the first `writes` fails as on a full disk."""
    import errno
    import os

    from cardgate.core import files

    real, count = files._write, [0]

    def write(path: Path, data: bytes | str, **options: bool) -> None:
        count[0] += 1
        if count[0] > writes:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data, **options)

    monkeypatch.setattr(files, "_write", write)


def test_a_full_disk_leaves_no_export_and_a_rerun_writes_them_all(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _disk_fills_after(monkeypatch, 2)
    code, _, err = _export(example, "probe")
    assert code == 2
    assert err.endswith(
        ": cannot write: No space left on device\n"
        "  hint: check that the folder is writable and the disk has room\n"
    )
    assert "exports/" in err and ".cardgate-exports-" not in err and "Traceback" not in err
    assert not (example / "exports").exists()
    monkeypatch.undo()
    monkeypatch.setattr(registry, "FORMATS", {"probe": PROBE, "systems-only": SYSTEMS_ONLY})
    code, out, err = _export(example, "probe")  # space freed: none is refused as not ours
    assert code == 0, err
    assert "wrote 6" in out


def test_a_full_disk_leaves_the_previous_exports_as_they_were(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _export(example, "probe")[0] == 0
    folder = example / "exports"
    for system in ("credit-default", "income-screening", "helpdesk-assistant"):
        (folder / f"systems/{system}/probe/summary.json").write_text("edited\n")
    before = _files(folder)
    _disk_fills_after(monkeypatch, 2)
    code, _, err = _export(example, "probe")
    assert code == 2 and "cannot write: No space left on device" in err
    assert _files(folder) == before
    assert sorted(p.name for p in folder.iterdir()) == [
        "cardgate-exports.json",
        "datasets",
        "systems",
    ]


def test_a_rename_that_fails_midway_is_undone(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import os

    assert _export(example, "probe", "credit-default")[0] == 0
    folder = example / "exports"
    (folder / "systems/credit-default/probe/summary.json").write_text("edited\n")
    before = _files(folder)
    real, count = os.rename, [0]

    def rename(source: str | Path, target: str | Path) -> None:
        count[0] += 1
        if count[0] == 4:  # moving in the second file (after one file and its backup)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        real(source, target)

    monkeypatch.setattr(os, "rename", rename)
    code, _, err = _export(example, "probe")
    assert code == 2 and "cannot write: No space left on device" in err
    assert count[0] >= 4
    assert _files(folder) == before
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()) == [
        "systems",
        "systems/credit-default",
        "systems/credit-default/probe",
    ]
