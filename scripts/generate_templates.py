"""Regenerate templates/*.yaml from cardgate's schemas (a test checks they are current)."""

from __future__ import annotations

import sys
from pathlib import Path

from cardgate.documents.schemas.templates_index import TEMPLATES

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    for name, text in TEMPLATES().items():
        path = ROOT / "templates" / name
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
