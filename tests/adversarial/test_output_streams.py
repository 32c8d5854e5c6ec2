"""Items 5, 8, 12 and 16 (bidi) of issue #15: what cardgate prints cannot be turned
against its reader.

A hostile workspace puts terminal escape sequences, bidi overrides, NUL and other control
characters, line breaks followed by GitHub workflow commands, bare URLs and spreadsheet
formulas into the values that reach every output: a waiver's approver, a threshold's
feature (echoed by a validation message), system folder names, a data value. Every
reporter's output is then read back with a real parser (XML, JSON, the SARIF 2.1.0 schema,
CSV, a CommonMark parser with GitHub-style autolinks) and checked for what got through.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from markdown_it import MarkdownIt

from .conftest import DATASET, REPO, SIGNED_SYSTEM, SYSTEM, TODAY, invoke

HOSTILE = (
    "\x1b]0;pwned\x07\x1b[2J\u202eevil\u202c\x00\x01\x7f\u2028"
    "\n::error file=x,line=1::injected https://evil.example www.evil.example "
    "a@evil.example"
)
FOLDER = "evil\x1b[2J\u202e\n::error file=x,line=1::injected"
FORMULA_FOLDER = "=SUM(1+1)*cmd|' -C calc'!A0"
WORKFLOW_INJECTION = "::error file=x"
SARIF_SCHEMA = REPO / "tests" / "gate" / "sarif-schema-2.1.0.json"

_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What a text output may not contain raw (tab and line feed are the output's own)."""


def _yaml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted scalar


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def hostile(workspace: Path) -> Path:
    _replace(
        workspace / "waivers.yaml",
        'approver: "Priya Raman, Head of Model Risk Management (risk owner)"',
        f"approver: {_yaml('Priya ' + HOSTILE)}",
    )
    _replace(
        workspace / "systems" / SIGNED_SYSTEM / "model-card.yaml",
        "      feature: ",
        f"      feature: {_yaml('sex' + HOSTILE)}\n      # was: ",
    )
    for name in (FOLDER, FORMULA_FOLDER):
        shutil.copytree(workspace / "systems" / SYSTEM, workspace / "systems" / name)
    data = workspace / "datasets" / DATASET / "german-credit.csv.gz"
    with gzip.open(data, "rt", encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    rows[1][rows[0].index("purpose")] = "=cmd|' /C calc'!A0" + HOSTILE
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    data.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8"), mtime=0))
    return workspace


def _gate(workspace: Path, output_format: str) -> str:
    code, out, err = invoke("gate", "-w", workspace, "--today", TODAY, "-f", output_format)
    assert code == 1, err
    assert "Traceback" not in err
    return out


def _assert_plain(text: str) -> None:
    raw = _RAW.search(text)
    assert raw is None, (
        f"raw {raw.group()!r} in {text[max(raw.start() - 60, 0) : raw.end() + 20]!r}"
    )


def test_the_hostile_values_reach_the_outputs(hostile: Path) -> None:
    """The fixture is hostile where it counts: its values are in the findings."""
    report = json.loads(_gate(hostile, "json"))
    messages = [f["message"] for f in report["findings"] + report["waived"]]
    assert any(HOSTILE in message for message in messages)
    assert any(f["waiver"] and HOSTILE in f["waiver"]["approver"] for f in report["waived"])
    assert {FOLDER, FORMULA_FOLDER} <= {s["system"] for s in report["systems"]}


def test_text_shows_control_and_bidi_characters_as_escapes(hostile: Path) -> None:
    out = _gate(hostile, "text")
    _assert_plain(out)
    assert "\\x1b[2J" in out and "\\u202e" in out and "\\n::error" in out
    assert not any(line.startswith("::") for line in out.splitlines())


def test_github_commands_cannot_be_injected(hostile: Path) -> None:
    out = _gate(hostile, "github")
    _assert_plain(out)
    lines = out.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines[:-1])
    assert not lines[-1].startswith("::")
    assert not any(line.startswith(WORKFLOW_INJECTION) for line in lines)


def test_junit_is_well_formed_xml(hostile: Path) -> None:
    out = _gate(hostile, "junit")
    root = ElementTree.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    texts = [value for node in root.iter() for value in (node.text, *node.attrib.values())]
    assert any("\\x1b" in (text or "") for text in texts)


def test_json_and_sarif_parse_and_sarif_follows_its_schema(hostile: Path) -> None:
    report = json.loads(_gate(hostile, "json"))
    assert report["format"] == "cardgate-gate"
    log = json.loads(_gate(hostile, "sarif"))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
    uris = [
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
    ]
    assert any("evil" in uri for uri in uris)
    for uri in uris:  # RFC 3986: a URI reference has no spaces, controls or bare '#'s
        assert re.fullmatch(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]*", uri), uri


def test_markdown_adds_no_links_html_or_control_characters(hostile: Path) -> None:
    out = _gate(hostile, "markdown")
    _assert_plain(out)
    html = MarkdownIt("commonmark").enable("table").render(out)
    assert "<a " not in html and "<script" not in html
    assert "https://evil.example" not in out and "www.evil.example" not in out
    assert "a@evil.example" not in out


def test_sarif_uris_are_percent_encoded(workspace: Path) -> None:
    folder = workspace / "systems" / "with space#and%hash"
    shutil.copytree(workspace / "systems" / SYSTEM, folder)
    log = json.loads(_gate(workspace, "sarif"))
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
        for location in result["locations"]
    }
    assert "systems/with%20space%23and%25hash/model-card.yaml" in uris


def test_coverage_csv_neutralises_formulas(hostile: Path) -> None:
    code, out, err = invoke("coverage", "-w", hostile, "-f", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert any("cmd|" in cell for row in rows for cell in row)
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_coverage_text_and_markdown_escape_folder_names(hostile: Path) -> None:
    for output_format in ("text", "markdown"):
        code, out, err = invoke("coverage", "-w", hostile, "-f", output_format)
        assert code == 0, err
        _assert_plain(out)


def test_validate_text_escapes_what_documents_hold(hostile: Path) -> None:
    code, out, _ = invoke("validate", "-w", hostile)
    assert code == 1
    _assert_plain(out)
    assert "\\u202e" in out


def test_check_data_text_escapes_data_values(hostile: Path) -> None:
    code, out, err = invoke("check-data", DATASET, "-w", hostile, "--today", TODAY)
    assert code == 1, err
    _assert_plain(out)
    assert "\\x1b" in out


def test_error_messages_escape_what_they_quote(workspace: Path) -> None:
    code, _, err = invoke("evaluate", "-w", workspace, "no\x1b[2Jsuch\u202esystem")
    assert code == 2
    _assert_plain(err)
    assert "\\x1b[2J" in err
