"""A card's limits loosened in a change count only once merged: with ``--changed-since
REF``, each limit of the card on REF that the card demands less of is a GATE-MC005 error
no waiver accepts (`cardgate.gate.card_limits`).

The attack: a fairness limit the reviewers approved (``max: 0.1``) is raised to ``0.35``
in a pull request, ``cardgate evaluate`` is run again, and ``gate --changed-since main``
passed: the new limit was decided, not the approved one; only the stale sign-offs said
so (warnings), and a tier that counts unsigned sign-offs lets anyone append one."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import SYSTEM, build_workspace, cli, codes, edit, gate_json, git

CARD = f"systems/{SYSTEM}/model-card.yaml"
BASE_EVALUATION = (
    "      max: 0.1\n",
    "      max: 0.1\n      inconclusive: block\n"
    "    - metric: accuracy\n      min: 0.5\n"
    "  min_group_size: 30\n"
    f"  baseline: {{artifact: systems/{SYSTEM}/evaluation.json, tolerance: 0.02}}\n",
)
"""The base card's evaluation, with a min, an inconclusive action and a baseline."""
WAIVER = (
    "kind: waivers\nschema_version: 1\nwaivers:\n"
    "  - rule: {rule}\n    system: " + SYSTEM + "\n    justification: Limits under review.\n"
    "    approver: Risk Owner\n    expires: 2027-01-31\n"
)


def _committed(tmp_path: Path, case: dict[str, Any] | None = None) -> Path:
    root = build_workspace(tmp_path / "ws", {"edit": {CARD: [BASE_EVALUATION]}, **(case or {})})
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base")
    return root


def _reevaluated(root: Path, *replacements: tuple[str, str]) -> None:
    """The card edited and its evaluation run again, as the attacker would."""
    edit(root / CARD, *replacements)
    code, out = cli("evaluate", SYSTEM, "-w", str(root))
    assert code == 0, out


def _limits(report: dict[str, Any]) -> list[dict[str, Any]]:
    """GATE-MC005's findings (the rule ran: it is no finding for want of the rule)."""
    assert "GATE-MC005" in codes(report, "rules")
    return [f for f in report["findings"] if f["code"] == "GATE-MC005"]


