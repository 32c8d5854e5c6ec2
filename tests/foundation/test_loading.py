"""The loader: positions, duplicate keys, YAML 1.2 scalars and limits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from cardgate.core.problems import Span
from cardgate.documents.load_limits import DocumentLoadError, Limits
from cardgate.documents.loading import load_document, parse_text
from cardgate.documents.positions import SourceFloat
from cardgate.documents.yaml_build import Dumper


def load_error(text: str, **limits: int) -> tuple[str, int, int]:
    with pytest.raises(DocumentLoadError) as caught:
        parse_text(text, display="doc.yaml", limits=Limits(**limits) if limits else Limits())
    problem = caught.value.problem
    assert problem.path == "doc.yaml"
    assert problem.message and problem.hint
    return problem.code, problem.line, problem.column


def test_positions_of_keys_and_values_are_one_based() -> None:
    doc = parse_text(
        "kind: model-card\nevaluation:\n  thresholds:\n    - metric: accuracy\n      max: 0.1\n",
        display="d.yaml",
    )
    assert doc.positions.key(("evaluation",)) == Span(2, 1)
    assert doc.positions.value(("evaluation", "thresholds", 0)) == Span(4, 7)
    assert doc.positions.key(("evaluation", "thresholds", 0, "max")) == Span(5, 7)
    assert doc.positions.value(("evaluation", "thresholds", 0, "max")) == Span(5, 12)


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    doc = parse_text("a:\n  b:\n    c: 1\n", display="d.yaml")
    assert doc.positions.value(("a", "b", "nope", 3)) == doc.positions.value(("a", "b"))
    assert doc.positions.value(("zzz",)) == Span(1, 1)


def test_text_is_kept_as_written_under_yaml_1_2_rules() -> None:
    doc = parse_text(
        "country: NO\nversion: 1.10\non: yes\nflag: true\nnothing: ~\nhex: 0x1F\n"
        "date: 2024-01-31\n",
        display="d.yaml",
    )
    assert doc.data["country"] == "NO"
    assert doc.data["on"] == "yes"
    assert doc.data["flag"] is True
    assert doc.data["nothing"] is None
    assert doc.data["hex"] == 31
    assert doc.data["date"] == "2024-01-31"
    assert getattr(doc.data["version"], "source", None) == "1.10"


@pytest.mark.parametrize(
    "value",
    ["0E0", "1e3", ".5", "-2", "0x1F", "0o17", ".inf", ".NaN", "null", "~", "", "True",
     "FALSE", "yes", "1" * 5000, "2026-11-30", "plain text"],
)  # fmt: skip
def test_what_cardgate_writes_as_a_string_it_reads_back_as_that_string(value: str) -> None:
    """Drafts, exports and sign-off records are written with PyYAML's dumper, whose YAML
    1.1 rules leave '0E0' or '1e3' plain: read by the YAML 1.2 core schema they were
    numbers (an imported card's model_version, a sign-off's name, an export's metric
    source)."""
    text = yaml.dump({"value": value, "number": SourceFloat("1e3")}, Dumper=Dumper)
    back = parse_text(text, display="x.yaml").data
    assert back["value"] == value and isinstance(back["value"], str), text
    assert back["number"] == 1000.0 and not isinstance(back["number"], str)


def test_duplicate_keys_are_refused_at_the_second_key() -> None:
    assert load_error("name: a\nnested:\n  x: 1\n  x: 2\n") == ("CG008", 4, 3)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "CG004"),
        ("# only a comment\n", "CG004"),
        ("- a\n- b\n", "CG007"),
        ("just text\n", "CG007"),
        ("a: 1\n---\nb: 2\n", "CG006"),
        ("a: [1, 2\n", "CG005"),
        ("a: !!python/object/apply:os.system [ls]\n", "CG011"),
        ("? [a, b]\n: 1\n", "CG012"),
    ],
)
def test_malformed_documents_get_one_positioned_problem(text: str, code: str) -> None:
    assert load_error(text)[0] == code


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("kind: x\nname: a\x1b[2Jb\n", 2, 8),  # a terminal escape pasted into a value
        ("kind: x\n# note \x07\n", 2, 8),  # in a comment too
        ("name: \u00e9\u00e9\U0001f600\nb: \x1b\n", 2, 4),  # columns count characters
        ("a: 1\r\nb: x\ufffe\r\n", 2, 5),
    ],
)
def test_a_character_yaml_refuses_is_shown_where_it_is(text: str, line: int, column: int) -> None:
    """PyYAML's reader names a byte offset in its own message ("in <unicode string>,
    position 8", on two lines); the problem is at the character's line and column."""
    assert load_error(text) == ("CG005", line, column)
    with pytest.raises(DocumentLoadError) as raised:
        parse_text(text, display="doc.yaml")
    message = raised.value.problem.message
    assert "\n" not in message and "position" not in message
    assert "U+" in message


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_shown_where_it_opens(quote: str) -> None:
    """PyYAML finds an unclosed quote where the text runs out, lines below: the problem
    is shown at the quote, with where the text ran out."""
    text = f"kind: model-card\nname: {quote}Loan approval\nstatus: draft\nrisk_tier: high\n"
    with pytest.raises(DocumentLoadError) as raised:
        parse_text(text, display="card.yaml")
    problem = raised.value.problem
    assert (problem.code, problem.line, problem.column) == ("CG005", 2, 7)
    assert problem.message.startswith("invalid YAML: the quoted value that starts here is never")
    assert "close the quote" in problem.hint


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("kind: x\nowners:\n\t- name: a\n", 3, 1),  # PyYAML: "cannot start any token"
        ("kind: x\nowners:\n  \t- name: a\n", 3, 3),  # after spaces
        ("kind: x\nowners:\n  - a\n\t- b\n", 4, 1),  # "... violates indentation"
        ("kind: x\nnote: |\n  a\n\tb\n", 4, 1),  # in a block scalar
        ("kind: x\r\nowners:\r\n\t- a\r\n", 3, 1),
    ],
)
def test_a_tab_in_the_indentation_is_named_with_the_fix(text: str, line: int, column: int) -> None:
    """PyYAML's messages for a tab that indents a line do not say "tab" (or say it without
    the fix); the problem names the tab, where it is, and what to write instead."""
    with pytest.raises(DocumentLoadError) as raised:
        parse_text(text, display="doc.yaml")
    problem = raised.value.problem
    assert (problem.code, problem.line, problem.column) == ("CG005", line, column)
    assert "a tab character indents this line" in problem.message
    assert "replace the tab with spaces" in problem.hint


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        previous, name = chr(96 + index), chr(97 + index)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    start = time.perf_counter()
    code, _, _ = load_error("\n".join(lines) + "\n")
    assert code == "CG010"
    assert time.perf_counter() - start < 0.5


