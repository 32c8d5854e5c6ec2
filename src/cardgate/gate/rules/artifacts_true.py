"""Computed artifacts read against their model, and in release mode recompute identically.

Rationale:
``evaluation.json``, ``data-check.json``, ``retrieval.json``, ``generation.json``,
``safety.json`` and ``operations.json`` are computed, not written by hand: a
digest in a sign-off proves the file did not change after signing, not that it is true.
An artifact the gate cannot read against its model (the one its writer uses), whose
verdict does not follow from its own contents (``passed: false`` with no violation), or
with a non-finite number proves nothing. With ``--release`` the gate goes further: it
computes every artifact again from its recorded inputs — the evaluation from the
predictions and the card's settings, the data check from the data file and the contract,
the retrieval evaluation from the labelled queries and the runs, the generation
aggregates and the safety rates from the judged files, the operational metrics from the
run logs — and blocks on any difference. With ``--changed-since REF`` alone it computes
again the artifacts whose results changed since REF while the inputs they record did not
(the same predictions or data, settings, seed and replicates: `cardgate.gate.edited`):
such an artifact was edited, not computed, and a pull request's gate caught it only once
released.
This rule guards the gate's integrity: no policy can switch it off, no waiver matches it.

Fails:
- ``data-check.json`` with ``passed: false`` and ``violations: []``, or without its
  ``profile``; ``evaluation.json`` that is not JSON or misses what the model requires;
- ``retrieval.json``, ``generation.json``, ``safety.json`` or ``operations.json`` that is
  not JSON or misses what its model requires;
- with ``--release``: a threshold value in ``evaluation.json`` edited from 0.167 to 0.10,
  or an nDCG in ``retrieval.json`` edited,
  or a count in ``data-check.json`` edited, even when the edit was signed afterwards;
- with ``--release``: an artifact whose inputs are gone (it cannot be recomputed);
- with ``--changed-since REF``: an ``evaluation.json`` (or another artifact) whose
  recorded inputs are those it recorded on REF, edited (``value`` 0.167 to 0.10), signed
  again: computed again, it differs.

Passes:
- every artifact reads against its model; with ``--release``, recomputing it gives the
  same data (the generator's library versions aside).

Remediation:
Never edit an artifact: run ``cardgate evaluate SYSTEM`` or ``cardgate check-data
DATASET`` and commit what it writes; then have the roles sign again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from cardgate.core.errors import CardgateError
from cardgate.core.problems import Severity
from cardgate.gate.context import ArtifactRead, RuleContext
from cardgate.gate.datasets import CheckedDataset, checked_datasets
from cardgate.gate.edited import edited_since
from cardgate.gate.genai import EvidenceRead, read_once
from cardgate.gate.genai_baselines import DEFAULT_ARTIFACTS
from cardgate.gate.recompute import differences as _differences
from cardgate.gate.recompute import recomputed as _recomputed
from cardgate.gate.ref_cards import ref_named_paths
from cardgate.gate.result import Finding

CODE = "GATE-ART001"
NAME = "artifacts.true"
SEVERITY = Severity.ERROR
NIST = ["MEASURE 2.1", "MEASURE 2.13", "GOVERN 1.4"]
ALIASES: list[str] = []
INTEGRITY = True
NEEDS_CARD = True

# The gate's cache keys for what this rule recomputed (one per run), by system / dataset id
_EVALUATIONS = CODE + ":evaluation"
_DATA_CHECKS = CODE + ":data"
_RETRIEVALS = CODE + ":retrieval"
_GENERATIONS = CODE + ":generation"
_SAFETY = CODE + ":safety"
_OPERATIONS = CODE + ":operations"


def check(ctx: RuleContext) -> Iterator[Finding]:
    system, card = ctx.system, ctx.card
    # without a card there is neither an artifact nor a dataset to check: `and` would do
    if system is None or card is None:  # pragma: no mutate
        return
    read = ctx.gate.artifact(system)
    if read is not None and read.error is not None and read.error != "does not exist":
        yield ctx.finding(
            read.relative if read.path is not None else system.card,
            f"evaluation artifact '{read.relative}' {read.error}",
            hint=f"never edit it: run cardgate evaluate {system.id} and commit the result",
        )
    elif read is not None and read.artifact is not None and read.path is not None:
        data = ctx.gate.artifact_data(read.path)
        paths = [read.relative, *_ref_paths(ctx, ("evaluation", "artifact"), read.relative)]
        why = _RELEASE if ctx.gate.recompute else edited_since(ctx.gate, data, paths, "evaluation")
        if why is not None:
            yield from _recomputed_evaluation(ctx, read, why)
    for evidence in read_once(ctx.gate, system).all():
        if evidence.error is not None and evidence.error != "does not exist":
            yield ctx.finding(
                evidence.relative if evidence.path is not None else system.card,
                f"artifact '{evidence.relative}' {evidence.error}",
                hint=f"never edit it: run {evidence.command} and commit it",
            )
        elif evidence.artifact is not None:
            section = _SECTIONS[evidence.command.split(" ")[1]]
            keys = ("genai", section, "artifact")
            paths = [evidence.relative, *_ref_paths(ctx, keys, evidence.relative)]
            why = (
                _RELEASE
                if ctx.gate.recompute
                else edited_since(ctx.gate, evidence.data, paths, section)
            )
            if why is not None:
                yield from _recomputed_genai(ctx, evidence, why)
    for dataset in checked_datasets(ctx):
        if dataset.error is not None and dataset.error != "does not exist":
            yield ctx.finding(
                dataset.artifact_relative,
                f"data-check artifact '{dataset.artifact_relative}' {dataset.error}",
                hint=f"never edit it: run cardgate check-data {dataset.id} and commit it",
            )
        elif dataset.artifact is not None:
            paths = [dataset.artifact_relative]
            why = (
                _RELEASE
                if ctx.gate.recompute
                else edited_since(ctx.gate, dataset.artifact, paths, "data-check")
            )
            if why is not None:
                yield from _recomputed_data_check(ctx, dataset, why)


_RELEASE = "recomputed for --release"
_SECTIONS = {
    "evaluate-retrieval": "retrieval_evaluation",
    "evaluate-generation": "generation_evaluation",
    "evaluate-safety": "safety_evaluation",
    "evaluate-operations": "operations_evaluation",
}
"""The card's section of each GenAI artifact, by the command that writes it."""


