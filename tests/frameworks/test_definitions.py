"""Checklist definitions: schema and catalog problems, with their line and column."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cardgate.documents.workspace import Workspace
from cardgate.frameworks.definitions import workspace_definitions

WorkspaceFactory = Callable[[dict[str, str]], Workspace]

HEADER = """\
kind: checklist-definition
schema_version: 1
id: acme-extra
title: Acme extra checks
version: "1.0"
framework: nist-ai-rmf-1.0
items:
"""
# Line 8 is the first item.


def problems_of(make_workspace: WorkspaceFactory, text: str) -> list[str]:
    workspace = make_workspace({"checklists/acme.yaml": text})
    found = workspace_definitions(workspace)
    return [f"{p.line}:{p.column} {p.code} {p.message}" for p in found.problems]


def test_a_valid_workspace_definition_is_added_to_the_shipped_ones(
    make_workspace: WorkspaceFactory,
) -> None:
    workspace = make_workspace(
        {
            "checklists/acme.yaml": HEADER
            + """\
  - id: ACME-01
    question: Is the vendor contract on file?
    maps_to: [GOVERN 6.1]
    applies_to: [high]
"""
        }
    )
    found = workspace_definitions(workspace)
    assert found.problems == []
    assert set(found.definitions) == {
        "acme-extra",
        "nist-ai-rmf-core",
        "nist-genai-profile",
        "eu-ai-act-provider",
        "eu-ai-act-deployer",
    }
    acme = found.definitions["acme-extra"]
    assert not acme.shipped
    assert [item.id for item in acme.applicable_items("high")] == ["ACME-01"]
    assert acme.applicable_items("minimal") == ()
    assert acme.item_span("ACME-01").line == 8


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        pytest.param(
            "  - id: acme-1\n    question: Q?\n    maps_to: [GOVERN 1.1]\n",
            "8:9 CG104 'id' does not have the expected form",
            id="bad-item-id",
        ),
        pytest.param(
            "  - id: ACME-01\n    maps_to: [GOVERN 1.1]\n",
            "8:5 CG103 missing required field 'question'",
            id="missing-question",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n    evidence: yes\n",
            "11:5 CG101 unknown key 'evidence'",
            id="unknown-key",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    applies_to: [severe]\n",
            "11:18 CG102 'applies_to' must be one of: minimal, limited, high, unacceptable",
            id="bad-tier",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: []\n",
            "10:14 CG104 'maps_to'",
            id="empty-maps-to",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1, GOVERN 9.9]\n",
            "10:27 CL003 'GOVERN 9.9' is not a subcategory of nist-ai-rmf-1.0",
            id="unknown-subcategory",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "  - id: ACME-01\n    question: R?\n    maps_to: [GOVERN 1.2]\n",
            "11:9 CL002 item id 'ACME-01' is used twice (first at line 8)",
            id="duplicate-item",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    sources: [GV-1.1-001, MG-4.3-003]\n",
            "11:27 CL005 action 'MG-4.3-003' serves MANAGE 4.3, which is not in this item's "
            "maps_to",
            id="source-outside-maps-to",
        ),
        pytest.param(
            "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    sources: [GV-1.1-099]\n",
            "11:15 CL005 'GV-1.1-099' is not an action of NIST AI 600-1",
            id="unknown-source",
        ),
    ],
)
def test_definition_problems_have_positions(
    make_workspace: WorkspaceFactory, items: str, expected: str
) -> None:
    found = problems_of(make_workspace, HEADER + items)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_unknown_framework(make_workspace: WorkspaceFactory) -> None:
    text = HEADER.replace("framework: nist-ai-rmf-1.0", "framework: iso-42001") + (
        "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
    )
    assert problems_of(make_workspace, text) == ["6:12 CL004 unknown framework catalog 'iso-42001'"]


def test_a_document_of_another_kind_in_the_checklists_folder(
    make_workspace: WorkspaceFactory,
) -> None:
    text = "kind: checklist\nschema_version: 1\n"
    assert problems_of(make_workspace, text) == [
        "1:7 CL001 expected a 'checklist-definition' in the checklists folder, found 'checklist'"
    ]


def test_ids_must_not_collide_with_shipped_or_other_workspace_definitions(
    make_workspace: WorkspaceFactory,
) -> None:
    body = "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
    workspace = make_workspace(
        {
            "checklists/a.yaml": HEADER + body,
            "checklists/b.yaml": HEADER + body,
            "checklists/c.yaml": HEADER.replace("id: acme-extra", "id: nist-ai-rmf-core") + body,
        }
    )
    found = workspace_definitions(workspace)
    messages = sorted(
        f"{p.path.rsplit('/', 1)[-1]}:{p.line}:{p.column} {p.code}" for p in found.problems
    )
    assert messages == ["b.yaml:3:5 CL007", "c.yaml:3:5 CL006"]
    # The shipped definition stays; the colliding one is left out.
    assert found.definitions["nist-ai-rmf-core"].shipped


def test_yaml_errors_of_a_definition_are_positioned(make_workspace: WorkspaceFactory) -> None:
    found = problems_of(make_workspace, HEADER + "  - id: ACME-01\n    question: [unclosed\n")
    assert len(found) == 1 and " CG005 " in found[0]


EU_HEADER = HEADER.replace("framework: nist-ai-rmf-1.0", "framework: eu-ai-act-2024-1689")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            EU_HEADER + "  - id: ACME-01\n    question: Q?\n    maps_to: [annex-iv-2-z]\n",
            "10:15 CL003 'annex-iv-2-z' is not a provision of eu-ai-act-2024-1689",
            id="unknown-provision",
        ),
        pytest.param(
            EU_HEADER + "  - id: ACME-01\n    question: Q?\n    maps_to: [annex-iii-5-b]\n",
            "10:15 CL003 'annex-iii-5-b' (Annex III, point 5(b)) is not among what coverage",
            id="reference-only-provision",
        ),
        pytest.param(
            HEADER + "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    also_maps_to: {eu-ai-act-2024-1689: [art-9-1, art-99]}\n",
            "11:51 CL003 'art-99' is not a provision of eu-ai-act-2024-1689",
            id="also-maps-to-unknown-provision",
        ),
        pytest.param(
            HEADER + "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    also_maps_to: {gdpr: [art-5]}\n",
            "11:20 CL004 unknown framework catalog 'gdpr'",
            id="also-maps-to-unknown-framework",
        ),
    ],
)
def test_regulation_references_are_checked_with_positions(
    make_workspace: WorkspaceFactory, text: str, expected: str
) -> None:
    found = problems_of(make_workspace, text)
    assert len(found) == 1, found
    assert found[0].startswith(expected), found


def test_an_item_mapped_to_two_frameworks_counts_in_both_coverages(
    make_workspace: WorkspaceFactory, model_card: Callable[[str, str], str]
) -> None:
    from cardgate.frameworks.coverage import workspace_coverage
    from cardgate.frameworks.registry import load_framework

    workspace = make_workspace(
        {
            "checklists/acme.yaml": HEADER
            + "  - id: ACME-01\n    question: Q?\n    maps_to: [GOVERN 1.1]\n"
            "    evidence_required: false\n"
            "    also_maps_to: {eu-ai-act-2024-1689: [annex-iv-2]}\n",
            "systems/s/model-card.yaml": model_card("s", "high"),
            "systems/s/checklist-acme.yaml": "kind: checklist\nschema_version: 1\n"
            "system: s\nchecklist: acme-extra\nstatus: draft\nitems:\n  ACME-01: {status: done}\n",
        }
    )
    nist = workspace_coverage(workspace).system("s")
    assert nist.status_of("GOVERN 1.1") == "addressed"
    assert nist.checklists == ("acme-extra",)
    eu = workspace_coverage(workspace, catalog=load_framework("eu-ai-act")).system("s")
    addressed = [sub.id for sub in eu.subcategories if sub.status == "addressed"]
    # annex-iv-2 is a point: the item serves each of its sub-points (a) to (h)
    assert addressed == [f"annex-iv-2-{letter}" for letter in "abcdefgh"]
    assert eu.overall.addressed == 8 and eu.overall.total == 156
