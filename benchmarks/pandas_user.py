"""The data checks of bench_check_data written directly in pandas, as a pandas expert
would: the pyarrow engine, the text columns with few values read as categoricals, dates
as datetime64 (not one Python object per value).

Usage: python pandas_user.py DATA.parquet

Prints what it found as JSON, with the seconds spent importing, reading and checking.
Imports nothing of cardgate's.
"""

import json
import sys
import time

start = time.perf_counter()
import pandas as pd  # noqa: E402

GRADES = ["A", "B", "C", "D", "E"]
REGIONS = ["north", "south", "east", "west"]


def read(path: str) -> pd.DataFrame:
    return pd.read_parquet(
        path,
        engine="pyarrow",
        read_dictionary=["grade", "region"],
        to_pandas_kwargs={"date_as_object": False},
    )


def checks(df: pd.DataFrame) -> dict[str, object]:
    """Rows, nulls, ranges, allowed values, the zip pattern, uniqueness, dates."""
    age = df["age"]
    date = df["snapshot_date"]
    return {
        "rows": len(df),
        "nulls": {k: int(v) for k, v in df.isna().sum().items()},
        "age_outside": int(((age < 17) | (age > 100)).sum()),
        "age_range": [int(age.min()), int(age.max())],
        "income_null_rate": float(df["income"].isna().mean()),
        "income_negative": int((df["income"] < 0).sum()),
        "score_outside": int(((df["score"] < 0) | (df["score"] > 1)).sum()),
        "amount_negative": int((df["amount"] < 0).sum()),
        "grade_not_allowed": int((~df["grade"].isin(GRADES) & df["grade"].notna()).sum()),
        "region_not_allowed": int((~df["region"].isin(REGIONS) & df["region"].notna()).sum()),
        "zip_not_matching": int((~df["zip"].str.fullmatch(r"[0-9]{5}").fillna(True)).sum()),
        "id_duplicates": int(df["id"].duplicated().sum()),
        "newest": str(date.max().date()),
        "before_2020": int((date < pd.Timestamp("2020-01-01")).sum()),
    }


def main(path: str) -> None:
    imported = time.perf_counter()
    df = read(path)
    loaded = time.perf_counter()
    found = checks(df)
    done = time.perf_counter()
    found["seconds"] = {
        "import": imported - start,
        "read": loaded - imported,
        "check": done - loaded,
    }
    json.dump(found, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
