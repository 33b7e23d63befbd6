"""The sweep's collector settings (monitor/sweep/collector.py) hold only while sweeps run:
the process gets its own back, even when two sweeps overlap or one fails; and a sweep makes
no reference cycles, which those settings count on."""

from __future__ import annotations

import asyncio
import gc

import pytest
from fleet_content import content_sites
from fleet_freshness import freshness_sites
from fleet_mobile import mobile_sites
from fleet_sites import availability_sites

from monitor.demo.fleet import Fleet
from monitor.sweep.collector import SWEEP_THRESHOLD, calm_collector
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target


def test_overlapping_sweeps_restore_the_process_settings() -> None:
    before = gc.get_threshold()
    with calm_collector():
        assert gc.get_threshold() == SWEEP_THRESHOLD
        assert gc.get_freeze_count() > 0  # what was alive at the start is never scanned
        with calm_collector():
            assert gc.get_threshold() == SWEEP_THRESHOLD
        assert gc.get_threshold() == SWEEP_THRESHOLD  # the outer sweep still runs
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_failed_sweep_restores_them_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), calm_collector():
        raise RuntimeError("boom")
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def _made_by_the_sweep(thing: object) -> str | None:
    """Where a piece of cyclic garbage was made, when the monitor's own code made it (the
    simulated fleet's server runs in this process too and is not the sweep)."""
    code = getattr(thing, "f_code", None) or getattr(thing, "cr_code", None) \
        or getattr(thing, "gi_code", None) or getattr(thing, "ag_code", None)
    if code is not None:
        where = code.co_filename.replace("\\", "/")
        if "/monitor/" in where and "/monitor/demo/" not in where:
            return f"{code.co_name} ({where})"
        return None
    module = type(thing).__module__
    if module.startswith("monitor.") and not module.startswith("monitor.demo"):
        return f"a {type(thing).__qualname__} ({module})"
    return None


def test_a_sweep_makes_no_reference_cycles(both_loops: str) -> None:
    """SWEEP_THRESHOLD runs the collector only after a million new objects: each young
    collection found nothing in 10,000-site and hostile sweeps, yet stopped the loop for
    15-64 ms of CPU. That bet holds only while a sweep's garbage is freed by reference
    counting. A cycle made per site (an exception kept in a frame of its own traceback, an
    object holding a bound method of itself) would grow memory until that million: this
    sweep of every failure the fleet scripts (timeouts, resets, TLS, redirect loops, bombs),
    hacked, dated and mobile pages, with every check, names where such a cycle was made."""
    sites = availability_sites() + content_sites() + freshness_sites() + mobile_sites()
    gc.collect()
    gc.garbage.clear()
    with Fleet(sites) as fleet:
        targets = [Target(name, "kelurahan", name, "Uji", fleet.url(name), ())
                   for name in fleet.sites]
        options = SweepOptions(timeout=2, retry_pause=0.1, concurrency=50,
                               ca_bundle=str(fleet.ca_file))

        async def sweep() -> int:
            return len([r async for r in Sweeper(options).run(targets)])

        gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector finds is kept for us to read
        try:
            assert asyncio.run(sweep()) == len(targets)
            gc.collect()
            made = sorted({w for thing in gc.garbage if (w := _made_by_the_sweep(thing))})
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    assert made == [], "\n".join(made)
