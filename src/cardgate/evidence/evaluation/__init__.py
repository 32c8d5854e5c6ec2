"""Fairness and performance evaluation on sufficient statistics.

`cardgate evaluate SYSTEM` is `run.evaluate_system`. Data flows through the modules:

* `settings` — what the card's `evaluation:` settings ask for;
* `sources` — one pass over the predictions (CSV, Parquet, a DuckDB query, a counts
  table) through `accumulator` into `stats.SufficientStats`: counts per (joint sensitive
  group, label, prediction), score histograms, error sums; `categories` keeps values as text;
  `query` runs a card's DuckDB query, read-only and confined to its declared inputs;
* `group_table` — a feature's marginal of those tables; `metrics` the metric formulas;
  `fairlearn_bridge` — fairlearn's MetricFrame for the point estimates;
* `estimates` (per-group values and intervals: `intervals` for Wilson, MOVER and
  simultaneous intervals, `bootstrap` for the rest), `disparities` (between groups, with
  `nulls`: permutation tests and noise floors), `verdicts` (each threshold's evidence);
* `decide` — the one decider of a threshold's verdict (light: the gate imports it);
* `evaluate` puts it together as the artifact's data (`numbers`: how numbers are written);
  `run` writes `evaluation.json`; `report` prints the summary;
* `columns` — predictions given as columns in memory (`cardgate.api.evaluate`), through
  the same `accumulator`;
* `artifact` — the artifact's pydantic model, written and read with it, light (pydantic
  and json only): the gate uses it.

The gate imports only `artifact` and `decide`; the heavy libraries (numpy, pandas, fairlearn) are
imported by the modules that compute, never by this package's `__init__`.
"""
