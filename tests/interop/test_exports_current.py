"""governance/exports/ holds every format's export of the worked example, committed, and
`make demo` rebuilds it byte for byte (judged on the example's pinned date): this test
fails when a document, an artifact or an exporter changed and the exports were not
rebuilt."""

from __future__ import annotations

from pathlib import Path

import cardgate.api as cg

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "governance" / "exports"
TODAY = "2026-11-30"  # scripts/demo.sh exports with the same date


def _tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_committed_exports_are_current(tmp_path: Path) -> None:
    fresh = tmp_path / "exports"
    files = cg.export(REPO / "governance", "all", out=fresh, today=TODAY)
    committed, rebuilt = _tree(COMMITTED), _tree(fresh)
    stale = sorted(name for name in rebuilt if committed.get(name) != rebuilt[name])
    extra = sorted(set(committed) - set(rebuilt))
    assert not stale and not extra, (
        f"governance/exports is not current (stale: {stale}; not exported any more: {extra}): "
        "run make demo"
    )
    assert set(files) | {"cardgate-exports.json"} == set(committed)
    systems = {name.split("/")[1] for name in files if name.startswith("systems/")}
    datasets = {name.split("/")[1] for name in files if name.startswith("datasets/")}
    assert systems == {"credit-default", "helpdesk-assistant", "income-screening"}
    assert datasets == {"adult", "german-credit", "helpdesk-articles"}


def test_demo_rebuilds_the_exports_with_the_same_date() -> None:
    demo = (REPO / "scripts" / "demo.sh").read_text()
    assert f"\nexample_date={TODAY}\n" in demo
    assert 'export all -w "$workspace" --out "$workspace/exports" --today "$example_date"' in demo
