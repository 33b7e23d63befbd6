"""`monitor serve`: sweeps, the weekly report + email, and pruning, on a Jakarta-time schedule.

The schedule is crontab lines from settings (``sweep_schedule``, ``report_schedule``,
``retention_schedule``, and ``period_schedule`` for last month's evidence pack on the 1st; an
empty one disables that job), read as Asia/Jakarta time whatever the machine's time zone.
APScheduler 3 runs them with, per job:

* ``max_instances=1``: a sweep still running when the next is due is not started twice (the
  database lock, store/locks.py, also stops a cron line or another machine);
* ``coalesce=True`` and ``misfire_grace_time`` (setting ``misfire_grace``): after a suspend or
  a very long job, the missed runs of a job collapse into one, and a run later than the grace
  is skipped rather than run as a backlog. A machine that was switched off has no backlog at
  all: the schedule starts from the time ``serve`` starts (in-memory job store).

Each job runs as its own ``python -m monitor <command>`` child process, the very command a
cron line would run. That keeps the service's behaviour identical to cron's, a crashing or
leaking job cannot take the service down, and stopping is simple: on SIGTERM/SIGINT the
service sends SIGTERM to the running child, which ends its sweep cleanly (stored results
kept, the sweep marked ``incomplete``; see monitor/service/shutdown.py), waits ``stop_grace``
seconds, then
kills it (the next sweep marks it). Each job logs one line with its outcome.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from monitor.core.clock import JAKARTA, iso_jakarta
from monitor.core.errors import ConfigError, MonitorError
from monitor.core.settings import Config
from monitor.report.period.span import previous_month

log = logging.getLogger(__name__)

JobFunc = Callable[[], str]
"""A job: does its work and returns a one-line outcome; raises on failure."""

JOB_SETTINGS = {"sweep": "sweep_schedule", "report": "report_schedule",
                "retention": "retention_schedule", "period": "period_schedule"}
DESCRIPTIONS = {"sweep": "sweep every target (monitor check)",
                "report": "weekly report + email (monitor report; monitor email)",
                "retention": "prune old results (monitor prune)",
                "period": "last month's evidence pack + email (monitor report --month)"}


class JobFailed(MonitorError):
    """A job's command ended with a non-zero status or was stopped."""


class JobSkipped(MonitorError):
    """A job had nothing to do or was not allowed to run now (e.g. another sweep runs)."""


@dataclass(frozen=True)
class JobSpec:
    id: str
    cron: str
    func: JobFunc

    @property
    def description(self) -> str:
        return DESCRIPTIONS.get(self.id, self.id)

    def trigger(self) -> CronTrigger:
        return cron_trigger(self.cron, JOB_SETTINGS.get(self.id, self.id))


def cron_trigger(expr: str, setting: str) -> CronTrigger:
    """A crontab line (minute hour day month weekday) in Asia/Jakarta time."""
    try:
        return CronTrigger.from_crontab(expr, timezone=JAKARTA)
    except ValueError as exc:
        raise ConfigError(f"setting {setting}: {expr!r} is not a crontab line "
                          f"(minute hour day month weekday): {exc}") from None


def plan_jobs(config: Config, funcs: Mapping[str, JobFunc]) -> list[JobSpec]:
    """The enabled jobs with their schedules; every schedule is validated here."""
    specs = []
    for job_id, setting in JOB_SETTINGS.items():
        expr = str(config.get(setting)).strip()
        if not expr or job_id not in funcs:  # disabled, or not a job of this caller
            continue
        spec = JobSpec(job_id, expr, funcs[job_id])
        spec.trigger()
        specs.append(spec)
    return specs


def next_runs(specs: Sequence[JobSpec], now: datetime) -> list[tuple[JobSpec, datetime]]:
    """When each job fires next after ``now`` (Jakarta time), soonest first."""
    upcoming = []
    for spec in specs:
        when = spec.trigger().get_next_fire_time(None, now.astimezone(JAKARTA))
        if when is not None:
            upcoming.append((spec, when))
    return sorted(upcoming, key=lambda pair: pair[1])


def add_jobs(scheduler: BaseScheduler, specs: Sequence[JobSpec], *, misfire_grace: int,
             run_now: Sequence[str] = ()) -> None:
    """Register ``specs`` on ``scheduler``; jobs named in ``run_now`` also run at start."""
    for spec in specs:
        extra = {"next_run_time": datetime.now(JAKARTA)} if spec.id in run_now else {}
        scheduler.add_job(logged(spec), trigger=spec.trigger(), id=spec.id,
                          name=spec.description, max_instances=1, coalesce=True,
                          misfire_grace_time=misfire_grace, replace_existing=True, **extra)
    scheduler.add_listener(_log_skipped_run, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)


def _log_skipped_run(event: JobExecutionEvent) -> None:
    why = ("it was due more than misfire_grace ago" if event.code == EVENT_JOB_MISSED
           else "the previous run is still going")
    log.warning("job %s: run due %s skipped: %s", event.job_id,
                iso_jakarta(event.scheduled_run_time), why)


