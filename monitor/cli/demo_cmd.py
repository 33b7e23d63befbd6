"""`monitor demo`: the whole job on a simulated fleet on loopback; needs no internet."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import click

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
    db = f"--db {run.db_url}"
    week = f"{run.year}-W{run.week:02d}"
    me = command_name()
    click.echo(f"\nWeekly report {week} written. Open it in a browser:\n"
               f"  {run.city_report.resolve().as_uri() if run.city_report else '-'}\n"
               f"\nThe demo's files are in {folder}/ (targets.csv, monitor.db, reports/). "
               f"Try:\n  {me} status {db}\n  {me} export {db} --format csv\n"
               f"  MONITOR_MAIL_FROM=monitor@example.go.id {me} email {db} --week {week} "
               f"--dry-run --reports-dir {folder}/reports --outbox {folder}/outbox")


def command_name() -> str:
    """`monitor` when the shell finds it, else the path that works (e.g. .venv/bin/monitor
    right after the README's quick start, before the venv is activated)."""
    found = shutil.which("monitor")
    script = Path(sys.argv[0])
    if found and (script.name != "monitor" or Path(found).resolve() == script.resolve()):
        return "monitor"
    if script.name == "monitor" and script.is_file():
        try:
            return str(script.resolve().relative_to(Path.cwd()))
        except ValueError:
            return str(script.resolve())
    return f"{Path(sys.executable).name} -m monitor"
