"""Retrieval metrics: cardgate against trec_eval (pytrec_eval) and ranx, and the bootstrap
target.

Run: python benchmarks/bench_retrieval.py [--queries 10000] [--k 10] [--replicates 1000]
[--rounds 5] [--ranx]

The data: synthetic, seeded — each query judges 1 to 20 of 100,000 documents with grades
0 to 3, its run ranks 2k documents with distinct scores. Measured in process, interleaved
(`harness.in_process`), after a warm-up call each:

* **metrics, cardgate**: the (queries, k) gain matrix from the ranked lists and the five
  metrics per query (`retrieval_metrics.gain_matrix`, `per_query`);
* **metrics, trec_eval**: pytrec_eval's `RelevanceEvaluator` built on the same judgements
  and run (the top k: MRR at k) computing P, recall, nDCG, success at k and the
  reciprocal rank — the same values, compared per query to 1e-9 on every run;
* **metrics, ranx** (`--ranx`): ranx 0.3.21 in its own throwaway environment
  (`benchmarks/.work/venvs/ranx-0.3.21`, pinned below; ranx is not a dependency of
  cardgate), `Qrels` and `Run` from the same dictionaries and `evaluate` of the five
  metrics at k, per query (`ranx_peer.py`, timed in its process after a first call that
  compiles numba's code, reported apart) — the issue's ratio, without bootstrap; its
  values compared per query to 1e-9 as well;
* **bootstrap**: the issue's target — `--replicates` replicates of the five means over
  the queries, and their percentile intervals (`retrieval_stats.resampled_means`);
* **bootstrap with slices**: the same with 4 slices of the queries (stratified
  replicates, every slice's interval) and the spread of each metric over the slices with
  its permutation null test (as many permutations as replicates).

Prints a Markdown table; writes the numbers into benchmarks/results.json ("retrieval").
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
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

RANX = [
    "ranx==0.3.21", "numba==0.68.1", "llvmlite==0.50.0", "numpy==2.4.6", "pandas==3.1.1",
    "python-dateutil==4.0.0", "tzdata==2026.6", "scipy==1.17.1", "orjson==3.13.0",
    "lz4==4.4.5", "cbor2==6.3.0", "tabulate==0.10.0", "tqdm==4.70.1", "rich==15.0.0",
    "markdown-it-py==4.3.0", "mdurl==0.1.2", "Pygments==2.21.0", "ir_datasets==0.6.3",
    "seaborn==0.13.2", "matplotlib==3.11.2", "contourpy==1.3.3", "cycler==0.12.1",
    "fonttools==4.68.0", "kiwisolver==1.5.1", "pillow==13.0.0", "pyparsing==3.3.3",
    "packaging==26.4", "fastparquet==2026.9.0", "cramjam==2.14.0", "fsspec==2026.9.0",
    "lxml==6.2.0", "PyYAML==6.0.4", "requests==2.34.2", "certifi==2026.10.19.post1",
    "charset-normalizer==3.5.3", "idna==3.21", "urllib3==2.8.0",
]  # fmt: skip
"""ranx and everything it imports (`pip freeze` of `pip install ranx==0.3.21`)."""


def ranx_metrics(
    qrels: dict[str, dict[str, int]], scored: dict[str, dict[str, float]], k: int, rounds: int
) -> dict[str, Any]:
    """ranx's per-query metrics and times, from its own environment (`ranx_peer.py`)."""
    python = harness.peer_python("ranx-0.3.21", RANX)
    data = harness.WORK / "retrieval-ranx.json"
    data.write_text(json.dumps({"qrels": qrels, "run": scored}), encoding="utf-8")
    peer = Path(__file__).resolve().parent / "ranx_peer.py"
    done = subprocess.run(
        [str(python), "-W", "ignore", str(peer), str(data), str(k), str(rounds)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, Any] = json.loads(done.stdout)
    return result


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
    parser.add_argument("--ranx", action="store_true", help="also time ranx (installs it)")
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
    if args.ranx:
        data["ranx"] = _ranx_section(qrels, scored, queries, values, k, args.rounds, timed, cpu)
    harness.record("retrieval", data)
    return 0


def _ranx_section(
    qrels: dict[str, dict[str, int]],
    scored: dict[str, dict[str, float]],
    queries: list[LabelledQuery],
    values: Any,
    k: int,
    rounds: int,
    timed: dict[str, harness.Sample],
    cpu: dict[str, harness.Sample],
) -> dict[str, Any]:
    """ranx on the same judgements and run: its values against ours, its times, the ratio."""
    found = ranx_metrics(qrels, scored, k, rounds)
    names = {"precision": f"precision@{k}", "recall": f"recall@{k}", "ndcg": f"ndcg@{k}",
             "hit_rate": f"hit_rate@{k}", "mrr": f"mrr@{k}"}  # fmt: skip
    worst = max(
        abs(values[row, col] - found["values"][names[m]][q.query_id])
        for row, q in enumerate(queries)
        for col, m in enumerate(METRICS)
    )
    assert worst <= 1e-9, worst
    wall = sorted(found["wall_s"])[len(found["wall_s"]) // 2]
    cpu_ranx = sorted(found["cpu_s"])[len(found["cpu_s"]) // 2]
    ratio = wall / timed["metrics, cardgate"].median
    alone = sorted(found["evaluate_only_wall_s"])[len(found["evaluate_only_wall_s"]) // 2]
    print(f"\nranx 0.3.21 (metrics, no bootstrap): wall median {wall:.2f} s "
          f"(min {min(found['wall_s']):.2f}, max {max(found['wall_s']):.2f}), "
          f"CPU {cpu_ranx:.2f} s, "
          f"first call (numba compiles) {found['first_call_s']:.1f} s; ranx / cardgate "
          f"(medians): {ratio:.1f}×; evaluate alone on Qrels and Run built once: "
          f"{alone:.2f} s ({alone / timed['metrics, cardgate'].median:.1f}×); largest "
          f"difference of any value: {worst:.1e}")  # fmt: skip
    return {
        "version": "0.3.21",
        "wall_s": found["wall_s"],
        "cpu_s": found["cpu_s"],
        "first_call_s": found["first_call_s"],
        "evaluate_only_wall_s": found["evaluate_only_wall_s"],
        "ratio_evaluate_only_over_cardgate": alone / timed["metrics, cardgate"].median,
        "largest_difference": worst,
        "ratio_ranx_over_cardgate": ratio,
        "ratio_cpu_ranx_over_cardgate": cpu_ranx / cpu["metrics, cardgate"].median,
    }


if __name__ == "__main__":
    sys.exit(main())
