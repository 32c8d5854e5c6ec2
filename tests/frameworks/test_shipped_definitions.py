"""The checklist definitions that ship with cardgate."""

from __future__ import annotations

from pathlib import Path

import yaml

from cardgate.core.resources import data_dir
from cardgate.frameworks.catalog import load_catalog
from cardgate.frameworks.definitions import shipped_definitions

ALL_TIERS = ("minimal", "limited", "high", "unacceptable")


def test_shipped_definitions_load_without_problems() -> None:
    shipped = shipped_definitions()
    assert shipped.problems == []
    assert set(shipped.definitions) == {
        "nist-ai-rmf-core",
        "nist-genai-profile",
        "eu-ai-act-provider",
        "eu-ai-act-deployer",
    }
    for definition in shipped:
        assert definition.shipped
        licence = "17 U.S.C. 105" if definition.id.startswith("nist") else "2011/833/EU"
        assert definition.model.provenance and licence in definition.model.provenance


def test_every_subcategory_is_served_by_a_core_item_for_every_tier() -> None:
    core = shipped_definitions().definitions["nist-ai-rmf-core"]
    assert 40 <= len(core.model.items) <= 75
    for tier in ALL_TIERS:
        served = {ref for item in core.applicable_items(tier) for ref in item.maps_to}
        unserved = [sub for sub in load_catalog().subcategories if sub not in served]
        assert unserved == [], tier


def test_core_items_are_questions() -> None:
    core = shipped_definitions().definitions["nist-ai-rmf-core"]
    catalog = load_catalog()
    statements = {sub.statement for sub in catalog.subcategories.values()}
    for item in core.model.items:
        assert item.question.endswith("?"), item.id
        assert item.question not in statements, item.id
        assert item.guidance, item.id


def test_genai_items_cite_actions_whose_subcategories_they_map_to() -> None:
    catalog = load_catalog()
    genai = shipped_definitions().definitions["nist-genai-profile"]
    assert 20 <= len(genai.model.items) <= 30
    risks: set[str] = set()
    for item in genai.model.items:
        assert item.sources, item.id
        actions = [catalog.gai_actions[action_id] for action_id in item.sources]
        assert sorted(item.maps_to) == sorted({a.subcategory for a in actions}), item.id
        risks.update(risk for action in actions for risk in action.gai_risks)
    assert risks == {risk.id for risk in catalog.gai_risks}


def test_each_gai_risk_is_covered_by_an_item_that_applies_to_every_tier() -> None:
    catalog = load_catalog()
    genai = shipped_definitions().definitions["nist-genai-profile"]
    for tier in ALL_TIERS:
        risks = {
            risk
            for item in genai.applicable_items(tier)
            for action_id in item.sources or []
            for risk in catalog.gai_actions[action_id].gai_risks
        }
        assert len(risks) == 12, tier


def test_catalog_copies_keep_their_provenance_blocks() -> None:
    folder = data_dir("checklists") / "frameworks"
    for name in ("nist-ai-rmf-1.0.yaml", "nist-ai-600-1.yaml", "crosswalks.yaml"):
        data = yaml.safe_load(Path(folder / name).read_text(encoding="utf-8"))
        assert data["source"], name
        assert "17 U.S.C. 105" in data["license_note"], name
    assert (folder / "README.md").is_file()