def test_a_limit_raised_in_the_change_blocks(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    _reevaluated(root, ("      max: 0.1\n", "      max: 0.35\n"))
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report  # was 0: the stale sign-offs were warnings
    found = _limits(report)
    assert [(f["path"], f["line"], f["column"], f["severity"]) for f in found] == [
        (CARD, 84, 7, "error")
    ], found
    assert found[0]["message"] == (
        "evaluation.thresholds: demographic_parity_difference for 'sex' demands less than on "
        "HEAD: max 0.1, inconclusive: block there, max 0.35, inconclusive: block here (max "
        "raised)"
    )
    assert "counts once merged" in found[0]["hint"]
    assert report["systems"][0]["passed"] is False


def test_no_waiver_accepts_a_loosened_limit(tmp_path: Path) -> None:
    """A waiver in the same change would accept it."""
    root = _committed(tmp_path)
    _reevaluated(root, ("      max: 0.1\n", "      max: 0.35\n"))
    (root / "waivers.yaml").write_text(WAIVER.format(rule="GATE-MC005"), encoding="utf-8")
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    assert [f["severity"] for f in _limits(report)] == ["error"]
    assert "GATE-MC005" not in codes(report, "waived")


LOOSENINGS = [
    pytest.param(
        [("      min: 0.5\n", "      min: 0.3\n")],
        "accuracy demands less than on HEAD: min 0.5 there, min 0.3 here (min lowered)",
        (87, 7),
        id="min lowered",
    ),
    pytest.param(
        [("      max: 0.1\n", "      min: -1\n")],
        "max 0.1, inconclusive: block there, min -1, inconclusive: block here (max removed)",
        (82, 7),  # the threshold: it has no max
        id="a bound removed",
    ),
    pytest.param(
        [("    - metric: accuracy\n      min: 0.5\n", "")],
        "evaluation.thresholds: accuracy demands less than on HEAD: min 0.5 there, no such "
        "limit here (removed)",
        (81, 3),  # the thresholds
        id="a threshold removed",
    ),
    pytest.param(
        [("    - metric: accuracy\n", "    - metric: accuracy\n      feature: sex\n")],
        "accuracy demands less than on HEAD: min 0.5 there, no such limit here for the "
        "overall value (removed)",
        (81, 3),
        id="a threshold on every feature narrowed to one",
    ),
    pytest.param(
        [("      inconclusive: block\n", "      inconclusive: warn\n")],
        "max 0.1, inconclusive: block there, max 0.1, inconclusive: warn here (inconclusive "
        "loosened)",
        (85, 7),
        id="inconclusive loosened",
    ),
    pytest.param(
        [("      inconclusive: block\n", "")],
        "max 0.1, inconclusive: block there, max 0.1 here (inconclusive loosened)",
        (82, 7),  # the threshold: its action is left to the policy
        id="inconclusive removed",
    ),
    pytest.param(
        [("  min_group_size: 30\n", "  min_group_size: 100\n")],
        "evaluation.min_group_size is 30 on HEAD, 100 here: groups under 100 rows are left "
        "unjudged (min_group_size raised)",
        (88, 3),
        id="min_group_size raised",
    ),
    pytest.param(
        [
            (
                "  min_group_size: 30\n",
                "  min_group_size: 30\n  bootstrap: {confidence_level: 0.99}\n",
            )
        ],
        "evaluation.bootstrap.confidence_level is 0.95 on HEAD, 0.99 here: wider intervals "
        "read breaches as inconclusive (confidence_level raised)",
        (89, 15),
        id="confidence_level raised",
    ),
    pytest.param(
        [("  min_group_size: 30\n", "  min_group_size: 30\n  missing_values: ['', F]\n")],
        "evaluation.missing_values: 'F' is read as missing here, not on HEAD: the rows "
        "holding it are dropped, and with them the groups it names (missing_values widened)",
        (89, 3),
        id="a group read as missing",
    ),
    pytest.param(
        [("tolerance: 0.02}", "tolerance: 0.2}")],
        "evaluation.baseline: every thresholded metric's worsening from the baseline demands "
        "less than on HEAD: tolerance 0.02 there, tolerance 0.2 here (tolerance raised)",
        (89, 63),
        id="baseline tolerance raised",
    ),
    pytest.param(
        [(f"  baseline: {{artifact: systems/{SYSTEM}/evaluation.json, tolerance: 0.02}}\n", "")],
        "tolerance 0.02 there, no such limit here (removed)",
        (75, 3),  # the evaluation section: it has no baseline now
        id="baseline removed",
    ),
]


@pytest.mark.parametrize(("replacements", "message", "where"), LOOSENINGS)
def test_each_loosening_of_an_evaluation_limit_is_an_error(
    tmp_path: Path, replacements: list[tuple[str, str]], message: str, where: tuple[int, int]
) -> None:
    root = _committed(tmp_path)
    _reevaluated(root, *replacements)
    code, report = gate_json(root, "--changed-since", "HEAD")
    assert code == 1, report
    found = _limits(report)
    assert len(found) == 1, found
    assert message in found[0]["message"], found
    assert (found[0]["line"], found[0]["column"]) == where, found
    assert found[0]["severity"] == "error"


SECOND = "    - metric: demographic_parity_difference\n      max: 0.08\n      inconclusive: block\n"
TIGHTENINGS = [
    pytest.param([("      max: 0.1\n", "      max: 0.05\n")], id="max lowered"),
    pytest.param([("      min: 0.5\n", "      min: 0.6\n")], id="min raised"),
    pytest.param([("tolerance: 0.02}", "tolerance: 0.01}")], id="tolerance lowered"),
    pytest.param([("  min_group_size: 30\n", "  min_group_size: 20\n")], id="min_group_size"),
    pytest.param(
        [("  min_group_size: 30\n", "  min_group_size: 30\n  missing_values: ['']\n")],
        id="missing_values written as the default",
    ),
    pytest.param(
        [("    - metric: accuracy\n", "    - metric: accuracy\n      inconclusive: block\n")],
        id="inconclusive stricter",
    ),
    pytest.param(
        [
            (
                "      min: 0.5\n",
                "      min: 0.5\n      max: 1\n    - metric: recall\n      min: 0.1\n",
            )
        ],
        id="limits added",
    ),
    pytest.param(
        [("  min_group_size: 30\n", SECOND + "  min_group_size: 30\n")],
        id="a second, stricter threshold on the same target",
    ),
    pytest.param(
        [("      feature: sex\n", "")],
        id="a threshold widened to every feature",
    ),
]


@pytest.mark.parametrize("replacements", TIGHTENINGS)
def test_a_limit_kept_or_tightened_is_no_finding(
    tmp_path: Path, replacements: list[tuple[str, str]]
) -> None:
    root = _committed(tmp_path)
    _reevaluated(root, *replacements)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert _limits(report) == []


def test_a_confidence_level_changed_either_way_is_a_loosening(tmp_path: Path) -> None:
    """Raised, wider intervals read a breach as inconclusive (a warning where the action
    is not ``block``): 'roc_auc for <25 0.670 (95% CI 0.495-0.809) is beyond min 0.82'
    read '(99% CI 0.438-0.842) straddles': a warning, and the worked example's
    credit-default PASSED gate --changed-since. Lowered, narrower intervals read a result
    that was inconclusive (blocking under ``block``) as within."""
    level = (
        "  min_group_size: 30\n",
        "  min_group_size: 30\n  bootstrap: {confidence_level: 0.99}\n",
    )
    root = _committed(tmp_path, {"edit": {CARD: [BASE_EVALUATION, level]}})
    _reevaluated(root, ("confidence_level: 0.99}", "confidence_level: 0.97}"))
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert [f["message"] for f in _limits(report)] == [
        "evaluation.bootstrap.confidence_level is 0.99 on HEAD, 0.97 here: narrower intervals "
        "read inconclusive results as within (confidence_level lowered)"
    ]
    _reevaluated(root, ("confidence_level: 0.97}", "confidence_level: 0.99}"))
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1]) == []


