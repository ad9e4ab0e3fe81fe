"""DESIGN.md's boundaries and the README's promises, checked on the source itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

FORBIDDEN = {
    "scrapers": {"storage", "pipeline"},
    "storage": {"scrapers", "pipeline"},
    # the migrations ship inside storage (storage/_alembic in a wheel)
    "alembic": {"scrapers", "pipeline"},
}


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