def test_recursive_alias_and_deep_nesting_are_refused() -> None:
    assert load_error("a: &x [*x]\n")[0] == "CG009"
    assert load_error("a: " + "[" * 100 + "]" * 100 + "\n")[0] == "CG009"
    assert load_error("a: [[[1]]]\n", max_depth=2)[0] == "CG009"


@pytest.mark.parametrize("digits", ["9" * 5000, "0x" + "f" * 5000, "-" + "1" * 4301])
def test_an_integer_of_thousands_of_digits_is_a_positioned_problem(digits: str) -> None:
    # int() refuses more than 4,300 decimal digits, str() as many from hex: every command
    # reading such a document stopped with an internal error.
    assert load_error(f"kind: x\nschema_version: {digits}\n") == ("CG005", 2, 17)
    assert parse_text(f"a: {'9' * 1000}\n", display="d.yaml").data["a"] == int("9" * 1000)


def test_merge_keys_are_expanded_and_own_keys_win() -> None:
    doc = parse_text("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", display="d.yaml")
    assert doc.data["use"] == {"x": 1, "y": 3}


def test_a_second_merge_key_in_one_mapping_is_a_duplicate_key() -> None:
    """``<<: *loose`` then ``<<: *strict``: cardgate kept the first (max 0.35), where PyYAML
    and a reader who takes the later key to win see the second (max 0.1)."""
    text = (
        "loose: &loose {metric: dpd, max: 0.35}\n"
        "strict: &strict {metric: dpd, max: 0.1}\n"
        "threshold:\n"
        "  <<: *loose\n"
        "  <<: *strict\n"
    )
    assert load_error(text) == ("CG008", 5, 3)
    listed = text.replace("  <<: *loose\n  <<: *strict\n", "  <<: [*loose, *strict]\n")
    assert load_error(listed) == ("CG008", 4, 3)  # the specification keeps the first: loose
    apart = "a: &a {metric: dpd}\nb: &b {max: 0.1}\nthreshold:\n  <<: [*a, *b]\n  max: 0.05\n"
    assert parse_text(apart, display="d.yaml").data["threshold"] == {"metric": "dpd", "max": 0.05}


def test_file_limits(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(DocumentLoadError) as caught:
        load_document(big, limits=Limits(max_bytes=1000))
    assert caught.value.problem.code == "CG002"

    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"a: 1\nb: \x00\x01\x02")
    with pytest.raises(DocumentLoadError) as caught:
        load_document(binary)
    assert (caught.value.problem.code, caught.value.problem.line) == ("CG003", 2)

    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DocumentLoadError) as caught:
        load_document(latin)
    assert (caught.value.problem.code, caught.value.problem.column) == ("CG003", 10)

    with pytest.raises(DocumentLoadError) as caught:
        load_document(tmp_path / "absent.yaml")
    assert caught.value.problem.code == "CG001"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert load_document(path).data == {"name": "x"}


