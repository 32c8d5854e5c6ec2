"""The inputs of a retrieval evaluation, read strictly: the labelled query set and the
system's ranked results (a run). Light: json only.

**Queries** — JSON Lines, one object per query: ``query_id`` (text), ``relevant`` (a
list of relevant document ids, each of grade 1, or ``{doc_id: grade}`` with integer
grades ≥ 0, 0 meaning judged not relevant; at least one grade ≥ 1), and one text field per
slice feature the card names (``category``, ``language`` ...). Other fields (the query's
text) are kept out of the computation.

**Run** — a TREC run file (``query_id Q0 doc_id rank score tag``, whitespace-separated;
ranked by score, highest first, ties by document id in reverse order, as ``trec_eval``
does: the rank column is ignored), or JSON Lines (``.jsonl``) with ``query_id`` and
``doc_ids``, a list in rank order.

Every problem is an `InputError` located at ``file:line:col`` with a hint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cardgate.core.errors import InputError
from cardgate.core.inputs import IN_MEMORY_BYTES, loads_json, read_regular


@dataclass(frozen=True)
class LabelledQuery:
    """One query of the labelled set."""

    query_id: str
    grades: dict[str, int]
    """Judged documents and their relevance grades (≥ 1: relevant)."""
    slices: dict[str, str]
    """The query's slice for each feature."""


def _lines(path: Path, shown: str) -> list[str]:
    try:
        raw = read_regular(path, limit=IN_MEMORY_BYTES)
    except FileNotFoundError as error:
        raise InputError(
            f"{shown}: does not exist", hint="commit the file, or fix its path"
        ) from error
    except OSError as error:
        raise InputError(f"{shown}: cannot be read: {error}") from error
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is not part of the first id
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(f"{shown}:{line}:1: not UTF-8 text", hint="save it as UTF-8") from error
    return text.split("\n")


def _fail(shown: str, line: int, column: int, message: str, hint: str) -> InputError:
    return InputError(f"{shown}:{line}:{column}: {message}", hint=hint)


MAX_GRADE = 2**31 - 1
"""The largest relevance grade (trec_eval's, a C int); a larger one is refused."""


def _column(text: str, key: str) -> int:
    """1-based column of `"key"` in a JSON line (1 when not found)."""
    return text.find(json.dumps(key)) + 1 or 1


def _json_objects(path: Path, shown: str) -> list[tuple[int, str, dict[str, Any]]]:
    """(line number, text, object) of every non-blank line of a JSON Lines file."""
    found = []
    for number, text in enumerate(_lines(path, shown), start=1):
        if not text.strip():
            continue
        try:
            value = loads_json(text, unique_keys=True)
        except json.JSONDecodeError as error:
            raise _fail(
                shown, number, error.colno, f"not JSON: {error.msg}", "one JSON object per line"
            ) from error
        if not isinstance(value, dict):
            raise _fail(shown, number, 1, "not a JSON object", "one JSON object per line")
        found.append((number, text, value))
    if not found:
        raise InputError(f"{shown}:1:1: holds no line", hint="one JSON object per line")
    return found


def _query_id(shown: str, number: int, text: str, value: dict[str, Any]) -> str:
    query_id = value.get("query_id")
    if not isinstance(query_id, str | int) or isinstance(query_id, bool) or query_id == "":
        raise _fail(
            shown,
            number,
            _column(text, "query_id"),
            "needs a 'query_id' (text)",
            'write {"query_id": "q1", ...}',
        )
    return str(query_id)


def _grades(shown: str, number: int, text: str, value: Any) -> dict[str, int]:
    column = _column(text, "relevant")
    hint = 'write "relevant": ["doc-1", "doc-2"] or {"doc-1": 2, "doc-2": 1}'
    if isinstance(value, list):
        pairs = [(doc, 1) for doc in value]
    elif isinstance(value, dict):
        pairs = list(value.items())
    else:
        raise _fail(shown, number, column, "needs 'relevant': the relevant documents", hint)
    grades: dict[str, int] = {}
    for doc, grade in pairs:
        if not isinstance(doc, str) or not doc:
            raise _fail(shown, number, column, f"document id {doc!r} is not text", hint)
        if not isinstance(grade, int) or isinstance(grade, bool) or not 0 <= grade <= MAX_GRADE:
            shown_grade = repr(grade) if len(repr(grade)) <= 20 else f"{repr(grade)[:20]}..."
            raise _fail(
                shown,
                number,
                column,
                f"grade {shown_grade} of '{doc}' is not an integer from 0 to {MAX_GRADE}",
                hint,
            )
        if doc in grades:
            raise _fail(shown, number, column, f"document '{doc}' is listed twice", hint)
        grades[doc] = grade
    if not any(grade > 0 for grade in grades.values()):
        raise _fail(
            shown,
            number,
            column,
            "has no relevant document (no grade >= 1): recall and nDCG are undefined",
            "label at least one relevant document, or leave the query out of the set",
        )
    return grades


