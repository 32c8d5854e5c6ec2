"""Production monitoring: reference profiles, drift per column, windows against the
approved baseline (`cardgate profile`, `cardgate monitor`; methods in docs/monitoring.md).

The modules the gate reads (`artifact`, `decide`, `sketch`) import neither numpy nor
pandas nor DuckDB; `measure` (DuckDB) and `run` are imported by the commands only.
"""
