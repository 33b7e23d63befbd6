"""Options and helpers shared by the commands: settings, the database, targets."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor.core import settings
from monitor.store import Store, open_engine
from monitor.targets import loader as targets

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option("--db", "db", metavar="URL", default=None,
                        help="Database URL (default: MONITOR_DB, else sqlite:///monitor.db).")(func)


def only_option(help_text: str) -> Callable[[F], F]:
    """``--only CODE ...`` as the SPEC writes it: ``--only A B C`` and ``--only A --only B``
    both work. click has no variadic options, so the codes after the first one arrive as a
    trailing argument (``more_codes``) that ``only_codes`` joins back."""

    def decorate(func: F) -> F:
        func = click.argument("more_codes", nargs=-1, metavar="[CODE]...")(func)
        return click.option("--only", multiple=True, metavar="CODE", help=help_text)(func)

    return decorate


def only_codes(only: tuple[str, ...], more_codes: tuple[str, ...]) -> tuple[str, ...]:
    if more_codes and not only:
        raise click.UsageError(f"unexpected argument(s): {' '.join(more_codes)} "
                               "(codes go after --only)")
    return (*only, *more_codes)


def load_config() -> settings.Config:
    return settings.load()


def open_store(config: settings.Config, db: str | None, *, create: bool = False) -> Store:
    """Open the database. Only commands that record sweeps create a missing SQLite file;
    the others say it is missing (a typo in --db must not look like an empty week)."""
    return Store(open_engine(db or config.db, create=create))


def load_targets(config: settings.Config, path: str | None) -> list[targets.Target]:
    return targets.load(Path(path or config.targets))


def command_name() -> str:
    """`monitor` when the shell finds it, else the path that works (e.g. .venv/bin/monitor
    right after the README's quick start in a shell without the venv): hints must run."""
    found = shutil.which("monitor")
    script = Path(sys.argv[0])
    if found and (script.name != "monitor" or Path(found).resolve() == script.resolve()):
        return "monitor"
    if script.name == "monitor" and script.is_file():
        try:
            return str(script.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(script.resolve())
    return f"{sys.executable} -m monitor"
