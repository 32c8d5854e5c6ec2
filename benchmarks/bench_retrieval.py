"""Retrieval metrics: cardgate against trec_eval (pytrec_eval), and the bootstrap target.

Run: python benchmarks/bench_retrieval.py [--queries 10000] [--k 10] [--replicates 1000]
[--rounds 5]

The data: synthetic, seeded — each query judges 1 to 20 of 100,000 documents with grades
0 to 3, its run ranks 2k documents with distinct scores. Measured in process, interleaved
(`harness.in_process`), after a warm-up call each:

* **metrics, cardgate**: the (queries, k) gain matrix from the ranked lists and the five
  metrics per query (`retrieval_metrics.gain_matrix`, `per_query`);
* **metrics, trec_eval**: pytrec_eval's `RelevanceEvaluator` built on the same judgements
  and run (the top k: MRR at k) computing P, recall, nDCG, success at k and the
  reciprocal rank — the same values, compared per query to 1e-9 on every run;
* **bootstrap**: the issue's target — `--replicates` replicates of the five means over
  the queries, and their percentile intervals (`retrieval_stats.resampled_means`);
* **bootstrap with slices**: the same with 4 slices of the queries (stratified
  replicates, every slice's interval) and the spread of each metric over the slices with
  its permutation null test (as many permutations as replicates).

Prints a Markdown table; writes the numbers into benchmarks/results.json ("retrieval").
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import pytrec_eval

from cardgate.evidence.evaluation.bootstrap import percentile_interval
from cardgate.evidence.genai.retrieval_inputs import LabelledQuery
from cardgate.evidence.genai.retrieval_metrics import (
    METRICS,
    gain_matrix,
    per_query,
    relevant_counts,
)
from cardgate.evidence.genai.retrieval_stats import (
    bootstrap_limits,
    resampled_means,
    spreads,
)


def make(queries: int, k: int, seed: int = 0) -> tuple[list[LabelledQuery], dict[str, list[str]]]:
    rng = np.random.default_rng(seed)
    labelled, run = [], {}
    for q in range(queries):
        judged = rng.choice(100_000, size=int(rng.integers(1, 21)), replace=False)
        levels = rng.integers(0, 4, len(judged))
        grades = {f"d{d}": int(g) for d, g in zip(judged, levels, strict=True)}
        grades[f"d{judged[0]}"] = max(1, grades[f"d{judged[0]}"])
        pool = np.concatenate([judged, rng.choice(100_000, size=2 * k, replace=False)])
        ranked = list(dict.fromkeys(f"d{d}" for d in rng.permutation(pool)))[: 2 * k]
        labelled.append(LabelledQuery(f"q{q}", grades, {"slice": f"s{q % 4}"}))
        run[f"q{q}"] = ranked
    return labelled, run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=10_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    k, replicates = args.k, args.replicates
    queries, run = make(args.queries, k)
    qrels = {q.query_id: q.grades for q in queries}
    scored = {
        qid: {doc: float(len(ranked) - rank) for rank, doc in enumerate(ranked[:k])}
        for qid, ranked in run.items()
    }
    measures = {f"P.{k}", f"recall.{k}", f"ndcg_cut.{k}", f"success.{k}", "recip_rank"}
    names = {"precision": f"P_{k}", "recall": f"recall_{k}", "ndcg": f"ndcg_cut_{k}",
             "hit_rate": f"success_{k}", "mrr": "recip_rank"}  # fmt: skip
    relevant = relevant_counts(queries)
    values = per_query(*gain_matrix(queries, run, k), relevant)
    strata = np.array([int(q.slices["slice"][1:]) for q in queries], dtype=np.int64)

    def ours() -> object:
        return per_query(*gain_matrix(queries, run, k), relevant)

    def theirs() -> object:
        return pytrec_eval.RelevanceEvaluator(qrels, measures).evaluate(scored)

    def bootstrap() -> object:
        rng = np.random.default_rng(0)
        draws = resampled_means(values, np.zeros(len(values), np.int64), replicates, rng)
        return percentile_interval(draws[:, 0, :], 0.95)

    def sliced() -> object:
        rng = np.random.default_rng(0)
        draws = resampled_means(values, strata, replicates, rng)
        percentile_interval(draws, 0.95)
        return spreads(
            values, strata, bootstrap_limits(draws), level=0.95, null_replicates=replicates, rng=rng
        )

    expected = theirs()
    assert isinstance(expected, dict)
    worst = max(
        abs(values[row, col] - expected[q.query_id][names[m]])
        for row, q in enumerate(queries)
        for col, m in enumerate(METRICS)
    )
    assert worst <= 1e-9, worst
    before = harness.load()
    cpu: dict[str, harness.Sample] = {}
    timed = harness.in_process(
        {"metrics, cardgate": ours, "metrics, trec_eval (pytrec_eval)": theirs,
         "bootstrap": bootstrap, "bootstrap with 4 slices and null tests": sliced},
        rounds=args.rounds,
        cpu=cpu,
    )  # fmt: skip
    after = harness.load()
    ratio = timed["metrics, trec_eval (pytrec_eval)"].median / timed["metrics, cardgate"].median
    title = f"{args.queries:,} queries × k={k}, {replicates:,} replicates, {args.rounds} rounds"
    print(f"### Retrieval metrics: {title}\n")
    print("| what | wall (median, min–max) | CPU (median) |")
    print("|---|---:|---:|")
    for name, sample in timed.items():
        print(f"| {name} | {sample.text()} | {cpu[name].median:.2f} s |")
    print(f"\ntrec_eval / cardgate (metrics, medians): {ratio:.1f}×; largest difference of "
          f"any value: {worst:.1e}; load average before {before}, after {after}")  # fmt: skip
    data: dict[str, Any] = {
        "queries": args.queries,
        "k": k,
        "replicates": replicates,
        "load_before": before,
        "load_after": after,
        "largest_difference": worst if math.isfinite(worst) else None,
        "ratio_trec_eval_over_cardgate": ratio,
        "wall_s": {name: sample.summary() for name, sample in timed.items()},
        "cpu_s": {name: sample.summary() for name, sample in cpu.items()},
    }
    harness.record("retrieval", data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