def test_a_loosening_counts_once_merged_and_plain_gate_compares_nothing(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    _reevaluated(root, ("      max: 0.1\n", "      max: 0.35\n"))
    _code, report = gate_json(root)
    assert _limits(report) == []  # no ref: nothing to compare with
    assert _limits(gate_json(root, "--changed-since", "HEAD")[1])
    git(root, "commit", "-qam", "the looser limit, reviewed")
    _code, report = gate_json(root, "--changed-since", "HEAD~1")
    assert _limits(report)
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert _limits(report) == []


def test_genai_limits_are_compared_the_same_way(tmp_path: Path) -> None:
    root = _committed(tmp_path, {"genai": True, "safety": True, "operations": True})
    edit(
        root / CARD,
        ("        min: 0.5\n", "        min: 0.3\n"),  # retrieval: ndcg
        ("        min: 0.6\n", "        min: 0.4\n"),  # generation: faithfulness
        ("        max: 0.2\n", "        max: 0.5\n"),  # safety: jailbreak_success
        ("        max: 1200\n", "        max: 5000\n"),  # operations: latency_p95_ms
        ("    min_group_size: 15\n", "    min_group_size: 50\n"),  # generation
        ("{replicates: 200}", "{replicates: 200, confidence_level: 0.99}"),  # retrieval
        ("    k: 5\n", "    k: 10\n"),  # retrieval: ndcg@10 where the limit was set at 5
    )
    _code, report = gate_json(root, "--changed-since", "HEAD")
    messages = sorted(f["message"] for f in _limits(report))
    assert messages == [
        "genai.generation_evaluation.min_group_size is 15 on HEAD, 50 here: groups under 50 "
        "rows are left unjudged (min_group_size raised)",
        "genai.generation_evaluation.thresholds: faithfulness demands less than on HEAD: min "
        "0.6 there, min 0.4 here (min lowered)",
        "genai.operations_evaluation.thresholds: latency_p95_ms demands less than on HEAD: "
        "max 1200 there, max 5000 here (max raised)",
        "genai.retrieval_evaluation.bootstrap.confidence_level is 0.95 on HEAD, 0.99 here: "
        "wider intervals read breaches as inconclusive (confidence_level raised)",
        "genai.retrieval_evaluation.k is 5 on HEAD, 10 here: every metric is taken over more "
        "results than its limit was set for (recall and hit rate only rise) (k raised)",
        "genai.retrieval_evaluation.thresholds: ndcg demands less than on HEAD: min 0.5 "
        "there, min 0.3 here (min lowered)",
        "genai.safety_evaluation.thresholds: jailbreak_success demands less than on HEAD: max "
        "0.2 there, max 0.5 here (max raised)",
    ], messages


def test_a_renamed_card_is_compared_with_the_card_on_the_ref(tmp_path: Path) -> None:
    root = _committed(tmp_path)
    _reevaluated(root, ("      max: 0.1\n", "      max: 0.35\n"))
    (root / CARD).rename(root / CARD.replace(".yaml", ".yml"))
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert [f["path"] for f in _limits(report)] == [CARD.replace(".yaml", ".yml")], report


def test_a_renamed_system_folder_keeps_its_limits(tmp_path: Path) -> None:
    """The folder is the system's id: renamed, the system is new on the ref's terms; in a
    change that removes a system, the removed ones' cards are its floor."""
    root = _committed(tmp_path)
    folder = root / "systems" / SYSTEM
    folder.rename(folder.with_name("renamed"))
    card = root / "systems" / "renamed" / "model-card.yaml"
    edit(card, (f"id: {SYSTEM}", "id: renamed"), ("      max: 0.1\n", "      max: 0.35\n"))
    _code, report = gate_json(root, "--changed-since", "HEAD")
    found = _limits(report)
    assert [f["severity"] for f in found] == ["error"], found
    assert found[0]["message"].startswith(f"new since HEAD, in a change that removes '{SYSTEM}'")
    assert "max 0.1, inconclusive: block there, max 0.35" in found[0]["message"]


def test_a_new_system_in_a_change_that_removes_none_sets_its_first_limits(tmp_path: Path) -> None:
    """A system of its own outputs (a copy evaluating another system's predictions is held
    to that system's limits: tests/trust/test_tier_lowered.py)."""
    root = _committed(tmp_path)
    other = root / "systems" / "other"
    shutil.copytree(root / "systems" / SYSTEM, other)
    predictions = other / "predictions.csv"
    predictions.write_text(predictions.read_text(encoding="utf-8") + "1,1,F\n", encoding="utf-8")
    edit(
        other / "model-card.yaml",
        (f"id: {SYSTEM}", "id: other"),
        ("max: 0.1\n", "max: 0.35\n"),
        (f"systems/{SYSTEM}/predictions.csv", "systems/other/predictions.csv"),
    )
    _code, report = gate_json(root, "--changed-since", "HEAD")
    assert _limits(report) == [], report


def test_a_card_invalid_on_the_ref_is_no_floor_and_says_so(tmp_path: Path) -> None:
    """None of its limits was in force on the ref (the gate blocked the system there): the
    repaired card is not blocked for demanding less than an invalid one."""
    root = build_workspace(tmp_path / "ws", {"edit": {CARD: [BASE_EVALUATION]}})
    edit(root / CARD, ("      max: 0.1\n", "      max: lots\n"))
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-qm", "base, its card invalid")
    edit(root / CARD, ("      max: lots\n", "      max: 0.35\n"))
    _code, report = gate_json(root, "--changed-since", "HEAD")
    found = _limits(report)
    assert [f["severity"] for f in found] == ["warning"], found
    assert found[0]["message"] == (
        f"the model card {CARD} does not validate on HEAD: none of its limits was in force "
        "there, and this card's are not compared with it"
    )


def test_the_release_gate_of_the_loosened_card_fails_too(tmp_path: Path) -> None:
    """With --release (the artifacts computed again), as without."""
    root = _committed(tmp_path)
    _reevaluated(root, ("      max: 0.1\n", "      max: 0.35\n"))
    code, report = gate_json(root, "--release", "--changed-since", "HEAD")
    assert code == 1
    assert [f["severity"] for f in _limits(report)] == ["error"]
