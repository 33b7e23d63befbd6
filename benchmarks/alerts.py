"""Time the alert job after a sweep on many stored sites, and a channel that hangs.

    python benchmarks/alerts.py [--sites 2000] [--sweeps 4]

Seeds ``--sites`` sites with ``--sweeps`` sweeps of stored results in a temporary SQLite
database (a tenth of the sites go down from the second sweep, a twentieth get gambling
spam), runs the alert job after each sweep with one webhook channel on loopback, and prints
the seconds per job and the alerts raised. Then the same with a channel that never answers,
to show the wall time a hanging channel adds (about ``alert_send_timeout``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor.alerts.run import after_sweep
from monitor.demo.receiver import Receiver
from monitor.store import Store, result_row
from monitor.targets.loader import Target

T0 = datetime(2026, 11, 2, 3, tzinfo=UTC)


def _targets(n: int) -> list[Target]:
    rows = [Target("K", "kecamatan", "Uji", "Uji", "", ())]
    rows += [Target(f"S{i:05d}", "kelurahan", f"Situs {i}", "Uji",
                    f"https://s{i}.example/", ()) for i in range(n)]
    return rows


def _row(i: int, sweep: int, at: datetime) -> dict[str, Any]:
    down = sweep >= 1 and i % 10 == 0
    flags = ["judi_spam"] if sweep >= 1 and i % 20 == 1 else []
    return {**result_row(), "url": f"https://s{i}.example/", "checked_at": at,
            "available": not down, "status_code": None if down else 200,
            "error": "connect" if down else None, "content_flags": flags,
            "findings": {} if down else {"content": {"flags": flags, "matches": []}},
            "failed_checks": {}, "attempts": []}


def run(sites: int, sweeps: int, mode: str) -> None:
    with tempfile.TemporaryDirectory() as folder, Receiver(mode) as inbox:
        store = Store.open(f"sqlite:///{Path(folder) / 'b.db'}")
        targets = _targets(sites)
        store.sync_targets(targets, T0)
        settings = {"alert_urls": inbox.apprise_url, "alert_send_timeout": 2.0}
        for sweep in range(sweeps):
            at = T0 + timedelta(hours=6 * sweep)
            sweep_id = store.begin_sweep(at, sites, {})
            store.save_rows(sweep_id, [(t.code, _row(i, sweep, at))
                                       for i, t in enumerate(targets[1:])])
            store.finish_sweep(sweep_id, at)
            started = time.perf_counter()
            summary = after_sweep(store, targets, settings, sweep_id, at)
            took = time.perf_counter() - started
            print(f"  {mode:<4} sweep {sweep + 1}: {took:6.2f} s  "
                  f"{summary.line() if summary else 'failed'}")
        print(f"  {mode:<4} receiver got {len(inbox.messages)} messages")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=2000)
    parser.add_argument("--sweeps", type=int, default=4)
    args = parser.parse_args()
    print(f"alert job after each sweep, {args.sites} sites, one json:// channel:")
    run(args.sites, args.sweeps, "ok")
    print("the same with a channel that never answers (alert_send_timeout 2 s):")
    run(args.sites, 2, "hang")


if __name__ == "__main__":
    main()
