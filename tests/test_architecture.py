"""The layers of docs/architecture.md hold: imports point down and no module imports itself back.

The layer contracts themselves are in pyproject.toml ([tool.importlinter]) and `lint-imports`
checks them in CI; this file checks what import-linter's contracts do not: that no two modules
import each other through a cycle, at any depth, and that the contracts are the ones we mean.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("components", "analysis", "data", "geo")


def module_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Groups of modules that import one another in a cycle (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in graph.modules:
                continue
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def _graph() -> grimp.ImportGraph:
    sys.path.insert(0, str(ROOT))
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_module_imports_itself_back():
    # Package __init__ modules import nothing here, so a cycle is always between files.
    assert module_cycles(_graph()) == []


def test_cycle_finder_sees_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.c")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert module_cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_contracts_name_the_layers_and_forbid_streamlit_below_the_ui():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    contracts = config["importlinter"]["contracts"]
    layers = [c for c in contracts if c["type"] == "layers" and "containers" not in c]
    assert layers[0]["layers"] == ["components", "analysis", "data", "geo"]
    forbidden = next(c for c in contracts if c["type"] == "forbidden")
    assert set(forbidden["source_modules"]) == {"analysis", "data", "geo"}
    assert {"streamlit", "folium", "streamlit_folium"} <= set(forbidden["forbidden_modules"])


def test_lint_imports_passes():
    done = subprocess.run(
        ["lint-imports", "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def test_pages_only_import_downwards():
    """pages/ and app.py are not packages import-linter can see: nothing may import them."""
    graph = _graph()
    assert not any(m.startswith(("pages", "app")) for m in graph.modules)
    for path in [*ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        assert "from pages" not in text and "import pages" not in text, path.name


def test_no_page_file_shadows_a_package():
    """A page run on its own (``streamlit run pages/x.py``) has pages/ first on sys.path: a
    page called data.py would be imported in place of the data package."""
    stems = {path.stem for path in ROOT.glob("pages/*.py")}
    assert stems and not stems & {*PACKAGES, "tests", "bench", "scripts"}
