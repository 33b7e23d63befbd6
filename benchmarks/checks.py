"""CPU of planning and judging one site, without any HTTP: where the checks' time goes.

    python benchmarks/checks.py [--n 300] [--profile] [--corpus]

The page is the sweep benchmark's kelurahan home page (benchmarks/fleet_server.py: ~35 KB,
40 dated posts, a feed and a stylesheet), answered as the fleet answers it: plan rounds are
filled with the feed, the stylesheet, the home page again for the visitor profiles, and 404
for anything else. ``--corpus`` adds the real pages of ../shared/corpus/ (each judged as a
home page with no extras). Figures are process CPU time, so a busy machine changes them less
than wall time; ``--profile`` prints cProfile's top functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from monitor import checks
from monitor.core.snapshot import Fetched, Snapshot

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from fleet_server import FEED, page_html  # noqa: E402

CSS = b"body{margin:0;font-size:16px}@media (max-width:600px){main{padding:4px}}"
URL = "http://127.0.0.1:9000/"
OPTIONS = {"aktif_days": 30, "kurang_aktif_days": 90}
CORPUS = HERE.parent.parent / "shared" / "corpus"


def answer(url: str, home: bytes) -> Fetched:
    """What the benchmark fleet sends for ``url``."""
    if url.endswith("/feed/"):
        return Fetched(url, url, 200, {"content-type": "application/rss+xml"}, FEED.encode())
    if url.endswith(".css"):
        return Fetched(url, url, 200, {"content-type": "text/css"}, CSS)
    if url == URL:
        return Fetched(url, url, 200, {"content-type": "text/html; charset=utf-8"}, home)
    return Fetched(url, url, 404, {"content-type": "text/html"}, b"not found")


def one_site(home: bytes, times: dict[str, float], *, extras: bool = True) -> None:
    snapshot = Snapshot("s1", "kelurahan", "s1", "K", URL, datetime.now(UTC), previous={})
    snapshot.home = Fetched(URL, URL, 200, {"content-type": "text/html; charset=utf-8"}, home,
                            elapsed_ms=300)
    for _round in range(3):
        started = time.process_time()
        wanted = checks.plan(snapshot)
        times["plan"] += time.process_time() - started
        if not wanted or not extras:
            break
        for request in wanted:
            snapshot.extra[request.key] = answer(request.url, home)
    for check in checks.CHECKS:
        started = time.process_time()
        checks.run_checks(snapshot, OPTIONS, (check,))
        times[check.name] += time.process_time() - started


def report(label: str, times: dict[str, float], sites: int) -> None:
    total = sum(times.values())
    print(f"{label}: {total * 1000 / sites:.2f} ms CPU per site (plan + checks)")
    for name, value in sorted(times.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<14}{value * 1000 / sites:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--corpus", action="store_true")
    args = parser.parse_args()
    home = page_html().encode()
    one_site(home, defaultdict(float))  # imports, compiled patterns
    times: dict[str, float] = defaultdict(float)
    for _ in range(args.n):
        one_site(home, times)
    report(f"fleet page ({len(home) // 1000} KB), {args.n} sites", times, args.n)
    if args.corpus:
        pages = sorted(p for p in CORPUS.glob("*/*.html"))
        times = defaultdict(float)
        for page in pages:
            one_site(page.read_bytes(), times, extras=False)
        report(f"corpus ({len(pages)} real pages, no extras)", times, len(pages))
    if args.profile:
        def many() -> None:
            for _ in range(args.n):
                one_site(home, defaultdict(float))

        profiler = cProfile.Profile()
        profiler.runcall(many)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
