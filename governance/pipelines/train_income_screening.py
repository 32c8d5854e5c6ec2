#!/usr/bin/env python3
"""Train the `income-screening` example system on UCI Adult.

Reads  <workspace>/datasets/adult/adult.csv.gz
Writes <workspace>/systems/income-screening/predictions.csv.gz
       columns: y_true, y_pred, score, sex, race, age_group
       (one row per record of the original adult.test split, in file order;
        y_true/y_pred 1 = income >50K, score = P(income >50K), 6 decimals)
       <workspace>/systems/income-screening/evaluation.json (cardgate's Python API)

Model: one-hot (missing -> own level) + standardised numerics + logistic
regression, trained on the original `train` split (32,561 rows, rows with
missing values kept), threshold 0.5.

Feature choice ("fairness through unawareness", documented, not a fix):
  used     age, workclass, education_num, marital_status, occupation,
           capital_gain, capital_loss, hours_per_week
  excluded sex, race (sensitive attributes under evaluation);
           relationship (its Husband/Wife levels encode sex directly);
           native_country (national origin, a protected characteristic);
           education (redundant with education_num); fnlwgt (census
           sampling weight, not an attribute of the person).
  Age is used as a feature although age_group is also evaluated as a
  sensitive feature: age is a strong legitimate income predictor, and the
  resulting age disparity is expected and reported.  marital_status and
  occupation remain proxies for sex.
"""

from __future__ import annotations

import pandas as pd

import common

NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
CATEGORICAL = ["workclass", "marital_status", "occupation"]
AGE_BINS = [0, 25, 45, 65, 200]
AGE_LABELS = ["<25", "25-44", "45-64", "65+"]


def main() -> int:
    args = common.parse_args(__doc__.splitlines()[0])
    ws = args.workspace
    df = pd.read_csv(ws / "datasets" / "adult" / "adult.csv.gz")
    df["y"] = (df["income"] == ">50K").astype(int)
    train = df[df["split"] == "train"].reset_index(drop=True)
    test = df[df["split"] == "test"].reset_index(drop=True)

    _, score, y_pred = common.fit_predict(train, test, train["y"].to_numpy(),
                                          NUMERIC, CATEGORICAL)
    sensitive = pd.DataFrame({
        "sex": test["sex"],
        "race": test["race"],
        "age_group": common.age_group(test["age"], AGE_BINS, AGE_LABELS),
    })
    path = ws / "systems" / "income-screening" / "predictions.csv.gz"
    sha = common.write_predictions(path, test["y"], y_pred, score, sensitive)
    common.summary("income-screening", path, sha, test["y"].to_numpy(), y_pred,
                   score, sensitive, n_train=len(train))
    common.write_evaluation(ws, "income-screening", test["y"], y_pred, score, sensitive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
