"""The package layout is the architecture: imports run downward only, and only components/ and cli/ touch Pulumi.

Layers, top to bottom: cli -> components | docs -> planning -> config -> dms | inventory -> the shared base model.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "migration"

# Higher may import lower (or its own layer's package); never the other way round.
LAYER = {
    "_model": 0,
    "notices": 0,
    "dms": 1,
    "inventory": 1,
    "config": 2,
    "planning": 3,
    "docs": 4,
    "components": 4,
    "live": 4,
    "cli": 5,
    "__main__": 6,
}
PULUMI_ALLOWED = {"components", "cli"}


def _package_of(path: Path) -> str:
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported module, line, at module level) for every import of migration.* or pulumi in the file."""
    tree = _TREES[path]
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, int, bool]] = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from migration.planning import tasks` imports the module migration.planning.tasks as well
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            names = [n for n in names if n != "migration"]
        for name in names:
            found.append((name, node.lineno, id(node) in top_level))
    return found


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


# Parsed once, at collection: CPython 3.11's ast.parse can fail with "AST constructor recursion depth mismatch"
# when other threads run at the same time, and the Pulumi mocks of earlier tests leave worker threads behind.
_TREES = {path: ast.parse(path.read_text(encoding="utf-8")) for path in _modules()}


def test_every_module_belongs_to_a_known_layer():
    assert {_package_of(p) for p in _modules()} - {"__init__"} <= set(LAYER)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_run_downward(path: Path):
    own = _package_of(path)
    if own == "__init__":
        return
    for name, line, _ in _imports(path):
        if not name.startswith("migration."):
            continue
        other = name.split(".")[1]
        assert other == own or LAYER[other] < LAYER[own], f"{path.name}:{line} imports {name}: an upward import"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_components_and_cli_import_pulumi_at_module_level(path: Path):
    if _package_of(path) in PULUMI_ALLOWED:
        return
    for name, line, top in _imports(path):
        if name == "pulumi" or name.startswith(("pulumi.", "pulumi_aws")):
            assert not top, f"{path.name}:{line} imports {name} at module level"


def test_no_import_cycles_between_modules():
    graph: dict[str, set[str]] = {}
    for path in _modules():
        module = ".".join(("migration", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        graph[module] = {n for n, _, _ in _imports(path) if n.startswith("migration.") and n != module}
    known = set(graph)
    for deps in graph.values():
        deps &= known  # `from migration.x import name` names a module only when x.name is one

    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in graph[node]:
            assert state.get(dep) != 1, "import cycle: " + " -> ".join([*trail, node, dep])
            if dep not in state:
                visit(dep, [*trail, node])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])


def test_the_inventory_data_classes_do_not_need_the_type_map():
    names = {n for n, _, _ in _imports(PACKAGE / "inventory" / "model.py")}
    assert not {n for n in names if n.startswith("migration.")}
