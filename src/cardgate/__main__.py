"""`python -m cardgate`."""

from __future__ import annotations

from cardgate.cli import main

main()
