"""The sweep's own figures as shards hand them back (monitor.sweep.meter)."""

from __future__ import annotations

import time

from monitor.sweep.meter import COUNT, merge_all


def test_the_longest_stall_keeps_its_own_cpu_figure_across_shards() -> None:
    """Whether a stall was our loop's work or a core taken by another process is read off
    the stall's own CPU figure, and whether it was the sweep's start off its time, so both
    must come from the shard that stalled; long stalls add up over the shards."""
    stats: dict[str, float] = {}
    merge_all(stats, {"max_stall_ms": 80.0, "max_stall_cpu_ms": 75.0, "max_stall_at_s": 30.0,
                      COUNT + "requests": 10})
    merge_all(stats, {"max_stall_ms": 140.0, "max_stall_cpu_ms": 12.0, "max_stall_at_s": 0.5,
                      COUNT + "requests": 5, COUNT + "long_stalls": 2})
    merge_all(stats, {"max_stall_ms": 90.0, "max_stall_cpu_ms": 88.0, "max_stall_at_s": 41.0,
                      COUNT + "requests": 1})
    assert stats == {"max_stall_ms": 140.0, "max_stall_cpu_ms": 12.0, "max_stall_at_s": 0.5,
                     COUNT + "requests": 16, COUNT + "long_stalls": 2}


def test_collections_are_timed_while_probed_and_not_after() -> None:
    """The benchmark tells a collector pause from a slow check by these figures; the probe
    must see a full collection and leave gc.callbacks as it found them."""
    import gc

    from monitor.sweep.meter import probe_collections

    stats: dict[str, float] = {}
    before = list(gc.callbacks)
    with probe_collections(stats):
        gc.collect(0)
        gc.collect(2)
    assert stats[COUNT + "full_collections"] == 1
    assert stats["max_full_gc_ms"] > 0 and stats["max_young_gc_ms"] > 0
    assert gc.callbacks == before
    gc.collect(2)
    assert stats[COUNT + "full_collections"] == 1


def test_the_longest_stalls_parts_come_from_its_own_shard() -> None:
    from monitor.sweep.meter import STALL

    stats: dict[str, float] = {}
    merge_all(stats, {"max_stall_ms": 80.0, STALL + "content": 40.0, STALL + "mobile": 9.0})
    merge_all(stats, {"max_stall_ms": 140.0, STALL + "collector": 35.0})
    merge_all(stats, {"max_stall_ms": 90.0, STALL + "content": 60.0})
    assert {k: v for k, v in stats.items() if k.startswith(STALL)} == {STALL + "collector": 35.0}


def test_a_stall_is_split_by_the_stages_that_ran_in_it() -> None:
    """A check that holds the loop for 60 ms shows up as that check's part of the stall."""
    import asyncio

    from monitor.sweep.meter import STALL, Meter, probe_stalls

    async def go() -> dict[str, float]:
        stats: dict[str, float] = {}
        meter = Meter(stats)
        probe = asyncio.create_task(probe_stalls(stats))
        await asyncio.sleep(0.03)
        with meter.cpu("mobile"):
            end = time.thread_time() + 0.06
            while time.thread_time() < end:
                pass
        await asyncio.sleep(0.03)
        probe.cancel()
        return stats

    stats = asyncio.run(go())
    assert stats["max_stall_ms"] >= 55
    assert stats[STALL + "mobile"] >= 55
    assert stats["max_stall_at_s"] >= 0.02  # it came after the first 30 ms, not at the start
