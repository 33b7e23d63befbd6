"""Spreadsheet-safe CSV cells: one rule for every CSV the tool writes.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a line break is read as a
formula by Excel and LibreOffice (OWASP "CSV injection"). Page text, titles and evidence come
from sites we do not trust, and an operator opens these files in a spreadsheet, so such a cell
gets a leading apostrophe: shown as text, never run. Numbers are written as numbers (a
negative ``cert_days_left`` stays ``-3``): only text is neutralised.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def formula_safe(text: str) -> str:
    """``text``, with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(value: object) -> str:
    """One CSV cell: empty for None, true/false, lists ``;``-joined (SPEC), text made safe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return formula_safe(";".join(str(v) for v in value))
    return formula_safe(str(value))
