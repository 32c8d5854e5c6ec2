"""GATE-MC005 on the labelled query set a retrieval evaluation's limits are taken over
(`cardgate.gate.query_set_limits`; red team 44).

The attack: the queries the system fails are deleted from ``queries.jsonl`` (its run
ranks no relevant document first for q00, q10, ... q50), ``cardgate evaluate-retrieval``
is run again, and every mean rises past its limit: ``gate --changed-since`` compared the
card's limits with the ref's, and the card had not changed. As a ``WHERE`` in
``evaluation.predictions.query`` does for the evaluation, a query labelled on the ref and
gone here decides the limits over other queries than they were set on."""

from __future__ import annotations

from pathlib import Path

from .conftest import SYSTEM, build_workspace, cli, gate_json, git

QUERIES = f"systems/{SYSTEM}/queries.jsonl"


def _committed(tmp_path: Path) -> Path:
    root = build_workspace(tmp_path / "ws", {"genai": True})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _rewritten(root: Path, keep: object, *added: str) -> None:
    """The query set with the lines `keep` accepts (by line), `added` appended, and the
    retrieval evaluated again by the real command."""
    path = root / QUERIES
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if keep(line)]  # type: ignore[operator]
    path.write_text("\n".join([*lines, *added]) + "\n", encoding="utf-8")
    code, out = cli("evaluate-retrieval", SYSTEM, "-w", str(root))
    assert code == 0, out


def _limits(root: Path) -> list[str]:
    report = gate_json(root, "--changed-since", "HEAD")[1]
    return [f["message"] for f in report["findings"] if f["code"] == "GATE-MC005"]  # type: ignore[union-attr]


def test_the_queries_a_system_fails_dropped_from_the_set_block(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    failed = {f'"q{n:02d}"' for n in range(0, 60, 10)}
    _rewritten(root, lambda line: not any(q in line for q in failed))
    assert _limits(root) == [
        f"genai.retrieval_evaluation.queries: 6 of the 60 labelled queries on HEAD are not "
        f"in {QUERIES} here ('q00', 'q10', 'q20', 'q30', 'q40' and 1 more): the retrieval "
        "limits are taken over other queries than they were set on, and a query dropped may "
        "be one the system fails (queries dropped)"
    ]  # was []


def test_queries_added_to_the_set_pass(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    extra = '{"query_id": "q99", "category": "rates", "relevant": {"d99": 1}}'
    _rewritten(root, lambda line: True, extra)
    assert _limits(root) == []
