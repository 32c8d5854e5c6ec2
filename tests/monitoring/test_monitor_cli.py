"""`cardgate profile` and `cardgate monitor` end to end, through the CLI: the artifacts,
their determinism, appending, exact merging of partitions, and bad input."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cardgate.cli import app
from cardgate.documents.signoffs import signed_documents
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.monitoring.artifact import load_monitoring, recorded_inconsistencies
from cardgate.evidence.monitoring.profile import Profile, merge
from tests.gate.conftest import PREDICTIONS, SYSTEM, build_workspace, window_text

runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "ws")


def write_window(root: Path, name: str, text: str) -> Path:
    path = root / "windows" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_is_deterministic_and_bound_to_the_data(root: Path) -> None:
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 0, output
    path = root / f"systems/{SYSTEM}/profile.json"
    first = path.read_bytes()
    data = json.loads(first)
    assert data["rows"] == 800
    assert data["columns"]["sex"] == {
        "kind": "categorical",
        "count": 800,
        "nulls": 0,
        "truncated": False,
        "values": [["F", 400], ["M", 400]],
    }
    # the card's label and prediction are categorical, whatever their values look like
    assert data["columns"]["label"]["kind"] == "categorical"
    import hashlib

    expected = hashlib.sha256((root / f"systems/{SYSTEM}/predictions.csv").read_bytes())
    assert data["sources"][0]["sha256"] == expected.hexdigest()
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    assert path.read_bytes() == first


def test_the_reference_is_what_the_card_names(root: Path) -> None:
    """A card naming a table as its reference data: profiling its file is refused with
    the command that profiles the table; a table the card does not name is refused before
    Spark starts; the card names a file or a table, not both. Nothing written."""
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(
        text.replace("\nmonitoring:\n", "\nmonitoring:\n  reference_table: lake.ml.ref\n")
    )
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 2, output
    line = card.read_text(encoding="utf-8").splitlines().index("  reference_table: lake.ml.ref")
    assert (
        f"{SYSTEM}/model-card.yaml:{line + 1}:20: the reference data is the Spark "
        "table lake.ml.ref" in output
    )
    assert f"cardgate profile {SYSTEM} --engine spark" in output
    spark = ("--engine", "spark", "--spark-master", "local[1]")
    code, output = cli("profile", SYSTEM, *spark, "--table", "lake.ml.other", "-w", str(root))
    assert code == 2, output
    assert (
        "the table lake.ml.other is not the system's reference data: its card names "
        "lake.ml.ref" in output
    )
    assert "Traceback" not in output
    assert not (root / f"systems/{SYSTEM}/profile.json").exists()
    assert not (root / f"systems/{SYSTEM}/profile.sql").exists()
    # --data profiles files instead, as before
    assert (
        cli(
            "profile",
            SYSTEM,
            "--data",
            str(root / f"systems/{SYSTEM}/predictions.csv"),
            "-w",
            str(root),
        )[0]
        == 0
    )


def test_a_folder_of_partitions_is_the_reference(root: Path) -> None:
    """A card naming a folder as its reference: `profile SYSTEM` merges every data file
    under it (hidden files and Spark's markers left out) into the profile of the whole,
    and the gate holds the record to it; an empty folder is one message."""
    folder = root / "reference"
    lines = (root / f"systems/{SYSTEM}/predictions.csv").read_text(encoding="utf-8")
    header, *rows = lines.splitlines()
    (folder / "q1").mkdir(parents=True)
    (folder / "q1" / "a.csv").write_text("\n".join([header, *rows[:300]]) + "\n")
    (folder / "b.csv").write_text("\n".join([header, *rows[300:]]) + "\n")
    (folder / "_SUCCESS").write_text("")
    (folder / ".a.csv.crc").write_text("not data")
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    card.write_text(text.replace("\nmonitoring:\n", "\nmonitoring:\n  reference: reference\n"))
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 0, output
    profile = json.loads((root / f"systems/{SYSTEM}/profile.json").read_text(encoding="utf-8"))
    assert [s["path"] for s in profile["sources"]] == ["reference/b.csv", "reference/q1/a.csv"]
    assert profile["rows"] == len(rows)
    window = write_window(root, "2026-11.csv", window_text(False))
    assert cli("monitor", SYSTEM, "--window", str(window), "-w", str(root))[0] == 0
    code, output = cli("gate", "-w", str(root), "--release", "--format", "json")
    assert [f for f in json.loads(output)["findings"] if f["code"] == "GATE-MON003"] == []
    for file in [folder / "b.csv", folder / "q1" / "a.csv"]:
        file.unlink()
    code, output = cli("profile", SYSTEM, "-w", str(root))
    assert code == 2, output
    line = card.read_text(encoding="utf-8").splitlines().index("  reference: reference") + 1
    assert f"{SYSTEM}/model-card.yaml:{line}:14: the reference folder " in output
    assert "reference holds no data file" in output


def test_partitions_merge_exactly(root: Path, tmp_path: Path) -> None:
    header, *rows = (
        "x,c\n" + "\n".join(f"{i * 0.37 - 40:.2f},{'abc'[i % 3]}" for i in range(3000))
    ).splitlines()
    whole = write_window(root, "whole.csv", "\n".join([header, *rows]) + "\n")
    first = write_window(root, "first.csv", "\n".join([header, *rows[:1234]]) + "\n")
    second = write_window(root, "second.csv", "\n".join([header, *rows[1234:]]) + "\n")
    from cardgate.evidence.datacheck.source import open_source
    from cardgate.evidence.monitoring.measure import measure_profile
    from cardgate.evidence.monitoring.profile import SourceRecord

    def profile(path: Path) -> Profile:
        record = SourceRecord(path.name, "-", 0, "csv")
        return measure_profile(open_source(path), subject="s", recorded=record, kinds={})

    merged = merge(profile(first), profile(second)).as_dict()
    single = profile(whole).as_dict()
    assert merged["columns"] == single["columns"]
    assert merged["rows"] == single["rows"] == 3000
    assert single["columns"]["x"]["kind"] == "numeric"
    assert single["columns"]["x"]["min"] == -40.0


def test_monitor_appends_one_entry_per_window(root: Path) -> None:
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    stable = write_window(root, "2026-10.csv", PREDICTIONS)
    code, output = cli("monitor", SYSTEM, "--window", str(stable), "-w", str(root))
    assert code == 0, output
    assert "window 2026-10 (to 2026-10-31, 800 rows): ok" in output
    shifted = write_window(root, "2026-11.csv", window_text(True))
    code, output = cli("monitor", SYSTEM, "--window", str(shifted), "-w", str(root))
    assert code == 1, output
    assert "BREACH" in output and "drift: sex" in output
    path = root / f"systems/{SYSTEM}/monitoring.json"
    model, data, error = load_monitoring(path)
    assert error is None and model is not None
    assert [w.id for w in model.windows] == ["2026-10", "2026-11"]
    assert recorded_inconsistencies(model, data) == []
    first, second = model.windows
    assert first.data.rows == 800 and not first.breaches
    assert [b.subject for b in second.breaches] == ["sex"]
    # outcomes are in the window: the card's evaluation ran on it, and the change of each
    # metric against the approved evaluation is recorded with its interval
    assert first.performance is not None
    changes = {c.metric: c for c in first.performance.changes}
    assert changes["accuracy"].difference == pytest.approx(0.0, abs=1e-12)
    assert changes["accuracy"].state == "unchanged"
    before = path.read_bytes()
    # the same window again: recorded once, file unchanged
    code, output = cli("monitor", SYSTEM, "--window", str(stable), "-w", str(root))
    assert "already recorded" in output
    assert "monitoring.json unchanged (2 windows, none new)" in output
    assert "wrote" not in output
    assert path.read_bytes() == before
    # the same window id with other data: refused, nothing written
    other = write_window(root, "2026-10.csv", window_text(True))
    code, output = cli("monitor", SYSTEM, "--window", str(other), "-w", str(root))
    assert code == 1 and "already recorded with other data" in output
    assert path.read_bytes() == before
    # the record is covered by sign-offs
    signed = signed_documents(load_workspace(root), load_workspace(root).systems[SYSTEM])
    assert f"systems/{SYSTEM}/monitoring.json" in signed


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("label,prediction\n1,1\n" * 1, "no column 'sex'"),
        (b"\x00\x01\x02binary\xff\xfe" * 10, "windows/2026-11.csv"),
    ],
)
def test_bad_windows_give_one_message(root: Path, content: str | bytes, fragment: str) -> None:
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    path = root / "windows" / "2026-11.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, output = cli("monitor", SYSTEM, "--window", str(path), "-w", str(root))
    assert code in (1, 2), output
    assert fragment in output
    assert "Traceback" not in output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_a_window_not_utf8_in_a_column_the_profile_lacks_is_refused(root: Path) -> None:
    """Latin-1 bytes in a window's column that the reference profile does not hold: no
    query reads it, and the window was recorded as measured. Refused with its line;
    nothing written."""
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    header, *rows = PREDICTIONS.splitlines()
    noted = [f"{row},{'Zürich' if index == 500 else 'Bern'}" for index, row in enumerate(rows)]
    path = root / "windows" / "2026-11.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("\n".join([f"{header},city", *noted, ""]).encode("latin-1"))
    code, output = cli("monitor", SYSTEM, "--window", str(path), "-w", str(root))
    assert code == 1, output
    assert "2026-11.csv: is not UTF-8 text (line 502)" in output
    assert "hint: save it as UTF-8" in output and "Traceback" not in output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_text_in_a_numeric_column_is_a_type_error_not_missing_values(root: Path) -> None:
    """A numeric column of the reference whose window holds text ('abc', 'n/a'): those
    were counted with the missing values, and the window read 'ok'. Refused, naming the
    column, how many, and one with its line; nothing written. An infinity is a number
    (as check-data reads it): invalid, as before, not this error."""
    folder = root / f"systems/{SYSTEM}"
    header, *rows = PREDICTIONS.splitlines()

    def scored(bad: dict[int, str]) -> str:
        lines = [f"{row},{bad.get(index, str(index % 10 / 10))}" for index, row in enumerate(rows)]
        return "\n".join([f"{header},score", *lines, ""])

    (folder / "predictions.csv").write_text(scored({}), encoding="utf-8")
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    window = write_window(root, "2026-11.csv", scored({5: "abc", 7: "n/a", 9: "inf"}))
    code, output = cli("monitor", SYSTEM, "--window", str(window), "-w", str(root))
    assert code == 1, output
    assert (
        "2026-11.csv: column 'score' is numeric and holds 2 values that are not a number, "
        "e.g. 'abc' (line 7)" in output
    ), output
    assert "hint: write a missing value as an empty field" in output
    assert "Traceback" not in output
    assert not (folder / "monitoring.json").exists()


def test_a_window_the_evaluation_refuses_is_named_once(root: Path) -> None:
    """The card's evaluation names the window by its file name ('score7.csv: column ...'),
    or, without outcomes, as the query that reads it ('DuckDB query: no rows'); monitor
    prefixed its own name: 'window windows/score7.csv: score7.csv: column ...'."""
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    column = "  prediction_column: prediction\n"
    card.write_text(text.replace(column, column + "  score_column: score\n"))
    header, *rows = PREDICTIONS.splitlines()

    def scored(high: int | None) -> str:
        lines = [f"{row},{1.5 if i == high else i % 10 / 10}" for i, row in enumerate(rows)]
        return "\n".join([f"{header},score", *lines, ""])

    (root / f"systems/{SYSTEM}/predictions.csv").write_text(scored(None), encoding="utf-8")
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    window = write_window(root, "score7.csv", scored(3))
    code, output = cli(
        "monitor", SYSTEM, "--window", str(window), "--end", "2026-11-30", "-w", str(root)
    )
    assert code == 1, output
    assert "windows/score7.csv: column 'score' holds 1.5, outside [0, 1]" in output, output
    assert output.count("score7.csv") == 1, output
    empty = write_window(root, "2026-12.csv", f"{header},score\n")
    code, output = cli("monitor", SYSTEM, "--window", str(empty), "-w", str(root))
    assert code == 1, output
    assert "windows/2026-12.csv: no rows" in output and "DuckDB query" not in output, output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_a_window_that_cannot_be_evaluated_is_named(root: Path) -> None:
    """The card's evaluation fails on what a window holds (no rows; no row of the
    reference group): the message names the window's file, and the setting it breaks
    where the card writes it."""
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    text = card.read_text(encoding="utf-8")
    features = "  sensitive_features: [sex]\n"
    assert features in text
    card.write_text(text.replace(features, features + "  reference_groups: {sex: M}\n"))
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    women = write_window(root, "2026-11.csv", window_text(True))
    code, output = cli("monitor", SYSTEM, "--window", str(women), "-w", str(root))
    assert code == 2, output
    assert f"systems/{SYSTEM}/model-card.yaml:" in output, output
    assert "windows/2026-11.csv" in output and "'M' is not a group of 'sex'" in output
    header = write_window(root, "2026-12.csv", PREDICTIONS.splitlines()[0] + "\n")
    code, output = cli("monitor", SYSTEM, "--window", str(header), "-w", str(root))
    assert code == 1, output
    assert "windows/2026-12.csv" in output, output
    assert "Traceback" not in output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_a_missing_window_or_data_file_is_named_with_its_option(root: Path) -> None:
    """A path the user typed that does not exist: the hint is about the option that gave
    it (docs/monitoring.md's example once named a window by a path that was not there),
    not about a datasheet's contract.path. Nothing written."""
    gone = root / "windows" / "2026-11.csv"
    code, output = cli("profile", SYSTEM, "--data", str(gone), "-w", str(root))
    assert code == 1, output
    assert "2026-11.csv: data file not found" in output
    assert "check the path given to --data" in output and "contract.path" not in output
    assert not (root / f"systems/{SYSTEM}/profile.json").exists()
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    code, output = cli("monitor", SYSTEM, "--window", str(gone), "-w", str(root))
    assert code == 1, output
    assert "2026-11.csv: data file not found" in output
    assert "check the path given to --window" in output and "contract.path" not in output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_a_csv_gz_that_is_not_gzip_gives_one_message(root: Path) -> None:
    """Bytes that are not gzip behind a .csv.gz name, as the reference and as a window:
    the file is named with check-data's hint (it was an internal error), nothing written."""
    fake = root / "windows" / "2026-11.csv.gz"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_bytes(b"J\x15 not gzip at all" * 200)
    code, output = cli("profile", SYSTEM, "--data", str(fake), "-w", str(root))
    assert code == 1, output
    assert "2026-11.csv.gz: cannot read the csv.gz file" in output
    assert "is the file complete and really csv.gz?" in output
    assert "internal error" not in output
    assert not (root / f"systems/{SYSTEM}/profile.json").exists()
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    code, output = cli("monitor", SYSTEM, "--window", str(fake), "-w", str(root))
    assert code == 1, output
    assert "2026-11.csv.gz: cannot read the csv.gz file" in output
    assert "is the file complete and really csv.gz?" in output
    assert "internal error" not in output
    assert not (root / f"systems/{SYSTEM}/monitoring.json").exists()


def test_window_needs_a_date(root: Path) -> None:
    assert cli("profile", SYSTEM, "-w", str(root))[0] == 0
    path = write_window(root, "latest.csv", PREDICTIONS)
    code, output = cli("monitor", SYSTEM, "--window", str(path), "-w", str(root))
    assert code == 2 and "--end YYYY-MM-DD" in output
    code, output = cli(
        "monitor", SYSTEM, "--window", str(path), "--end", "2026-11-15", "-w", str(root)
    )
    assert code == 0, output
    assert "window latest (to 2026-11-15" in output


def test_monitor_without_profile(root: Path) -> None:
    path = write_window(root, "2026-11.csv.gz", "")
    with gzip.open(path, "wt") as stream:
        stream.write(PREDICTIONS)
    code, output = cli("monitor", SYSTEM, "--window", str(path), "-w", str(root))
    assert code == 1 and "no reference profile" in output and "cardgate profile" in output


def test_gate_reads_the_record_without_heavy_imports(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.gate.conftest import TODAY
    from tests.gate.test_gate_cli import PROBE

    root = build_workspace(tmp_path / "ws", {"monitor": [{"id": "2026-11", "shifted": True}]})
    env = {**os.environ, "CARDGATE_TODAY": TODAY.isoformat()}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "gate", "-w", str(root)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "GATE-MON002" in done.stdout
    assert "HEAVY:\n" in done.stderr


def test_an_unknown_subject_names_systems_and_datasets(root: Path) -> None:
    """`profile` takes a system or a dataset: an unknown one lists (or suggests) both."""
    code, output = cli("profile", "../x", "-w", str(root))
    assert code == 2, output
    assert "unknown system or dataset '../x'" in output
    assert f"systems: {SYSTEM}" in output and "; datasets: " in output
    code, output = cli("profile", SYSTEM[:-1], "-w", str(root))
    assert code == 2 and f"did you mean '{SYSTEM}'?" in output
