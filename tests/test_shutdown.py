"""Stopping a sweep midway: SIGTERM (systemd, kill) ends `monitor check` cleanly with its sweep
marked incomplete; SIGKILL leaves earlier sweeps intact and the next sweep marks the killed
one. Real processes against a slow fleet on loopback."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from check_process import fleet_targets, start_check, wait_for_running_sweep, wait_stopped
from fleet_sites import HEALTHY_HTML

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.store import Store

SLOW = threading.Event()


def _fleet(fleet_factory: Callable[[list[FleetSite]], Fleet]) -> Fleet:
    """Fast for the first sweep, then slow (20 s a page): sweep 2 is still running when it is
    stopped."""
    SLOW.clear()

    def answer(_request: FleetRequest) -> Page:
        return Page(body=HEALTHY_HTML, delay=20.0 if SLOW.is_set() else 0.0)

    return fleet_factory([FleetSite(f"s{i}", {"/": answer}) for i in range(3)])


def _first_sweep(targets: Path, db_url: str) -> None:
    proc = start_check(targets, db_url)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    SLOW.set()


def test_sigterm_during_a_sweep_leaves_the_database_consistent(
    db_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path],
) -> None:
    targets = fleet_targets(write_targets, _fleet(fleet_factory))
    _first_sweep(targets, db_url)
    proc = start_check(targets, db_url)
    sweep_id = wait_for_running_sweep(db_url, proc)
    time.sleep(0.5)  # inside the fetches
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    err = wait_stopped(proc)
    assert time.monotonic() - started < 15  # did not wait for the 20 s pages
    assert proc.returncode == 1, err
    store = Store.open(db_url)
    first, second = store.sweeps()
    assert (first.status, first.done, first.up) == ("complete", 4, 3)
    assert second.id == sweep_id
    assert second.status == "incomplete" and second.finished_at is not None
    # K (no website) finished at once: stored although its batch was far from full
    assert (second.done, second.up) == (1, 0)
    latest = {site.code: r.sweep_id for site, r in store.latest_results() if r}
    assert latest == {"K": second.id, "s0": first.id, "s1": first.id, "s2": first.id}


def test_sigkill_midway_is_marked_incomplete_by_the_next_sweep(
    db_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path],
) -> None:
    targets = fleet_targets(write_targets, _fleet(fleet_factory))
    _first_sweep(targets, db_url)
    proc = start_check(targets, db_url)
    killed_id = wait_for_running_sweep(db_url, proc)
    proc.kill()
    proc.communicate(timeout=30)
    assert [s.status for s in Store.open(db_url).sweeps()] == ["complete", "running"]

    # the killed process's lock does not block the next sweep (pid gone / connection closed)
    third = start_check(targets, db_url, timeout=0.5)
    _, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    statuses = {s.id: s.status for s in Store.open(db_url).sweeps()}
    assert statuses[killed_id] == "incomplete"
    assert list(statuses.values()) == ["complete", "incomplete", "complete"]


def test_sigterm_stops_serve_and_its_running_sweep_cleanly(
    db_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path],
) -> None:
    targets = fleet_targets(write_targets, _fleet(fleet_factory))
    _first_sweep(targets, db_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update(MONITOR_TARGETS=str(targets), MONITOR_TIMEOUT="30", MONITOR_STOP_GRACE="20",
               MONITOR_BROWSER_AUDIT="off")
    serve = subprocess.Popen([sys.executable, "-m", "monitor", "serve", "--db", db_url,
                              "--sweep-now"], cwd=targets.parent, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for_running_sweep(db_url, serve)
    time.sleep(0.5)
    serve.send_signal(signal.SIGTERM)
    _, err = serve.communicate(timeout=30)
    assert serve.returncode == 0, err
    assert "job sweep failed" in err and "stopped with status 1" in err
    assert err.rstrip().endswith("stopped")
    assert [s.status for s in Store.open(db_url).sweeps()] == ["complete", "incomplete"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_sweep_stores_every_result_it_had_finished(
    signum: int, sqlite_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path],
) -> None:
    """Results are written in batches of 25; the unsaved batch used to be dropped on SIGTERM
    or Ctrl-C. Three sites are done, two still loading when the signal comes: the three
    (and the kecamatan without a website) are stored, and `monitor status` counts them."""
    fast = [FleetSite(f"f{i}", {"/": Page(body=HEALTHY_HTML)}) for i in range(3)]
    slow = [FleetSite(f"z{i}", {"/": Page(body=HEALTHY_HTML, delay=30)}) for i in range(2)]
    fleet = fleet_factory(fast + slow)
    targets = fleet_targets(write_targets, fleet)
    proc = start_check(targets, sqlite_url)
    sweep_id = wait_for_running_sweep(sqlite_url, proc)
    _wait_until_quiet(fast)
    proc.send_signal(signum)
    err = wait_stopped(proc)
    assert proc.returncode == 1, err
    store = Store.open(sqlite_url)
    sweep = store.sweeps()[-1]
    assert (sweep.id, sweep.status, sweep.done, sweep.up) == (sweep_id, "incomplete", 4, 3)
    assert sorted(site.code for site, r in store.latest_results() if r) == ["K", "f0", "f1",
                                                                             "f2"]
    status = subprocess.run([sys.executable, "-m", "monitor", "status", "--db", sqlite_url],
                            cwd=targets.parent, capture_output=True, text=True, timeout=60)
    assert "incomplete" in status.stdout and "4 of 6 targets checked, 3 up" in status.stdout


def _wait_until_quiet(sites: list[FleetSite]) -> None:
    """Until every site was asked and none has been asked anything for a second (done)."""
    deadline = time.monotonic() + 30
    last = -1
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        count = sum(len(s.requests) for s in sites)
        if count != last:
            last, quiet_since = count, time.monotonic()
        elif all(s.requests for s in sites) and time.monotonic() - quiet_since > 1.0:
            return
        time.sleep(0.05)
    raise AssertionError("the fast sites were never all fetched")


def test_sigterm_during_a_sharded_sweep_keeps_what_the_shards_sent(
    sqlite_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path],
) -> None:
    """500 targets (shard processes): 499 without a website finish at once, one site takes
    a minute. SIGTERM: the 499 are stored, the shards are gone, the lock is free."""
    from monitor.store.locks import lock_holder

    fleet = fleet_factory([FleetSite("slow", {"/": Page(body=HEALTHY_HTML, delay=60)})])
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": f"n{i:03d}", "level": "kelurahan", "name": f"N {i}", "kecamatan": "Uji"}
             for i in range(498)]
    rows.append({"code": "slow", "level": "kelurahan", "name": "Slow", "kecamatan": "Uji",
                 "url": fleet.url("slow")})
    proc = start_check(write_targets(rows), sqlite_url, timeout=90)
    wait_for_running_sweep(sqlite_url, proc)
    _wait_until_quiet(list(fleet.sites.values()))  # the slow site is being fetched
    proc.send_signal(signal.SIGTERM)
    err = wait_stopped(proc)
    assert proc.returncode == 1, err
    store = Store.open(sqlite_url)
    sweep = store.sweeps()[-1]
    assert (sweep.status, sweep.done, sweep.total) == ("incomplete", 499, 500)
    assert lock_holder(store.engine) is None


def test_sigterm_during_a_sweep_waits_for_the_write_under_way() -> None:
    """SIGTERM that arrives while the sweep's loop is inside a synchronous step (storing a
    batch) stops the sweep after that step, not in its middle: a write cut halfway could
    leave SQLite's write lock held, and the writes that mark the sweep incomplete then waited
    30 s (a stop CI once saw take over 30 s). The cleanup of the sweep's task still runs."""
    from monitor.service.shutdown import Terminated, sigterm_interrupts

    steps: list[str] = []

    async def sweep() -> None:
        try:
            steps.append("write begins")
            os.kill(os.getpid(), signal.SIGTERM)  # arrives mid-write
            for _ in range(100_000):  # Python bytecodes: where the old handler raised
                pass
            steps.append("write ends")
            await asyncio.sleep(30)
            steps.append("not stopped")
        except asyncio.CancelledError:
            steps.append("cleanup")
            raise

    with sigterm_interrupts(), pytest.raises(Terminated):
        asyncio.run(sweep())
    assert steps == ["write begins", "write ends", "cleanup"]
