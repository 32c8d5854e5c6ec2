"""What the coverage scripts of intervals for means of scores share
(bounded_mean_coverage.py, paired_change_coverage.py): the interval each is measured
against (the percentile bootstrap it replaced, Student's t) and their options.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from cardgate.evidence.evaluation import intervals as I

Interval = tuple[np.ndarray, np.ndarray]
NDCG_2 = 1 / math.log2(3)  # a relevant document second, the only one: ndcg 0.631
SEED = 20261206


def bootstrap(x: np.ndarray, level: float, rng: np.random.Generator, replicates: int) -> Interval:
    """The percentile bootstrap of each row's mean."""
    low, high = np.empty(len(x)), np.empty(len(x))
    tail = (1 - level) / 2
    for i, row in enumerate(x):
        means = row[rng.integers(0, len(row), (replicates, len(row)))].mean(axis=1)
        low[i], high[i] = np.quantile(means, [tail, 1 - tail])
    return low, high


def student(x: np.ndarray, z: float) -> Interval:
    """Student's t interval of each row's mean."""
    n = x.shape[1]
    half = I.t_value(z, np.array(n - 1.0)) * x.std(axis=1, ddof=1) / math.sqrt(n)
    return x.mean(axis=1) - half, x.mean(axis=1) + half


def options(description: str, *, sizes: str) -> argparse.Namespace:
    """The command line: data sets per cell, bootstrap replicates, level, sample sizes."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="data sets per cell")
    parser.add_argument("--replicates", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--sizes", default=sizes)
    return parser.parse_args()
