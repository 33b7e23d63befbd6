"""The sweep's own figures as shards hand them back (monitor.sweep.meter)."""

from __future__ import annotations

from monitor.sweep.meter import COUNT, merge_all


def test_the_longest_stall_keeps_its_own_cpu_figure_across_shards() -> None:
    """Whether a stall was our loop's work or a core taken by another process is read off
    the stall's own CPU figure, so the figure must come from the shard that stalled."""
    stats: dict[str, float] = {}
    merge_all(stats, {"max_stall_ms": 80.0, "max_stall_cpu_ms": 75.0, COUNT + "requests": 10})
    merge_all(stats, {"max_stall_ms": 140.0, "max_stall_cpu_ms": 12.0, COUNT + "requests": 5})
    merge_all(stats, {"max_stall_ms": 90.0, "max_stall_cpu_ms": 88.0, COUNT + "requests": 1})
    assert stats == {"max_stall_ms": 140.0, "max_stall_cpu_ms": 12.0,
                     COUNT + "requests": 16}
