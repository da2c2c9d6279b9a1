"""The import contract of the five stages (CONTRIBUTING.md, "What may import what").

Checked on the source with ``ast``, so a forbidden import fails here even when it sits
inside a function or behind a condition.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"

# module prefix -> prefixes it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "dashboard.load": ("dashboard.geo", "dashboard.webmap", "dashboard.export", "dashboard.app", "dashboard.summary"),
    "dashboard.geo": ("dashboard.webmap", "dashboard.export", "dashboard.app", "dashboard.summary"),
    "dashboard.summary": ("dashboard.webmap", "dashboard.export", "dashboard.app"),
    "dashboard.webmap": ("dashboard.export", "dashboard.app"),
    "dashboard.export.snapshot": ("folium", "branca", "dashboard.webmap"),
    "dashboard.export.tiles": ("folium", "branca", "dashboard.webmap"),
    "dashboard.export.datafiles": ("folium", "branca", "dashboard.webmap"),
}
# third-party package -> the only part of the project allowed to import it
CONFINED: dict[str, tuple[str, ...]] = {
    "streamlit": ("dashboard.app",),
    "streamlit_folium": ("dashboard.app",),
    "folium": ("dashboard.webmap",),
    "branca": ("dashboard.webmap",),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, absolute, wherever in the file the import is."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_each_module_keeps_to_the_import_contract(path):
    name = module_name(path)
    imported = imports_of(path)
    broken = [
        f"{name} imports {target} (forbidden for {owner})"
        for owner, targets in FORBIDDEN.items()
        if within(name, owner)
        for target in imported
        if any(within(target, t) for t in targets)
    ]
    broken += [
        f"{name} imports {target}, which only {' / '.join(allowed)} may use"
        for package, allowed in CONFINED.items()
        for target in imported
        if within(target, package) and not any(within(name, a) for a in allowed)
    ]
    assert broken == []


def test_the_contract_would_catch_a_forbidden_import(tmp_path):
    bad = tmp_path / "probe.py"
    bad.write_text("def f():\n    import folium\n    from dashboard.app import keys\n")
    assert {"folium", "dashboard.app", "dashboard.app.keys"} <= imports_of(bad)
