"""Coverage and width of intervals for the mean of per-sample scores in [0, 1] (graded
retrieval metrics, judged generation scores), by simulation from distributions whose mean
is known: most samples at 1 and the rest uniform on [0, 1), ndcg-like levels, and
continuous scores without mass at a bound. Prints Markdown tables (docs/statistics.md,
"Means of scores in [0, 1]"); about a minute on two cores.

`intervals.bounded_mean` is the production method; the percentile bootstrap is the one it
replaced; the others are the alternatives measured against it.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from coverage_common import NDCG_2, SEED, Interval, bootstrap, options, student

from cardgate.evidence.evaluation import intervals as I

LEVELS = {
    "ndcg, 85% at 1": ([1.0, NDCG_2, 0.5, 0.0], [0.85, 0.07, 0.04, 0.04]),
    "ndcg, 95% at 1": ([1.0, NDCG_2, 0.0], [0.95, 0.03, 0.02]),
    "precision@5-like": ([0.0, 0.2, 0.4], [0.05, 0.8, 0.15]),
}
CASES = ["70% at 1", "90% at 1", "98% at 1", *LEVELS, "Beta(8, 2)"]


def draw(case: str, runs: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """`runs` samples of `n` scores, and their true mean."""
    if case in LEVELS:
        values, weights = (np.array(v) for v in LEVELS[case])
        return values[rng.choice(len(values), (runs, n), p=weights)], float(values @ weights)
    if case == "Beta(8, 2)":
        return rng.beta(8, 2, (runs, n)), 0.8
    share = int(case.split("%")[0]) / 100  # at 1, the rest uniform on [0, 1)
    return np.where(rng.random((runs, n)) < share, 1.0, rng.random((runs, n))), (1 + share) / 2


def pseudo(x: np.ndarray, z: float) -> Interval:
    """Student's t on the sample with z²/2 pseudo-observations at 0 and at 1 (Agresti &
    Coull 1998, generalised from 0/1 values)."""
    extra = z * z / 2
    n = x.shape[1] + 2 * extra
    mean = (x.sum(axis=1) + extra) / n
    squares = ((x - mean[:, None]) ** 2).sum(axis=1) + extra * (mean**2 + (1 - mean) ** 2)
    half = I.t_value(z, np.array(n - 1)) * np.sqrt(squares / (n - 1) / n)
    return np.maximum(mean - half, 0.0), np.minimum(mean + half, 1.0)


def bernoulli(x: np.ndarray, z: float) -> Interval:
    """Wilson's interval with the variance bound m(1 − m) of any variable in [0, 1]."""
    n = np.full(len(x), float(x.shape[1]))
    return I.wilson(x.sum(axis=1), n, z)


def bernstein(x: np.ndarray, level: float) -> Interval:
    """The empirical Bernstein bound (Maurer & Pontil 2009, theorem 4), each side at
    (1 − level)/2."""
    n = x.shape[1]
    log = math.log(2 / ((1 - level) / 2))
    half = np.sqrt(2 * x.var(axis=1, ddof=1) * log / n) + 7 * log / (3 * (n - 1))
    return x.mean(axis=1) - half, x.mean(axis=1) + half


def bounded(x: np.ndarray, z: float, *, inside_dof: bool = True) -> Interval:
    """`intervals.bounded_mean`; without `inside_dof`, Student's t at n − 1 degrees of
    freedom (the design-effect Wilson interval alone)."""
    n = float(x.shape[1])
    at_bound = np.maximum((x == 1).sum(axis=1), (x == 0).sum(axis=1))
    inside = n - at_bound if inside_dof else np.full(len(x), n)
    sizes = np.full(len(x), n)
    return I.bounded_mean(x.sum(axis=1), (x * x).sum(axis=1), sizes, inside, z)


def methods(level: float, replicates: int) -> dict[str, Callable[..., Interval]]:
    z = I.z_value(level)
    return {
        "percentile bootstrap": lambda x, rng: bootstrap(x, level, rng, replicates),
        "Student t": lambda x, rng: student(x, z),
        "t, pseudo-observations": lambda x, rng: pseudo(x, z),
        "Wilson, Bernoulli bound": lambda x, rng: bernoulli(x, z),
        "empirical Bernstein": lambda x, rng: bernstein(x, level),
        "Wilson, design effect, t(n − 1)": lambda x, rng: bounded(x, z, inside_dof=False),
        "bounded_mean (chosen)": lambda x, rng: bounded(x, z),
    }


def main() -> int:
    args = options(__doc__ or "", sizes="20,30,60,100,300")
    rng = np.random.default_rng(SEED)
    found = methods(args.level, args.replicates)
    print(f"Coverage (mean width) at level {args.level:g}, {args.runs} data sets per cell.\n")
    print("| scores | n | " + " | ".join(found) + " |")
    print("|---|---:|" + "---:|" * len(found))
    for case in CASES:
        for n in (int(size) for size in args.sizes.split(",")):
            x, truth = draw(case, args.runs, n, rng)
            cells = []
            for method in found.values():
                low, high = method(x, rng)
                share = np.mean((low <= truth) & (truth <= high))
                width = np.mean(np.minimum(high, 1.0) - np.maximum(low, 0.0))
                cells.append(f"{share:.1%} ({width:.3f})")
            print(f"| {case} | {n} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
