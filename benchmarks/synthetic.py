"""A synthetic workspace of N systems for the benchmarks (cards, datasheets, checklists).

Documents are written from the shipped templates' shapes with real-looking content, so the
validators do the same work as on a real portfolio. Deterministic for a given N.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from cardgate.core.resources import data_dir

CARD = """\
kind: model-card
schema_version: 1
id: {id}
name: System {n}
status: approved
risk_tier: {tier}
lifecycle_stage: deployment
owners:
  - name: Owner {n}
    role: model owner
    email: owner{n}@example.org
last_reviewed: 2026-11-01
model_details:
  description: Scores applications for product line {n}.
  developers: Team {n}
  model_date: 2026-10-01
  model_version: "1.{n}"
  model_type: gradient-boosted trees
  license: proprietary
  contact: team{n}@example.org
intended_use:
  primary_uses: [pre-screening of applications]
  primary_users: [case workers]
  out_of_scope_uses: [fully automated decisions]
factors:
  relevant_factors: [sex, age]
  evaluation_factors: [sex, age]
metrics:
  performance_measures: [accuracy, equalized odds difference]
  decision_thresholds: 0.5 on the score
  variation_approaches: bootstrap with 1,000 replicates
evaluation_data:
  datasets:
    - dataset: {id}-data
      split: test
  motivation: Held-out applications of the most recent quarter.
  preprocessing: Same pipeline as training.
training_data:
  datasets:
    - dataset: {id}-data
      split: train
  motivation: All applications of 2025.
  preprocessing: Deduplicated, pseudonymised.
quantitative_analyses:
  summary: Accuracy 0.85 overall; gaps within thresholds.
ethical_considerations:
  - consideration: Historical bias in labels.
    mitigation: Threshold review per group.
caveats_and_recommendations: [Re-evaluate yearly.]
assumptions: [Population is stable.]
limitations: [Small groups are noisy.]
tradeoffs: [Accuracy against parity.]
risks:
  - id: r1
    description: Unequal error rates across sex.
    likelihood: possible
    impact: major
    owner: Owner {n}
    mitigation: Monitored monthly.
    status: mitigated
monitoring:
  metrics:
    - name: accuracy
      threshold: "< 0.80"
      frequency: monthly
  rollback: Revert to the previous version.
  owner: Owner {n}
evaluation:
  predictions:
    path: systems/{id}/predictions.csv
  task: binary-classification
  label_column: y_true
  prediction_column: y_pred
  score_column: score
  sensitive_features: [sex, age_group]
  thresholds:
    - metric: equalized_odds_difference
      max: 0.1
"""

SHEET = """\
kind: datasheet
schema_version: 1
id: {id}-data
name: Data of system {n}
status: approved
version: "2026.{n}"
owners:
  - name: Steward {n}
last_reviewed: 2026-11-01
motivation:
  purpose: Training data for system {n}.
  creators: Data team
  funding: Internal
composition:
  instances: Applications
  count: 10000
  sampling: All applications of 2025
  labels: Repaid or not
  missing_data: Income missing for 2%
  sensitive_attributes: [sex, age]
  confidential_data: Personal data, pseudonymised
  known_biases: Under-represents young applicants
collection_process:
  method: Application forms
  timeframe: 2025
  consent: Privacy notice at collection
  ethical_review: DPIA 2025-17
preprocessing:
  steps: [deduplicated, pseudonymised]
  raw_data_kept: Yes, in the secure zone
uses:
  intended: [credit risk modelling]
  prior_uses: None
  not_suitable_for: [marketing]
  impact_notes: Age is a protected attribute.
distribution:
  license: internal
  source: Data warehouse
  restrictions: None
maintenance:
  maintainer: Data team
  update_policy: Quarterly
  retention: 5 years
contract:
  columns:
    - name: age
      type: integer
      min: 18
      max: 100
"""


def generate_workspace(root: Path, count: int) -> Path:
    """Write a workspace of `count` systems under `root` (replacing it)."""
    if root.exists():
        shutil.rmtree(root)
    (root / "systems").mkdir(parents=True)
    (root / "datasets").mkdir()
    (root / "cardgate.yaml").write_text(
        "kind: workspace\nschema_version: 1\nname: Benchmark\n", encoding="utf-8"
    )
    checklist = yaml.safe_load(
        (data_dir("checklists") / "nist-ai-rmf-core.yaml").read_text(encoding="utf-8")
    )
    tiers = ("minimal", "limited", "high", "high")
    for n in range(count):
        system_id = f"system-{n:04d}"
        folder = root / "systems" / system_id
        folder.mkdir()
        (folder / "model-card.yaml").write_text(
            CARD.format(id=system_id, n=n, tier=tiers[n % 4]), encoding="utf-8"
        )
        answers = "".join(
            f"  {item['id']}:\n    status: {'done' if (n + i) % 5 else 'partial'}\n"
            f"    evidence: [systems/{system_id}/model-card.yaml]\n    owner: Owner {n}\n"
            for i, item in enumerate(checklist["items"])
        )
        (folder / "checklist-nist-ai-rmf-core.yaml").write_text(
            "kind: checklist\nschema_version: 1\n"
            f"system: {system_id}\nchecklist: nist-ai-rmf-core\nstatus: approved\n"
            f"items:\n{answers}",
            encoding="utf-8",
        )
        sheet = root / "datasets" / f"{system_id}-data"
        sheet.mkdir()
        (sheet / "datasheet.yaml").write_text(SHEET.format(id=system_id, n=n), encoding="utf-8")
    return root
