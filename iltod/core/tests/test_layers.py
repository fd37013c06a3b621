"""The layer rule of docs/architecture.md, checked on the code: a module never imports a higher
layer (not even inside a function). Tests and the shared test support (iltod/core/testing/) may
import across layers; migrations are Django's. An app's ``demo.py`` (``demo_*.py``) writes that app's
demo rows for ``seed_demo``: it belongs to the demo layer and may read the demo's tables."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]  # the iltod package
# Lowest first. Apps on the same line share a layer; lib imports nothing of the project's.
LAYERS = [
    ["lib"],
    ["core"],
    ["accounts"],
    ["places"],
    ["organizations"],
    ["notifications"],
    ["feedback"],
    ["engagement"],
    ["scorecards"],
    ["disclosure"],
    ["procurement"],
    ["learning"],
    ["results"],
    ["portal"],
    ["api"],
    ["demo"],
]
LEVEL = {app: number for number, apps in enumerate(LAYERS) for app in apps}
PROJECT_MODULES = {"settings", "urls", "wsgi", "celery"}  # the project's own glue, above every app


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "iltod" and len(parts) > 1:
                found.add(parts[1])
    return found


def app_modules():
    for app in LEVEL:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT / app).parts
            if relative[0] in {"tests", "migrations", "testing"}:
                continue
            if path.stem == "demo" or path.stem.startswith("demo_"):
                yield "demo", path
                continue
            yield app, path


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - set(LEVEL) - {"locale", "templates"} == set()


@pytest.mark.parametrize("app", list(LEVEL))
def test_no_module_imports_a_higher_layer(app):
    violations = []
    for owner, path in app_modules():
        if owner != app:
            continue
        for other in imported_apps(path):
            if other in PROJECT_MODULES:
                continue
            if LEVEL.get(other, -1) > LEVEL[app]:
                violations.append(f"{path.relative_to(ROOT.parent)} imports iltod.{other}")
    assert violations == []
