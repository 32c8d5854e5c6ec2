"""Interoperability: the workspace exported to the formats the ecosystem reads, and back.

cardgate stays the source of truth. Each exporter is a pure function of the validated
documents, the evidence artifacts and the gate's verdict, deterministic (same input, same
bytes), one module per format; each importer writes a new draft document and lists what it
could not map. The layer sits above the gate (an export may carry its verdict and the
sign-offs as attestations) and below the site and the reporters (the site offers the exports
for download).
"""
