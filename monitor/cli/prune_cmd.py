"""`monitor prune`: the retention job, for cron (``monitor serve`` runs it on its own)."""

from __future__ import annotations

import click

from monitor.cli.common import db_option, load_config, open_store
from monitor.core.clock import system_clock
from monitor.core.errors import UsageError
from monitor.service.retention import prune as prune_store


@click.command()
@db_option
@click.option("--days", type=int, default=None, metavar="N",
              help="Keep every sweep of the last N days (default: setting retention_days).")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted; delete nothing.")
def prune(db: str | None, days: int | None, dry_run: bool) -> None:
    """Thin old sweeps to one per week (weekly evidence is kept)."""
    config = load_config()
    keep_days = config.retention_days if days is None else days
    if keep_days < 14:
        raise UsageError("--days must be at least 14: last week's report needs its sweeps")
    store = open_store(config, db)
    click.echo(prune_store(store, system_clock(), keep_days=keep_days, dry_run=dry_run).line())
