"""Per-query retrieval metrics at a cut-off k, vectorised on the (queries, k) gain matrix.

For a query with judged grades g (relevant: g ≥ 1, as ``trec_eval``'s relevance level 1)
and its ranked list cut at k, with gain G_i the grade of the document at rank i (0 when
not judged or not relevant) and R the number of relevant documents:

* ``precision`` = |relevant in the top k| / k (k, not the list's length: a short list is
  not rewarded, as ``trec_eval``'s P_k);
* ``recall`` = |relevant in the top k| / R;
* ``hit_rate`` = 1 when some relevant document is in the top k, else 0 (``success@k``);
* ``mrr`` = 1 / (rank of the first relevant document) within the top k, else 0;
* ``ndcg`` = Σ G_i / log2(i + 1) over the top k, divided by the same sum over the ideal
  order of the query's grades (linear gain, ``trec_eval``'s ndcg_cut).

A labelled query the run has no results for scores 0 on every metric (the system
returned nothing). Checked against ``trec_eval`` (pytrec_eval) in tests/genai.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from cardgate.evidence.genai.retrieval_inputs import LabelledQuery

FloatArray = npt.NDArray[np.float64]

METRICS: tuple[str, ...] = ("recall", "precision", "mrr", "ndcg", "hit_rate")
"""The metrics, in the artifact's order (the schema's `RetrievalMetric`)."""


def gain_matrix(
    queries: Sequence[LabelledQuery], run: Mapping[str, Sequence[str]], k: int
) -> tuple[FloatArray, FloatArray]:
    """(gains, ideal): the grade of the document at each of the top-k ranks of each
    query's results, and of its ideal ranking (its grades in decreasing order), (Q, k)."""
    gains = np.zeros((len(queries), k))
    ideal = np.zeros((len(queries), k))
    for row, query in enumerate(queries):
        grades = query.grades
        ranked = run.get(query.query_id, ())
        gains[row, : min(k, len(ranked))] = [grades.get(doc, 0) for doc in ranked[:k]]
        best = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
        ideal[row, : len(best)] = best
    return gains, ideal


def relevant_counts(queries: Sequence[LabelledQuery]) -> FloatArray:
    """The number of relevant documents (grade ≥ 1) of each query, (Q,)."""
    return np.array([sum(1 for g in q.grades.values() if g > 0) for q in queries], dtype=float)


def per_query(gains: FloatArray, ideal: FloatArray, relevant: FloatArray) -> FloatArray:
    """Every metric of every query from its gains: (Q, len(METRICS)), columns in the
    order of `METRICS`."""
    k = gains.shape[1]
    hit = gains > 0
    found = hit.sum(axis=1)
    ranks = np.arange(1, k + 1, dtype=np.float64)
    first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
    reciprocal = np.where(first >= 0, 1.0 / np.maximum(first + 1, 1), 0.0)
    discount = 1.0 / np.log2(ranks + 1)
    ideal_dcg = ideal @ discount
    with np.errstate(invalid="ignore", divide="ignore"):
        ndcg = np.where(ideal_dcg > 0, (gains @ discount) / ideal_dcg, 0.0)
        recall = np.where(relevant > 0, found / relevant, 0.0)
    columns = {
        "recall": recall,
        "precision": found / k,
        "mrr": reciprocal,
        "ndcg": ndcg,
        "hit_rate": (found > 0).astype(np.float64),
    }
    return np.stack([columns[name] for name in METRICS], axis=1)
