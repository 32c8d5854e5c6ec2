"""cardgate's retrieval metrics against an independent implementation: trec_eval itself,
through pytrec_eval (the dev extra), to 1e-9 on random runs with graded relevance."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from cardgate.evidence.genai.retrieval_inputs import LabelledQuery, read_queries, read_run
from cardgate.evidence.genai.retrieval_metrics import (
    METRICS,
    gain_matrix,
    per_query,
    relevant_counts,
)

pytrec_eval = pytest.importorskip("pytrec_eval")


def _random_case(
    seed: int, queries: int, docs: int, k: int
) -> tuple[list[LabelledQuery], dict[str, dict[str, float]]]:
    rng = np.random.default_rng(seed)
    labelled, run = [], {}
    for q in range(queries):
        qid = f"q{q}"
        judged = rng.choice(docs, size=rng.integers(1, 15), replace=False)
        grades = {f"d{d}": int(rng.integers(0, 4)) for d in judged}
        first = next(iter(grades))
        grades[first] = max(grades[first], 1)  # at least one relevant document
        labelled.append(LabelledQuery(qid, grades, {}))
        if rng.random() < 0.05:
            continue  # a query the system returned nothing for
        length = int(rng.integers(1, 2 * k))
        ranked = rng.choice(docs, size=length, replace=False)
        scores = rng.permutation(length).astype(float) + rng.random()  # distinct scores
        run[qid] = {f"d{d}": float(s) for d, s in zip(ranked, scores, strict=True)}
    return labelled, run


def _ranked(run: dict[str, dict[str, float]]) -> dict[str, list[str]]:
    return {q: sorted(docs, key=lambda d: -docs[d]) for q, docs in run.items()}


@pytest.mark.parametrize(("seed", "k"), [(1, 10), (2, 5), (3, 1), (4, 20)])
def test_every_metric_equals_trec_eval(seed: int, k: int) -> None:
    labelled, run = _random_case(seed, queries=300, docs=60, k=k)
    gains, ideal = gain_matrix(labelled, _ranked(run), k)
    ours = per_query(gains, ideal, relevant_counts(labelled))
    qrels = {q.query_id: q.grades for q in labelled}
    # trec_eval's recip_rank has no cut-off: give it the top k only (MRR@k)
    top_k = {q: dict(sorted(d.items(), key=lambda i: -i[1])[:k]) for q, d in run.items()}
    measures = {f"P.{k}", f"recall.{k}", f"ndcg_cut.{k}", f"success.{k}", "recip_rank"}
    theirs = pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(top_k)
    names = {
        "precision": f"P_{k}",
        "recall": f"recall_{k}",
        "ndcg": f"ndcg_cut_{k}",
        "hit_rate": f"success_{k}",
        "mrr": "recip_rank",
    }
    checked = 0
    for row, query in enumerate(labelled):
        for column, metric in enumerate(METRICS):
            expected = theirs[query.query_id][names[metric]] if query.query_id in theirs else 0.0
            assert math.isclose(ours[row, column], expected, abs_tol=1e-9), (query, metric)
            checked += 1
    assert checked == 300 * len(METRICS)
    assert len(theirs) < 300  # some queries had no results: scored 0 by cardgate
    assert ours[:, METRICS.index("ndcg")].max() > 0.5  # not all zeros


def test_trec_run_ties_are_ordered_as_trec_eval_orders_them(tmp_path: Path) -> None:
    lines = ["q1 Q0 a 1 0.5 t", "q1 Q0 c 2 0.5 t", "q1 Q0 b 3 0.5 t", "q1 Q0 z 4 0.1 t"]
    path = tmp_path / "run.trec"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ranked = read_run(path, "run.trec")
    assert ranked == {"q1": ["c", "b", "a", "z"]}
    qrels = {"q1": {"a": 1}}
    theirs = pytrec_eval.RelevanceEvaluator(qrels, {"recip_rank"}).evaluate(
        {"q1": {"a": 0.5, "c": 0.5, "b": 0.5, "z": 0.1}}
    )
    gains, ideal = gain_matrix([LabelledQuery("q1", {"a": 1}, {})], ranked, 10)
    ours = per_query(gains, ideal, np.array([1.0]))
    assert ours[0, METRICS.index("mrr")] == theirs["q1"]["recip_rank"] == pytest.approx(1 / 3)


def test_a_byte_order_mark_is_not_part_of_the_first_query_id(tmp_path: Path) -> None:
    """A run saved with a BOM (Excel, PowerShell) had its first line under the query
    '\\ufeffq1', not labelled, so ignored: q1 lost its top document without a word."""
    path = tmp_path / "run.trec"
    path.write_bytes(b"\xef\xbb\xbf" + b"q1 Q0 a 1 0.9 t\nq1 Q0 b 2 0.5 t\n")
    assert read_run(path, "run.trec") == {"q1": ["a", "b"]}
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(b'\xef\xbb\xbf{"query_id": "q1", "query": "x", "relevant": ["a"]}\n')
    assert [query.query_id for query in read_queries(queries, "queries.jsonl", [])] == ["q1"]
