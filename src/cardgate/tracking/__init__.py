"""Exports to experiment trackers: a system's documents, evidence and gate verdict logged
to the run that trained its model (``cardgate log-mlflow``).

Above the gate and the reporters (it sends what they produced), below the command line.
"""
