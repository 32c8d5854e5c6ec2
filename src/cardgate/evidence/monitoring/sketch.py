"""The numeric sketch of a profile: counts in logarithmic buckets of fixed boundaries.

A value x ≠ 0 falls in bucket k when γ^(k-1) < |x| ≤ γ^k, with γ = (1 + α) / (1 - α)
and α the relative accuracy (DDSketch; Masson, Rim & Lee 2019): every value in a bucket is
within α (relative) of the bucket's representative 2γ^k / (γ + 1). The boundaries depend
on nothing but α, so the sketches of two partitions of a file merge exactly (counts add)
into the sketch of the whole file, and a window is bucketed like its reference without
reading the reference again. |x| below `SMALLEST` is bucket 0.

Bucket indices are ordered like the values: negative indices for negative values (the
larger |x|, the smaller the index), 0, then positive ones. One definition of the index,
in SQL (`bucket_sql`, what DuckDB computes) and in Python (`bucket_of`, for the tests and
for small inputs), which a test holds equal.
"""

from __future__ import annotations

import math

RELATIVE_ACCURACY = 0.001
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
LOG_GAMMA = math.log(GAMMA)
SMALLEST = 1e-9
"""|x| below this is counted as 0 (bucket 0)."""
OFFSET = math.ceil(math.log(SMALLEST) / LOG_GAMMA) - 1
"""Subtracted from the logarithmic index so that every |x| ≥ SMALLEST has index ≥ 1."""


def bucket_of(value: float) -> int:
    """The bucket index of a finite value."""
    if abs(value) < SMALLEST:
        return 0
    index = math.ceil(math.log(abs(value)) / LOG_GAMMA) - OFFSET
    return index if value > 0 else -index


def bucket_value(index: int) -> float:
    """The bucket's representative value (within α of every value in it)."""
    if index == 0:
        return 0.0
    magnitude = 2 * GAMMA ** (abs(index) + OFFSET) / (GAMMA + 1)
    return magnitude if index > 0 else -magnitude


def bucket_sql(expression: str) -> str:
    """SQL (DuckDB) for the bucket index of a finite DOUBLE `expression` (NULL stays NULL)."""
    log_gamma = repr(LOG_GAMMA)
    return (
        f"(CASE WHEN abs({expression}) < {SMALLEST!r} THEN 0 "
        f"WHEN {expression} > 0 THEN CAST(ceil(ln({expression}) / {log_gamma}) AS INTEGER) "
        f"- ({OFFSET}) "
        f"ELSE ({OFFSET}) - CAST(ceil(ln(-({expression})) / {log_gamma}) AS INTEGER) END)"
    )
