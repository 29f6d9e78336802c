"""geo/ stays pure: no module in it imports streamlit (STYLE.md, habit 1)."""

import ast
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[2] / "geo"
MODULES = sorted(GEO.rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    """Top-level names of every module a source file imports, at any depth in the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_geo_has_modules():
    assert {"datum.py", "counties.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GEO)))
def test_no_streamlit_in_geo(path):
    assert "streamlit" not in imported_modules(path)


def test_scanner_sees_nested_and_from_imports(tmp_path):
    source = tmp_path / "page.py"
    source.write_text("def f():\n    from streamlit.runtime import x\nimport numpy as np\n")
    assert imported_modules(source) == {"streamlit", "numpy"}
