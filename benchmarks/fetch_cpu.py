"""CPU per request of the sweep's HTTP path alone (monitor.sweep.fetch + validators), without
checks or the store, so a change to the request path can be measured on a noisy machine.

    python benchmarks/fetch_cpu.py [--n 1000] [--concurrency 200] [--tls] [--gzip] [--rounds 2]

Each simulated site (served by a separate process, so its CPU is not counted) has a 35 KB home
page and two extras with an ETag (a feed and a stylesheet). Per site, as the sweep does: one
client, the home page, then the two extras through the http cache. Round 1 starts with an
empty cache (every extra is a 200 and is kept); later rounds send validators and get 304s.
CPU is this process's user + system time, per request (redirect hops count as requests).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def serve(n: int, tls: bool, gzip: bool) -> None:
    sys.path.insert(0, str(HERE))
    from fleet_server import FEED, conditional, page_html

    from monitor.demo.fleet import Fleet, FleetSite, Page

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    body = page_html()
    css = "body{margin:0;font-size:16px}@media (max-width:600px){main{padding:4px}}"
    sites = [FleetSite(f"s{i}", {"/": Page(body=body, gzip=gzip, delay=0.05),
                                 "/feed/": conditional(FEED, "application/rss+xml", 0.05),
                                 "/style.css": conditional(css, "text/css", 0.05)},
                       tls="valid" if tls else None) for i in range(n)]
    with Fleet(sites) as fleet:
        print(json.dumps({"urls": [fleet.url(s.name) for s in sites],
                          "ca": str(fleet.ca_file)}), flush=True)
        sys.stdin.read()


async def sweep(urls: list[str], concurrency: int, cache: str, ca: str,
                parallel: bool = False) -> tuple[int, int]:
    from monitor.core.snapshot import Request
    from monitor.sweep.fetch import FetchConfig, fetch, new_client, ssl_context_for
    from monitor.sweep.meter import COUNT, Meter
    from monitor.sweep.validators import Validators

    context = ssl_context_for(ca)
    config = FetchConfig(10.0, 5_000_000, ssl_context=context)
    stats: dict[str, float] = {}
    meter = Meter(stats)
    validators = Validators(cache, meter)
    errors = 0
    slots = asyncio.Semaphore(concurrency)

    async def site(url: str) -> None:
        nonlocal errors
        async with slots, new_client(config, context, None, lambda _a: True,
                                     max_connections=3 if parallel else 2) as client:
            async def extra(path: str) -> None:
                nonlocal errors
                request = Request(url + path)

                async def get(headers: dict[str, str], request: Request = request) -> object:
                    got = await fetch(client, request.url, timeout=10.0, max_bytes=2_000_000,
                                      headers=headers, hosts=[url.split("/")[2]])
                    meter.fetched(got)
                    return got

                got = await validators.fetch(request, get)  # type: ignore[arg-type]
                errors += got.error is not None

            async def home_page() -> None:
                nonlocal errors
                home = await fetch(client, url, timeout=10.0, max_bytes=5_000_000)
                meter.fetched(home)
                errors += home.error is not None

            if parallel:  # as foresight asks: the extras beside the home page
                await asyncio.gather(home_page(), extra("feed/"), extra("style.css"))
            else:
                await home_page()
                for path in ("feed/", "style.css"):
                    await extra(path)

    await asyncio.gather(*(site(u) for u in urls))
    validators.flush()  # the last batch of kept answers, as a sweep's end does
    return int(stats.get(COUNT + "requests", 0)), errors


def run_on_loop(main: Any, kind: str) -> Any:
    from monitor.sweep.loop import run
    return run(main, kind)


def cpu_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def server_cpu(pid: int) -> float:
    """The simulated sites' CPU (user + system) from /proc: they share the cores with us."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--event-loop", choices=("uvloop", "asyncio"), default="uvloop",
                        help="the loop the sweep would run on (the setting event_loop)")
    parser.add_argument("--parallel", action="store_true",
                        help="the two extras beside the home page, each on a connection of "
                             "its own (as foresight asks them), not one after the other on "
                             "the home page's connection")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.n, args.tls, args.gzip)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    server = subprocess.Popen([sys.executable, __file__, "--serve", "--n", str(args.n)]
                              + ["--tls"] * args.tls + ["--gzip"] * args.gzip,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None and server.stdin is not None
    ready = json.loads(server.stdout.readline())
    with tempfile.TemporaryDirectory() as tmp:
        for number in range(1, args.rounds + 1):
            cpu0, wall0, served0 = cpu_seconds(), time.perf_counter(), server_cpu(server.pid)
            requests, errors = run_on_loop(sweep(ready["urls"], args.concurrency,
                                                 f"{tmp}/http-cache", ready["ca"],
                                                 args.parallel),
                                           args.event_loop)
            cpu, wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
            served = server_cpu(server.pid) - served0
            print(f"round {number}: {requests} requests ({errors} errors) in {wall:.1f} s, "
                  f"{cpu * 1000 / max(requests, 1):.3f} ms CPU per request, "
                  f"{cpu * 1000 / args.n:.2f} ms per site, the simulated sites' server "
                  f"{served * 1000 / max(requests, 1):.3f} ms per request"
                  f"{' (TLS)' if args.tls else ''}{' (gzip)' if args.gzip else ''}")
    server.stdin.close()
    server.wait(timeout=60)


if __name__ == "__main__":
    main()