def _ref_paths(ctx: RuleContext, keys: tuple[str, ...], current: str) -> list[str]:
    """Where the system's cards on --changed-since's ref name the artifact at `keys`
    (none without it): `cardgate.gate.edited` reads its history there."""
    base = ctx.gate.ref_cards()
    if base is None or ctx.system is None or ctx.gate.recompute:
        return []
    default = "evaluation.json" if keys[0] == "evaluation" else DEFAULT_ARTIFACTS[keys[1]]
    return ref_named_paths(ctx.workspace, ctx.system, base, keys, default, current)


def _recomputed_evaluation(ctx: RuleContext, read: ArtifactRead, why: str) -> Iterator[Finding]:
    from cardgate.evidence.evaluation.run import recompute_evaluation

    # an artifact that was read (for mypy: both always hold here)
    assert ctx.system is not None and read.path is not None  # pragma: no mutate
    system_id = ctx.system.id
    yield from _recomputed(
        ctx,
        _EVALUATIONS,  # pragma: no mutate (any key unique in the cache would do)
        read.relative,
        ctx.gate.artifact_data(read.path),
        lambda: recompute_evaluation(ctx.workspace, system_id),
        command=f"cardgate evaluate {system_id}",
        restore="restore the predictions the card names, or re-run cardgate evaluate",
        why=why,
    )


def _recomputed_genai(
    ctx: RuleContext, read: EvidenceRead[Any, Any], why: str
) -> Iterator[Finding]:
    from cardgate.evidence.genai.generation_run import recompute_generation
    from cardgate.evidence.genai.operations_run import recompute_operations
    from cardgate.evidence.genai.retrieval_run import recompute_retrieval
    from cardgate.evidence.genai.safety_run import recompute_safety

    assert ctx.system is not None  # pragma: no mutate
    system_id = ctx.system.id
    # the command names what wrote the artifact: "cardgate evaluate-<what> SYSTEM"
    what = read.command.split(" ")[1]
    key, compute = {
        "evaluate-retrieval": (_RETRIEVALS, recompute_retrieval),
        "evaluate-generation": (_GENERATIONS, recompute_generation),
        "evaluate-safety": (_SAFETY, recompute_safety),
        "evaluate-operations": (_OPERATIONS, recompute_operations),
    }[what]
    yield from _recomputed(
        ctx,
        key,
        read.relative,
        read.data,
        lambda: compute(ctx.workspace, system_id),
        command=read.command,
        restore="restore the files the card's genai section names, or re-run "
        # commands hold single spaces: splitting on " " or on any whitespace is the same
        + read.command.rsplit(" ", 1)[0],  # pragma: no mutate
        why=why,
    )


def _recomputed_data_check(
    ctx: RuleContext, dataset: CheckedDataset, why: str
) -> Iterator[Finding]:
    from cardgate.evidence.datacheck.run import recompute_data_check

    artifact = dataset.artifact
    assert artifact is not None
    # any key unique in the gate's cache would do: mutating it changes nothing
    cache: dict[str, Any] = ctx.gate.cache.setdefault(_DATA_CHECKS, {})  # pragma: no mutate
    if dataset.id not in cache:
        recorded_date = artifact.get("reference_date")
        today = dt.date.fromisoformat(recorded_date) if recorded_date else None
        try:
            cache[dataset.id] = recompute_data_check(
                ctx.workspace, dataset.id, today=today, data=_recorded_file(ctx, artifact)
            )
        except CardgateError as error:
            cache[dataset.id] = error
    recomputed = cache[dataset.id]
    if isinstance(recomputed, CardgateError):
        yield ctx.finding(
            dataset.artifact_relative,
            f"{dataset.artifact_relative} cannot be recomputed from its inputs: "
            f"{recomputed.message}",
            hint=_restore_data(ctx, dataset),
        )
        return
    yield from _differences(
        ctx,
        dataset.artifact_relative,
        {k: v for k, v in artifact.items() if k != "generator"},
        {k: v for k, v in recomputed.items() if k != "generator"},
        f"cardgate check-data {dataset.id}",
        why=why,
    )


def _restore_data(ctx: RuleContext, dataset: CheckedDataset) -> str:
    """What certifies a data check that cannot be recomputed: its file again, or, for a
    file checked from outside the workspace (the contract names none), a file inside."""
    if dataset.contract.path is not None:
        return "commit the data file the contract names, or re-run cardgate check-data"
    sheet = ctx.workspace.relative(dataset.docs.folder / "datasheet.yaml")
    return (
        "the check read a file outside the workspace (check-data --data), which the gate "
        "cannot read again: copy the file into the workspace, set contract.path in "
        f"{sheet} and run cardgate check-data {dataset.id}"
    )


def _recorded_file(ctx: RuleContext, artifact: dict[str, Any]) -> Any:
    """The data file the artifact records when it is in the workspace (gone, it cannot be
    recomputed: the finding names it); else None, the contract's own file."""
    from cardgate.core.paths import PathEscapeError

    try:
        return ctx.workspace.resolve(artifact["data"]["path"])
    except PathEscapeError:
        return None