def test_parse_cache_gives_the_same_document_and_positions(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("kind: model-card\nversion: 1.10\nlist:\n  - a: NO\n", encoding="utf-8")
    first = load_document(path)
    second = load_document(path)  # from the cache
    assert second.known_positions is None, "the second load should come from the cache"
    assert second.data == first.data
    assert getattr(second.data["version"], "source", None) == "1.10"
    assert second.positions.value(("list", 0, "a")) == first.positions.value(("list", 0, "a"))
    path.write_text("kind: model-card\nversion: 2\n", encoding="utf-8")
    assert load_document(path).data == {"kind": "model-card", "version": 2}


def test_positions_are_cached_after_first_use_and_agree_with_a_fresh_parse(
    tmp_path: Path,
) -> None:
    text = "kind: model-card\nowners:\n  - name: Ann\n    role: owner\nrisks: []\n"
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    fresh = load_document(path)  # parsed: positions built from the node graph
    wanted = [("owners", 0, "role"), ("risks",), ("owners", 0), ("nowhere", 3)]
    expected = [fresh.positions.value(p) for p in wanted] + [fresh.positions.key(("risks",))]
    first = load_document(path)  # from the cache; positions parsed again, then stored
    assert [first.positions.value(p) for p in wanted] == expected[:-1]
    from cardgate.documents import parse_cache

    key = parse_cache.cache_key(path.read_bytes(), repr(Limits()))
    assert isinstance(parse_cache.read(key + ".positions"), type(fresh.positions))
    second = load_document(path)  # from the cache, positions too
    assert second.known_positions is None
    assert [second.positions.value(p) for p in wanted] == expected[:-1]
    assert second.positions.key(("risks",)) == expected[-1]
    assert second.positions.value(("owners", 0, "role")) == Span(4, 11)


def test_cache_off_and_broken_entries_fall_back_to_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cardgate.documents import parse_cache

    path = tmp_path / "doc.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    load_document(path)
    key = parse_cache.cache_key(path.read_bytes(), repr(Limits()))
    folder = parse_cache.cache_dir()
    assert folder is not None
    (folder / key[:2] / key).write_bytes(b"not a pickle")
    assert load_document(path).data == {"a": 1}
    monkeypatch.setenv("CARDGATE_NO_CACHE", "1")
    parse_cache.cache_dir.cache_clear()
    try:
        assert load_document(path).known_positions is not None
    finally:
        monkeypatch.delenv("CARDGATE_NO_CACHE")
        parse_cache.cache_dir.cache_clear()


@pytest.mark.parametrize(
    ("line", "column", "key", "quoted"),
    [
        (
            "  decision_thresholds: flag when proba > 0.3: investigators review them",
            45,
            "decision_thresholds",
            'decision_thresholds: "flag when proba > 0.3: investigators review them"',
        ),
        (
            "  confidential_data: yes: personal data of claimants",
            25,
            "confidential_data",
            'confidential_data: "yes: personal data of claimants"',
        ),
        (  # a list item's key; a double quote in the value: single quotes
            '  - note: the "v2" data: from 2026',
            24,
            "note",
            "note: 'the \"v2\" data: from 2026'",
        ),
    ],
)
def test_a_colon_inside_an_unquoted_value_says_to_quote_it(
    line: str, column: int, key: str, quoted: str
) -> None:
    """PyYAML's "mapping values are not allowed in this context" for `key: a: b` does not
    say that the value's ': ' is the trouble: the problem names the key and the hint is the
    line with its value quoted, ready to copy."""
    with pytest.raises(DocumentLoadError) as raised:
        parse_text(f"kind: model-card\nsection:\n{line}\n", display="card.yaml")
    problem = raised.value.problem
    assert (problem.code, problem.line, problem.column) == ("CG005", 3, column)
    assert f"the value of '{key}' holds ': '" in problem.message
    assert problem.hint == f"put the whole value in quotes: {quoted}"
    assert yaml.safe_load(quoted) is not None  # the hint's line is valid YAML


def test_a_colon_on_a_continuation_line_keeps_the_general_hint() -> None:
    """A second line of a value that reads as a key is an indentation matter, not a
    value to quote: the message stays PyYAML's."""
    with pytest.raises(DocumentLoadError) as raised:
        parse_text("kind: x\nname: a\n  b: c\n", display="card.yaml")
    problem = raised.value.problem
    assert "holds ': '" not in problem.message
    assert "check indentation and quoting" in problem.hint
