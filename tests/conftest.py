"""Fixtures shared by every test package."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# The property tests check what is computed, not how fast: hypothesis's default 200 ms
# deadline per example fails them at random on a loaded CI runner.
settings.register_profile("cardgate", deadline=None)
settings.load_profile("cardgate")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run the test with the current directory set to an empty temporary folder."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path


@pytest.fixture(autouse=True, scope="session")
def _private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests use their own parse cache, never the user's ~/.cache/cardgate."""
    import os

    previous = os.environ.get("CARDGATE_CACHE_DIR")
    os.environ["CARDGATE_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))
    from cardgate.documents import parse_cache

    parse_cache.cache_dir.cache_clear()
    yield
    if previous is None:
        os.environ.pop("CARDGATE_CACHE_DIR", None)
    else:
        os.environ["CARDGATE_CACHE_DIR"] = previous
    parse_cache.cache_dir.cache_clear()
