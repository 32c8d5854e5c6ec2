#!/usr/bin/env python3
"""Train the `credit-default` example system on Statlog German Credit.

Reads  <workspace>/datasets/german-credit/german-credit.csv.gz
Writes <workspace>/systems/credit-default/predictions.csv.gz
       <workspace>/systems/credit-default/evaluation.json (cardgate's Python API)
       columns: y_true, y_pred, score, sex, age_group
       (one row per test record; y_true/y_pred 1 = good credit risk,
        score = P(good), 6 decimals)

Split: seeded stratified 70/30 train/test split (700/300 rows), stratified
on the label, random_state = common.RANDOM_STATE.

Model: one-hot + standardised numerics + logistic regression, threshold 0.5.
(The UCI documentation specifies a 5:1 cost matrix that would favour a
higher threshold for "good"; the example deliberately uses plain 0.5.)

Feature choice (documented, not a fix):
  excluded personal_status and sex (attribute 9 of the original data encodes
           sex together with marital status); foreign_worker (nationality
           proxy, and 963 of 1,000 rows are "yes").
  used     all other 18 attributes, including age (age is commonly used in
           credit scoring; age_group <25 / 25+ is evaluated as a sensitive
           feature, so the resulting disparity is visible in the report).
"""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split

import common

NUMERIC = ["duration_months", "credit_amount", "installment_rate_pct_income",
           "present_residence_since", "age", "number_of_existing_credits",
           "people_liable"]
CATEGORICAL = ["checking_account_status", "credit_history", "purpose", "savings",
               "present_employment_since", "other_debtors", "property",
               "other_installment_plans", "housing", "job", "telephone"]
AGE_BINS = [0, 25, 200]
AGE_LABELS = ["<25", "25+"]


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    ws = args.workspace
    df = pd.read_csv(ws / "datasets" / "german-credit" / "german-credit.csv.gz")
    df["y"] = (df["credit_risk"] == "good").astype(int)
    train, test = train_test_split(df, test_size=0.3, stratify=df["y"],
                                   random_state=common.RANDOM_STATE)
    train = train.reset_index(drop=True)
    test = test.reset_index(drop=True)

    _, score, y_pred = common.fit_predict(train, test, train["y"].to_numpy(),
                                          NUMERIC, CATEGORICAL)
    sensitive = pd.DataFrame({
        "sex": test["sex"],
        "age_group": common.age_group(test["age"], AGE_BINS, AGE_LABELS),
    })
    path = ws / "systems" / "credit-default" / "predictions.csv.gz"
    sha = common.write_predictions(path, test["y"], y_pred, score, sensitive)
    common.summary("credit-default", path, sha, test["y"].to_numpy(), y_pred,
                   score, sensitive, n_train=len(train))
    common.write_evaluation(ws, "credit-default", test["y"], y_pred, score, sensitive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
