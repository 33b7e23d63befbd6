"""`monitor status`: is the monitor doing its job? The last sweep (when, how long, how many
up), a sweep running now, the next scheduled jobs, and the last report emails."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import click

from monitor.cli.common import command_name, db_option, load_config, open_store
from monitor.core.clock import as_utc, last_complete_week, system_clock, to_jakarta
from monitor.core.settings import Config
from monitor.core.weeks import format_week
from monitor.service import scheduler
from monitor.store import Store, Sweep, safe_url
from monitor.store.db import NoSchemaError
from monitor.store.emails import week_rows
from monitor.store.locks import lock_holder


def _when(value: datetime) -> str:
    return to_jakarta(as_utc(value)).strftime("%Y-%m-%d %H:%M WIB")


def sweep_line(sweep: Sweep, counts: tuple[int, int] | None = None) -> str:
    """``counts``: (done, up) counted now, for a sweep whose own counts are not final."""
    took = ""
    if sweep.finished_at is not None:
        seconds = (as_utc(sweep.finished_at) - as_utc(sweep.started_at)).total_seconds()
        took = f", took {seconds:.0f} s"
    done, up = counts or (sweep.done, sweep.up)
    return (f"sweep {sweep.id} {sweep.status}: started {_when(sweep.started_at)}{took}, "
            f"{done} of {sweep.total} targets checked, {up} up")


def sweep_lines(store: Store) -> list[str]:
    sweeps = store.sweeps()
    if not sweeps:
        me = command_name()
        return [f"last sweep: none yet (run `{me} check` or `{me} serve`)"]
    last = sweeps[-1]
    live = None
    if last.status != "complete" and last.id is not None:
        live = store.sweep_progress(last.id)  # running, or stopped before it could count
    lines = ["last sweep: " + sweep_line(last, live)]
    if last.status != "complete":
        complete = [s for s in sweeps if s.status == "complete"]
        if complete:
            lines.append("last complete sweep: " + sweep_line(complete[-1]))
    holder = lock_holder(store.engine)
    if holder:
        lines.append(f"sweeping now: {holder}")
    elif sweeps[-1].status == "running":
        lines.append("  (its process is gone: the next sweep will mark it incomplete)")
    return lines


def schedule_lines(config: Config, now: datetime) -> list[str]:
    noop = dict.fromkeys(scheduler.JOB_SETTINGS, lambda: "")
    specs = scheduler.plan_jobs(config, noop)
    lines = ["next jobs of `monitor serve` (Asia/Jakarta):"]
    for spec, when in scheduler.next_runs(specs, now):
        lines.append(f"  {_when(when)}  {spec.id:<9} {spec.description}  [{spec.cron}]")
    return lines if specs else ["next jobs: none (every schedule setting is empty)"]


def email_lines(store: Store, now: datetime) -> list[str]:
    year, week = last_complete_week(now)
    label = format_week(year, week)
    rows = week_rows(store, label)
    if not rows:
        return [f"report emails for {label}: none recorded yet"]
    counts = Counter(row.status for row in rows)
    kecamatan = len({row.kecamatan for row in rows})
    latest = max(as_utc(row.sent_at) for row in rows)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    lines = [f"report emails for {label}: {summary} ({kecamatan} kecamatan), "
             f"last at {_when(latest)}"]
    for row in rows:
        if row.status != "sent":
            lines.append(f"  {row.status}: {row.kecamatan} {row.recipient}: {row.detail[:120]}")
    return lines


def status_lines(store: Store, config: Config, now: datetime) -> list[str]:
    return [*sweep_lines(store), *schedule_lines(config, now), *email_lines(store, now)]


@click.command()
@db_option
def status(db: str | None) -> None:
    """The last sweep, a sweep running now, the next scheduled jobs and the last emails."""
    config = load_config()
    url = db or config.db
    try:
        store = open_store(config, url)  # a reading command: never creates nor migrates
    except NoSchemaError as exc:  # a new install: say so, and what will run
        click.echo(f"database: {safe_url(url)}")
        click.echo(f"last sweep: none yet: {exc}")
        for line in schedule_lines(config, system_clock()):
            click.echo(line)
        return
    click.echo(f"database: {safe_url(url)}")
    for line in status_lines(store, config, system_clock()):
        click.echo(line)
