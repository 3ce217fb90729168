"""The lab's modules import in one direction: no cycle (imports under TYPE_CHECKING included), and the modules that
do the work depend on the hosts layer, never on the Lab facade built on top of them."""

from __future__ import annotations

import ast
from pathlib import Path

LAB = Path(__file__).resolve().parents[2] / "lab"
WORKERS = ("build", "cutoff", "daemons", "ecx_play", "inspection", "vm_side", "hosts", "directory")


def lab_imports() -> dict[str, set[str]]:
    """Module -> the lab modules it imports (``from . import x``, ``from .x import y``), wherever they stand."""
    modules = {path.stem for path in LAB.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in LAB.glob("*.py"):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module is None:
                    found.update(alias.name for alias in node.names if alias.name in modules)
                else:
                    found.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ospf_failover_lab."):
                found.add((node.module or "").split(".")[1])
        graph[path.stem] = found
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of ``graph`` (its modules in order), or [] when there is none."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str]:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return []
        for imported in sorted(graph.get(module, ())):
            found = visit(imported, [*path, module])
            if found:
                return found
        done.add(module)
        return []

    for module in sorted(graph):
        found = visit(module, [])
        if found:
            return found
    return []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_import_cycle_among_the_lab_modules() -> None:
    graph = lab_imports()
    assert {"lab", "hosts", "build", "inspection"} <= set(graph), sorted(graph)
    assert graph["lab"] >= {"build", "hosts", "inspection"}, "the reader must see the facade's own imports"
    assert cycle(graph) == []


def test_the_working_modules_never_import_the_facade() -> None:
    graph = lab_imports()
    assert {module: "lab" in graph[module] for module in WORKERS} == dict.fromkeys(WORKERS, False)
    for module in ("build", "cutoff", "daemons", "ecx_play", "inspection", "vm_side"):
        assert "hosts" in graph[module], f"{module} works on the hosts layer"
