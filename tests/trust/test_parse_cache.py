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
    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
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
        assert "GATE-FA003" in found  # parsed from the bytes: the forged entry is not read
    else:
        assert "GATE-FA003" not in found  # the forgery works where the cache is trusted


def test_entries_round_trip_the_loaders_types_and_refuse_anything_else() -> None:
    from cardgate.documents.loading import parse_text

    document = parse_text("a: 1.10\nb: [0x1F, .nan, null, true, x]\nc: {d: 2}\n", display="x")
    value = (document.data, "digest")
    decoded = parse_cache.decode(parse_cache.encode(value))
    assert decoded[0]["a"].source == "1.10" and decoded[0]["b"][0] == 31
    assert decoded[0]["b"][0].source == "0x1F" and decoded[0]["b"][2:] == [None, True, "x"]
    assert decoded[0]["c"] == {"d": 2} and decoded[1] == "digest"
    positions = parse_cache.decode(parse_cache.encode(document.positions.compact()))
    assert positions.value(("b", 4)) == document.positions.value(("b", 4))
    for bad in (b"\x80\x04garbage", b'cardgate-parse-cache-json-1\n{"x": 1}'):
        with pytest.raises(parse_cache.CacheFormatError):
            parse_cache.decode(bad)


def test_an_entry_already_written_is_left_alone_and_a_poisoned_one_replaced(
    tmp_path: Path,
) -> None:
    """gate --release writes every document it parses: an entry already holding those bytes
    is not written again (a site build rewrote hundreds per run), any other is repaired."""
    root = build_workspace(tmp_path / "ws")
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    gate_json(root, "--release")
    entry = _entry(_key(card))
    right = entry.read_bytes()
    before = entry.stat().st_ino
    gate_json(root, "--release")
    assert entry.stat().st_ino == before  # not replaced
    entry.write_bytes(right[:-5])  # cut short: not what the parse gives
    gate_json(root, "--release")
    assert entry.read_bytes() == right and entry.stat().st_ino != before


def test_a_forged_cache_entry_does_not_decide_the_sites_recomputed_verdict(
    tmp_path: Path,
) -> None:
    """`cardgate build --recompute` shows gate --release's verdict, so it loads the
    documents from their bytes too (the plain build, like the plain gate, trusts the cache)."""
    from typer.testing import CliRunner

    from cardgate.cli import app

    root = build_workspace(tmp_path / "ws", {"artifact": {"value": 0.3, "ci": [0.2, 0.4]}})
    card = root / f"systems/{SYSTEM}/model-card.yaml"
    from cardgate.documents.loading import load_document

    data = load_document(card).data
    data["evaluation"]["thresholds"] = []
    _entry(_key(card)).write_bytes(parse_cache.encode((data, "0" * 64)))
    out = tmp_path / "html"
    done = CliRunner().invoke(app, ["build", "--recompute", "-w", str(root), "--out", str(out)])
    assert done.exit_code == 0, done.output
    page = (out / "systems" / SYSTEM / "index.html").read_text(encoding="utf-8")
    assert "Blocked: may not ship" in page
    # the card's threshold, which the forged entry removes, is decided and shown
    assert "is beyond max 0.1" in page
