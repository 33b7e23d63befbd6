"""Figures for the service side: `monitor demo` wall time, and what the sweep lock costs.

    .venv/bin/python benchmarks/service.py [POSTGRES_URL]

Prints seconds; nothing is asserted (timings belong here, not in the tests).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from monitor.demo.run import run_demo
from monitor.store import Store
from monitor.store.locks import sweep_lock


def lock_cost(url: str, rounds: int = 50) -> list[float]:
    engine = Store.open(url).engine
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        with sweep_lock(engine):
            pass
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run = run_demo(Path(tmp) / "demo")
        print(f"monitor demo: {time.perf_counter() - start:.1f} s wall for "
              f"{len(run.sweeps)} sweeps of 10 areas + the week's reports")
        for summary in run.sweeps:
            print(f"  {summary.line()}")
        urls = [f"sqlite:///{Path(tmp) / 'lock.db'}", *sys.argv[1:]]
        for url in urls:
            times = lock_cost(url)
            print(f"sweep lock acquire+release on {url.split(':')[0]}: median "
                  f"{statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms "
                  f"({len(times)} rounds)")


if __name__ == "__main__":
    main()
