"""Fairness and performance evaluation on sufficient statistics.

One pass over the predictions (`sources`) fills a `SufficientStats` (`stats`): counts per
(joint sensitive group, label, prediction), score histograms, error sums. Every metric
(`metrics`, fairlearn for point estimates), bootstrap interval and noise floor
(`bootstrap`) is computed from those tables; `evaluate` puts it together and `artifact`
writes `evaluation.json`.

Nothing here is imported by `validate` or `gate`: the heavy libraries (pandas, fairlearn)
are imported inside the functions that need them.
"""
