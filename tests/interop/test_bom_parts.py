"""What the CycloneDX, SPDX and Croissant exporters share: IRI references, number text,
content UUIDs."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import FormatChecker

from cardgate.interop.bom_parts import content_uuid, email_or_none, iri, number_text

CHECKER = FormatChecker()


@given(st.text(max_size=40))
def test_any_path_or_url_becomes_a_valid_iri_reference(text: str) -> None:
    assert CHECKER.conforms(iri(text), "iri-reference")


@pytest.mark.parametrize(
    "text",
    [
        "systems/income-screening/review-record.md",
        "systems/income-screening/signoffs.yaml#signoffs.0",
        "https://doi.org/10.24432/C5XW20",
        "https://example.org/a%20b?x=1&y=2#part",
        "datasets/adult/adult.csv.gz",
    ],
)
def test_valid_references_stay_as_they_are(text: str) -> None:
    assert iri(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a b", "a%20b"),
        ("a#b#c", "a#b%23c"),
        ("100%", "100%25"),
        (":x", "./:x"),
        ("[x]", "%5Bx%5D"),
    ],
)
def test_what_an_iri_may_not_hold_is_escaped(text: str, expected: str) -> None:
    assert iri(text) == expected
    assert CHECKER.conforms(expected, "iri-reference")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.org:8080/a", "https://example.org:8080/a"),
        ("https://user:pw@example.org/", "https://user:pw@example.org/"),
        ("https://a:b", "https://a%3Ab"),  # a port is digits
        ("http://@@@", "http://%40%40@"),  # one @ ends the user part
        ("http://:w/x:y", "http://%3Aw/x:y"),  # only the authority changes
    ],
)
def test_a_urls_authority_is_made_valid(text: str, expected: str) -> None:
    """A URL a document gives (a lineage page, a checklist's evidence) whose host part no
    IRI holds: the BOM that carried it as it was failed the CycloneDX schema."""
    assert iri(text) == expected
    assert CHECKER.conforms(expected, "iri-reference")


@given(st.sampled_from(["http://", "https://"]), st.text(max_size=30))
def test_any_url_becomes_a_valid_iri_reference(scheme: str, rest: str) -> None:
    assert CHECKER.conforms(iri(scheme + rest), "iri-reference")


@given(st.floats(allow_nan=False, allow_infinity=False) | st.integers())
def test_number_text_reads_back_as_the_same_number(value: float) -> None:
    assert type(value)(number_text(value)) == value


def test_a_truth_value_is_no_number() -> None:
    with pytest.raises(TypeError):
        number_text(True)


def test_content_uuids_name_the_content() -> None:
    first = content_uuid({"a": 1, "b": [1, 2]})
    assert first == content_uuid({"b": [1, 2], "a": 1})  # key order does not matter
    assert first != content_uuid({"a": 1, "b": [2, 1]})
    assert first.version == 5 and isinstance(first, uuid.UUID)


@pytest.mark.parametrize(
    ("text", "kept"),
    [("jonas.weber@example.org", True), (" a@b.org ", True), ("a at b", False), ("", False)],
)
def test_only_an_email_address_is_kept_as_one(text: str, kept: bool) -> None:
    assert (email_or_none(text) is not None) == kept
