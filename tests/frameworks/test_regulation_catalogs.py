"""The regulations cardgate ships (EU AI Act, NYC LL144 rules): the reference data as shipped,
the catalogs built from it, and what the shipped EU AI Act checklists cover."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from cardgate.core.resources import data_dir
from cardgate.frameworks.coverage import item_references
from cardgate.frameworks.definitions import shipped_definitions
from cardgate.frameworks.registry import (
    application_dates,
    framework_id,
    framework_index,
    load_framework,
)

FRAMEWORKS = data_dir("checklists") / "frameworks"
EU_FILE = FRAMEWORKS / "eu-ai-act-2024-1689.yaml"
NYC_FILE = FRAMEWORKS / "nyc-ll144.yaml"


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _generic(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Unique ids, known parents, no cycles, no empty text except entries listed as
    missing, sha256 of every text, a source for every entry."""
    entries = data["entries"]
    ids = [entry["id"] for entry in entries]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    by_id = {entry["id"]: entry for entry in entries}
    missing = {m["id"] for m in data.get("missing") or []}
    for entry in entries:
        hops, parent = 0, entry["parent"]
        while parent is not None:
            assert parent in by_id, entry["id"]
            parent, hops = by_id[parent]["parent"], hops + 1
            assert hops < 10, entry["id"]
        text = entry["text"]
        if entry["id"] in missing:
            continue
        assert isinstance(text, str) and text.strip(), entry["id"]
        assert hashlib.sha256(text.encode()).hexdigest() == entry["text_sha256"], entry["id"]
        assert entry["source"], entry["id"]
    return by_id


def _children(by_id: dict[str, dict[str, Any]], parent: str, level: str) -> list[str]:
    return [
        str(e["label"]).strip("().")
        for e in by_id.values()
        if e["parent"] == parent and e["level"] == level
    ]


def test_the_eu_ai_act_reference_data_is_complete_and_consistent() -> None:
    data = _load(EU_FILE)
    by_id = _generic(data)
    meta = data["metadata"]
    assert meta["celex"] == "32024R1689"
    assert meta["licence_note"]["acknowledgement_to_use"].startswith("Source: EUR-Lex")
    assert data["missing"] == []  # every requested provision was found verbatim
    counts = Counter(entry["level"] for entry in data["entries"])
    expected = dict(meta["entry_counts"])
    assert expected.pop("total") == len(data["entries"]) == 234
    assert dict(counts) == expected
    articles = [6, 9, 10, 11, 12, 13, 14, 15, 17, 26, 27, 50, 72, 73]
    assert [e["id"] for e in data["entries"] if e["level"] == "article"] == [
        f"art-{n}" for n in articles
    ]
    assert _children(by_id, "annex-iv", "point") == [str(n) for n in range(1, 10)]
    assert _children(by_id, "annex-iii", "point") == [str(n) for n in range(1, 9)]
    assert _children(by_id, "art-17-1", "point") == list("abcdefghijklm")
    assert _children(by_id, "art-13-3", "point") == list("abcdef")
    assert len(_children(by_id, "art-9", "paragraph")) == 10
    for entry in data["entries"]:  # verified verbatim in two independent conversions
        assert len(entry["source"]["verified_verbatim_in"]) >= 2, entry["id"]
        if entry["parent"] is not None and entry["level"] != "chapeau":
            parent_text = re.sub(r"\s+", " ", by_id[entry["parent"]]["text"])
            assert re.sub(r"\s+", " ", entry["text"]) in parent_text, entry["id"]


def test_the_nyc_reference_data_is_complete_and_consistent() -> None:
    data = _load(NYC_FILE)
    by_id = _generic(data)
    assert len(data["entries"]) == 73
    assert data["missing"] == []
    for entry_id in (
        "rcny-5-300-def-impact-ratio",
        "rcny-5-300-def-selection-rate",
        "rcny-5-300-def-scoring-rate",
        "rcny-5-301-b-5",
        "rcny-5-301-c-5",
        "rcny-5-301-d",
        "rcny-5-303-a-1",
        "rcny-5-303-a-2",
    ):
        assert entry_id in by_id
    assert "less than 2%" in by_id["rcny-5-301-d"]["text"]
    gaps = {gap["id"] for gap in data["verification_gaps"]}
    assert gaps <= set(by_id) and len(gaps) == 8


def test_the_shipped_regulations_are_the_reference_copies_with_their_provenance() -> None:
    readme = (FRAMEWORKS / "README.md").read_text(encoding="utf-8")
    for path in (EU_FILE, NYC_FILE):
        assert path.name in readme
        assert "sources_read" in _load(path)["metadata"]


