"""Command-line tables that never cut the site code (the argument `monitor review` needs).

A terminal of at least ``WIDE`` columns gets a table whose first column never wraps or
shortens; a narrower one (a phone's SSH app, a split pane) gets one block per site: the code
and name on a line, then "Header: value" lines. Output that is not a terminal is laid out for
200 columns (or ``COLUMNS``), so pipes and logs keep one row per site.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

import click

WIDE = 100


def width() -> int:
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return 200


def print_rows(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Rows whose first two cells are the code and the name; every cell is plain text."""
    columns = width()
    if columns < WIDE:
        for row in rows:
            click.echo(f"{row[0]}  {row[1]}")
            for header, cell in zip(headers[2:], row[2:], strict=True):
                click.echo(f"  {header}: {cell}")
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None)
    longest = max((len(r[0]) for r in rows), default=len(headers[0]))
    table.add_column(headers[0], no_wrap=True, min_width=max(longest, len(headers[0])))
    for header in headers[1:]:
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row))
    Console(width=columns, force_terminal=False).print(table)
