"""Where a sweep's CPU goes: requests made, and CPU per stage (parse, plan, each check).

The sweep is CPU-bound on a small machine, so the next person tuning it needs to see which
stage costs what, not just the total. CPU is read with ``time.thread_time`` around the
synchronous stages only (a coroutine's own CPU across an ``await`` cannot be separated from
the other sites' work the loop did meanwhile); what is not measured here is HTTP and the
event loop itself, which the benchmark reports as the rest of the process CPU.

The figures live in the sweeper's ``stats`` dict under ``cpu_ms:<stage>`` and ``count:<what>``
so shard processes hand them back with the stall figure; ``merge`` sums them across shards
(a maximum, as for the stall, would hide half the work).
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from monitor.core.snapshot import Fetched, Snapshot

CPU = "cpu_ms:"
COUNT = "count:"
SUM = "sum_ms:"  # summed across shards, but not a stage of the CPU breakdown
STALL = "stall_ms:"  # what the worst stall's CPU went to, by stage (its shard's)
STALL_PROBE_S = 0.01
LONG_STALL_MS = 100.0  # issue 18's bound: past it, healthy sites may time out because of us
WITH_THE_STALL = ("max_stall_cpu_ms", "max_stall_at_s")  # the worst stall's, not a maximum


class Meter:
    """Adds to ``stats`` in place; cheap enough (two clock reads) to stay on in production."""

    def __init__(self, stats: dict[str, float]) -> None:
        self.stats = stats

    @contextmanager
    def cpu(self, stage: str) -> Iterator[None]:
        start = time.thread_time()
        try:
            yield
        finally:
            key = CPU + stage
            self.stats[key] = self.stats.get(key, 0.0) + (time.thread_time() - start) * 1000

    def parse(self, snapshot: Snapshot) -> None:
        """Parse the home page now (a no-op once done) so its cost is counted apart from the
        planning and checks that share the parsed tree."""
        with self.cpu("parse"):
            if snapshot.home is not None:
                snapshot.home.document  # noqa: B018 - a cached property: this parses it

    def count(self, what: str, n: int = 1) -> None:
        key = COUNT + what
        self.stats[key] = self.stats.get(key, 0.0) + n

    def fetched(self, got: Fetched) -> None:
        """One fetch is one request per hop: a redirect costs a round trip too."""
        self.count("requests", 1 + len(got.redirects))


def peak_rss_mb() -> float:
    """This process's peak resident memory (``peak_rss_mb``, a shard's at its end). A shard
    forked by the fork server is not this process's child, so the parent's count of its
    children's peak misses it; the shards report their own."""
    try:
        import resource
    except ImportError:  # not on this platform
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def probe_stalls(stats: dict[str, float]) -> None:
    """Sleep 10 ms at a time; any lateness is time the loop could not run
    (``max_stall_ms``). The loop thread's CPU during the worst one (``max_stall_cpu_ms``)
    says why: close to the lateness, our own work held the loop; far below it, the
    operating system gave the core to another process (shards, the parent, the big-page
    worker and, in the benchmark, the simulated sites share two cores)."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    while True:
        start, cpu = loop.time(), time.thread_time()
        staged = {k: v for k, v in stats.items() if k.startswith((CPU, SUM))}
        await asyncio.sleep(STALL_PROBE_S)
        late_ms = (loop.time() - start - STALL_PROBE_S) * 1000
        if late_ms > LONG_STALL_MS:  # one worst stall, or many?
            stats[COUNT + "long_stalls"] = stats.get(COUNT + "long_stalls", 0.0) + 1
        if late_ms > stats.get("max_stall_ms", 0.0):
            stats["max_stall_ms"] = late_ms
            stats["max_stall_cpu_ms"] = (time.thread_time() - cpu) * 1000
            stats["max_stall_at_s"] = start - began  # a sweep's start, or any time
            _stall_parts(stats, staged)


def _stall_parts(stats: dict[str, float], staged: Mapping[str, float]) -> None:
    """``stall_ms:<stage>``: the stages' CPU (checks, parse, plan, the collector) that grew
    during the worst stall; the rest of its CPU was HTTP and the loop itself."""
    _drop_stall_parts(stats)
    for key, value in list(stats.items()):
        if key.startswith((CPU, SUM)) and (grew := value - staged.get(key, 0.0)) > 0.05:
            stats[STALL + key.partition(":")[2]] = grew


def _drop_stall_parts(stats: dict[str, float]) -> None:
    """The parts belong to one stall: a worse one replaces them all."""
    for key in [k for k in stats if k.startswith(STALL)]:
        del stats[key]


@contextmanager
def probe_collections(stats: dict[str, float]) -> Iterator[None]:
    """Time every collection of Python's cycle collector while the sweep runs: the longest
    full one (``max_full_gc_ms``, generation 2) and the longest young one
    (``max_young_gc_ms``). A collection runs inside whatever loop step allocated past the
    threshold, so a long stall with its CPU our own is either a check or one of these; the
    figures say which without a profiler. Two clock reads per collection (a sweep of 5,000
    sites runs a few dozen)."""
    started = [0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
            return
        took = (time.perf_counter() - started[0]) * 1000
        key = "max_full_gc_ms" if info.get("generation") == 2 else "max_young_gc_ms"
        stats[key] = max(stats.get(key, 0.0), took)
        stats[SUM + "collector"] = stats.get(SUM + "collector", 0.0) + took
        if info.get("generation") == 2:
            stats[COUNT + "full_collections"] = stats.get(COUNT + "full_collections", 0) + 1

    gc.callbacks.append(timed)
    try:
        yield
    finally:
        gc.callbacks.remove(timed)


def merge_all(stats: dict[str, float], shard: Mapping[str, float]) -> None:
    """Fold one shard's figures into the sweep's (``merge``); the stall's CPU and its parts
    (``stall_ms:``) go with the stall they belong to, the worst shard's."""
    if shard.get("max_stall_ms", 0.0) > stats.get("max_stall_ms", 0.0):
        for key in WITH_THE_STALL:
            if key in shard:
                stats[key] = shard[key]
        _drop_stall_parts(stats)
        stats.update((k, v) for k, v in shard.items() if k.startswith(STALL))
    for key, value in shard.items():
        if key not in WITH_THE_STALL and not key.startswith(STALL):
            merge(stats, key, value)


def merge(stats: dict[str, float], key: str, value: float) -> None:
    """Fold one shard's figure into the sweep's: stage costs and counts add up, the rest
    (the longest stall) is the worst shard's."""
    if key.startswith((CPU, COUNT, SUM)):
        stats[key] = stats.get(key, 0.0) + value
    else:
        stats[key] = max(stats.get(key, 0.0), value)