def logged(spec: JobSpec) -> Callable[[], None]:
    """Run a job and log exactly one line with its outcome; never raise into APScheduler."""

    def run() -> None:
        started = time.monotonic()
        log.info("job %s started", spec.id)
        try:
            outcome = spec.func()
        except JobSkipped as exc:
            log.warning("job %s skipped: %s", spec.id, exc)
        except MonitorError as exc:
            log.error("job %s failed after %.1f s: %s", spec.id, time.monotonic() - started, exc)
        except Exception:  # our bug; the service must go on
            log.exception("job %s crashed after %.1f s", spec.id, time.monotonic() - started)
        else:
            log.info("job %s done in %.1f s: %s", spec.id, time.monotonic() - started, outcome)

    run.__name__ = f"job_{spec.id}"
    return run


# -- jobs as child processes --------------------------------------------------------------
class Children:
    """Runs `python -m monitor ARGS` children; ``stop()`` asks the running ones to end."""

    def __init__(self, *, timeout: float, grace: float, env: Mapping[str, str] | None = None,
                 command: Sequence[str] = (sys.executable, "-m", "monitor")) -> None:
        self.timeout = timeout
        self.grace = grace
        self.env = dict(os.environ if env is None else env)
        self.command = list(command)
        self._lock = threading.Lock()
        self._running: dict[subprocess.Popen[str], str] = {}
        self._stopped_at: float | None = None

    def run(self, *args: str) -> str:
        """The child's standard output; JobFailed on a non-zero exit or a stop, JobSkipped
        when another sweep holds the database."""
        with self._lock:
            if self._stopped_at is not None:
                raise JobSkipped("the service is stopping")
            proc = subprocess.Popen([*self.command, *args], env=self.env, text=True,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, errors="replace")
            self._running[proc] = " ".join(args)
        try:
            out, err, why = self._wait(proc)
        finally:
            with self._lock:
                self._running.pop(proc, None)
        if proc.returncode == 0 and not why:
            return out
        detail = _last_line(err) or _last_line(out) or "no output"
        if "already running on this database" in err or "holds the lock" in err:
            raise JobSkipped(detail.removeprefix("monitor: "))
        raise JobFailed(f"`monitor {' '.join(args)}` {why or 'exited with status'} "
                        f"{proc.returncode}: {detail}")

    def _wait(self, proc: subprocess.Popen[str]) -> tuple[str, str, str]:
        deadline = time.monotonic() + self.timeout
        asked_at: float | None = None
        why = ""
        while True:
            try:
                out, err = proc.communicate(timeout=0.2)
                return out, err, why
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if asked_at is None and (now > deadline or self._stopped_at is not None):
                why = "timed out, stopped with status" if now > deadline else "stopped with status"
                proc.send_signal(signal.SIGTERM)
                asked_at = now
            elif asked_at is not None and now > asked_at + self.grace:
                proc.kill()

    def stop(self) -> None:
        """SIGTERM to every running child (each then has ``grace`` seconds); no new ones."""
        with self._lock:
            self._stopped_at = time.monotonic()
            running = list(self._running.items())
        for proc, args in running:
            log.info("asking `monitor %s` (pid %d) to stop", args, proc.pid)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:500] if lines else ""


def child_jobs(children: Children, config: Config) -> dict[str, JobFunc]:
    """The production jobs: the same commands the README's crontab lines run."""

    def sweep() -> str:
        return _last_line(children.run("check")) or "done"  # the sweep's summary line

    def report() -> str:
        written = _first_line(children.run("report")) or "report written"  # the city report
        if not config.smtp_host:
            return f"{written}; email not sent: smtp_host is not set"
        return f"{written}; email: {_last_line(children.run('email')) or 'done'}"

    def retention() -> str:
        return _last_line(children.run("prune")) or "done"

    def period() -> str:
        args = ["report", "--month", previous_month(datetime.now(JAKARTA))]
        if config.smtp_host and str(config.get("period_recipients")).strip():
            args.append("--email")
        return _last_line(children.run(*args)) or "done"

    return {"sweep": sweep, "report": report, "retention": retention, "period": period}


# -- the service --------------------------------------------------------------------------
def serve(specs: Sequence[JobSpec], children: Children, stop: threading.Event, *,
          misfire_grace: int, run_now: Sequence[str] = (),
          scheduler: BaseScheduler | None = None) -> None:
    """Run the schedule until ``stop`` is set, then end the running job cleanly."""
    scheduler = scheduler or BackgroundScheduler(timezone=JAKARTA)
    add_jobs(scheduler, specs, misfire_grace=misfire_grace, run_now=run_now)
    scheduler.start()
    for spec, when in next_runs(specs, datetime.now(JAKARTA)):
        log.info("scheduled %s (%s): next %s", spec.id, spec.cron, iso_jakarta(when))
    while not stop.wait(1.0):  # a timeout keeps signal handlers prompt in the main thread
        pass
    log.info("stopping: waiting for the running job, if any, to end")
    children.stop()
    scheduler.shutdown(wait=True)
    log.info("stopped")
