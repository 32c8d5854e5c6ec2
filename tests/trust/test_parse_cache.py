"""Hole 8: the parse cache cannot execute code, and a poisoned entry never decides a
--release verdict."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from cardgate.documents import parse_cache
from cardgate.documents.load_limits import DEFAULT_LIMITS

from .conftest import SYSTEM, build_workspace, codes, gate_json

pytestmark = pytest.mark.xfail(strict=True, reason="issue 12 hole 8: not fixed yet")


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.marker),))


def _key(path: Path) -> str:
    return parse_cache.cache_key(path.read_bytes(), repr(DEFAULT_LIMITS))


def _entry(key: str) -> Path:
    folder = parse_cache.cache_dir()
    assert folder is not None
    (folder / key[:2]).mkdir(parents=True, exist_ok=True)
    return folder / key[:2] / key


def test_a_poisoned_cache_entry_executes_nothing(tmp_path: Path) -> None:
    root = build_workspace(tmp_path / "ws")
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    marker = tmp_path / "pwned"
    _entry(_key(card)).write_bytes(pickle.dumps(_Payload(marker)))
    gate_json(root, "--release")
    assert not marker.exists()


@pytest.mark.parametrize("release", [True, False])
def test_a_forged_cache_entry_does_not_decide_a_release(tmp_path: Path, release: bool) -> None:
    """An entry claiming the card has no thresholds: --release parses the bytes itself."""
    root = build_workspace(
        tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4], "passed": False}}
    )
    assert "GATE-FA003" in codes(gate_json(root, "--release")[1])
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    from cardgate.documents.loading import load_document

    data = load_document(card).data
    data["evaluation"]["thresholds"] = []
    forged = parse_cache.encode((data, "0" * 64))
    _entry(_key(card)).write_bytes(forged)
    args = ("--release",) if release else ()
    found = codes(gate_json(root, *args)[1])
    if release:
        assert "GATE-FA003" in found
