"""Time `monitor inactive` and the admin page over a realistic week of data.

    python benchmarks/review.py [--sites 147] [--sweeps-per-day 4] [--days 7] [--db URL]

Seeds N sites (a third stale, a tenth down all week, some hacked or not mobile-friendly, each
result carrying a few evidence items as the checks store them), a review on every fifth site,
then prints how long the needs-action list and one admin page take.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.admin import create_app
from monitor.store import Result, Store
from monitor.store.reviews import add_review
from monitor.targets.loader import Target
from monitor.verdicts import needs_action

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def site_values(i: int) -> dict[str, Any]:
    evidence = [{"rule": f"rule-{k}", "url": f"https://s{i}.example.test/{k}",
                 "text": "x" * 200} for k in range(4)]
    values: dict[str, Any] = dict(available=i % 10 != 0, activity="aktif", days_since_update=3,
                                  last_update="2026-11-20", mobile_friendly=i % 7 != 0,
                                  findings={"freshness": {"evidence": evidence},
                                            "content": {"evidence": evidence}})
    if i % 3 == 0:
        values.update(activity="tidak_aktif", days_since_update=200, last_update="2026-05-01")
    if i % 11 == 0:
        values["content_flags"] = ["judi_spam"]
    return values


def seed(store: Store, sites: int, per_day: int, days: int) -> None:
    targets = [Target(f"18.71.{i:04d}", "kelurahan", f"Kelurahan {i}", f"Kec {i % 20}",
                      f"https://s{i}.example.test/", ()) for i in range(sites)]
    store.sync_targets(targets, NOW - timedelta(days=60))
    for n in range(days * per_day):
        at = NOW - timedelta(days=days) + n * timedelta(hours=24 / per_day)
        sweep_id = store.begin_sweep(at, sites, {})
        store.save_results(sweep_id, [(t.code, Result(sweep_id=0, site_id=0, checked_at=at,
                                                      url=t.url, **site_values(i)))
                                      for i, t in enumerate(targets)])
        store.finish_sweep(sweep_id, at)
    for t in targets[::5]:
        add_review(store, t.code, "selesai", "sudah", "bench", NOW - timedelta(days=2))


def timed(label: str, func: Any, repeat: int = 5) -> Any:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    print(f"{label}: best of {repeat} {best * 1000:.0f} ms")
    return value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=147)
    parser.add_argument("--sweeps-per-day", type=int, default=4)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--db", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        start = time.perf_counter()
        seed(store, args.sites, args.sweeps_per_day, args.days)
        print(f"seeded {args.sites} sites x {args.sweeps_per_day * args.days} sweeps in "
              f"{time.perf_counter() - start:.1f} s")
        items = timed("needs_action (monitor inactive)", lambda: needs_action(store, NOW))
        reopened = sum(1 for i in items if i.verdict.reopened)
        print(f"  {len(items)} sites need action, {reopened} reopened")
        client = create_app(store, clock=lambda: NOW).test_client()
        page = timed("admin page GET /", lambda: client.get("/").get_data())
        print(f"  page size {len(page) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
