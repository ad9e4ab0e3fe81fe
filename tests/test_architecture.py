"""DESIGN.md's boundaries and the README's promises, checked on the source itself.

Imports are read from the source with `ast`, wherever they stand (module level or inside a
function); imports under `if TYPE_CHECKING:` are left out, as they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "scrapers": {"storage", "pipeline"},
    "storage": {"scrapers", "pipeline"},
    # the migrations ship inside storage (storage/_alembic in a wheel)
    "alembic": {"scrapers", "pipeline"},
}


GRAPH_PACKAGES = ("pipeline", "storage", "scrapers")
# What pipeline may take from SQLAlchemy: the engine it is handed and passes to storage.
# Statements, sessions and models are storage's alone.
PIPELINE_SQLALCHEMY_NAMES = {"Engine"}


def imported_top_levels(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_does_not_import_forbidden_packages(package: str) -> None:
    offenders = {
        str(path.relative_to(REPO)): sorted(imported_top_levels(path) & FORBIDDEN[package])
        for path in (REPO / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_readme_documents_every_command() -> None:
    from pipeline.cli.app import COMMANDS

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [c.name for c in COMMANDS if f"newsnote {c.name}" not in readme]
    assert missing == []


def test_pipeline_builds_no_sql() -> None:
    """Only storage speaks SQL: pipeline imports no models and, from SQLAlchemy, only the
    `Engine` it passes to storage's functions."""
    offenders: dict[str, list[str]] = {}
    for path in (REPO / "pipeline").rglob("*.py"):
        bad = []
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                bad += [a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
                bad += [a.name for a in node.names if a.name.startswith("storage.models")]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = {a.name for a in node.names}
                if node.module.split(".")[0] == "sqlalchemy" and (
                    node.module != "sqlalchemy" or names - PIPELINE_SQLALCHEMY_NAMES
                ):
                    bad.append(f"{node.module}: {sorted(names)}")
                if node.module.startswith("storage.models") or (
                    node.module == "storage" and "models" in names
                ):
                    bad.append(f"{node.module}: {sorted(names)}")
        if bad:
            offenders[str(path.relative_to(REPO))] = bad
    assert offenders == {}


def test_no_import_cycles() -> None:
    """No module of pipeline, storage or scrapers imports itself back through others, not
    even through an import inside a function (which only hides a cycle)."""
    graph = module_graph()
    cycles = [sorted(c) for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [sorted(c) for c in strongly_connected(graph) if len(c) > 1] == [["a", "b", "c"]]


def module_graph() -> dict[str, set[str]]:
    """Module -> the modules of the same packages it imports."""
    files = {
        _module_name(path.relative_to(REPO)): path
        for package in GRAPH_PACKAGES
        for path in (REPO / package).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name in files)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join([*parts, base] if base else parts)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    if full in files:
                        edges.add(full)
                    elif base in files:
                        edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components: a component of two or more is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component: set[str] = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _module_name(relative: Path) -> str:
    parts = list(relative.with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run (not those under `if TYPE_CHECKING:`)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in skipped:
            yield node