def read_queries(path: Path, shown: str, features: list[str]) -> list[LabelledQuery]:
    """The labelled queries of the file at `path` (`shown`: how messages name it), each
    with its slice of every feature in `features`."""
    queries: list[LabelledQuery] = []
    seen: dict[str, int] = {}
    for number, text, value in _json_objects(path, shown):
        query_id = _query_id(shown, number, text, value)
        if query_id in seen:
            raise _fail(
                shown,
                number,
                _column(text, "query_id"),
                f"query '{query_id}' is already on line {seen[query_id]}",
                "give every query its own id",
            )
        seen[query_id] = number
        grades = _grades(shown, number, text, value.get("relevant"))
        slices: dict[str, str] = {}
        for feature in features:
            slice_value = value.get(feature)
            if not isinstance(slice_value, str) or not slice_value:
                raise _fail(
                    shown,
                    number,
                    _column(text, feature) if feature in value else 1,
                    f"needs the slice field '{feature}' (text), which the card's "
                    "retrieval_evaluation.slices names",
                    f'write "{feature}": "..." on every query, or remove it from slices',
                )
            slices[feature] = slice_value
        queries.append(LabelledQuery(query_id, grades, slices))
    return queries


def read_run(path: Path, shown: str) -> dict[str, list[str]]:
    """Query id -> its ranked document ids, from a TREC run or a JSON Lines file."""
    if path.name.lower().endswith(".jsonl"):
        return _jsonl_run(path, shown)
    return _trec_run(path, shown)


def _jsonl_run(path: Path, shown: str) -> dict[str, list[str]]:
    run: dict[str, list[str]] = {}
    hint = 'one line per query: {"query_id": "q1", "doc_ids": ["doc-3", "doc-1", ...]}'
    for number, text, value in _json_objects(path, shown):
        query_id = _query_id(shown, number, text, value)
        if query_id in run:
            raise _fail(
                shown,
                number,
                _column(text, "query_id"),
                f"query '{query_id}' is listed twice",
                hint,
            )
        docs = value.get("doc_ids")
        column = _column(text, "doc_ids")
        if not isinstance(docs, list) or not all(isinstance(d, str) and d for d in docs):
            raise _fail(shown, number, column, "needs 'doc_ids': a list of document ids", hint)
        if len(set(docs)) != len(docs):
            twice = next(d for d in docs if docs.count(d) > 1)
            raise _fail(shown, number, column, f"document '{twice}' is ranked twice", hint)
        run[query_id] = list(docs)
    return run


def _trec_run(path: Path, shown: str) -> dict[str, list[str]]:
    scored: dict[str, dict[str, float]] = {}
    hint = "a TREC run line is: query_id Q0 doc_id rank score run_tag"
    for number, text in enumerate(_lines(path, shown), start=1):
        fields = text.split()
        if not fields:
            continue
        if len(fields) != 6:
            raise _fail(shown, number, 1, f"has {len(fields)} fields, not 6", hint)
        query_id, _, doc_id, _, score_text, _ = fields
        try:
            score = float(score_text)
        except ValueError:
            score = float("nan")
        if score != score or score in (float("inf"), float("-inf")):
            column = _field_column(text, 4)
            raise _fail(shown, number, column, f"score {score_text!r} is not a finite number", hint)
        docs = scored.setdefault(query_id, {})
        if doc_id in docs:
            column = _field_column(text, 2)
            raise _fail(
                shown, number, column, f"document '{doc_id}' is ranked twice for '{query_id}'", hint
            )
        docs[doc_id] = score
    if not scored:
        raise InputError(f"{shown}:1:1: holds no line", hint=hint)
    # trec_eval's order: score descending, then document id descending
    return {
        query_id: [
            doc
            for doc, _ in sorted(docs.items(), key=lambda item: (item[1], item[0]), reverse=True)
        ]
        for query_id, docs in scored.items()
    }


def _field_column(text: str, index: int) -> int:
    """1-based column where the whitespace-separated field `index` starts."""
    position = 0
    for current, field in enumerate(text.split()):
        position = text.index(field, position)
        if current == index:
            return position + 1
        position += len(field)
    return 1
