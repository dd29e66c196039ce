"""The house has one-way stairs: the import contract in pyproject.toml holds, and no
module imports itself back through others (docs/architecture.md, "Layers").

The contract is import-linter's layers contract; cycles (also between modules of one
floor) are found here on grimp's import graph, the same graph import-linter reads.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the package found in `root`, with the project's contract."""
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_the_layers_contract_is_kept() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Layers only point down KEPT" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The contract can fail: urls.py (plan floor) importing build.py is refused."""
    shutil.copytree(REPO / "site_builder", tmp_path / "site_builder")
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    urls = tmp_path / "site_builder/urls.py"
    urls.write_text(urls.read_text(encoding="utf-8") + "\nimport site_builder.build\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "Layers only point down BROKEN" in result.stdout
    assert "site_builder.urls -> site_builder.build" in result.stdout


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every group of modules that import each other round (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("site_builder", cache_dir=None)
    assert len(graph.modules) > 80
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
