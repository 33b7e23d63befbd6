"""A sweep of a hostile fleet must end within its deadline budget, in bounded memory.

    python benchmarks/hostile.py [--n 5000] [--concurrency 500] [--timeout 10]
    python benchmarks/hostile.py --all-big --n 500 --checks availability

Mixed fleet (default): 5% of sites hang, 2% trickle a byte every 50 ms, 1% stream 20 MB (half
with a Content-Length, half without), 1% send a 50 MB gzip bomb, 1% send a valid 4.9 MB page,
the rest a ~35 KB kelurahan page after 200-800 ms. ``--all-big``: every site sends a valid
4.9 MB page (the memory bound: peak RSS under 1 GB at concurrency 500).

The sweep runs as the real job (``run_sweep``: lock, store, watchdog, shards, big-page
workers) in a child process; this script samples the RSS of that process and all its
descendants (shards, workers) every 0.25 s and prints the peak, the wall time and the
deadline budget: the latency-bound estimate plus one slow site's worst case.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIG = 4_900_000


def _raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def big_page() -> str:
    post = ("<article><h2>Kegiatan posyandu</h2><time datetime='2026-10-01'>1 Oktober 2026"
            "</time><p>Kelurahan melaksanakan kerja bakti bersama warga.</p></article>\n")
    head = ("<!doctype html><html lang='id'><head><meta charset='utf-8'><title>Besar</title>"
            "</head><body>")
    return head + post * ((BIG - len(head)) // len(post)) + "</body></html>"


def serve(n: int, all_big: bool, seed: int) -> None:
    """The fleet, in its own process: one JSON line of URLs and kinds, then serve until
    stdin closes."""
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(HERE.parent / "tests"))
    from fleet_server import FEED, page_html  # type: ignore[import-not-found]
    from fleet_sites import HEALTHY_HTML, _gzip_bomb  # type: ignore[import-not-found]

    from monitor.demo.fleet import Fleet, FleetSite, Page

    rng = random.Random(seed)
    big = Page(body=big_page())
    normal_body = page_html()
    bomb = Page(body=_gzip_bomb(50_000_000), headers={"Content-Encoding": "gzip"})
    kinds = [("big", 1.0)] if all_big else [
        ("hang", 0.05), ("trickle", 0.02), ("huge", 0.005), ("huge_stream", 0.005),
        ("bomb", 0.01), ("big", 0.01)]
    sites, labels = [], []
    for i in range(n):
        roll, kind = rng.random(), "normal"
        for name, share in kinds:
            if roll < share:
                kind = name
                break
            roll -= share
        delay = rng.uniform(0.2, 0.8)
        routes: dict[str, Page] = {
            "hang": {"/": Page(hang=True)},
            "trickle": {"/": Page(body=HEALTHY_HTML, trickle=0.05)},
            "huge": {"/": Page(body="<html><body>", stream_bytes=20_000_000)},
            "huge_stream": {"/": Page(body="<html><body>", stream_bytes=20_000_000,
                                      send_length=False)},
            "bomb": {"/": bomb},
            "big": {"/": big},
            "normal": {"/": Page(body=normal_body, delay=delay),
                       "/feed/": Page(body=FEED, content_type="application/rss+xml")},
        }[kind]
        sites.append(FleetSite(f"s{i}", routes))  # type: ignore[arg-type]
        labels.append(kind)
    with Fleet(sites) as fleet:
        print(json.dumps({"urls": [fleet.url(s.name) for s in sites], "kinds": labels}),
              flush=True)
        sys.stdin.read()


def sweep_child(targets: str, db: str, args: argparse.Namespace) -> None:
    """The job, as `monitor check` runs it (plus --checks, which the CLI does not offer)."""
    from monitor.service.jobs import SweepGuard, run_sweep
    from monitor.store import Store
    from monitor.sweep.sweeper import SweepOptions
    from monitor.targets.loader import load

    options = SweepOptions(timeout=args.timeout, concurrency=args.concurrency,
                           retry_pause=args.retry_pause, inflight_bytes=args.inflight_mb * 10**6,
                           only_checks=tuple(c for c in args.checks.split(",") if c))
    summary = run_sweep(Store.open(db), load(Path(targets)), options,
                        guard=SweepGuard(stall_seconds=300))
    print(summary.line(), flush=True)


def tree_memory_mb(root: int) -> tuple[float, float]:
    """(RSS, PSS) of ``root`` and every descendant, from /proc. RSS counts the pages the
    processes share (Python, lxml, OpenSSL) once per process; PSS splits them."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    rss = pss = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=500)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--retry-pause", type=float, default=2.0)
    parser.add_argument("--inflight-mb", type=int, default=256)
    parser.add_argument("--checks", default="", help="comma-separated (default: all)")
    parser.add_argument("--all-big", action="store_true", help="every site sends 4.9 MB")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sweep", nargs=2, metavar=("TARGETS", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    _raise_fd_limit()
    if args.serve:
        return serve(args.n, args.all_big, args.seed)
    if args.sweep:
        return sweep_child(*args.sweep, args)

    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--n", str(args.n), "--seed", str(args.seed)] + (["--all-big"] * args.all_big)
    server = subprocess.Popen([*me, "--serve", *common], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    fleet = json.loads(server.stdout.readline())
    kinds: list[str] = fleet["kinds"]
    with tempfile.TemporaryDirectory() as tmp:
        targets = Path(tmp) / "targets.csv"
        lines = ["code,level,name,kecamatan,url,email", "K,kecamatan,Uji,Uji,,"]
        lines += [f"s{i},kelurahan,s{i},Uji,{url}," for i, url in enumerate(fleet["urls"])]
        targets.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = f"sqlite:///{tmp}/m.db"
        started = time.monotonic()
        child = subprocess.Popen(
            [*me, "--sweep", str(targets), db, "--timeout", str(args.timeout),
             "--concurrency", str(args.concurrency), "--retry-pause", str(args.retry_pause),
             "--inflight-mb", str(args.inflight_mb), "--checks", args.checks],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = (0.0, 0.0)
        while child.poll() is None:
            rss, pss = tree_memory_mb(child.pid)
            peak = (max(peak[0], rss), max(peak[1], pss))
            time.sleep(0.25)
        wall = time.monotonic() - started
        out, err = child.communicate()
        report(args, kinds, wall, peak, child.returncode, out, err, db)
    assert server.stdin is not None
    server.stdin.close()
    server.wait(timeout=60)


def report(args: argparse.Namespace, kinds: list[str], wall: float, peak: tuple[float, float],
           code: int,
           out: str, err: str, db: str) -> None:
    from collections import Counter

    from monitor.store import Store

    store = Store.open(db)
    rows = {site.code: r for site, r in store.latest_results() if r and site.code != "K"}
    errors = Counter((kinds[int(code[1:])], r.error) for code, r in rows.items())
    # a never-answering site holds its slot for 2 x timeout + the pause; others ~0.5 s
    slot_s = [2 * args.timeout + args.retry_pause if k in ("hang", "trickle") else 0.5
              for k in kinds]
    # big pages are judged one at a time per shard (two on this machine): ~4.5 s each with
    # every check (measured), far less with availability alone
    judge_s = kinds.count("big") * (0.3 if args.checks == "availability" else 5.0) / 2
    budget = (sum(slot_s) / args.concurrency + judge_s + 2 * args.timeout + args.retry_pause
              + 60)
    print(f"sites {len(kinds)} ({dict(Counter(kinds))}), concurrency {args.concurrency}, "
          f"timeout {args.timeout:g} s, checks {args.checks or 'all'}")
    print(f"exit {code}: {out.strip() or err.strip()[-300:]}")
    print(f"stored {len(rows)} of {len(kinds)} results")
    print(f"wall {wall:.1f} s; deadline budget {budget:.1f} s "
          f"({'within' if wall <= budget else 'OVER'})")
    print(f"peak memory of the sweep (all its processes): RSS {peak[0]:.0f} MB, "
          f"PSS {peak[1]:.0f} MB")
    for (kind, error), count in sorted(errors.items(), key=lambda kv: (kv[0][0],
                                                                       str(kv[0][1]))):
        print(f"  {kind:12} {error or 'up':14} {count}")
    details = Counter((r.error, (r.error_detail or "")[:70]) for r in rows.values()
                      if r.error in ("other", "connect"))
    for (error, detail), count in details.most_common(8):
        print(f"  {count:5} x {error}: {detail}")
    failed = Counter(f"{name}: {why[:60]}" for r in rows.values()
                     for name, why in (r.failed_checks or {}).items())
    for line, count in failed.most_common(5):
        print(f"  {count:5} x failed check {line}")


if __name__ == "__main__":
    main()
