"""One helper each: ISO weeks (core/weeks.py), the TLS trust (core/tls.py) and spreadsheet-safe
CSV cells (core/csvcells.py). The ast test keeps copies from coming back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from monitor.core.csvcells import csv_cell, formula_safe
from monitor.core.errors import UsageError
from monitor.core.weeks import format_week, parse_week, week_days

PACKAGE = Path(__file__).resolve().parent.parent / "monitor"
# The simulated fleet makes its own server context and a client trusting only its CA.
OWN_TLS = {"core/tls.py", "demo/fleet.py"}


def _modules() -> list[tuple[str, ast.Module]]:
    return [(str(p.relative_to(PACKAGE)), ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(PACKAGE.rglob("*.py"))]


def test_ssl_contexts_and_iso_weeks_have_one_home() -> None:
    contexts, week_parsers = [], []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "create_default_context" \
                    and name not in OWN_TLS:
                contexts.append(f"{name}:{node.lineno}")
            if isinstance(node, ast.FunctionDef) and node.name == "parse_week" \
                    and name != "core/weeks.py":
                week_parsers.append(f"{name}:{node.lineno}")
    assert contexts == [], "use monitor.core.tls.ssl_context_for"
    assert week_parsers == [], "use monitor.core.weeks.parse_week"


def test_parse_week() -> None:
    assert parse_week(" 2026-W47 ") == (2026, 47)
    assert format_week(2026, 7) == "2026-W07"
    assert [d.isoformat() for d in week_days(2026, 47)] == ["2026-11-16", "2026-11-22"]
    with pytest.raises(UsageError, match="is not an ISO week"):
        parse_week("2026-47")
    with pytest.raises(UsageError, match="2026 has no ISO week 54"):
        parse_week("2026-W54")


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+2", "'=1+2"), ("+62 812", "'+62 812"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("Kedaton", "Kedaton"), ("a=b", "a=b"),
    (-3, "-3"), (2.5, "2.5"), (None, ""), (True, "true"), (["-a", "b"], "'-a;b"),
])
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert csv_cell(value) == cell
    if isinstance(value, str):
        assert formula_safe(value) == cell
