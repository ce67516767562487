"""The package's shape: floors that import only downwards, no import loops, no private names.

The import graph is read from the source with :mod:`ast` (every ``import`` and ``from ...
import`` statement, including those inside functions and under ``TYPE_CHECKING``), so an
import made lazily to dodge a loop still counts as the loop it is.

Floors, lowest first. A module may import from its own floor or any floor below it, never
from a floor above. Within a floor, modules may import each other (but not in a loop).
"""
from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit" / "newsgold"

# The floors, lowest first: each entry names the modules/subpackages on it (a name covers
# everything below it). Every module of the package must be on exactly one floor.
FLOORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("core", ("newsgold.core",)),
    ("foundation dataset", ("newsgold.gold",)),
    ("scoring", ("newsgold.scoring",)),
    ("formats", ("newsgold.formats",)),
    ("annotation and systems", ("newsgold.annotation", "newsgold.systems")),
    ("reporting", ("newsgold.reporting",)),
    ("release tooling", ("newsgold.release",)),
    ("integrations", ("newsgold.integrations",)),
    ("command line and public facade", ("newsgold.cli", "newsgold")),
)


def module_files(package: Path = PACKAGE) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        is_pkg = parts[-1] == "__init__"
        out[".".join(parts[:-1] if is_pkg else parts)] = (path, is_pkg)
    return out


def _absolute(module: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")[: None if is_pkg else -1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, is_pkg: bool, source: str, known: set[str]) -> Iterator[tuple[str, str | None]]:
    """(imported module, imported name or None) for every import of the package in ``source``.

    ``from a.b import c`` yields ``("a.b.c", None)`` when ``a.b.c`` is a module, else ``("a.b", "c")``.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "newsgold":
                    yield alias.name, None
        elif isinstance(node, ast.ImportFrom):
            target = _absolute(module, is_pkg, node)
            if target.split(".")[0] != "newsgold":
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                yield (full, None) if full in known else (target, alias.name)


def import_graph(files: Mapping[str, tuple[Path, bool]]) -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    """Edges module -> imported modules, and every (importer, module, name) of an underscore name."""
    known = set(files)
    edges: dict[str, set[str]] = defaultdict(set)
    private = []
    for module, (path, is_pkg) in files.items():
        for target, name in imports_of(module, is_pkg, path.read_text(encoding="utf-8"), known):
            if target != module:
                edges[module].add(target)
            if name is not None and name.startswith("_") and not (name.startswith("__") and name.endswith("__")):
                private.append((module, target, name))
    return edges, private


def cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(set(edges) | {w for ws in edges.values() for w in ws}):
        if v not in index:
            visit(v)
    return sorted(found)


def floor_of(module: str, floors=FLOORS) -> int | None:
    """The floor of a module: the one whose most specific name covers it."""
    best: tuple[int, int] | None = None   # (length of the matching name, floor)
    for level, (_, names) in enumerate(floors):
        for name in names:
            covers = module == name or module.startswith(name + ".")
            if covers and (best is None or len(name) > best[0]):
                best = (len(name), level)
    return None if best is None else best[1]


def upward_imports(edges: Mapping[str, set[str]], floors=FLOORS) -> list[str]:
    """Every import from a lower floor into a higher one, as a readable line."""
    out = []
    for module in sorted(edges):
        for target in sorted(edges[module]):
            a, b = floor_of(module, floors), floor_of(target, floors)
            if a is not None and b is not None and b > a:
                out.append(f"{module} ({floors[a][0]}) imports {target} ({floors[b][0]})")
    return out


# ---------------------------------------------------------------- the package

@pytest.fixture(scope="module")
def graph():
    files = module_files()
    assert len(files) > 40, f"found only {len(files)} modules under {PACKAGE}"
    return files, *import_graph(files)


def test_every_module_is_on_a_floor(graph):
    files, _, _ = graph
    assert [m for m in files if floor_of(m) is None] == []


def test_no_import_loops(graph):
    _, edges, _ = graph
    assert cycles(edges) == []


def test_no_underscore_names_imported_from_other_modules(graph):
    _, _, private = graph
    assert private == []


def test_no_import_from_a_lower_floor_into_a_higher_one(graph):
    _, edges, _ = graph
    assert upward_imports(edges) == []


def test_foundation_does_not_import_release_tooling(graph):
    # the issue's own wording, checked on its own: the gold readers never reach up to the release tools
    _, edges, _ = graph
    assert not [(m, t) for m, ts in edges.items() for t in ts
                if m.startswith("newsgold.gold") and t.startswith("newsgold.release")]


# ---------------------------------------------------------------- the checks themselves can fail

def _synthetic(tmp_path: Path, files: dict[str, str]) -> dict[str, tuple[Path, bool]]:
    for rel, text in files.items():
        p = tmp_path / "newsgold" / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return module_files(tmp_path / "newsgold")


def test_checks_catch_a_loop_a_private_import_and_an_upward_import(tmp_path):
    files = _synthetic(tmp_path, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/a.py": "def f():\n    from newsgold.release.b import g  # upward, and hidden in a function\n",
        "release/__init__.py": "",
        "release/b.py": "from ..core import a\nfrom newsgold.core.a import _secret, __version__\n",
    })
    edges, private = import_graph(files)
    assert cycles(edges) == [["newsgold.core.a", "newsgold.release.b"]]
    assert private == [("newsgold.release.b", "newsgold.core.a", "_secret")]   # a dunder is public
    floors = (("core", ("newsgold.core",)), ("release tooling", ("newsgold.release",)))
    assert upward_imports(edges, floors) == ["newsgold.core.a (core) imports newsgold.release.b (release tooling)"]


def test_checks_pass_a_clean_graph(tmp_path):
    files = _synthetic(tmp_path, {
        "__init__.py": "",
        "core/__init__.py": "",
        "core/a.py": "X = 1\n",
        "release/__init__.py": "",
        "release/b.py": "from newsgold.core.a import X\nimport newsgold.core.a\n",
    })
    edges, private = import_graph(files)
    floors = (("core", ("newsgold.core",)), ("release tooling", ("newsgold.release",)))
    assert (cycles(edges), private, upward_imports(edges, floors)) == ([], [], [])
    assert edges["newsgold.release.b"] == {"newsgold.core.a"}
