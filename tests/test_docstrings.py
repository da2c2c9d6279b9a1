"""Every public function and class of the stages others build on says what it takes, returns and raises."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dashboard"
DOCUMENTED = [PACKAGE / "pipeline.py", PACKAGE / "filters.py", PACKAGE / "bbox.py", PACKAGE / "basemaps.py"]
DOCUMENTED += sorted(p for folder in ("export", "webmap", "geo", "load") for p in (PACKAGE / folder).glob("*.py"))


def undocumented(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            if ast.get_docstring(node) is None:
                missing.append(node.name)
            if isinstance(node, ast.ClassDef):
                missing += [
                    f"{node.name}.{item.name}"
                    for item in node.body
                    if isinstance(item, ast.FunctionDef)
                    and not item.name.startswith("_")
                    and ast.get_docstring(item) is None
                    and item.name not in ("render",)  # branca's hook, documented there
                ]
    return missing


@pytest.mark.parametrize("path", DOCUMENTED, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_public_functions_have_docstrings(path):
    assert undocumented(path) == []
