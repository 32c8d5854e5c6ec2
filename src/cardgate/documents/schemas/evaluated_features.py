"""Which features an evaluation's settings name must be evaluated ones: a threshold's
`feature` and a `reference_groups` key name a sensitive feature or an intersection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationInfo

from cardgate.documents.schemas.base import errors_below


def refuse_unevaluated(
    field: str, named: Sequence[tuple[tuple[str | int, ...], str | None]], info: ValidationInfo
) -> None:
    """An error at each feature `named` (its path below `field`) that is not evaluated:
    not a sensitive feature nor an intersection 'a,b' (unless those did not validate)."""
    if "sensitive_features" not in info.data or "intersections" not in info.data:
        return  # reported there
    combos: list[list[str]] = info.data["intersections"]
    names = [*info.data["sensitive_features"], *(",".join(combo) for combo in combos)]
    found: list[tuple[tuple[str | int, ...], str, Any]] = [
        (at, f"'{name}' is not an evaluated feature (sensitive_features: {', '.join(names)})", name)
        for at, name in named
        if name is not None and name not in names
    ]
    if found:
        hint = "add it to evaluation.sensitive_features (each listed feature is evaluated alone)"
        raise errors_below(f"EvaluationSettings.{field}", found, hint=hint + ", or name one there")
