"""`monitor demo`: the whole job on a simulated fleet on loopback; needs no internet."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.common import command_name
from monitor.demo.run import AREAS, run_demo


@click.command()
@click.option("--dir", "folder", default="monitor-demo", show_default=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=Path),
              help="Where the demo's targets.csv, database and reports go.")
@click.option("--lang", type=click.Choice(["id", "en"]), default="id", show_default=True,
              help="Report language.")
def demo(folder: Path, lang: str) -> None:
    """Sweep a simulated fleet a few times across last week and write its report."""
    click.echo(f"monitor demo: {len(AREAS)} areas of Kota Bandar Lampung on simulated "
               "websites (loopback, no internet), swept 4 times across last week...")
    run = run_demo(folder, lang=lang)
    for summary in run.sweeps:
        click.echo(f"  {summary.line()}")
    if run.alerts:
        first = run.alerts[0]
        click.echo(f"\n{len(run.alerts)} alerts went to the demo's webhook channel (set "
                   "MONITOR_ALERT_URLS to tgram://... for Telegram). The first one:\n")
        click.echo("  " + "\n  ".join([str(first.get("title", "")),
                                        *str(first.get("message", "")).splitlines()]))
    db = f"--db {run.db_url}"
    week = f"{run.year}-W{run.week:02d}"
    me = command_name()
    click.echo(f"\nWeekly report {week} written. Open it in a browser:\n"
               f"  {run.city_report.resolve().as_uri() if run.city_report else '-'}\n"
               f"\nThe demo's files are in {folder}/ (targets.csv, monitor.db, reports/). "
               f"Try:\n  {me} status {db}\n  {me} export {db} --format csv\n"
               f"  {me} alerts {db}\n"
               f"  MONITOR_MAIL_FROM=monitor@example.go.id {me} email {db} --week {week} "
               f"--dry-run --reports-dir {folder}/reports --outbox {folder}/outbox")

