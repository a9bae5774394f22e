"""Data migrations carry their own data: a later edit of live code cannot change what an old migration does."""

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings


def _project_packages() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    return {config.name for config in apps.get_app_configs() if Path(config.path).resolve().parent == base} | {"config"}


def _data_migrations() -> list[Path]:
    packages = _project_packages()
    return sorted(
        path
        for config in apps.get_app_configs()
        if config.name in packages
        for path in (Path(config.path) / "migrations").glob("0*.py")
        if "RunPython" in path.read_text(encoding="utf-8")
    )


def _imported(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    # Field defaults and validators are referenced by dotted path, the way makemigrations writes them; they run no data step.
    names = {name for name in names if not name.endswith((".models", ".validators"))}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    return {name.split(".")[0] for name in names}


def test_every_app_has_data_migrations_to_check():
    assert {path.parent.parent.name for path in _data_migrations()} >= {"households", "resident_requests", "volunteers", "governance"}


@pytest.mark.parametrize("path", _data_migrations(), ids=lambda path: f"{path.parent.parent.name}/{path.stem}")
def test_a_data_migration_imports_no_project_code(path):
    assert not _imported(path) & _project_packages()
