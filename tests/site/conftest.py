"""Fixtures of the site tests: a small workspace with two ordinary systems, a hostile card
and a dataset.

Written as YAML text (what people write) plus the documented JSON artifacts
(`evaluation.json`, `data-check.json`) and a sign-off file, so the site is tested against
the documented forms, not against another module's internals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HOSTILE = {
    "script": "</title><script>window.__pwned = 1</script>",
    "img": '<img src=x onerror="window.__pwned=2">',
    "js_link": "[click me](javascript:window.__pwned=3)",
    "attr": 'Plain words {: onclick="window.__pwned=4" }',
    "jinja": "{{ 7*7 }} and {% raw %}",
    "html_link": '<a href="javascript:alert(1)">x</a>',
}

CARD = """\
kind: model-card
schema_version: 1
id: {id}
name: {name}
status: approved
risk_tier: limited
lifecycle_stage: deployment
owners:
  - name: {owner}
    role: model owner
last_reviewed: 2026-10-01
model_details:
  description: {description}
  model_version: "1.2"
  model_type: logistic regression
  citation: {citation}
intended_use:
  primary_uses:
    - {use}
  out_of_scope_uses:
    - Employment decisions
risks:
  - id: r1
    description: {risk}
    likelihood: possible
    impact: major
    owner: Risk office
    mitigation: Human review of every refusal
    status: mitigated
evaluation_data:
  datasets:
    - dataset: applicants
      split: test
evaluation:
  predictions:
    path: predictions.csv
  task: binary-classification
  label_column: y
  prediction_column: yhat
  sensitive_features: [sex]
  thresholds:
    - metric: demographic_parity_difference
      feature: sex
      max: {limit}
"""

SHEET = """\
kind: datasheet
schema_version: 1
id: applicants
name: Applicant records
status: approved
owners:
  - name: Data steward
motivation:
  purpose: Credit decisions research.
composition:
  instances: One row per applicant.
  count: 1000
contract:
  columns:
    - name: sex
      type: category
      allowed_values: [female, male]
      sensitive: true
"""


def evaluation(system: str, *, passed: bool = True, group: str = "female") -> dict[str, object]:
    def metric(value: float) -> dict[str, object]:
        return {"value": value, "ci": [value - 0.05, value + 0.05], "reason": None}

    def group_metric(value: float) -> dict[str, object]:
        return {**metric(value), "difference_to_reference": None, "ratio_to_reference": None}

    limit = 0.2 if passed else 0.1
    return {
        "artifact": "cardgate-evaluation",
        "schema_version": 2,
        "system": system,
        "task": "binary-classification",
        "provenance": {
            "predictions": {
                "path": f"systems/{system}/predictions.csv",
                "sha256": "a" * 64,
                "format": "rows",
                "rows": 1000,
                "rows_used": 990,
                "dropped": [{"reason": "missing label", "rows": 10}],
            },
            "settings_sha256": "b" * 64,
            "seed": 0,
            "replicates": 1000,
            "confidence_level": 0.95,
            "min_group_size": 30,
            "versions": {"fairlearn": "0.12.0", "cardgate": "0.1.0"},
        },
        "overall": {"count": 990, "metrics": {"accuracy": metric(0.81)}},
        "features": [
            {
                "feature": "sex",
                "columns": ["sex"],
                "reference_group": "male",
                "groups": [
                    {
                        "group": group,
                        "count": 400,
                        "suppressed": False,
                        "metrics": {
                            "selection_rate": group_metric(0.30),
                            "accuracy": group_metric(0.8),
                        },
                    },
                    {
                        "group": "male",
                        "count": 580,
                        "suppressed": False,
                        "metrics": {
                            "selection_rate": group_metric(0.45),
                            "accuracy": group_metric(0.82),
                        },
                    },
                    {"group": "other", "count": 10, "suppressed": True, "metrics": {}},
                ],
                "disparities": [
                    {
                        "metric": "demographic_parity_difference",
                        "value": 0.15,
                        "ci": [0.12, 0.18],
                        "reason": None,
                        "noise_floor": 0.05,
                        "p_value": 0.001,
                        "groups_compared": [group, "male"],
                    }
                ],
            }
        ],
        "thresholds": [
            {
                "threshold": 0,
                "metric": "demographic_parity_difference",
                "feature": "sex",
                "group": None,
                "min": None,
                "max": limit,
                "value": 0.15,
                "ci": [0.12, 0.18],
                "noise_floor": 0.05,
                "p_value": 0.001,
                "detectable": 0.25 if passed else 0.15,
                "count": 400,
                "state": "within" if passed else "beyond",
                "reason": "as the evaluator wrote it",
            }
        ],
    }


def _quoted(text: str) -> str:
    return json.dumps(text)  # JSON strings are YAML double-quoted scalars


def write_system(
    root: Path,
    system_id: str,
    name: str,
    *,
    owner: str = "Ada Lovelace",
    description: str = "Scores applications.",
    use: str = "Rank applications for human review",
    risk: str = "Unfair refusals",
    citation: str = "https://example.org/paper",
    passed: bool = True,
    group: str = "female",
) -> None:
    folder = root / "systems" / system_id
    folder.mkdir(parents=True)
    (folder / "model-card.yaml").write_text(
        CARD.format(
            id=system_id,
            name=_quoted(name),
            owner=_quoted(owner),
            description=_quoted(description),
            use=_quoted(use),
            risk=_quoted(risk),
            citation=_quoted(citation),
            limit=0.2 if passed else 0.1,
        ),
        encoding="utf-8",
    )
    (folder / "evaluation.json").write_text(
        json.dumps(evaluation(system_id, passed=passed, group=group), indent=2),
        encoding="utf-8",
    )


def make_workspace(root: Path, *, hostile: bool = True) -> Path:
    """Write the fixture workspace at `root` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Test portfolio\n"
        "site:\n  title: Test review site\n",
        encoding="utf-8",
    )
    write_system(root, "credit-scoring", "Credit scoring", passed=False)
    write_system(root, "fraud-alerts", "Fraud alerts", owner="Grace Hopper")
    if hostile:
        write_system(
            root,
            "hostile",
            "Hostile " + HOSTILE["script"],
            owner=HOSTILE["img"],
            description="\n\n".join(HOSTILE.values()),
            use=HOSTILE["js_link"],
            risk=HOSTILE["attr"] + " " + HOSTILE["jinja"],
            citation="javascript:window.__pwned=5",
            group=HOSTILE["img"],
        )
    dataset = root / "datasets" / "applicants"
    dataset.mkdir(parents=True)
    (dataset / "datasheet.yaml").write_text(SHEET, encoding="utf-8")
    (dataset / "data-check.json").write_text(json.dumps(data_check(), indent=2), encoding="utf-8")
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    (root / "waivers.yaml").write_text(WAIVERS, encoding="utf-8")
    write_signoffs(root)
    return root