def test_the_eu_ai_act_catalog_counts_the_obligations_and_cites_them() -> None:
    catalog = load_framework("eu-ai-act")
    assert catalog.id == "eu-ai-act-2024-1689" == framework_id("eu-ai-act")
    assert [fn.code for fn in catalog.functions] == [
        *(f"Art. {n}" for n in (9, 10, 11, 12, 13, 14, 15, 17, 26, 27, 50, 72, 73)),
        "Annex IV",
    ]
    assert len(catalog.subcategories) == 156 and catalog.unit == "provisions"
    assert catalog.cite("annex-iv-2-d") == "Annex IV, point 2(d)"
    assert catalog.cite("art-13-3-b-ii") == "Article 13(3)(b)(ii)"
    assert catalog.cite("annex-iii-5-b") == "Annex III, point 5(b)"
    assert catalog.expand("annex-iv-1") == tuple(f"annex-iv-1-{x}" for x in "abcdefgh")
    assert catalog.expand("annex-iii-5-b") == ()  # classification: reference text only
    assert catalog.expand("art-99") == ()
    verbatim = {e["id"]: e["text"] for e in _load(EU_FILE)["entries"]}
    for unit_id, unit in catalog.subcategories.items():
        assert unit.statement == verbatim[unit_id]
    assert catalog.provisions["annex-iii-5-b"].text == verbatim["annex-iii-5-b"]


def test_the_nyc_rules_catalog() -> None:
    catalog = load_framework("ll144")
    assert [fn.id for fn in catalog.functions] == ["rcny-5-301", "rcny-5-303", "rcny-5-304"]
    assert catalog.cite("rcny-5-301-b-3-i") == "§ 5-301(b)(3)(i)"
    assert "rcny-5-301-example-1" not in catalog.subcategories  # examples are not duties


def test_every_eu_provision_is_served_by_a_shipped_eu_checklist() -> None:
    catalog = load_framework("eu-ai-act")
    definitions = shipped_definitions().definitions
    provider, deployer = definitions["eu-ai-act-provider"], definitions["eu-ai-act-deployer"]
    served: dict[str, set[str]] = {}
    for definition in (provider, deployer):
        for item in definition.model.items:
            assert item.question.endswith("?") and item.guidance and item.answered_in, item.id
            for ref in item_references(catalog, definition, item):
                for unit in catalog.expand(ref):
                    served.setdefault(unit, set()).add(definition.id)
    assert set(served) == set(catalog.subcategories)
    # the provider answers Annex IV: one item per point and lettered sub-point
    annex_items = [item for item in provider.model.items if item.id.startswith("AIV-")]
    points = [unit for unit in catalog.subcategories if unit.startswith("annex-iv-")]
    assert [item.maps_to for item in annex_items] == [[point] for point in points]
    assert not any(
        unit.startswith(("art-26", "art-27")) for unit, by in served.items() if provider.id in by
    )


def test_application_dates_come_from_the_reference_data() -> None:
    original = application_dates("eu-ai-act", "regulation-2024")
    assert original == {
        "annex-iii": "2026-08-02",
        "annex-i": "2027-08-02",
        "art-50": "2026-08-02",
        "chapter-v": "2025-08-02",
    }
    text = _load(EU_FILE)["metadata"]["digital_omnibus"]["original_art_113_2024_text"]["text"]
    assert "It shall apply from 2 August 2026." in text
    assert "Article 6(1) and the corresponding obligations" in text and "2 August 2027" in text
    assert (
        "(b) Chapter III Section 4, Chapter V, Chapter VII and Chapter XII and Article 78 "
        "shall apply from 2 August 2025" in text
    )
    # the reference data's own reading of the reported amendment: Annex III and Annex I
    reported_finding = _load(EU_FILE)["metadata"]["digital_omnibus"]["summary"]
    assert "2 December 2027" in reported_finding and "2 August 2028" in reported_finding
    reported = application_dates("eu-ai-act", "digital-omnibus-reported")
    assert reported["annex-iii"] == "2027-12-02" and reported["art-50"] == "2026-08-02"
    assert reported["annex-i"] == "2028-08-02" and reported["chapter-v"] == "2025-08-02"
    # every key dated on its own is an obligation of the data, with its provisions
    dated = framework_index()["eu-ai-act-2024-1689"]["dated_obligations"]
    assert set(dated) == {"art-50", "chapter-v"} and dated["art-50"]["provisions"] == ["art-50"]
    assert dated["chapter-v"]["provisions"] == []  # no text of Chapter V is shipped
    entry = framework_index()["eu-ai-act-2024-1689"]["application_dates"]
    assert "not verified" in entry["digital-omnibus-reported"]["status"]


def test_an_unknown_framework_name_is_a_usage_error() -> None:
    from cardgate.core.errors import UsageError

    with pytest.raises(UsageError) as raised:
        load_framework("eu-ai-akt")
    assert "did you mean 'eu-ai-act'" in str(raised.value.hint)
