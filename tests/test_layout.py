"""The layout's rules (written in ``monitor/__init__.py``), read from the imports with ast.

Data moves forward: targets -> sweep -> checks -> store -> verdicts -> report -> mail. These
tests fail when a change makes a stage reach back or sideways, so the rules stay true as the
code grows, not only on the day they were written.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports inside functions count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


MODULES = {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _importers(prefix: str) -> dict[str, set[str]]:
    return {name: imps for name, imps in MODULES.items()
            if name == prefix or name.startswith(prefix + ".")}


def _hits(imports: set[str], forbidden: tuple[str, ...]) -> set[str]:
    return {i for i in imports for f in forbidden if i == f or i.startswith(f + ".")}


RULES: list[tuple[str, tuple[str, ...]]] = [
    # Checks judge a snapshot; fetching and storing are other stages' jobs.
    ("monitor.checks", ("monitor.store", "monitor.sweep", "httpx", "sqlalchemy", "sqlmodel",
                        "sqlite3", "monitor.report", "monitor.mail", "monitor.service")),
    # Reports read stored data; they never sweep nor reach into a check's internals.
    ("monitor.report", ("monitor.sweep", "monitor.checks.freshness", "monitor.checks.mobile",
                        "monitor.checks.content", "monitor.checks.availability", "httpx")),
    # The store is below the judgements that read it.
    ("monitor.store", ("monitor.verdicts", "monitor.report", "monitor.mail", "monitor.sweep",
                       "monitor.checks")),
    ("monitor.verdicts", ("monitor.report", "monitor.mail", "monitor.sweep", "httpx")),
    # Alerts read stored results after a sweep; they never fetch or judge pages themselves.
    ("monitor.alerts", ("monitor.sweep", "monitor.checks", "monitor.report", "monitor.service",
                        "httpx")),
    ("monitor.core", ("monitor.store", "monitor.sweep", "monitor.checks", "monitor.report",
                      "monitor.mail", "monitor.service", "monitor.verdicts")),
    ("monitor", ("tests", "conftest")),
]


@pytest.mark.parametrize(("package", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_stage_imports_only_what_comes_before_it(package: str, forbidden: tuple[str, ...]) -> None:
    broken = {name: sorted(_hits(imps, forbidden))
              for name, imps in _importers(package).items() if _hits(imps, forbidden)}
    assert broken == {}


def test_nothing_imports_the_cli() -> None:
    broken = {name for name, imps in MODULES.items()
              if not name.startswith(("monitor.cli", "monitor.__main__"))
              and _hits(imps, ("monitor.cli",))}
    assert broken == set()


def _internal_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports. ``from pkg import sub`` is an edge to ``pkg.sub``
    only, and no edge points to the module's own parent packages: Python runs those first
    whatever the module does, so such an edge is not a choice anyone made."""
    graph: dict[str, set[str]] = {}
    for name, imps in MODULES.items():
        edges = {i for i in imps if i in MODULES and i != name}
        edges -= {e for e in edges if any(f"{e}.{leaf}" in imps and f"{e}.{leaf}" in MODULES
                                          for leaf in _leaves(imps, e))}
        graph[name] = {e for e in edges if not name.startswith(e + ".")}
    return graph


def _leaves(imps: set[str], package: str) -> set[str]:
    return {i[len(package) + 1:] for i in imps if i.startswith(package + ".")}


def test_no_import_cycle() -> None:
    """A cycle means two modules are one job split badly (or one reaches back a stage).

    Package ``__init__`` files that only re-export are edges too: a cycle through them
    still breaks ``import monitor.x`` depending on which side is imported first.
    """
    graph = _internal_graph()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert cycles == []


def test_modules_stay_small() -> None:
    long = {name: n for name, n in
            ((_module_name(p), len(p.read_text(encoding="utf-8").splitlines()))
             for p in PACKAGE.rglob("*.py")) if n > MAX_LINES}
    assert long == {}


def test_the_rule_finder_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The ast reader itself: a lazy import inside a function is found."""
    f = tmp_path / "m.py"
    f.write_text("def f():\n    from monitor.store import Store\n    import httpx\n")
    assert {"monitor.store", "monitor.store.Store", "httpx"} <= _imports(f)
