"""The numeric sketch of a profile: counts in logarithmic buckets of fixed boundaries.

A value x ≠ 0 falls in bucket k when γ^(k-1) < |x| ≤ γ^k, with γ = (1 + α) / (1 - α)
and α the relative accuracy (DDSketch; Masson, Rim & Lee 2019): every value in a bucket is
within α (relative) of the bucket's representative 2γ^k / (γ + 1). The boundaries depend
on nothing but α, so the sketches of two partitions of a file merge exactly (counts add)
into the sketch of the whole file, and a window is bucketed like its reference without
reading the reference again. |x| below `SMALLEST` is bucket 0.

Bucket indices are ordered like the values: negative indices for negative values (the
larger |x|, the smaller the index), 0, then positive ones. One definition of the index,
in SQL (`bucket_sql`, what DuckDB and Spark compute) and in Python (`bucket_of`, for the
tests and for small inputs), which tests hold equal.

The same index on every engine. The logarithm is not the same function everywhere
(glibc's `log` in DuckDB and Python, fdlibm's `StrictMath.log` in Spark's JVM differ in
the last bit for some inputs), so ceil(ln|x| / ln γ) alone put about one value in a
thousand values next to a boundary in neighbouring buckets on the two engines. So the
engines' logarithm only decides where no error of a few units in the last place can move
the ceiling: where ln|x| / ln γ is within `NEAR` of an integer n, the engine answers
`UNDECIDED`, and those values (next to a boundary: rare but for data made to hit them)
come back to Python, which compares |x| with the boundary γ^n computed in decimal
arithmetic (`boundary`): no logarithm, the same answer on every platform.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

RELATIVE_ACCURACY = 0.001
GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY)
LOG_GAMMA = math.log(GAMMA)
SMALLEST = 1e-9
"""|x| below this is counted as 0 (bucket 0)."""
OFFSET = math.ceil(math.log(SMALLEST) / LOG_GAMMA) - 1
"""Subtracted from the logarithmic index so that every |x| ≥ SMALLEST has index ≥ 1."""
NEAR = 1e-9
"""Distance to an integer below which ln|x| / ln γ is not trusted to give the bucket:
above the error of any faithful logarithm and of the division (|ln x| ≤ 710: one unit in
the last place of each moves the quotient by less than 6e-11), and small enough that
values of real data almost never fall there (|x| within 2e-12, relative, of a
boundary; 1, where every logarithm is exactly 0, is decided)."""

LARGEST_SQL = "1.7976931348623157e308"
"""The largest finite DOUBLE: |x| <= it is false for ±inf and NaN in DuckDB and Spark
(both order NaN above every number), which have no common `isfinite`."""
UNDECIDED = 2**30
"""`bucket_sql`'s index for a value next to a boundary (no bucket is that far out)."""


def boundary(n: int) -> Decimal:
    """γ^n to 60 significant digits: decimal arithmetic, the same on every platform
    (no `pow` or logarithm of the C library)."""
    with localcontext() as context:
        context.prec = 60
        return Decimal(GAMMA) ** n


def bucket_of(value: float) -> int:
    """The bucket index of a finite value."""
    magnitude = abs(value)
    if magnitude < SMALLEST:
        return 0
    quotient = math.log(magnitude) / LOG_GAMMA
    nearest = math.floor(quotient + 0.5)
    if abs(quotient - nearest) > NEAR:
        index = math.ceil(quotient)
    else:
        index = nearest if Decimal(magnitude) <= boundary(nearest) else nearest + 1
    index -= OFFSET
    return index if value > 0 else -index


def bucket_value(index: int) -> float:
    """The bucket's representative value (within α of every value in it)."""
    if index == 0:
        return 0.0
    magnitude = 2 * GAMMA ** (abs(index) + OFFSET) / (GAMMA + 1)
    return magnitude if index > 0 else -magnitude


def _double(value: float) -> str:
    """A DOUBLE literal in DuckDB's and Spark's SQL (an exponent: not a DECIMAL)."""
    text = repr(value)
    return text if "e" in text else f"{text}e0"


def quotient_sql(expression: str) -> str:
    """SQL for ln|x| / ln γ of a DOUBLE `expression` (NULL when |x| < SMALLEST, and for
    ±inf and NaN: DuckDB computes an aggregate's argument before its FILTER, and the
    integer cast of an infinite index fails): computed once per row in a projection,
    then read several times by `bucket_sql`."""
    magnitude = f"abs({expression})"
    return (
        f"(CASE WHEN {magnitude} >= {_double(SMALLEST)} AND {magnitude} <= {LARGEST_SQL} "
        f"THEN ln({magnitude}) / {_double(LOG_GAMMA)} END)"
    )


def bucket_sql(expression: str, quotient: str | None = None) -> str:
    """SQL (DuckDB's dialect; transpiled for Spark) for the bucket index of a finite
    DOUBLE `expression` (NULL stays NULL) — or `UNDECIDED` where ln|x| / ln γ is within
    `NEAR` of an integer: the engine's logarithm cannot decide those few values, which
    the caller reads back and buckets with `bucket_of` (`profile_sql.undecided_sql`).
    `quotient`: a column holding `quotient_sql(expression)` (else computed inline)."""
    quotient = quotient or quotient_sql(expression)
    return (
        f"(CASE WHEN abs({expression}) < {_double(SMALLEST)} THEN 0 "
        f"WHEN abs({quotient} - floor({quotient} + 0.5e0)) > {_double(NEAR)} "
        f"OR {quotient} = 0e0 "
        f"THEN CAST(sign({expression}) * (ceil({quotient}) - ({OFFSET})) AS INTEGER) "
        f"ELSE {UNDECIDED} END)"
    )
