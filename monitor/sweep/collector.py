"""Python's cycle collector during a sweep: a safety valve, never over what came before.

With the default thresholds (700 new objects) a sweep of 2,000 sites ran 2,700 collections:
5.5 s of its 54 s of CPU, and full collections that stopped the event loop for up to 195 ms
each (measured with gc.callbacks; the loop must not stall past ~100 ms or healthy sites time
out because of us). So everything alive when the sweep starts (modules, settings, the
targets, the previous findings) is frozen out of collections (``gc.freeze``).

A sweep's garbage is freed by reference counting: it makes no reference cycles (the failed
connections that did are mended, and ``tests/test_sweep_collector.py`` holds it on a fleet of
every fault). With a collection after 50,000 new objects, each young collection of a
10,000-site sweep found nothing (0 objects collected, in each shard, in both sweeps, and in
the hostile fleet's), yet cost 15-64 ms of CPU over the ~47,000 objects in flight (tasks,
coroutines, their frames) and made the sweep's longest loop stall (98-131 ms). At 10,000
new objects a collection cost as much (it walks what is in flight, not what is new), only
more often. So a collection now runs only after a million new objects: never in a sweep
(a shard ends one with 11,000-42,000), and still there if a future change leaks cycles.
The previous settings are restored afterwards.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

SWEEP_THRESHOLD = (1_000_000, 10, 10)


class _Sweeps:
    """Sweeps under way in this process (tests and a scheduler may overlap them)."""

    running = 0
    previous: tuple[int, int, int] = (700, 10, 10)


@contextmanager
def calm_collector() -> Iterator[None]:
    """Only the outermost of overlapping sweeps sets and restores the collector, so the
    process's own settings always come back."""
    if _Sweeps.running == 0:
        _Sweeps.previous = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*SWEEP_THRESHOLD)
    _Sweeps.running += 1
    try:
        yield
    finally:
        _Sweeps.running -= 1
        if _Sweeps.running == 0:
            gc.set_threshold(*_Sweeps.previous)
            gc.unfreeze()
