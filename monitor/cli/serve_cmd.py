"""`monitor serve`: run sweeps, the weekly report + email and pruning on a schedule.

The schedule and its limits come from settings (``monitor config`` lists them); see
monitor/service/scheduler.py for how jobs run and stop. SIGTERM or SIGINT (Ctrl-C) stop the service:
the running job is asked to end cleanly and the service exits 0 once it has.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from monitor.cli.common import db_option, load_config, open_store
from monitor.core.errors import UsageError
from monitor.service import scheduler
from monitor.store import safe_url

log = logging.getLogger(__name__)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` instead of interrupting: the service ends its job."""

    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@click.command()
@db_option
@click.option("--sweep-now", is_flag=True, help="Also sweep once right away, then on schedule.")
def serve(db: str | None, sweep_now: bool) -> None:
    """Run as a service: sweeps and the weekly report + email on a schedule (Asia/Jakarta)."""
    config = load_config()
    url = db or config.db
    open_store(config, url, create=True)  # a wrong database fails now, not at the first job
    env = dict(os.environ, MONITOR_DB=url)
    children = scheduler.Children(timeout=config.job_timeout, grace=config.stop_grace, env=env)
    specs = scheduler.plan_jobs(config, scheduler.child_jobs(children, config))
    if not specs:
        raise UsageError("sweep_schedule, report_schedule and retention_schedule are all "
                         "empty: nothing to serve")
    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        logging.getLogger("monitor").setLevel(logging.INFO)  # a service logs each job
    log.info("monitor serve: database %s", safe_url(url))
    stop = threading.Event()
    with stop_on_signals(stop):
        scheduler.serve(specs, children, stop, misfire_grace=config.misfire_grace,
                        run_now=("sweep",) if sweep_now else ())
