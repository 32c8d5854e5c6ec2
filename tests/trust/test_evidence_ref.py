"""One reading of an evidence entry for the checklist checks and for sign-off coverage.

`cardgate.documents.evidence_ref` decides what an entry refers to; the checklist checks
(CL104/CL105/CL107) and what a sign-off covers both rest on it, so evidence the gate counts
as present is evidence a sign-off covers. And one JSON digest (`json_sha256`) for
artifacts and evidence alike.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from cardgate.core.digests import canonical_sha256, json_sha256
from cardgate.documents.evidence_ref import evidence_ref


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / "reviews").mkdir(parents=True)
    (workspace / "reviews" / "record.md").write_text("# Record\n")
    (tmp_path / "outside.md").write_text("secret\n")
    os.symlink(tmp_path / "outside.md", workspace / "leak.md")
    return workspace


@pytest.mark.parametrize(
    ("entry", "kind"),
    [
        ("", "none"),
        ("TODO", "none"),
        ("https://example.org/review", "url"),
        ("HTTP://Example.org", "url"),
        ("http:review.md", "scheme"),  # no host: not a URL, not a path
        ("ftp://example.org/x", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("C:\\reviews\\record.md", "outside"),  # a drive letter is a path, absolute
        ("/etc/passwd", "outside"),
        ("../outside.md", "outside"),
        ("leak.md", "outside"),  # a link out of the workspace
        ("reviews/record.md", "path"),
        ("reviews/missing.md", "path"),  # existence is the caller's question (CL104)
        ("reviews", "path"),
    ],
)
def test_each_entry_has_one_kind(root: Path, entry: str, kind: str) -> None:
    assert evidence_ref(root, entry).kind == kind


def test_a_path_is_resolved_inside_the_workspace_with_its_section(root: Path) -> None:
    ref = evidence_ref(root, "reviews/./record.md#Findings")
    assert ref.kind == "path"
    assert ref.file == "reviews/./record.md"
    assert ref.target == os.path.realpath(root / "reviews" / "record.md")
    assert ref.section == "Findings"
    assert evidence_ref(root, "reviews/record.md").section == ""


def test_a_refused_path_says_why(root: Path) -> None:
    ref = evidence_ref(root, "../outside.md")
    assert ref.target is None
    assert "outside the workspace" in ref.reason


def test_json_digest_ignores_formatting_but_not_content() -> None:
    data = {"b": [1, 2], "a": {"x": "é"}}
    compact = json.dumps(data, separators=(",", ":")).encode()
    pretty = json.dumps(data, indent=4, sort_keys=True, ensure_ascii=True).encode()
    assert json_sha256(compact) == json_sha256(pretty) == canonical_sha256(data)
    assert json_sha256(json.dumps({**data, "b": [2, 1]}).encode()) != json_sha256(compact)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"passed": false, "passed": true}',  # a key twice: readers differ, the bytes decide
        b'{"outer": {"k": 1, "k": 1}}',
        b"not json",
        b"\xff\xfe binary",
    ],
)
def test_json_digest_falls_back_to_the_bytes(raw: bytes) -> None:
    assert json_sha256(raw) == hashlib.sha256(raw).hexdigest()
