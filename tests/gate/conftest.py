"""A complete, passing workspace for gate tests, and the helpers that edit it per case.

The base workspace (`BASE`) passes every rule with --release on `TODAY`. A rule case
(tests/gate/cases/<CODE>.yaml) edits it — text replacements before the evaluation artifact
and sign-offs are generated (`edit`) or after (`edit_after`) — and lists the findings of
its rule it expects, as ``path:line:col CODE severity``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import hashlib
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from cardgate.core.digests import canonical_sha256, file_sha256, inputs_sha256
from cardgate.documents.workspace import load_workspace
from cardgate.evidence.evaluation.artifact import ThresholdResult
from cardgate.evidence.evaluation.decide import state_of
from cardgate.evidence.evaluation.run import evaluate_system
from cardgate.evidence.genai.generation_run import evaluate_generation_system, generation_systems
from cardgate.evidence.genai.operations_run import evaluate_operations_system, operations_systems
from cardgate.evidence.genai.retrieval_run import evaluate_retrieval_system, retrievable_systems
from cardgate.evidence.genai.safety_run import evaluate_safety_system, safety_systems
from cardgate.frameworks.definitions import shipped_definitions
from cardgate.gate.signoffs import sign

TODAY = dt.date(2026, 11, 30)
SYSTEM = "loan-approval"

CONFIG = """\
kind: workspace
schema_version: 1
name: Test portfolio
signers:
  allowed_signers: allowed_signers
  roles:
    owner: [owner@example.org]
    legal: [legal@example.org]
    risk: [risk@example.org]
"""
ROLES = ("owner", "legal", "risk")


@functools.cache
def _keys_folder() -> Path:
    """One throwaway SSH key per role, made with ssh-keygen for this test session (never
    committed; the folder is removed when the session ends)."""
    folder = Path(tempfile.mkdtemp(prefix="cardgate-test-keys-"))
    atexit.register(shutil.rmtree, folder, True)
    for role in ROLES:
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"{role}@example.org",
             "-f", str(folder / role)],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return folder


def key(role: str) -> Path:
    """The private test key of `role`'s signer."""
    return _keys_folder() / role


def allowed_signers() -> str:
    """The allowed_signers file of the test keys (git's format)."""
    lines = []
    for role in ROLES:
        public = (_keys_folder() / f"{role}.pub").read_text().split()
        lines.append(f'{role}@example.org namespaces="cardgate" {public[0]} {public[1]}')
    return "\n".join(lines) + "\n"


POLICY = """\
kind: policy
schema_version: 1
extends: baseline
"""

CARD = """\
kind: model-card
schema_version: 1
id: loan-approval
name: Loan approval
status: approved
risk_tier: high
lifecycle_stage: validation
owners:
  - {name: Ada Owner, role: model owner}
last_reviewed: 2026-10-01
model_details:
  description: Scores loan applications for manual review.
  developers: Credit analytics team
  model_date: 2026-09-01
  model_version: "1.2.0"
  model_type: logistic regression
  license: proprietary
  contact: analytics@example.org
intended_use:
  primary_uses:
    - Prioritise applications for review
  primary_users:
    - Loan officers
  out_of_scope_uses:
    - Automated rejection
factors:
  relevant_factors:
    - sex
  evaluation_factors:
    - sex, as recorded at application
metrics:
  performance_measures:
    - accuracy
  decision_thresholds: 0.5 on the score
  variation_approaches: bootstrap, 1000 replicates
evaluation_data:
  datasets:
    - dataset: loans
  motivation: Held-out applications.
  preprocessing: None beyond the training pipeline.
training_data:
  datasets:
    - dataset: loans
  motivation: Historical applications.
  preprocessing: One-hot encoding of categories.
quantitative_analyses:
  summary: Accuracy 0.82; demographic parity difference 0.05 for sex.
ethical_considerations:
  - consideration: Historical bias against women in approvals.
    mitigation: Threshold on demographic parity; human review.
caveats_and_recommendations:
  - Not validated outside the home market.
assumptions:
  - Applicant data is complete.
limitations:
  - Small groups are suppressed.
tradeoffs:
  - Slightly lower accuracy for lower disparity.
risks:
  - id: r1
    description: Unfair denial of credit.
    likelihood: possible
    impact: major
    owner: Ada Owner
    mitigation: Human review of every decline.
    status: mitigated
monitoring:
  metrics:
    - name: selection rate by sex
      threshold: difference > 0.1
      frequency: monthly
  rollback: Revert to the previous model version.
  owner: Ada Owner
evaluation:
  predictions:
    path: systems/loan-approval/predictions.csv
  task: binary-classification
  label_column: label
  prediction_column: prediction
  sensitive_features: [sex]
  thresholds:
    - metric: demographic_parity_difference
      feature: sex
      max: 0.1
"""

