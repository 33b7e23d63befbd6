"""What a weekly sweep reads from its history, as the history grows: the previous findings
read before the first site is fetched, and the alert detection run after the last is stored.

    python benchmarks/history.py [--sites 3000] [--weeks 10] [--db URL]

Seeds N sites with one sweep a week, each result carrying the findings the checks store for
the sweep benchmark's kelurahan page (benchmarks/checks.py, ~1.9 KB of JSON), and after each
week prints both steps' CPU (process time, so SQLite's own work is in it) and, measured
apart with tracemalloc (which slows Python several times), the peak memory they allocate.
Before: both grew with the weeks of history kept (8 for the findings, 10 for alerts).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import checks
from monitor.alerts.channels import Routes
from monitor.alerts.rules import from_settings
from monitor.alerts.run import detect
from monitor.core.settings import DEFAULTS, SETTINGS
from monitor.core.snapshot import Fetched, Snapshot
from monitor.service.jobs import to_row
from monitor.store import Store
from monitor.sweep.result import SiteResult
from monitor.targets.loader import Target

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from checks import OPTIONS, URL, answer  # noqa: E402
from fleet_server import page_html  # noqa: E402

START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
CHECKS = frozenset(c.name for c in checks.CHECKS) | {"availability"}


def fleet_row() -> dict[str, Any]:
    """The stored row of one fleet site, judged as the sweep judges it."""
    home = page_html().encode()
    snapshot = Snapshot("s1", "kelurahan", "s1", "K", URL, START, previous={})
    snapshot.home = Fetched(URL, URL, 200, {"content-type": "text/html; charset=utf-8"},
                            home, elapsed_ms=300)
    for _round in range(3):
        wanted = checks.plan(snapshot)
        if not wanted:
            break
        for request in wanted:
            snapshot.extra[request.key] = answer(request.url, home)
    outcomes = checks.run_checks(snapshot, OPTIONS)
    return to_row(SiteResult("s1", URL, START, [], outcomes, []))


def measured(func: Callable[[], Any]) -> tuple[float, float]:
    """(CPU seconds, peak MB allocated) of one call, each from its own run."""
    gc.collect()
    started = time.process_time()
    func()
    cpu = time.process_time() - started
    gc.collect()
    tracemalloc.start()
    func()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return cpu, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=3000)
    parser.add_argument("--weeks", type=int, default=10)
    parser.add_argument("--db", default=None, help="an empty database (default: SQLite)")
    args = parser.parse_args()
    row = fleet_row()
    settings = {s.name: getattr(DEFAULTS, s.name) for s in SETTINGS}
    rules = from_settings(settings)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.db or f"sqlite:///{Path(tmp) / 'history.db'}")
        targets = [Target(f"18.71.{i:05d}", "kelurahan", f"Kelurahan {i}", f"Kec {i % 20}",
                          f"https://s{i}.example.test/", ()) for i in range(args.sites)]
        store.sync_targets(targets, START)
        routes = Routes(rules.city_urls, targets, email=rules.email)
        print(f"{args.sites} sites, one sweep a week; CPU s / peak MB")
        print("weeks  previous findings   alert detection")
        for week in range(1, args.weeks + 1):
            at = START + timedelta(days=7 * (week - 1))
            sweep_id = store.begin_sweep(at, args.sites, {})
            rows = [(t.code, {**row, "checked_at": at, "url": t.url}) for t in targets]
            for start in range(0, len(rows), 500):
                store.save_rows(sweep_id, rows[start:start + 500])
            store.finish_sweep(sweep_id, at + timedelta(minutes=5))
            found_cpu, found_mb = measured(lambda: store.previous_findings(checks=CHECKS))
            alert_cpu, alert_mb = measured(
                lambda: detect(store, sweep_id, rules, routes, at))  # noqa: B023
            print(f"{week:5d}  {found_cpu:6.2f} s {found_mb:5.0f} MB"
                  f"   {alert_cpu:6.2f} s {alert_mb:5.0f} MB")


if __name__ == "__main__":
    main()
