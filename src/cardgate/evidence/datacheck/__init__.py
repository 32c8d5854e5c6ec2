"""Data contracts: check a data file against its datasheet's contract (`cardgate check-data`).

Modules, light to heavy:

* `source` — which file, which format; refuses missing and empty files;
* `stats` — what an engine measures per column (`TableStats`), engine-neutral values;
* `pandas_engine` / `duckdb_engine` / `spark_engine` — the ways of measuring: in memory,
  streamed (larger than memory), or in Spark; the last two run the SQL of
  `statistics_sql` (Spark transpiled by sqlglot); they compute the same statistics, and
  tests hold them equal;
* `clauses` — every contract clause judged from the statistics (`Violation`s);
* `artifact` — the `data-check.json` record; `report` — text and JSON output;
* `run` — `check_dataset`, the whole command as one call;
* `infer` — a contract's facts measured from a file (`cardgate new datasheet --from`);
* `pins` — the light check behind `cardgate validate` (reads JSON only, never pandas).

This package's `__init__` imports nothing, so that `pins` stays light.
"""