DATASHEET = """\
kind: datasheet
schema_version: 1
id: loans
name: Loan applications
status: approved
version: "2026.1"
owners:
  - name: Dee Steward
last_reviewed: 2026-10-01
motivation:
  purpose: Train and evaluate loan models.
  creators: Credit analytics team
  funding: Internal
composition:
  instances: Loan applications
  count: 1000
  sampling: All applications of 2025.
  labels: Repaid or not.
  missing_data: Income missing for 2%.
  sensitive_attributes: [sex]
  confidential_data: Personal data, pseudonymised.
  known_biases: Under-representation of young applicants.
collection_process:
  method: Application system export.
  timeframe: 2025
  consent: Covered by the credit agreement.
  ethical_review: Reviewed by the data ethics board.
preprocessing:
  steps: [Deduplication]
  raw_data_kept: Yes, in the warehouse.
uses:
  intended: [Credit scoring]
  prior_uses: None.
  not_suitable_for: [Marketing]
  impact_notes: Decisions affect access to credit.
distribution:
  license: Internal use only
  source: Data warehouse
  restrictions: None.
maintenance:
  maintainer: Data platform team
  update_policy: Yearly.
  retention: Seven years.
contract:
  columns:
    - name: sex
      type: string
"""


def _predictions() -> str:
    """800 rows, 400 per sex, equal selection rates: the real evaluation meets the card's
    threshold (its whole confidence interval lies under the limit: with fewer rows it
    would straddle it, an inconclusive verdict)."""
    rows = []
    for index in range(40):
        label = (index // 2) % 2
        prediction = label if index % 5 else 1 - label
        rows.append(f"{label},{prediction},{'F' if index % 2 else 'M'}")
    return "label,prediction,sex\n" + "\n".join(rows * 20) + "\n"


PREDICTIONS = _predictions()


def checklist_text() -> str:
    """Answers to every item of the NIST AI RMF core checklist: done, with evidence."""
    definition = shipped_definitions().get("nist-ai-rmf-core")
    assert definition is not None
    lines = [
        "kind: checklist",
        "schema_version: 1",
        f"system: {SYSTEM}",
        "checklist: nist-ai-rmf-core",
        "status: approved",
        "items:",
    ]
    for item in definition.model.items:
        lines += [f"  {item.id}:", "    status: done", "    evidence: [docs/evidence.md]"]
    return "\n".join(lines) + "\n"


def base_files() -> dict[str, str]:
    return {
        "cardgate.yaml": CONFIG,
        "allowed_signers": allowed_signers(),
        "policy.yaml": POLICY,
        "docs/evidence.md": "Evidence.\n",
        f"systems/{SYSTEM}/model-card.yaml": CARD,
        f"systems/{SYSTEM}/checklist-nist-ai-rmf-core.yaml": checklist_text(),
        f"systems/{SYSTEM}/predictions.csv": PREDICTIONS,
        "datasets/loans/datasheet.yaml": DATASHEET,
    }


def artifact_for(root: Path, system: str = SYSTEM, **record: Any) -> dict[str, Any]:
    """An evaluation artifact matching the card's current settings and predictions."""
    workspace = load_workspace(root)
    card = workspace.systems[system].model_card
    assert card is not None and card.evaluation is not None
    source = card.evaluation.predictions
    if source.query is not None:  # a DuckDB query: the digest of its declared inputs
        artifact_file = f"systems/{system}/evaluation.json"
        sha256 = inputs_sha256(root, source.inputs or [], exclude=[artifact_file])[0]
    else:
        predictions = root / str(source.path)
        sha256 = file_sha256(predictions) if predictions.is_file() else "0" * 64
    level = card.evaluation.bootstrap.confidence_level
    thresholds = []
    for index, threshold in enumerate(card.evaluation.thresholds):
        entry: dict[str, Any] = {
            "threshold": index,
            "metric": threshold.metric,
            "feature": threshold.feature,
            "group": threshold.group,
            "min": threshold.min,
            "max": threshold.max,
            "value": 0.05,
            "ci": [0.03, 0.07],
            "noise_floor": 0.01,
            "p_value": 0.2,
            "detectable": None,
            "count": 500,
            "reason": "",
        }
        entry.update(record)
        if "state" not in record:  # the state its numbers give (a case may contradict it)
            result = ThresholdResult.model_validate({**entry, "state": "undefined"})
            entry["state"] = state_of(
                result,
                min_group_size=30,
                level=level,
                replicates=card.evaluation.bootstrap.replicates,
            )[0]
        thresholds.append(entry)
    return {
        "artifact": "cardgate-evaluation",
        "schema_version": 2,
        "system": system,
        "task": "binary-classification",
        "provenance": {
            "predictions": {
                "path": source.path,
                "sha256": sha256,
                "format": "rows",
                "rows": 4,
                "rows_used": 4,
                "dropped": [],
            },
            "settings_sha256": canonical_sha256(card.evaluation),
            "seed": 0,
            "replicates": card.evaluation.bootstrap.replicates,
            "confidence_level": level,
            "min_group_size": 30,
            "versions": {},
        },
        "overall": {"count": 4, "metrics": {}},
        "features": [],
        "thresholds": thresholds,
    }


PROMPT = "Answer from the passages below only.\n{passages}\nQuestion: {question}\n"
GENAI_SECTION = f"""\
genai:
  components:
    base_model: {{name: example-llm, version: "2026-01", provider: Example AI}}
    vector_index: {{kind: bm25, settings: {{k1: 1.5, b: 0.75}}}}
    chunking: {{strategy: paragraphs, size: 200, unit: words}}
    retriever: {{kind: bm25, k: 10}}
    prompts:
      - id: answer
        path: systems/loan-approval/prompt.txt
        sha256: {hashlib.sha256(PROMPT.encode()).hexdigest()}
    guardrails:
      - {{name: no-advice, description: Refuses to give individual credit advice.}}
  corpus:
    - dataset: loans
  human_oversight: Loan officers read every answer before it reaches an applicant.
  fallback: Without a relevant passage the assistant says so and hands over to an officer.
  gai_risks:
    - risk: confabulation
      exposure: Answers may state policy terms that the documents do not contain.
      mitigations: [Answers quote the retrieved passages.]
  retrieval_evaluation:
    queries: systems/loan-approval/queries.jsonl
    run: systems/loan-approval/run.trec
    k: 5
    slices: [category]
    min_group_size: 20
    bootstrap: {{replicates: 200}}
    thresholds:
      - metric: ndcg
        min: 0.5
  generation_evaluation:
    judged_by: ragas 0.2 with example-judge-2026-01, on 2026-11-20, outside cardgate
    sources:
      - {{tool: ragas, path: systems/loan-approval/ragas.csv}}
    slices: [category]
    min_group_size: 15
    bootstrap: {{replicates: 200}}
    thresholds:
      - metric: faithfulness
        min: 0.6
"""


SAFETY_RISK = """\
    - risk: information-security
      exposure: Prompt injection could make the assistant leave its instructions.
      mitigations: [Output guardrail.]
"""
SAFETY_SECTION = """\
  safety_evaluation:
    judged_by: a promptfoo red-team run judged by example-judge-2026-01, outside cardgate
    sources:
      - {tool: promptfoo, path: systems/loan-approval/redteam.json}
    slices: [vars.technique]
    min_group_size: 20
    bootstrap: {replicates: 200}
    rates:
      - {outcome: jailbreak_success, risk: information-security, worse: higher}
      - {outcome: refused, risk: information-security, worse: lower}
    thresholds:
      - metric: jailbreak_success
        max: 0.2
      - metric: refused
        min: 0.8
"""


OPERATIONS_SECTION = """\
  operations_evaluation:
    log: systems/loan-approval/run-log.jsonl
    baseline_log: systems/loan-approval/run-log-baseline.csv
    bootstrap: {replicates: 200}
    thresholds:
      - metric: latency_p95_ms
        max: 1200
      - metric: cost_per_1k_queries
        max: 2
      - metric: latency_p95_ms_change_from_baseline
        max: 0
"""


def run_log_files() -> dict[str, str]:
    """Run logs (case key ``operations: true``): 100 queries at 100, 110, ... 1,090 ms costing
    0.001 each; the baseline's (CSV) 50 ms slower on every query, costing 0.0012 each. (100:
    a p95's distribution-free interval needs 72 queries, `quantile_interval`.)"""
    log = [
        json.dumps({"query_id": f"q{i:02d}", "latency_ms": 100 + 10 * i, "cost": 0.001})
        for i in range(100)
    ]
    baseline = ["query_id,latency_ms,cost"] + [
        f"q{i:02d},{150 + 10 * i},0.0012" for i in range(100)
    ]
    return {
        f"systems/{SYSTEM}/run-log.jsonl": "\n".join(log) + "\n",
        f"systems/{SYSTEM}/run-log-baseline.csv": "\n".join(baseline) + "\n",
    }


def redteam_file() -> str:
    """A judged red-team run in promptfoo's results.json shape (case key ``safety: true``):
    60 jailbreaks (30 direct, 1 succeeded; 30 role-play, 2 succeeded) and 40 harmful
    requests (20 each, 38 refused)."""
    results = []
    cells = [("jailbreak_success", "direct", 30, 1), ("jailbreak_success", "role-play", 30, 2),
             ("refused", "direct", 20, 19), ("refused", "role-play", 20, 19)]  # fmt: skip
    for outcome, technique, count, happened in cells:
        for number in range(count):
            results.append(
                {
                    "id": f"{outcome}-{technique}-{number}",
                    "vars": {"technique": technique},
                    "success": True,
                    "score": 1,
                    "namedScores": {outcome: 1 if number < happened else 0},
                }
            )
    return json.dumps({"results": {"version": 3, "results": results}}, indent=1) + "\n"


def genai_files() -> dict[str, str]:
    """A retrieval evaluation for the base system (case key ``genai: true``): 60 labelled
    queries in two slices of 30, and a run that ranks a relevant document first for 54."""
    queries, run, baseline = [], [], []
    for number in range(60):
        qid = f"q{number:02d}"
        category = "rates" if number % 2 else "documents"
        relevant = {f"d{number}": 2, f"d{number + 100}": 1}
        queries.append(json.dumps({"query_id": qid, "category": category, "relevant": relevant}))
        first = f"d{number}" if number % 10 else f"x{number}"
        ranked = [first, f"d{number + 100}", "y1", "y2", "y3"]
        run += [f"{qid} Q0 {doc} {rank} {10 - rank} cand" for rank, doc in enumerate(ranked, 1)]
        worse = ["y1", f"d{number}", "y2", "y3", "y4"]
        baseline += [f"{qid} Q0 {doc} {rank} {10 - rank} base" for rank, doc in enumerate(worse, 1)]
    ragas = [
        "user_input,retrieved_contexts,response,reference,faithfulness,answer_relevancy,category"
    ]
    for number in range(60):
        category = "rates" if number % 2 else "documents"
        faithfulness = "" if number == 7 else ("0.5" if number % 5 == 0 else "1.0")
        relevancy = f"{0.7 + (number % 3) / 10:.1f}"
        ragas.append(f"Question {number}?,\"['Passage {number}.']\",Answer {number}.,"
                     f"Reference {number}.,{faithfulness},{relevancy},{category}")  # fmt: skip
    return {
        f"systems/{SYSTEM}/ragas.csv": "\n".join(ragas) + "\n",
        f"systems/{SYSTEM}/prompt.txt": PROMPT,
        f"systems/{SYSTEM}/queries.jsonl": "\n".join(queries) + "\n",
        f"systems/{SYSTEM}/run.trec": "\n".join(run) + "\n",
        f"systems/{SYSTEM}/baseline.trec": "\n".join(baseline) + "\n",
    }


def _edit(root: Path, edits: dict[str, Any]) -> None:
    for name, change in edits.items():
        path = root / name
        if change is None:
            path.unlink()
        elif isinstance(change, str):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(change, encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
            for old, new in change:
                assert old in text, f"{name}: {old!r} not found"
                text = text.replace(old, new, 1)
            path.write_text(text, encoding="utf-8")


def committed_then_changed(root: Path, edits: dict[str, Any]) -> str:
    """Commit the workspace at `root` to a new git repository, then apply `edits` (a
    case's ``change``): the ref a gate --changed-since compares with."""
    for args in (("init", "-q"), ("add", "."), ("commit", "-qm", "base")):
        subprocess.run(
            ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t",
             *args],
            check=True,
            capture_output=True,
        )  # fmt: skip
    _edit(root, edits)
    return "HEAD"


def build_workspace(root: Path, case: dict[str, Any] | None = None) -> Path:
    """The base workspace at `root`, edited as `case` says."""
    case = case or {}
    for name, text in base_files().items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if case.get("genai", False):
        card = root / f"systems/{SYSTEM}/model-card.yaml"
        section = GENAI_SECTION
        if case.get("safety", False):
            section = section.replace(
                "  retrieval_evaluation:\n", SAFETY_RISK + "  retrieval_evaluation:\n"
            )
            section += SAFETY_SECTION
            (root / f"systems/{SYSTEM}/redteam.json").write_text(redteam_file(), encoding="utf-8")
        if case.get("operations", False):
            section += OPERATIONS_SECTION
            for name, text in run_log_files().items():
                (root / name).write_text(text, encoding="utf-8")
        card.write_text(card.read_text(encoding="utf-8") + section, encoding="utf-8")
        for name, text in genai_files().items():
            (root / name).write_text(text, encoding="utf-8")
    _edit(root, case.get("edit", {}))
    if case.get("genai", False) and case.get("evaluation", True):
        loaded = load_workspace(root)
        for system in retrievable_systems(loaded):
            evaluate_retrieval_system(loaded, system)
        for system in generation_systems(loaded):
            evaluate_generation_system(loaded, system)
        for system in safety_systems(loaded):
            evaluate_safety_system(loaded, system)
        for system in operations_systems(loaded):
            evaluate_operations_system(loaded, system)
    if case.get("evaluation", True) and "artifact" in case:
        # A hand-made artifact (the values a case needs): GATE-ART001 flags it with
        # --release, where the gate computes it again.
        artifact = artifact_for(root, **case["artifact"])
        (root / f"systems/{SYSTEM}/evaluation.json").write_text(
            json.dumps(artifact, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
    elif case.get("evaluation", True):
        evaluate_system(load_workspace(root), SYSTEM)  # the real thing: what --release checks
    if "monitor" in case:
        _monitor(root, case["monitor"])
    for role in case.get("sign", ["owner", "legal", "risk"]):
        sign(
            load_workspace(root),
            SYSTEM,
            role=role,
            name=f"{role.title()} Person",
            today=TODAY,
            key=key(role) if role in ROLES else None,
        )
    _edit(root, case.get("edit_after", {}))
    return root


def window_text(shifted: bool) -> str:
    """A production window of the base system: its predictions as they were (no drift),
    or only the rows of one sex (the sex column drifts)."""
    if not shifted:
        return PREDICTIONS
    header, *rows = PREDICTIONS.splitlines()
    return "\n".join([header, *(row for row in rows if row.endswith(",F"))]) + "\n"


def _monitor(root: Path, windows: list[dict[str, Any]]) -> None:
    """Profile the base system's predictions and monitor the windows a case lists
    ({id, shifted}), for real: monitoring.json as `cardgate monitor` writes it."""
    from cardgate.evidence.monitoring.profiling import profile_system
    from cardgate.evidence.monitoring.run import monitor_system

    profile_system(load_workspace(root), SYSTEM)
    paths = []
    for window in windows:
        path = root / "windows" / f"{window['id']}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(window_text(bool(window.get("shifted"))), encoding="utf-8")
        paths.append(path)
    monitor_system(load_workspace(root), SYSTEM, paths)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return build_workspace(tmp_path / "ws")
