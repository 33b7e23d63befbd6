"""`monitor alerts`: recent alerts and where each went / `--test`: a test to every channel."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.alerts.channels import Routes
from monitor.alerts.rules import from_settings
from monitor.alerts.run import mail_of, send_test
from monitor.alerts.wording import when
from monitor.cli.common import db_option, load_config, load_targets, open_store
from monitor.core.clock import system_clock
from monitor.core.errors import MonitorError, UsageError
from monitor.store import alerts as alert_rows


@click.command()
@db_option
@click.option("--targets", "targets_path", metavar="FILE", default=None,
              help="targets.csv with the alert_urls column (default: MONITOR_TARGETS).")
@click.option("--test", is_flag=True, help="Send a test message to every configured channel.")
@click.option("--limit", type=click.IntRange(1, 1000), default=30, show_default=True,
              help="How many recent alerts to list.")
def alerts(db: str | None, targets_path: str | None, test: bool, limit: int) -> None:
    """Recent alerts and their delivery per channel (channels shown masked)."""
    config = load_config()
    rules = from_settings(config.values)
    if test:
        # without a targets.csv, the city channels can still be tested
        no_file = targets_path is None and not Path(config.targets).exists()
        targets = [] if no_file else load_targets(config, targets_path)
        routes = Routes(rules.city_urls, targets, email=rules.email)
        if not routes.every():
            raise UsageError("no alert channel configured: set MONITOR_ALERT_URLS, an "
                             "alert_urls column in targets.csv, or MONITOR_ALERT_EMAIL=true")
        failed = 0
        for channel, result in send_test(rules, routes, mail_of(config.values), system_clock()):
            detail = f": {result.detail}" if result.detail else ""
            click.echo(f"{result.status:<8} {channel.label}{detail}")
            failed += result.status != "sent"
        if failed:
            raise MonitorError(f"{failed} alert channel(s) did not take the test message")
        return
    store = open_store(config, db)
    rows = alert_rows.recent(store, limit)
    if not rows:
        click.echo("no alerts yet")
    for alert, site, deliveries in rows:
        reminder = " (reminder)" if alert.reminder_of is not None else ""
        state = "" if alert.closed_at or alert.reminder_of else " [open]"
        click.echo(f"{when(alert.created_at)}  {site.code:<16} {alert.kind}{reminder}{state}"
                   f"  {alert.evidence}")
        for d in deliveries:
            detail = f" ({d.detail})" if d.detail else ""
            click.echo(f"    {d.status:<8} {d.label} x{d.attempts}{detail}")
        if not deliveries:
            click.echo("    (no channel configured for this site)")
