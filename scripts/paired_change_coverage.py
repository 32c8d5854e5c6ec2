"""Coverage and width of intervals for the mean paired change from a baseline (candidate
minus baseline per sample, both in [0, 1]: differences in [-1, 1]), by simulation from
distributions whose mean is known: most differences 0 and a few changes (uniform sizes,
0/1 hit-rate changes, ndcg-like levels), and dense differences. Prints Markdown tables
(docs/statistics.md, "The paired change from a baseline"); about a minute on two cores.

`summary.change_limits` is the production method; the paired percentile bootstrap is the
one it replaced; the others are the alternatives measured against it.
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
from cardgate.evidence.genai.summary import change_limits

LEVELS = {  # the change of a per-query ndcg: a document moved up or down, found or lost
    "ndcg-like, 15% changed": (
        [0.0, 1 - NDCG_2, 1.0, NDCG_2 - 1, -NDCG_2],
        [0.85, 0.05, 0.03, 0.04, 0.03],
    ),
    "hit rate, +1 on 10%, −1 on 5%": ([0.0, 1.0, -1.0], [0.85, 0.10, 0.05]),
    "hit rate, +1 on 2%": ([0.0, 1.0], [0.98, 0.02]),
}
SPARSE = {  # (share up, share down) of changes by u uniform on [0, 1)
    "+u on 8%, −u on 3%": (0.08, 0.03),
    "+u on 3%, −u on 1%": (0.03, 0.01),
    "+u on 1%": (0.01, 0.0),
}
CASES = [*SPARSE, *LEVELS, "+u on 30%, −1 on 2%", "half 0, half N(0.1, 0.1)", "N(0.05, 0.1)"]


def draw(case: str, runs: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """`runs` samples of `n` paired differences, and their true mean."""
    share, size = rng.random((runs, n)), rng.random((runs, n))
    if case in SPARSE:
        up, down = SPARSE[case]
        changes = np.where(share < up, size, np.where(share < up + down, -size, 0.0))
        return changes, (up - down) / 2
    if case in LEVELS:
        values, weights = (np.array(v) for v in LEVELS[case])
        return values[rng.choice(len(values), (runs, n), p=weights)], float(values @ weights)
    if case == "+u on 30%, −1 on 2%":
        return np.where(share < 0.3, size, np.where(share < 0.32, -1.0, 0.0)), 0.15 - 0.02
    if case == "half 0, half N(0.1, 0.1)":
        normal = np.clip(rng.normal(0.1, 0.1, (runs, n)), -1, 1)
        return np.where(share < 0.5, 0.0, normal), 0.05  # clipping at ±1 moves it < 1e-15
    return np.clip(rng.normal(0.05, 0.1, (runs, n)), -1, 1), 0.05


def bounded(x: np.ndarray, z: float, inside: np.ndarray | None = None) -> Interval:
    """`intervals.bounded_mean` of values in [0, 1], at its own degrees of freedom unless
    `inside` says."""
    n = float(x.shape[1])
    own = n - np.maximum((x == 1).sum(axis=1), (x == 0).sum(axis=1))
    sizes = np.full(len(x), n)
    return I.bounded_mean(
        x.sum(axis=1), (x * x).sum(axis=1), sizes, own if inside is None else inside, z
    )


def split(x: np.ndarray, z: float, *, correlated: bool = True, pooled: bool = False) -> Interval:
    """Gains minus losses, each `bounded_mean`'s, by MOVER (with their correlation, or as
    if independent); `pooled`: t at the degrees of freedom of every changed sample."""
    n = x.shape[1]
    parts = [np.maximum(x, 0.0), np.maximum(-x, 0.0)]
    means = [part.mean(axis=1) for part in parts]
    changed = (x != 0).sum(axis=1).astype(float)
    ends = []
    for part in parts:
        own = n - np.maximum((part == 1).sum(axis=1), (part == 0).sum(axis=1))
        ends.append(bounded(part, z, np.where(own < 2, own, changed) if pooled else None))
    spread = parts[0].std(axis=1, ddof=1) * parts[1].std(axis=1, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(spread > 0, -n / (n - 1) * means[0] * means[1] / spread, 0.0)
    return I.mover_difference(
        (means[0], *ends[0]), (means[1], *ends[1]), r if correlated else np.zeros(len(x))
    )


def bonferroni(x: np.ndarray, level: float) -> Interval:
    """Gains and losses each at 1 − (1 − level)/2, their ends subtracted: both hold at once
    with probability at least `level`, whatever their dependence."""
    z = I.z_value(1 - (1 - level) / 2)
    (gain_low, gain_high), (loss_low, loss_high) = (
        bounded(np.maximum(sign * x, 0.0), z) for sign in (1, -1)
    )
    return gain_low - loss_high, gain_high - loss_low


def decomposition(x: np.ndarray, level: float) -> Interval:
    """mean = π·μ: π the share of changed samples (Wilson's), μ the mean change among them
    ((μ + 1)/2 in [0, 1], `bounded_mean`'s; all of [-1, 1] where none changed), each at
    the Šidák level √level; the interval spans the products of their ends."""
    z = I.z_value(math.sqrt(level))
    n = x.shape[1]
    nonzero = x != 0
    k = nonzero.sum(axis=1).astype(float)
    share_low, share_high = I.wilson(k, np.full(len(x), float(n)), z)
    y = np.where(nonzero, (x + 1) / 2, 0.0)
    at_bound = np.maximum((nonzero & (y == 1)).sum(axis=1), (nonzero & (y == 0)).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        low, high = I.bounded_mean(y.sum(axis=1), (y * y).sum(axis=1), k, k - at_bound, z)
    low, high = np.where(k > 0, 2 * low - 1, -1.0), np.where(k > 0, 2 * high - 1, 1.0)
    products = np.stack([share_low * low, share_low * high, share_high * low, share_high * high])
    return products.min(axis=0), products.max(axis=0)


def floored(x: np.ndarray, z: float) -> Interval:
    """Student's t with the variance at least the upper limit of E[d²] (d² in [0, 1],
    `bounded_mean`'s) minus the squared mean: a variance floor that no sample of zeros
    can talk down."""
    n = x.shape[1]
    mean = x.mean(axis=1)
    _, square_high = bounded(x * x, z)
    variance = np.maximum(x.var(axis=1, ddof=1), square_high - mean**2)
    half = I.t_value(z, np.array(n - 1.0)) * np.sqrt(variance / n)
    return mean - half, mean + half


def chosen(x: np.ndarray, level: float) -> Interval:
    """`summary.change_limits`, the production method (the data sets as its columns)."""
    low, high = change_limits(x.T, np.zeros(x.shape[1], np.int64), 1)(level)
    return low[0], high[0]


def methods(level: float, replicates: int) -> dict[str, Callable[..., Interval]]:
    z = I.z_value(level)
    return {
        "paired percentile bootstrap": lambda x, rng: bootstrap(x, level, rng, replicates),
        "Student t": lambda x, rng: student(x, z),
        "t, variance floor": lambda x, rng: floored(x, z),
        "π·μ decomposition": lambda x, rng: decomposition(x, level),
        "gains − losses, Bonferroni": lambda x, rng: bonferroni(x, level),
        "gains − losses, MOVER, r = 0": lambda x, rng: split(x, z, correlated=False),
        "gains − losses, MOVER, own t": lambda x, rng: split(x, z),
        "change_limits (chosen)": lambda x, rng: chosen(x, level),
    }


def main() -> int:
    args = options(__doc__ or "", sizes="20,30,60,124,300")
    rng = np.random.default_rng(SEED)
    found = methods(args.level, args.replicates)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"Coverage (mean width) at level {args.level:g}, {args.runs} data sets per cell.\n")
    print("| differences | n | " + " | ".join(found) + " |")
    print("|---|---:|" + "---:|" * len(found))
    few: dict[int, list[int]] = {n: [0, 0] for n in sizes}  # data sets with ≤ 1 change
    for case in CASES:
        for n in sizes:
            x, truth = draw(case, args.runs, n, rng)
            cells = []
            for name, method in found.items():
                low, high = method(x, rng)
                hit = (low <= truth) & (truth <= high)
                cells.append(f"{hit.mean():.1%} ({np.mean(high - low):.3f})")
                if name.endswith("(chosen)") and case in SPARSE:
                    sparse = (x != 0).sum(axis=1) <= 1
                    few[n][0] += int(hit[sparse].sum())
                    few[n][1] += int(sparse.sum())
            print(f"| {case} | {n} | " + " | ".join(cells) + " |", flush=True)
    print("\nThe chosen interval where no sample changed, or one did by +1 or by +0.3; and its")
    print("coverage over the data sets of the first three rows with at most one change.\n")
    print("| n | none changed | one +1 | one +0.3 | covered, ≤ 1 change |")
    print("|---:|---:|---:|---:|---:|")
    for n in sizes:
        cases = np.zeros((3, n))
        cases[1, 0], cases[2, 0] = 1.0, 0.3
        low, high = chosen(cases, args.level)
        shown = [f"{lo:.3f} – {hi:.3f}" for lo, hi in zip(low, high, strict=True)]
        share = few[n][0] / few[n][1] if few[n][1] else math.nan
        print(f"| {n} | " + " | ".join(shown) + f" | {share:.1%} of {few[n][1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
