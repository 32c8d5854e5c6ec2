"""Files shipped with cardgate: templates and checklists.

In a wheel they live in `cardgate/_data/`; in a source checkout they are the top-level
`templates/` and `checklists/` folders (the single source the wheel is built from).
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the cardgate package


def data_dir(name: str) -> Path:
    """The shipped folder `name` ('templates' or 'checklists')."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parents[1] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cardgate's '{name}' folder is missing from this installation")
