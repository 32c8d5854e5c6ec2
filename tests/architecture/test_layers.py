"""The package tree is the pipeline: imports point down the stages, and nothing cycles.

The layer contract lives in pyproject.toml (`[tool.importlinter]`) and `make test` runs
`lint-imports`; these tests show that the contract holds, that it would catch an inverted
import, and what import-linter does not check: cycles inside a stage and module size.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "cardgate"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_LINES = 400
KEPT_WHOLE = "Kept whole:"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_layer_contract_holds() -> None:
    run = _lint_imports(REPO)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 kept, 0 broken" in run.stdout


def test_layer_contract_fails_on_an_inverted_import(tmp_path: Path) -> None:
    """A helper in `core` that reaches up into the gate breaks the contract."""
    shutil.copytree(PACKAGE, tmp_path / "src" / "cardgate")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    paths = tmp_path / "src" / "cardgate" / "core" / "paths.py"
    paths.write_text(
        paths.read_text(encoding="utf-8") + "\nfrom cardgate.gate import engine  # inverted\n",
        encoding="utf-8",
    )
    run = _lint_imports(tmp_path)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN" in run.stdout
    assert "cardgate.core.paths -> cardgate.gate.engine" in run.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_anywhere() -> None:
    """Not even one broken by a function-level or TYPE_CHECKING import (grimp sees all)."""
    assert _cycles(grimp.build_graph("cardgate")) == []


def test_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y"]]


def test_long_modules_say_why_they_are_one() -> None:
    """A module over 400 lines is one cohesive thing, and its docstring says why."""
    unexplained = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") <= MAX_LINES:
            continue
        docstring = ast.get_docstring(ast.parse(text)) or ""
        if KEPT_WHOLE not in docstring:
            unexplained.append(f"{path.relative_to(PACKAGE)} ({text.count(chr(10))} lines)")
    assert unexplained == []
