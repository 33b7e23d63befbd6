"""`monitor status`: what an operator checks first: the last sweep (when, how long, how many
up), a sweep running now, the next scheduled jobs and the last report emails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.cli.status_cmd import status_lines
from monitor.core import settings
from monitor.store import Result, Store
from monitor.store.emails import Outcome, record
from monitor.store.locks import sweep_lock
from monitor.targets.loader import Target

SITES = [Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "https://kedaton.example.test/",
                ()),
         Target("18.71.01.1006", "kelurahan", "Sidodadi", "Kedaton", "https://s.example.test/",
                ()),
         Target("18.71.01.1003", "kelurahan", "Kedaton", "Kedaton", "", ())]
NOW = datetime(2026, 11, 23, 5, 0, 30, tzinfo=UTC)  # Monday 12:00:30 WIB


def sweep(store: Store, when: datetime, up: int, status: str = "complete") -> int:
    sweep_id = store.begin_sweep(when, len(SITES), {})
    rows = [(t.code, Result(sweep_id=0, site_id=0, checked_at=when, url=t.url,
                            available=i < up)) for i, t in enumerate(SITES)]
    store.save_results(sweep_id, rows)
    if status != "running":
        store.finish_sweep(sweep_id, when + timedelta(seconds=84), status)
    return sweep_id


def test_status_reports_sweeps_schedule_and_emails(db_url: str) -> None:
    store = Store.open(db_url)
    store.sync_targets(SITES, NOW)
    sweep(store, NOW - timedelta(hours=12), up=2)
    last = sweep(store, NOW - timedelta(hours=6), up=1, status="incomplete")
    record(store, "2026-W47", "18.71.01", [
        Outcome("camat@kedaton.example.test", "to", "sent"),
        Outcome("lurah@sidodadi.example.test", "cc", "refused", "550 mailbox unavailable")],
        NOW - timedelta(hours=5))

    lines = status_lines(store, settings.load(environ={}), NOW)

    assert lines[0] == (f"last sweep: sweep {last} incomplete: started 2026-11-23 06:00 WIB, "
                        "took 84 s, 3 of 3 targets checked, 1 up")
    assert lines[1].startswith("last complete sweep: sweep 1 complete: started 2026-11-23 "
                               "00:00 WIB, took 84 s, 3 of 3 targets checked, 2 up")
    assert lines[2] == "next jobs of `monitor serve` (Asia/Jakarta):"
    assert lines[3].startswith("  2026-11-23 18:00 WIB  sweep ")
    assert lines[4].startswith("  2026-11-24 03:30 WIB  retention ")
    assert lines[5].startswith("  2026-11-30 07:00 WIB  report ")
    assert lines.pop(6).startswith("  2026-12-01 07:00 WIB  period ")  # last month's pack
    assert lines[6] == ("report emails for 2026-W47: 1 refused, 1 sent (1 kecamatan), "
                        "last at 2026-11-23 07:00 WIB")
    assert lines[7] == ("  refused: 18.71.01 lurah@sidodadi.example.test: "
                        "550 mailbox unavailable")


def test_status_shows_a_sweep_running_now_and_one_whose_process_died(db_url: str) -> None:
    store = Store.open(db_url)
    store.sync_targets(SITES, NOW)
    running = sweep(store, NOW - timedelta(minutes=1), up=0, status="running")
    with sweep_lock(Store.open(db_url).engine):
        lines = status_lines(store, settings.load(environ={}), NOW)
        assert any(line.startswith("sweeping now: ") for line in lines), lines
    lines = status_lines(store, settings.load(environ={}), NOW)
    assert lines[0].startswith(f"last sweep: sweep {running} running")
    assert lines[1] == "  (its process is gone: the next sweep will mark it incomplete)"


def test_status_on_a_new_database(run_cli: Callable[..., object], sqlite_url: str) -> None:
    result = run_cli("status", "--db", sqlite_url,
                     env={"MONITOR_REPORT_SCHEDULE": "", "MONITOR_RETENTION_SCHEDULE": ""})
    assert result.code == 0, result  # type: ignore[attr-defined]
    out = result.out  # type: ignore[attr-defined]
    assert "last sweep: none yet" in out and "does not exist" in out
    assert "sweep every target (monitor check)" in out and "weekly report" not in out
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # status never creates
