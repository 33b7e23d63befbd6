"""`monitor serve`'s schedule: each job fires at the right Asia/Jakarta time, a machine that
was asleep runs no backlog, each job logs its outcome, and a stop ends the running job's child
process cleanly. No real waiting: APScheduler runs on a fake clock with its DebugExecutor."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from monitor.core import settings
from monitor.core.clock import JAKARTA
from monitor.core.errors import ConfigError
from monitor.service.scheduler import (
    Children,
    JobFailed,
    JobSkipped,
    JobSpec,
    add_jobs,
    child_jobs,
    logged,
    next_runs,
    plan_jobs,
)


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """APScheduler reads the time through ``datetime.now`` in these two modules only."""
    fake = FakeClock(datetime(2026, 11, 22, 23, 30, tzinfo=JAKARTA))  # Sunday 23:30 WIB

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return fake.now.astimezone(tz or UTC)

    monkeypatch.setattr("apscheduler.schedulers.base.datetime", FakeDatetime)
    monkeypatch.setattr("apscheduler.executors.base.datetime", FakeDatetime)
    return fake


class ManualScheduler(BaseScheduler):  # type: ignore[misc]  # APScheduler 3 has no types
    """Processes due jobs only when told to: ``tick()`` after moving the fake clock."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)

    def wakeup(self) -> None:
        pass

    def tick(self) -> None:
        self._process_jobs()


@pytest.fixture
def fired() -> list[tuple[str, datetime]]:
    return []


def make_scheduler(clock: FakeClock, fired: list[tuple[str, datetime]],
                   env: dict[str, str] | None = None) -> ManualScheduler:
    config = settings.load(environ=env or {})

    def job(name: str) -> Any:
        def run() -> str:
            fired.append((name, clock.now.astimezone(JAKARTA)))
            return f"{name} ok"
        return run

    specs = plan_jobs(config, {n: job(n) for n in ("sweep", "report", "retention")})
    scheduler = ManualScheduler(timezone=JAKARTA, executors={"default": DebugExecutor()})
    add_jobs(scheduler, specs, misfire_grace=config.misfire_grace)
    scheduler.start()
    return scheduler


def run_until(scheduler: ManualScheduler, clock: FakeClock, end: datetime) -> None:
    """Jump from one due time to the next, as a running service would."""
    while True:
        due = min(job.next_run_time for job in scheduler.get_jobs())
        if due > end:
            return
        clock.now = due
        scheduler.tick()


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=JAKARTA)


def test_default_schedule_fires_each_job_at_its_jakarta_time(
    clock: FakeClock, fired: list[tuple[str, datetime]],
) -> None:
    scheduler = make_scheduler(clock, fired)
    run_until(scheduler, clock, wib(24, 0, 30))
    assert fired == [
        ("sweep", wib(23, 0)),   # Monday 00:00 WIB = Sunday 17:00 UTC
        ("retention", wib(23, 3, 30)),
        ("sweep", wib(23, 6)),
        ("report", wib(23, 7)),  # Monday 07:00 WIB
        ("sweep", wib(23, 12)),
        ("sweep", wib(23, 18)),
        ("sweep", wib(24, 0)),
    ]
    sweep = scheduler.get_job("sweep")
    assert (sweep.max_instances, sweep.coalesce, sweep.misfire_grace_time) == (1, True, 3600)


def test_schedules_come_from_settings_in_jakarta_time_whatever_the_server_zone(
    clock: FakeClock, fired: list[tuple[str, datetime]],
) -> None:
    env = {"MONITOR_SWEEP_SCHEDULE": "15 8 * * *", "MONITOR_REPORT_SCHEDULE": "0 9 * * fri",
           "MONITOR_RETENTION_SCHEDULE": ""}  # empty: job disabled
    scheduler = make_scheduler(clock, fired, env)
    run_until(scheduler, clock, wib(28, 0))
    assert fired == [("sweep", wib(23, 8, 15)), ("sweep", wib(24, 8, 15)),
                     ("sweep", wib(25, 8, 15)), ("sweep", wib(26, 8, 15)),
                     ("sweep", wib(27, 8, 15)), ("report", wib(27, 9))]
    assert [job.id for job in scheduler.get_jobs()] == ["sweep", "report"]
    assert fired[0][1].astimezone(UTC).hour == 1  # 08:15 WIB is 01:15 UTC


