"""Stage 2, evidence: artifacts computed from data, written beside the documents.

`evaluation` (`cardgate evaluate`: fairness and performance from predictions ->
evaluation.json) and `datacheck` (`cardgate check-data`: a data file against its
datasheet's contract -> data-check.json). Each artifact's model is importable without
numpy or pandas, so the gate can read it; the computations import them lazily.
"""
