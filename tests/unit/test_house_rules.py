"""House rules checked over the tree: the layers import downwards only (no import cycle among the project's
modules at run time), and no module is over 400 lines.

Every ``import`` the interpreter can execute counts, at module level or inside a function; imports under
``if TYPE_CHECKING:`` do not (they never run). A module's package ``__init__`` counts as a module of its own.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where each installed package's modules live in the checkout (pyproject.toml's package-dir).
PACKAGES = {
    "ospf_failover": ROOT / "src" / "ospf_failover",
    "ospf_failover.tasks": ROOT / "tasks",
    "ospf_failover.runbooks": ROOT / "runbooks",
    "ospf_failover.ecx": ROOT / "ecx",
    "ospf_failover_lab": ROOT / "lab",
}


def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package, folder in PACKAGES.items():
        for path in folder.rglob("*.py"):
            relative = path.relative_to(folder).with_suffix("").parts
            parts = relative[:-1] if relative[-1] == "__init__" else relative
            found[".".join((package, *parts))] = path
    return found


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _type_checking_only(node):
        return
    yield from _imports(node)


def imported_by(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    targets: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for name in names:
            while name and name not in known:  # "pkg.module.function" -> "pkg.module"
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
    return targets


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)) is not None:
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_finder_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_among_the_project_modules() -> None:
    known = modules()
    assert "ospf_failover.runbooks.switch.run" in known and "ospf_failover_lab.lab" in known
    graph = {module: imported_by(module, path, known) for module, path in known.items()}
    cycle = find_cycle(graph)
    assert cycle is None, " -> ".join(cycle or [])


MAX_LINES = 400


def test_no_module_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in [*modules().values(), *(ROOT / "bench").glob("*.py")]
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert not long, f"modules over {MAX_LINES} lines: {long}"
