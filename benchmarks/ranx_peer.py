"""Run in ranx's own throwaway environment (benchmarks/.work/venvs/ranx-*; ranx is not a
dependency of cardgate): read judgements and a run from a JSON file, evaluate the five
retrieval metrics at k with ranx, time it, and print the per-query values and the times
as JSON. Called by bench_retrieval.py --ranx.

    python ranx_peer.py DATA.json K ROUNDS
"""

from __future__ import annotations

import json
import sys
import time

from ranx import Qrels, Run, evaluate


def main() -> None:
    path, k, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    metrics = [f"precision@{k}", f"recall@{k}", f"ndcg@{k}", f"hit_rate@{k}", f"mrr@{k}"]

    def once() -> dict[str, dict[str, float]]:
        # what a user times: the Qrels and Run from dictionaries, then evaluate
        qrels, run = Qrels(data["qrels"]), Run(data["run"])
        evaluate(qrels, run, metrics, return_mean=False, make_comparable=True)
        return {m: {q: float(v) for q, v in run.scores[m].items()} for m in metrics}

    built_qrels, built_run = Qrels(data["qrels"]), Run(data["run"])

    def evaluate_only() -> None:
        # the metrics alone, on Qrels and Run built once (numba's kernels)
        evaluate(built_qrels, built_run, metrics, return_mean=False, make_comparable=True)

    started = time.perf_counter()
    once()  # numba compiles on the first call: reported apart, not timed with the rest
    first = time.perf_counter() - started
    wall, cpu, alone = [], [], []
    for _ in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        values = once()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
        w = time.perf_counter()
        evaluate_only()
        alone.append(time.perf_counter() - w)
    print(json.dumps({"first_call_s": first, "wall_s": wall, "cpu_s": cpu,
                      "evaluate_only_wall_s": alone, "values": values}))  # fmt: skip


if __name__ == "__main__":
    main()
