"""A Hugging Face card's ``model-index`` as reported results: values its authors report,
which cardgate did not compute (`hf_import`).

``model-index`` is a list of entries, each with a list of results, each with a list of
metrics (a mapping with a ``type`` and a finite numeric ``value``). What does not read
so is listed, with where it is, and left out; a level of another type than a list (a
number where the metrics go was an internal error; a string was read as a list of its
characters, a line per character) is listed once.
"""

from __future__ import annotations

import math
from typing import Any


def reported_results(
    metadata: dict[str, Any], shown: str, tag: str | None
) -> tuple[list[dict[str, Any]], list[str]]:
    """Every result of ``model-index`` as a reported result; what does not read as one."""
    found: list[dict[str, Any]] = []
    skipped: list[str] = []
    for at, entry in enumerate(_listed(metadata.get("model-index"), "model-index", skipped)):
        if not isinstance(entry, dict):
            skipped.append(f"model-index[{at}] (not a mapping)")
            continue
        results = _listed(entry.get("results"), f"model-index[{at}].results", skipped)
        for number, result in enumerate(results):
            where = f"model-index[{at}].results[{number}]"
            if not isinstance(result, dict):
                skipped.append(f"{where} (not a mapping)")
                continue
            task, dataset, source = (
                _mapping(result.get(key)) for key in ("task", "dataset", "source")
            )
            for count, metric in enumerate(
                _listed(result.get("metrics"), f"{where}.metrics", skipped)
            ):
                value = _finite(metric.get("value")) if isinstance(metric, dict) else None
                kind = metric.get("type") if isinstance(metric, dict) else None
                if value is None or not kind:
                    skipped.append(f"{where}.metrics[{count}] (no finite numeric value or type)")
                    continue
                reported: dict[str, Any] = {
                    "metric": str(kind),
                    "value": value,
                    "source": str(source.get("name") or f"model-index of {shown}"),
                }
                if source.get("url"):
                    reported["url"] = str(source["url"])
                if dataset.get("type"):
                    reported["dataset"] = str(dataset["type"])
                if dataset.get("split"):
                    reported["split"] = str(dataset["split"])
                if task.get("type") and task.get("type") != tag:
                    reported["task"] = str(task["type"])
                found.append(reported)
    return found, skipped


def _listed(value: Any, where: str, skipped: list[str]) -> list[Any]:
    """`value` when it is a list; none (nothing) is none; anything else listed in
    `skipped` as `where` and read as none."""
    if value is None or isinstance(value, list):
        return value or []
    skipped.append(f"{where} (not a list)")
    return []


def _finite(value: Any) -> float | None:
    """A reported value as a float: a finite number (NaN, an infinity and an integer too
    large for a float are none: a card's reported value is finite)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