def test_a_machine_that_slept_runs_no_backlog(
    clock: FakeClock, fired: list[tuple[str, datetime]], caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = make_scheduler(clock, fired)
    run_until(scheduler, clock, wib(23, 0, 30))
    assert fired == [("sweep", wib(23, 0))]
    clock.now = wib(23, 12, 20)  # suspended from 00:30 to 12:20: missed 03:30, 06:00, 07:00, 12:00
    with caplog.at_level(logging.WARNING, logger="monitor.service.scheduler"):
        scheduler.tick()
    # one sweep for 06:00+12:00 (coalesced; 12:00 is within the hour of grace); the report and
    # the pruning are more than an hour late: skipped, not run as a backlog
    assert fired[1:] == [("sweep", wib(23, 12, 20))]
    skipped = " ".join(r.getMessage() for r in caplog.records)
    assert "job report: run due 2026-11-23T07:00:00+07:00 skipped" in skipped
    assert "job retention: run due" in skipped
    assert scheduler.get_job("report").next_run_time == wib(30, 7)


def test_a_bad_schedule_is_a_configuration_error_naming_the_setting() -> None:
    config = settings.load(environ={"MONITOR_SWEEP_SCHEDULE": "every 6 hours"})
    with pytest.raises(ConfigError, match="sweep_schedule"):
        plan_jobs(config, {n: lambda: "" for n in ("sweep", "report", "retention")})


def test_next_runs_for_status(clock: FakeClock) -> None:
    config = settings.load(environ={})
    specs = plan_jobs(config, {n: lambda: "" for n in ("sweep", "report", "retention")})
    upcoming = [(s.id, when) for s, when in next_runs(specs, wib(23, 6, 30))]
    assert upcoming == [("report", wib(23, 7)), ("sweep", wib(23, 12)),
                        ("retention", wib(24, 3, 30))]


def test_each_job_logs_one_line_with_its_outcome(caplog: pytest.LogCaptureFixture) -> None:
    def locked() -> str:
        raise JobSkipped("another sweep is already running on this database (sweep 7)")

    def failing() -> str:
        raise JobFailed("`monitor report` exited with status 2: no data")

    def crashing() -> str:
        raise ZeroDivisionError("bug")

    with caplog.at_level(logging.INFO, logger="monitor.service.scheduler"):
        for func in (lambda: "sweep 3 complete: 147 targets", locked, failing, crashing):
            logged(JobSpec("sweep", "0 */6 * * *", func))()  # never raises
    outcomes = [r.getMessage() for r in caplog.records if "started" not in r.getMessage()]
    assert outcomes[0].endswith(": sweep 3 complete: 147 targets")
    assert outcomes[1] == ("job sweep skipped: another sweep is already running on this "
                           "database (sweep 7)")
    assert outcomes[2].startswith("job sweep failed after") and "no data" in outcomes[2]
    assert outcomes[3].startswith("job sweep crashed after")
    assert len(outcomes) == 4


# -- child processes ------------------------------------------------------------------------
CHILD = """
import pathlib, signal, sys, time
def stop(*_):
    print("cleaned up"); sys.exit(1)
signal.signal(signal.SIGTERM, stop)
print("working", flush=True)
if sys.argv[1] == "ok":
    print("sweep 1 complete"); sys.exit(0)
if sys.argv[1] == "locked":
    print("monitor: another sweep is already running on this database (sweep 4)", file=sys.stderr)
    sys.exit(1)
if sys.argv[1] == "stubborn":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
if len(sys.argv) > 2:
    pathlib.Path(sys.argv[2]).touch()  # ready: its signal handling is in place
time.sleep(60)
"""


@pytest.fixture
def children() -> Iterator[Children]:
    yield Children(timeout=30, grace=0.5, command=[sys.executable, "-c", CHILD])


def test_child_outcomes(children: Children) -> None:
    assert children.run("ok") == "working\nsweep 1 complete\n"
    with pytest.raises(JobSkipped, match=r"already running on this database \(sweep 4\)"):
        children.run("locked")


def _run_in_thread(children: Children, arg: str, ready: Path
                   ) -> tuple[threading.Thread, list[Exception]]:
    errors: list[Exception] = []

    def target() -> None:
        try:
            children.run(arg, str(ready))
        except Exception as exc:  # noqa: BLE001 - handed to the test thread, which re-raises it
            errors.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return thread, errors


def test_stop_asks_the_running_child_to_end_cleanly(children: Children, tmp_path: Path
                                                    ) -> None:
    thread, errors = _run_in_thread(children, "sleep", tmp_path / "ready")
    children.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert isinstance(errors[0], JobFailed)
    assert "stopped with status 1: cleaned up" in str(errors[0])
    with pytest.raises(JobSkipped, match="stopping"):
        children.run("ok")  # no new job once stopping


def test_a_child_that_ignores_the_stop_is_killed_after_the_grace(
    children: Children, tmp_path: Path,
) -> None:
    thread, errors = _run_in_thread(children, "stubborn", tmp_path / "ready")
    started = time.monotonic()
    children.stop()
    thread.join(timeout=10)
    assert time.monotonic() - started < 10  # not the 60 s it would sleep
    assert "stopped with status -9" in str(errors[0])


def test_a_job_over_its_time_limit_is_stopped() -> None:
    slow = Children(timeout=2, grace=1, command=[sys.executable, "-c", CHILD])
    with pytest.raises(JobFailed, match="timed out, stopped with status 1: cleaned up"):
        slow.run("sleep")


def test_next_run_skips_are_relative_to_now_not_to_a_backlog(
    clock: FakeClock, fired: list[tuple[str, datetime]],
) -> None:
    """Started long after a missed Monday report: the next report is next Monday."""
    clock.now = wib(25, 10)  # Wednesday
    scheduler = make_scheduler(clock, fired)
    assert scheduler.get_job("report").next_run_time == wib(30, 7)
    assert scheduler.get_job("sweep").next_run_time == wib(25, 12)
    assert scheduler.get_job("retention").next_run_time == wib(26, 3, 30)


class RecordingChildren(Children):
    """The production job wiring with the child processes replaced by canned output."""

    OUTPUT = {"check": "sweep 9 complete: 147 targets, 120 up\n",
              "report": "2026-W47: reports/2026-W47/index.html\n2026-W47: reports/x.html\n"
                        "data sha256 ab12\n",
              "email": "2026-W47: 20 kecamatan, 21 sent\n", "prune": "prune: deleted 3\n"}

    def __init__(self) -> None:
        super().__init__(timeout=1, grace=1)
        self.calls: list[tuple[str, ...]] = []

    def run(self, *args: str) -> str:
        self.calls.append(args)
        return self.OUTPUT[args[0]]


def test_production_jobs_run_the_cron_commands() -> None:
    fake = RecordingChildren()
    jobs = child_jobs(fake, settings.load(environ={}))
    assert jobs["sweep"]() == "sweep 9 complete: 147 targets, 120 up"
    assert jobs["report"]() == ("2026-W47: reports/2026-W47/index.html; email not sent: "
                                "smtp_host is not set")
    assert jobs["retention"]() == "prune: deleted 3"
    assert fake.calls == [("check",), ("report",), ("prune",)]

    with_mail = RecordingChildren()
    jobs = child_jobs(with_mail, settings.load(environ={"MONITOR_SMTP_HOST": "mail.test"}))
    assert jobs["report"]().endswith("; email: 2026-W47: 20 kecamatan, 21 sent")
    assert with_mail.calls == [("report",), ("email",)]
