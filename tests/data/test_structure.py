"""The shape of data/: no function longer than a screen or two, and no import cycle between its
files or its packages (the deferred imports inside functions count too)."""

from __future__ import annotations

import ast
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data"
MAX_FUNCTION_LINES = 80
# Functions that are declarative tables (one entry per line, no logic), by "module:function".
# Empty: the tables of data/ are module-level constants, not functions.
LONG_TABLES: frozenset[str] = frozenset()


def _modules() -> dict[str, Path]:
    """{dotted module name: file} for every Python file under data/."""
    modules = {}
    for path in sorted(DATA.rglob("*.py")):
        parts = path.relative_to(DATA.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules of data/ that `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return groups


def test_no_function_in_data_is_longer_than_80_lines():
    too_long = [
        f"{module}:{name} ({lines} lines)"
        for module, path in _modules().items()
        for name, lines in _long_functions(path)
        if f"{module}:{name}" not in LONG_TABLES
    ]
    assert too_long == []


def test_the_checker_finds_a_long_function(tmp_path):
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES))
    path = tmp_path / "long.py"
    path.write_text(f"def long():\n{body}\n", encoding="utf-8")
    assert _long_functions(path) == [("long", MAX_FUNCTION_LINES + 1)]


def test_no_import_cycle_between_the_files_of_data():
    modules = _modules()
    graph = {module: _imports(path, modules) - {module} for module, path in modules.items()}
    assert _cycles(graph) == []
    # the walk does see imports: the store reads the importer, the vocabulary and PostGIS
    assert {"data.importer", "data.fields", "data.postgis"} <= graph["data.store"]


def test_no_import_cycle_between_the_packages_of_data():
    """A subpackage (data.importer) counts as one unit: none of its files may import a module
    that imports the subpackage."""

    def unit(module: str) -> str:
        return ".".join(module.split(".")[:2])

    modules = _modules()
    graph: dict[str, set[str]] = {unit(module): set() for module in modules}
    for module, path in modules.items():
        graph[unit(module)] |= {unit(other) for other in _imports(path, modules)} - {unit(module)}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
