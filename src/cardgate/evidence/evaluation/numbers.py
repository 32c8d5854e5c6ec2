"""How numbers enter the artifact: finite, 12 significant digits, None with a reason."""

from __future__ import annotations

from typing import Any

import numpy as np


def json_number(value: float | None) -> float | None:
    """A JSON number: None for undefined, 12 significant digits (stable across platforms)."""
    if value is None or not np.isfinite(value):
        return None
    return float(f"{float(value):.12g}")


def json_interval(low: float, high: float) -> list[float | None] | None:
    a, b = json_number(low), json_number(high)
    return None if a is None or b is None else [a, b]


def estimate_record(value: float, low: float, high: float, reason: str) -> dict[str, Any]:
    point = json_number(value)
    return {
        "value": point,
        "ci": json_interval(low, high) if point is not None else None,
        "reason": None if point is not None else reason,
    }
