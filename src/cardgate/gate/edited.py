"""Which computed artifacts ``gate --changed-since REF`` computes again without
``--release``: those whose results changed since REF while the inputs they record did
not (GATE-ART001).

Without ``--release`` the gate reads a computed artifact as committed: its digests in the
sign-offs prove it did not change after signing, not that it is true, so an
``evaluation.json`` whose value was edited from 0.167 to 0.10 (and signed, or on a tier
that counts an unsigned sign-off) passed a pull request's gate. But an artifact is a
function of its inputs: the same predictions or data and the same card settings give the
same results (``--release`` relies on it). The inputs an artifact records are the digests
the freshness rules check against the files and the card (GATE-FA002, DC002, RAG001 …):
the SHA-256 of the predictions, data, queries, runs, score files or logs and of the card's
settings; a data check's data file, contract, datasheet and reference date. An artifact
that records exactly the inputs it recorded on REF but other results (its seed or
replicates, which the card's settings decide, included; the library versions aside) was
not computed from them: it was edited, or computed by other library versions. Either way
the gate computes it again and compares, as ``--release`` does, for that artifact only:
an artifact computed again after a change of its inputs, or unchanged since REF, costs a
read of REF and no computation. (An edit beside a change of an input — the predictions
or the card's settings, both reviewed documents — is caught by ``--release``.)

The artifact on REF is looked for where the card on REF names it (and at its path
here): moving it does not hide its history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from cardgate.core.git import git_blob
from cardgate.core.inputs import ARTIFACT_BYTES, UnreadableFile
from cardgate.gate.context import GateContext

DATA_CHECK_INPUTS = ("data", "contract_sha256", "datasheet", "dataset", "reference_date")
"""What a data check records as its inputs; its ``generator`` (the versions) is neither."""


def _split(data: dict[str, Any], kind: str) -> tuple[Any, Any]:
    """(inputs, results) of an artifact's data; inputs None when it records none. The
    inputs are the digests it records (of the predictions, data, queries, runs, score
    files, logs, the card's settings), which the freshness rules check against the files
    and the card: a seed or a replicate count edited in the artifact alone is no input
    changed (the card's are what a computation uses)."""
    if kind == "data-check":
        inputs: Any = {key: data.get(key) for key in DATA_CHECK_INPUTS}
        results = {k: v for k, v in data.items() if k not in DATA_CHECK_INPUTS and k != "generator"}
        return inputs, results
    provenance = data.get("provenance")
    if not isinstance(provenance, dict):
        return None, None
    recorded = {key: value for key, value in provenance.items() if key != "versions"}
    return _digests(provenance), {**data, "provenance": recorded}


def _digests(data: Any, where: str = "") -> dict[str, Any]:
    """Each value under a key ending in ``sha256`` in `data`, by where it is."""
    found: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{where}.{key}"
            if str(key).endswith("sha256"):
                found[here] = value
            else:
                found.update(_digests(value, here))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.update(_digests(value, f"{where}.{index}"))
    return found


def edited_since(gate: GateContext, data: Any, paths: Iterable[str], kind: str) -> str | None:
    """Why the artifact whose JSON `data` is here must be computed again: it records the
    inputs it recorded on --changed-since's ref (at one of `paths`, workspace-relative)
    with other results. None without --changed-since, with --release (it is computed
    again anyway), or when its inputs changed or its results did not. `kind`:
    ``data-check``, or an artifact with a ``provenance``."""
    ref = gate.base_ref
    if ref is None or gate.recompute or not isinstance(data, dict):
        return None
    inputs, results = _split(data, kind)
    if inputs is None:
        return None
    for relative in dict.fromkeys(paths):
        try:
            raw = git_blob(gate.root, ref, relative, limit=ARTIFACT_BYTES)
            was = json.loads(raw.decode("utf-8")) if raw is not None else None
        except (UnreadableFile, UnicodeDecodeError, ValueError, RecursionError):
            continue
        if not isinstance(was, dict):
            continue
        was_inputs, was_results = _split(was, kind)
        if was_inputs == inputs and was_results != results:
            return (
                f"recomputed: it records the inputs {relative} recorded on {ref}, with "
                "other results"
            )
    return None


__all__ = ["edited_since"]
