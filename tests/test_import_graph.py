"""No import cycle between the project's modules, across every app.

import-linter's `acyclic_siblings` contract only compares the children of one package, and the
apps are separate top-level packages, so a cycle such as `posts.services -> notifications.services
-> posts.selectors -> posts.services` would pass it. This builds the same grimp graph that
import-linter reads (every import statement, including those inside functions) and fails on any
strongly connected group of modules.
"""

import sys
import tomllib
from collections.abc import Iterable
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent


def root_packages() -> list[str]:
    """Return the packages import-linter checks, as listed in pyproject.toml."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return list(config["tool"]["importlinter"]["root_packages"])


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return each group of two or more modules that import each other, directly or not."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    # Tarjan's algorithm, iterative so that a deep chain cannot hit the recursion limit.
    for start in edges:
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
                    work.append((child, iter(edges.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def describe(graph: grimp.ImportGraph, group: Iterable[str]) -> str:
    """Return the imports that tie group together, one `importer:line -> imported` a line."""
    members = set(group)
    lines = []
    for importer in sorted(members):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"  {importer}:{detail['line_number']} -> {imported}")
    return "\n".join(lines)


def build(packages: list[str], path: Path) -> grimp.ImportGraph:
    sys.path.insert(0, str(path))
    try:
        return grimp.build_graph(*packages, include_external_packages=False, cache_dir=None)
    finally:
        sys.path.remove(str(path))


def test_no_import_cycle_between_project_modules():
    """No project module imports, through any chain, a module that imports it back."""
    graph = build(root_packages(), ROOT)
    cycles = import_cycles(graph)
    assert not cycles, "Import cycles:\n" + "\n\n".join(describe(graph, c) for c in cycles)


def test_a_cycle_hidden_in_a_function_is_found(tmp_path):
    """The check sees an import inside a function, across two packages (it can fail)."""
    (tmp_path / "app_a").mkdir()
    (tmp_path / "app_b").mkdir()
    (tmp_path / "app_a" / "__init__.py").write_text("")
    (tmp_path / "app_b" / "__init__.py").write_text("")
    (tmp_path / "app_a" / "models.py").write_text(
        "def make():\n    from app_b.services import create\n    return create()\n"
    )
    (tmp_path / "app_b" / "services.py").write_text("from app_a import models\n")
    (tmp_path / "app_b" / "other.py").write_text("from app_a import models\n")

    graph = build(["app_a", "app_b"], tmp_path)

    assert import_cycles(graph) == [["app_a.models", "app_b.services"]]
    assert describe(graph, ["app_a.models", "app_b.services"]) == (
        "  app_a.models:2 -> app_b.services\n  app_b.services:1 -> app_a.models"
    )
