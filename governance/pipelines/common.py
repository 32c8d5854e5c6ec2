"""Shared helpers for the worked-example training pipelines.

The two systems in ``governance/systems/`` are deliberately small, seeded
scikit-learn pipelines (one-hot encoding + standardisation + logistic
regression).  They exist only to produce realistic test-set predictions that
cardgate can evaluate; cardgate itself never trains models.

Determinism: every random choice takes ``RANDOM_STATE``; predictions are
written as CSV with a fixed float format and gzip ``mtime=0``, so two runs
with the same library versions produce identical bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

RANDOM_STATE = 20240601
THRESHOLD = 0.5
DEFAULT_WORKSPACE = Path(__file__).resolve().parents[1]


def parse_args(description: str) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--workspace", type=Path, default=DEFAULT_WORKSPACE,
                    help="governance workspace (default: %(default)s)")
    return ap.parse_args()


def age_group(age: pd.Series, bins: Sequence[int], labels: Sequence[str]) -> pd.Series:
    """Bin ages into left-closed intervals ``[b_i, b_{i+1})`` with string labels."""
    return pd.cut(age, bins=list(bins), labels=list(labels), right=False).astype(str)


def build_model(numeric: Sequence[str], categorical: Sequence[str]) -> Pipeline:
    pre = ColumnTransformer(
        [
            ("num", StandardScaler(), list(numeric)),
            ("cat", Pipeline([
                # missing categories ('?' in Adult) become their own level
                ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
                ("onehot", OneHotEncoder(handle_unknown="ignore")),
            ]), list(categorical)),
        ],
        remainder="drop",
    )
    clf = LogisticRegression(C=1.0, max_iter=5000, solver="lbfgs",
                             random_state=RANDOM_STATE)
    return Pipeline([("pre", pre), ("clf", clf)])


def fit_predict(train: pd.DataFrame, test: pd.DataFrame, y_train: np.ndarray,
                numeric: Sequence[str], categorical: Sequence[str]):
    model = build_model(numeric, categorical)
    model.fit(train[list(numeric) + list(categorical)], y_train)
    score = model.predict_proba(test[list(numeric) + list(categorical)])[:, 1]
    score = np.round(score, 6)
    y_pred = (score >= THRESHOLD).astype(int)
    return model, score, y_pred


def write_predictions(path: Path, y_true, y_pred, score,
                      sensitive: pd.DataFrame) -> str:
    """Write predictions.csv.gz deterministically; return the SHA-256."""
    out = pd.DataFrame({
        "y_true": np.asarray(y_true, dtype=int),
        "y_pred": np.asarray(y_pred, dtype=int),
        "score": np.asarray(score, dtype=float),
    })
    for col in sensitive.columns:
        out[col] = sensitive[col].to_numpy()
    text = out.to_csv(index=False, lineterminator="\n", float_format="%.6f")
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def write_evaluation(ws: Path, system: str, y_true, y_pred, score,
                     sensitive: pd.DataFrame) -> Path:
    """Evaluate the predictions just written with cardgate's Python API and write the
    system's evaluation.json: the same bytes `cardgate evaluate SYSTEM` writes (the API
    checks that the columns are the predictions file the card names)."""
    import cardgate.api as cg

    evaluation = cg.evaluate(
        np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int),
        sensitive_features=sensitive, y_score=np.asarray(score, dtype=float),
        workspace=ws, system=system,
    )
    path = evaluation.write()
    states = ", ".join(f"{t.metric}"
                       f"{'[' + t.feature + ']' if t.feature else ''}"
                       f"{'[' + t.group + ']' if t.group else ''}: {t.state}"
                       for t in evaluation.thresholds)
    print(f"[{system}] wrote {path}")
    print(f"  thresholds: {states or 'none'}")
    return path


def group_report(y_true, y_pred, sensitive: pd.DataFrame) -> str:
    """Plain-text per-group table: n, base rate, selection rate, TPR, FPR."""
    df = pd.DataFrame({"y": np.asarray(y_true), "p": np.asarray(y_pred)})
    lines = []
    for col in sensitive.columns:
        df["g"] = sensitive[col].to_numpy()
        lines.append(f"  {col}:")
        lines.append(f"    {'group':<22}{'n':>6}{'pos':>6}{'base':>8}{'sel':>8}{'TPR':>8}{'FPR':>8}")
        rows = []
        for g, sub in df.groupby("g", sort=True):
            pos = sub[sub.y == 1]
            neg = sub[sub.y == 0]
            tpr = pos.p.mean() if len(pos) else float("nan")
            fpr = neg.p.mean() if len(neg) else float("nan")
            rows.append((g, len(sub), len(pos), sub.y.mean(), sub.p.mean(), tpr, fpr))
            lines.append(f"    {str(g):<22}{len(sub):>6}{len(pos):>6}{sub.y.mean():>8.3f}"
                         f"{sub.p.mean():>8.3f}{tpr:>8.3f}{fpr:>8.3f}")
        sel = [r[4] for r in rows]
        tprs = [r[5] for r in rows]
        fprs = [r[6] for r in rows]
        lines.append(f"    selection-rate diff={max(sel) - min(sel):.3f} "
                     f"ratio={min(sel) / max(sel):.3f}  "
                     f"TPR diff={np.nanmax(tprs) - np.nanmin(tprs):.3f}  "
                     f"FPR diff={np.nanmax(fprs) - np.nanmin(fprs):.3f}  "
                     f"equalized-odds diff={max(np.nanmax(tprs) - np.nanmin(tprs), np.nanmax(fprs) - np.nanmin(fprs)):.3f}")
    return "\n".join(lines)


def summary(name: str, path: Path, sha: str, y_true, y_pred, score,
            sensitive: pd.DataFrame, n_train: int) -> None:
    from sklearn.metrics import accuracy_score, roc_auc_score

    print(f"[{name}] wrote {path}")
    print(f"  rows={len(y_true)} (test) train_rows={n_train} sha256={sha}")
    print(f"  accuracy={accuracy_score(y_true, y_pred):.4f} "
          f"roc_auc={roc_auc_score(y_true, score):.4f} "
          f"base_rate={np.mean(y_true):.4f} selection_rate={np.mean(y_pred):.4f}")
    print(group_report(y_true, y_pred, sensitive))
