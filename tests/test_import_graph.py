"""The import graph of app/: no cycles (deferred and TYPE_CHECKING imports count), one direction."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    """Every app module and the app modules it imports, wherever in the file it imports them."""
    modules = {_module(p): p for p in APP.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from app.x import y` names module app.x.y when y is a module, else app.x.
                named = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t if t in modules else node.module for t in named]
            graph[name].update(t for t in targets if t in modules and t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _imports_of(graph: dict[str, set[str]], package: str) -> set[str]:
    return {t for m, ts in graph.items() if m.startswith(package + ".") or m == package for t in ts}


def test_app_has_no_import_cycle() -> None:
    assert _cycles(_graph()) == []


def test_deadline_packages_point_one_way() -> None:
    """reminders -> deadlines -> delivery: never back (see each package's docstring)."""
    graph = _graph()
    delivery = _imports_of(graph, "app.delivery")
    deadlines = _imports_of(graph, "app.deadlines")
    assert not {m for m in delivery if m.startswith(("app.deadlines", "app.reminders"))}
    assert not {m for m in deadlines if m.startswith("app.reminders")}
    importers = {m for m, ts in graph.items() if any(t.startswith("app.reminders") for t in ts)}
    # Only the application's outer layers (wiring, CLI, the pages and "my work" views that
    # gather across domains) may use reminders; no domain package below it does.
    outer = ("app.main", "app.cli", "app.web.", "app.work.", "app.reminders")
    assert {m for m in importers if not m.startswith(outer)} == set()
