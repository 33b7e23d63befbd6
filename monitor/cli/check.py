"""`monitor check` (one sweep) and `monitor sites` (targets with their last status)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import click

from monitor.cli.common import (
    db_option,
    load_config,
    load_targets,
    only_codes,
    only_option,
    open_store,
)
from monitor.cli.table import print_rows
from monitor.core.errors import UsageError
from monitor.core.settings import BY_NAME, Config
from monitor.core.words import LANGS, t, word
from monitor.service.audit_plan import browser_due, check_mode
from monitor.service.jobs import Progress, SweepGuard, run_sweep
from monitor.sweep.fetch import ssl_context_for
from monitor.sweep.result import SiteResult
from monitor.sweep.sweeper import SweepOptions


def sweep_options(config: Config, timeout: float | None, concurrency: int | None) -> SweepOptions:
    """The sweep's options; --timeout and --concurrency obey the same limits as the settings
    (``--timeout nan`` is refused like ``MONITOR_TIMEOUT=nan``)."""
    timeout = config.timeout if timeout is None else BY_NAME["timeout"].convert(
        timeout, "--timeout")
    concurrency = config.concurrency if concurrency is None else BY_NAME["concurrency"].convert(
        concurrency, "--concurrency")
    return SweepOptions(
        timeout=timeout, concurrency=concurrency, per_host=config.per_host,
        max_bytes=int(config.max_body_mb * 1_000_000), retry_pause=config.retry_pause,
        inflight_bytes=int(config.get("inflight_mb") * 1_000_000),
        offloop_timeout=config.get("offloop_timeout"),
        ca_bundle=config.ca_bundle,
        # absolute, so `monitor report` finds the screenshots from any working directory
        screenshots_dir=str(Path(config.screenshots_dir).resolve()),
        http_cache_dir=str(Path(config.http_cache_dir).resolve()) if config.http_cache_dir else "",
        check_options=dict(config.values),
        event_loop=config.event_loop,
    )


def sweep_guard(config: Config) -> SweepGuard:
    return SweepGuard(stall_seconds=config.get("stall_timeout"),
                      db_retry_seconds=config.get("db_retry"))


@contextmanager
def progress_bar(total: int) -> Iterator[Progress | None]:
    """A rich progress bar on a terminal; nothing in cron (one summary line follows)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
             TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("checking", total=total)

        def advance(result: SiteResult) -> None:
            bar.update(task, advance=1, description=f"checking {result.code}")

        yield advance


@click.command()
@click.option("--targets", "targets_path", metavar="FILE", default=None,
              help="targets.csv to read (default: MONITOR_TARGETS, else targets.csv).")
@db_option
@click.option("--timeout", type=float, default=None, metavar="S",
              help="Per-site deadline in seconds (DNS to last byte).")
@click.option("--concurrency", type=int, default=None, metavar="N",
              help="How many sites are fetched at once.")
@only_option("Check only these codes (--only A B or --only A --only B).")
@click.option("--browser", is_flag=True,
              help="Also audit mobile-friendliness in Chromium (screenshots kept).")
def check(targets_path: str | None, db: str | None, timeout: float | None,
          concurrency: int | None, only: tuple[str, ...], more_codes: tuple[str, ...],
          browser: bool) -> None:
    """One sweep of every target, stored as one sweep."""
    only = only_codes(only, more_codes)
    config = load_config()
    mode = check_mode(str(config.get("browser_audit")))  # a bad value fails before any work
    targets = load_targets(config, targets_path)  # validated before the database is touched
    codes = {t.code for t in targets}
    unknown = [c for c in only if c not in codes]
    if unknown:
        raise UsageError(f"--only: unknown code(s) {', '.join(unknown)} (not in targets.csv)")
    options = sweep_options(config, timeout, concurrency)  # bad options: before the database
    store = open_store(config, db, create=True)
    browser = browser or config.browser or browser_due(store, mode, datetime.now(UTC))
    options = replace(options, browser=browser)
    count = len(only) if only else len(targets)
    context = ssl_context_for(config.ca_bundle)  # a bad CA file is a usage error, early
    with progress_bar(count) as progress:
        summary = run_sweep(store, targets, options, only=only, ssl_context=context,
                            progress=progress, guard=sweep_guard(config))
    click.echo(summary.line())


@click.command()
@db_option
def sites(db: str | None) -> None:
    """A table of targets with their last status."""
    from monitor.report.export import record

    config = load_config()
    lang = config.lang if config.lang in LANGS else "id"
    store = open_store(config, db)
    rows = [record(site, result) for site, result in store.latest_results()]
    lines = []
    for r in rows:
        if r["error"] == "no_site":
            status = t(lang, "tidak_ada_situs")
        elif r["available"]:
            status = f"{t(lang, 'status_up')} {r['status_code']} {r['response_ms'] or 0:.0f} ms"
        elif r["checked_at"] is None:
            status = t(lang, "not_checked")
        else:
            status = f"{t(lang, 'status_down')}: {word(lang, 'e', r['error'] or 'other')}"
        lines.append([r["code"], r["name"], r["level"], r["url"] or "-", status,
                      (r["checked_at"] or "-")[:16].replace("T", " ")])
    print_rows([t(lang, k) for k in ("cli_code", "cli_name", "cli_level", "cli_url",
                                     "status_now", "cli_checked")], lines)