# Only the sign-off rules decide: the policy switches the others off. That loosens the
# baseline, which the gate reports (GATE-POL001) until a named approver waives it; the
# waivers below accept it for every system. So: fraud-alerts ships under those waivers
# (current legal sign-off), credit-scoring fails (its legal sign-off is stale), hostile
# ships under waivers too (no legal sign-off, waived until 2026-12-31).
# credit-scoring's threshold is beyond its limit: a warning here (GATE-FA003's level).
POLICY = """\
kind: policy
schema_version: 1
defaults:
  required_signoffs: [legal]
  require_threshold_per_feature: false
  allow_unsigned_signoffs: true
  rules:
    GATE-SO001: {level: error}
    GATE-SO002: {level: error}
    GATE-MC002: {level: "off"}
    GATE-DS001: {level: "off"}
    GATE-DC002: {level: "off"}
    GATE-DC003: {level: "off"}
    GATE-FA002: {level: "off"}
    GATE-CK001: {level: "off"}
    GATE-FA003: {level: warning}
"""

WAIVERS = """\
kind: waivers
schema_version: 1
waivers:
  - rule: GATE-SO001
    system: hostile
    justification: Legal review is booked for December.
    approver: Risk office
    expires: 2026-12-31
""" + "".join(
    f"""  - rule: GATE-POL001
    system: {system}
    justification: The review-site fixture judges sign-offs only.
    approver: Risk office
    expires: 2026-12-31
"""
    for system in ("credit-scoring", "fraud-alerts", "hostile")
)

VERDICTS = {"credit-scoring": "fail", "fraud-alerts": "waived", "hostile": "waived"}


def data_check() -> dict[str, Any]:
    """A failed check in the documented form (docs/data-check-artifact.md), with a hostile
    example value."""
    return {
        "kind": "data-check",
        "schema_version": 1,
        "generator": {"name": "cardgate", "version": "0.1.0"},
        "dataset": "applicants",
        "datasheet": "datasets/applicants/datasheet.yaml",
        "contract_sha256": "c" * 64,
        "data": {
            "path": "datasets/applicants/applicants.csv",
            "format": "csv",
            "sha256": "d" * 64,
            "bytes": 600173,
        },
        "reference_date": None,
        "rows": 48842,
        "columns": ["sex", "income"],
        "profile": {
            "sex": {
                "type": "category",
                "stored_as": "text",
                "nulls": 12,
                "null_rate": 0.000246,
                "min": None,
                "max": None,
                "distinct": 3,
            }
        },
        "violations": [
            {
                "clause": "allowed-values",
                "column": "sex",
                "count": 312,
                "examples": ["x", HOSTILE["script"]],
                "message": "312 values not among the allowed values (e.g. 'x')",
            }
        ],
        "passed": False,
    }


def write_signoffs(root: Path) -> None:
    """fraud-alerts: a current legal sign-off; credit-scoring: one made stale by a change."""
    from cardgate.documents.signoffs import signed_documents
    from cardgate.documents.workspace import load_workspace

    workspace = load_workspace(root)
    for system_id, stale in (("fraud-alerts", False), ("credit-scoring", True)):
        documents = signed_documents(workspace, workspace.systems[system_id])
        if stale:
            documents = {path: "0" * 64 for path in documents}
        lines = [
            "kind: signoffs",
            "schema_version: 1",
            f"system: {system_id}",
            "signoffs:",
            "  - role: legal",
            "    name: Lin Counsel",
            "    date: 2026-10-02",
            "    documents:",
            *(f'      {path}: "{digest}"' for path, digest in documents.items()),
        ]
        (root / "systems" / system_id / "signoffs.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )


TODAY = "2026-11-30"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the item, so a browser test can screenshot on failure."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture
def workspace_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh fixture workspace (hostile card included), today pinned."""
    monkeypatch.setenv("CARDGATE_TODAY", TODAY)
    return make_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture workspace built once per session; returns the HTML folder."""
    from cardgate.documents.workspace import load_workspace
    from cardgate.site.build import build_site

    root = make_workspace(tmp_path_factory.mktemp("built") / "ws")
    result = build_site(load_workspace(root), today=dt.date.fromisoformat(TODAY))
    assert not result.render_problems, result.render_problems
    return result.layout.out_dir


CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`folder` served on 127.0.0.1 (a thread); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by playwright, one per test module."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (make test installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()
