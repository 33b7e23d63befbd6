"""Options and helpers shared by the commands: settings, the database, targets."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor.checks.content.vocab import vocabulary
from monitor.core import settings
from monitor.core.errors import ConfigError
from monitor.core.tls import ssl_context_for
from monitor.store import Store, open_engine
from monitor.sweep.address import trusting
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
    """Every setting checked at start, the files they name parsed too: a bad value stops the
    command (exit 2, one line naming the setting and its source) before anything is fetched
    or stored. A spam words file that fails later would silently turn gambling detection off
    on every site."""
    config = settings.load()
    check_files(config)
    return config


def check_files(config: settings.Config) -> None:
    """The files settings name are read now, as the code that uses them will read them."""
    checks: tuple[tuple[str, Callable[[str], object]], ...] = (
        ("spam_patterns_file", vocabulary), ("ca_bundle", ssl_context_for),
        ("trusted_networks", trusting))
    for name, parse in checks:
        value = str(config.get(name))
        if not value:
            continue
        try:
            parse(value)
        except ConfigError as exc:
            detail = str(exc).removeprefix(f"setting {name}: ")
            raise ConfigError(f"{config.sources[name]}: setting {name!r}: {detail}") from None


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
