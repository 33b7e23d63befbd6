"""The sweep job's writes: a lost lock ends the sweep before its next write, a lost database
connection is retried for a while, and PostgreSQL dropping every connection mid-sweep (what a
server restart does) does not lose the sweep."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from check_process import fleet_targets
from conftest import CliResult
from fleet_sites import HEALTHY_HTML
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.store import Store
from monitor.store.locks import lock_holder


def _fleet(fleet_factory: Callable[[list[FleetSite]], Fleet],
           on_first: Callable[[], None]) -> Fleet:
    """Three healthy sites; the first request any of them gets runs ``on_first``."""
    fired: list[bool] = []

    def answer(_request: FleetRequest) -> Page:
        if not fired:
            fired.append(True)
            on_first()
        return Page(body=HEALTHY_HTML)

    return fleet_factory([FleetSite(f"s{i}", {"/": answer}) for i in range(3)])


def test_a_sweep_whose_lock_was_taken_over_stops_before_writing(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str,
) -> None:
    """Another process takes the SQLite lock row over mid-sweep (as it does when this one
    stalled past stale_after): this sweep must not write beside it."""
    path = sqlite_url.removeprefix("sqlite:///")

    def take_over() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE sweep_lock SET owner = 'elsewhere:1:x', host = 'elsewhere', "
                         "pid = 1")

    fleet = _fleet(fleet_factory, take_over)
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "10")
    assert result.code == 1, result
    assert "sweep lock was taken over by another process" in result.err
    store = Store.open(sqlite_url)
    sweep = store.sweeps()[-1]
    assert (sweep.status, sweep.done) == ("incomplete", 0)
    holder = lock_holder(store.engine)
    assert holder is not None and holder.startswith("elsewhere")  # not released by us


def test_a_lost_database_connection_is_retried(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = Store.save_rows
    failures = [2]

    def flaky(self: Store, sweep_id: int, rows: Any) -> int:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real(self, sweep_id, rows)

    monkeypatch.setattr(Store, "save_rows", flaky)
    fleet = fleet_factory([FleetSite("s0", {"/": Page(body=HEALTHY_HTML)})])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "10", env={"MONITOR_DB_RETRY": "10"})
    assert result.code == 0, result
    assert "database unreachable (server closed the connection); retrying" in caplog.text
    sweep = Store.open(sqlite_url).sweeps()[-1]
    assert (sweep.status, sweep.done) == ("complete", 2)


def test_a_database_gone_for_longer_than_the_retry_ends_the_sweep(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def down(self: Store, sweep_id: int, rows: Any) -> int:
        raise OperationalError("INSERT", {}, Exception("could not connect to server"))

    monkeypatch.setattr(Store, "save_rows", down)
    fleet = fleet_factory([FleetSite("s0", {"/": Page(body=HEALTHY_HTML)})])
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", sqlite_url, "--timeout", "10", env={"MONITOR_DB_RETRY": "1"})
    assert result.code == 1, result
    assert "database error: could not connect to server" in result.err
    store = Store.open(sqlite_url)
    assert store.sweeps()[-1].status == "incomplete" and lock_holder(store.engine) is None


def test_postgres_dropping_every_connection_mid_sweep_does_not_lose_it(
    fleet_factory: Callable[[list[FleetSite]], Fleet], write_targets: Callable[..., Path],
    run_cli: Callable[..., CliResult], db_url: str, caplog: pytest.LogCaptureFixture,
) -> None:
    """pg_terminate_backend on every other session (a server restart does the same to the
    sweep): the advisory lock went with its connection and is taken again, the writes
    reconnect, and the sweep completes."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no connections to drop")
    killer = create_engine(db_url)

    def drop_everyone() -> None:
        with killer.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            conn.commit()

    fleet = _fleet(fleet_factory, drop_everyone)
    result = run_cli("check", "--targets", str(fleet_targets(write_targets, fleet)),
                     "--db", db_url, "--timeout", "10")
    killer.dispose()
    assert result.code == 0, result
    store = Store.open(db_url)
    sweep = store.sweeps()[-1]
    assert (sweep.status, sweep.done, sweep.up) == ("complete", 4, 3)
    assert lock_holder(store.engine) is None
    assert "its connection was lost" in caplog.text and "taking the lock again" in caplog.text
