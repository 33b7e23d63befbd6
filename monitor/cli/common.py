"""Options and helpers shared by the commands: settings, the database, targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor import settings, targets
from monitor.store import Store

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    return click.option("--db", "db", metavar="URL", default=None,
                        help="Database URL (default: MONITOR_DB, else sqlite:///monitor.db).")(func)


def load_config() -> settings.Config:
    return settings.load()


def open_store(config: settings.Config, db: str | None) -> Store:
    return Store.open(db or config.db)


def load_targets(config: settings.Config, path: str | None) -> list[targets.Target]:
    return targets.load(Path(path or config.targets))
