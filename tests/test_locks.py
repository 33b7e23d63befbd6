"""The sweep lock: a second sweep on the same database is refused while the first runs
(SQLite and PostgreSQL), a lock left by a killed process does not block the next sweep, and a
refused `monitor check` says so and changes nothing."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from check_process import fleet_targets, start_check, wait_for_running_sweep
from fleet_sites import HEALTHY_HTML
from sqlalchemy import insert

from monitor.core.errors import LockedError
from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.store import Store
from monitor.store.locks import RowLock, lock_holder, sweep_lock
from monitor.store.models import SweepLockRow

ROOT = Path(__file__).resolve().parent.parent


def test_second_lock_on_the_same_database_is_refused_until_released(db_url: str) -> None:
    first = sweep_lock(Store.open(db_url).engine)
    second = sweep_lock(Store.open(db_url).engine)  # its own engine: like another process
    with first:
        with pytest.raises(LockedError, match="another sweep"):
            second.acquire()
        holder = lock_holder(Store.open(db_url).engine) or ""
        assert holder.startswith(f"{socket.gethostname()}, pid {os.getpid()}, since "), holder
    second.acquire()  # free again once released
    second.release()
    assert lock_holder(Store.open(db_url).engine) is None


def _plant_lock(store: Store, *, host: str, pid: int, heartbeat: datetime) -> None:
    with store.engine.begin() as conn:
        conn.execute(insert(SweepLockRow.__table__).values(  # type: ignore[attr-defined]
            name="sweep", owner=f"{host}:{pid}:x", host=host, pid=pid,
            acquired_at=heartbeat, heartbeat_at=heartbeat))


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_left_by_a_killed_process_on_this_host_is_taken_over_at_once(store: Store) -> None:
    now = datetime.now(UTC)
    _plant_lock(store, host=socket.gethostname(), pid=_dead_pid(), heartbeat=now)
    with RowLock(store.engine) as lock:
        assert isinstance(lock, RowLock)
        holder = lock_holder(store.engine) or ""
        assert holder.startswith(f"{socket.gethostname()}, pid {os.getpid()}, since ")


def test_live_lock_of_another_host_is_respected_until_its_heartbeat_goes_stale(
    store: Store,
) -> None:
    planted = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    _plant_lock(store, host="other-machine", pid=1, heartbeat=planted)
    fresh = RowLock(store.engine, clock=lambda: planted + timedelta(seconds=60),
                    stale_after=120)
    with pytest.raises(LockedError, match="other-machine, pid 1"):
        fresh.acquire()
    late = RowLock(store.engine, clock=lambda: planted + timedelta(seconds=121),
                   stale_after=120)
    late.acquire()
    assert "pid " + str(os.getpid()) in (lock_holder(store.engine) or "")
    late.release()


def test_heartbeat_keeps_a_long_sweep_from_looking_stale(store: Store) -> None:
    lock = RowLock(store.engine, heartbeat=0.05, stale_after=0.3)
    with lock:
        time.sleep(0.6)  # longer than stale_after: only the heartbeat keeps it fresh
        other = RowLock(store.engine, stale_after=0.3)
        other.host = "elsewhere"  # no pid shortcut: judged by the heartbeat alone
        with pytest.raises(LockedError):
            other.acquire()
        assert not lock.lost


# -- the real CLI, in two processes --------------------------------------------------------
def _slow_fleet(fleet_factory: Callable[[list[FleetSite]], Fleet], delay: float) -> Fleet:
    return fleet_factory([FleetSite(f"s{i}", {"/": Page(body=HEALTHY_HTML, delay=delay)})
                          for i in range(3)])


def test_second_check_is_refused_while_the_first_runs(
    db_url: str, fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[..., Path], run_cli: Callable[..., object],
) -> None:
    fleet = _slow_fleet(fleet_factory, delay=2.0)
    targets = fleet_targets(write_targets, fleet)
    first = start_check(targets, db_url)
    sweep_id = wait_for_running_sweep(db_url, first)

    second = run_cli("check", "--targets", str(targets), "--db", db_url)
    assert second.code == 1, second  # type: ignore[attr-defined]
    assert f"already running on this database (sweep {sweep_id}" in second.err  # type: ignore[attr-defined]

    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    sweeps = Store.open(db_url).sweeps()
    assert [(s.id, s.status, s.done) for s in sweeps] == [(sweep_id, "complete", 4)]
