"""The jobs the CLI and the scheduler both run, wiring the stages together.

``run_sweep``: targets -> sweep -> checks -> store, writing results in batches as sites
finish, so a sweep killed midway keeps what it had measured and is marked ``incomplete``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from monitor.alerts.run import after_sweep
from monitor.core.activity import classify
from monitor.core.plain import as_plain
from monitor.core.snapshot import Attempt
from monitor.service import watchdog as watchdog_module
from monitor.service.watchdog import HardWatchdog, SweepStalled, stall_limit
from monitor.store import Store, result_row
from monitor.store.locks import Lock, LockLostError, sweep_lock
from monitor.sweep.loop import run as run_on_loop
from monitor.sweep.result import SiteResult
from monitor.sweep.sweeper import Sweeper, SweepOptions, prepare_shards
from monitor.targets.loader import Target

log = logging.getLogger(__name__)

BATCH = 25

Progress = Callable[[SiteResult], None]


@dataclass(frozen=True)
class SweepSummary:
    sweep_id: int
    total: int
    up: int
    down: int
    no_site: int
    seconds: float
    status: str

    def line(self) -> str:
        return (f"sweep {self.sweep_id} {self.status}: {self.total} targets, {self.up} up, "
                f"{self.down} down, {self.no_site} without a website, {self.seconds:.1f} s")


def to_row(result: SiteResult) -> dict[str, Any]:
    """The stored row as column values: SPEC fields as columns, each finding (with its
    evidence) as data. Plain values, not an ORM object: building 10,000 SQLModel objects
    cost ~0.6 ms each in a sweep whose whole budget is a few ms per site. The columns come
    from the store (``result_row``), the one place that knows a result's shape."""
    fields = result.fields()
    row = result_row()
    row.update((k, v) for k, v in fields.items() if k in row)
    row["url"], row["checked_at"] = result.url, result.taken_at
    row["findings"] = {o.name: o.data for o in result.outcomes if o.ok}
    row["failed_checks"] = {o.name: o.failure for o in result.outcomes if not o.ok}
    availability = row["findings"].get("availability", {})
    row["error_detail"] = availability.get("error_detail", "")
    row["ttfb_ms"] = availability.get("ttfb_ms")
    row["attempts"] = [_plain_attempt(a) for a in result.attempts]
    if result.failure:  # our own code failed for this site: say so, never "up"
        row.update(available=False, error="other", error_detail=result.failure)
    if "activity" not in fields or result.failure:  # judge from reachability alone
        row["activity"] = classify(has_site=bool(result.url), reachable=bool(row["available"]),
                                   days_since_update=None)
    return row


def _plain_attempt(attempt: Attempt) -> dict[str, Any]:
    """An attempt as stored JSON (``asdict``'s deep copy cost ~2% of a sweep's CPU)."""
    data = as_plain(attempt)
    data["started_at"] = attempt.started_at.isoformat()
    return data


class _Writer:
    """Batches of rows into the store, each after checking that we still hold the sweep lock.
    A dropped database connection (a PostgreSQL restart) is retried for ``retry_seconds``
    before the sweep gives up; the rows wait in memory meanwhile."""

    def __init__(self, store: Store, sweep_id: int, lock: Lock | None,
                 retry_seconds: float) -> None:
        self.store, self.sweep_id, self.lock = store, sweep_id, lock
        self.retry_seconds = retry_seconds
        self.batch: list[tuple[str, dict[str, Any]]] = []

    async def add(self, code: str, row: dict[str, Any]) -> None:
        self.batch.append((code, row))
        if len(self.batch) >= BATCH:
            await self.flush()

    async def flush(self) -> None:
        if not self.batch:
            return
        waited = 0.0
        pause = 0.5
        while True:
            try:
                if self.lock is not None:
                    self.lock.check()
                self.store.save_rows(self.sweep_id, self.batch)
                break
            except (OperationalError, InterfaceError) as exc:
                if waited >= self.retry_seconds:
                    raise
                log.warning("database unreachable (%s); retrying in %.1f s",
                            str(exc.orig or exc).splitlines()[0], pause)
                await asyncio.sleep(pause)
                waited += pause
                pause = min(pause * 2, 5.0)
        self.batch = []

    def flush_now(self) -> None:
        """On the way out (cancelled, interrupted, stalled): one try, no waiting, and never
        an error that would hide why the sweep is ending."""
        try:
            if self.batch and (self.lock is None or _still_held(self.lock)):
                self.store.save_rows(self.sweep_id, self.batch)
                self.batch = []
        except Exception as exc:  # noqa: BLE001 - the original error is the one to report
            log.error("%d finished result(s) could not be stored: %s", len(self.batch),
                      str(exc).splitlines()[0])


def _still_held(lock: Lock) -> bool:
    try:
        lock.check()
    except LockLostError:
        return False
    return True


async def _sweep_into_store(
    store: Store,
    sweep_id: int,
    targets: Sequence[Target],
    sweeper: Sweeper,
    progress: Progress | None,
    *,
    lock: Lock | None = None,
    stall_seconds: float = 3600.0,
    retry_seconds: float = 30.0,
    watchdog: HardWatchdog | None = None,
) -> tuple[int, int, int]:
    """Store results in batches as sites finish. The writes run on the event loop, not in a
    thread: a batch costs ~10 ms, while a writer thread beside the loop made every socket
    call of the sweep wait for the GIL (measured: 2.7 -> 6.4 ms CPU per site).

    Whatever ends the sweep early (SIGTERM, Ctrl-C, the watchdog), the results already
    finished are written before this returns or raises."""
    previous = store.previous_findings(checks=sweeper.previous_read)
    writer = _Writer(store, sweep_id, lock, retry_seconds)
    up = down = no_site = 0
    results = sweeper.run(targets, previous)
    try:
        while True:
            try:
                async with asyncio.timeout(stall_seconds):
                    site_result = await anext(results)
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise SweepStalled(
                    f"sweep stopped: no site finished for {stall_seconds:.0f} s "
                    f"({up + down + no_site} of {len(targets)} stored); marked incomplete"
                ) from None
            if watchdog is not None:
                watchdog.touch()
            row = to_row(site_result)
            if row["error"] == "no_site":
                no_site += 1
            elif row["available"]:
                up += 1
            else:
                down += 1
            if progress is not None:
                progress(site_result)
            await writer.add(site_result.code, row)
        await writer.flush()
    except BaseException:
        writer.flush_now()
        raise
    finally:
        # the sites still in flight, the shard processes and the big-page worker end now,
        # not whenever the event loop shuts down
        await results.aclose()
    return up, down, no_site


def run_sweep(
    store: Store,
    targets: Sequence[Target],
    options: SweepOptions,
    *,
    only: Sequence[str] = (),
    ssl_context: ssl.SSLContext | None = None,
    progress: Progress | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    guard: SweepGuard | None = None,
) -> SweepSummary:
    """One sweep of ``targets`` stored as one sweep. The whole file is synced into the store
    first; ``only`` (codes) limits which sites this sweep fetches.

    The database's sweep lock (store/locks.py) is held throughout: a second sweep on the same
    database raises LockedError before writing anything. Once we hold it, sweeps still marked
    'running' cannot be running (they were killed): they are marked incomplete."""
    with sweep_lock(store.engine) as lock:
        abandoned = store.mark_abandoned_sweeps(clock())
        if abandoned:
            log.warning("marked %d abandoned sweep(s) incomplete", abandoned)
        summary = _locked_sweep(store, targets, options, only=only, ssl_context=ssl_context,
                                progress=progress, clock=clock, lock=lock,
                                guard=guard or SweepGuard())
        # Alerts go out at the end of every sweep, so cron and `monitor serve` need nothing
        # more; after_sweep logs its own faults and waits at most alert_send_timeout.
        after_sweep(store, targets, options.check_options, summary.sweep_id, clock())
        return summary


@dataclass(frozen=True)
class SweepGuard:
    """How long a sweep may go without storing a result, and how long a lost database
    connection is waited for (settings ``stall_timeout`` and ``db_retry``)."""

    stall_seconds: float = 300.0
    db_retry_seconds: float = 30.0


def _locked_sweep(
    store: Store,
    targets: Sequence[Target],
    options: SweepOptions,
    *,
    only: Sequence[str],
    ssl_context: ssl.SSLContext | None,
    progress: Progress | None,
    clock: Callable[[], datetime],
    lock: Lock,
    guard: SweepGuard,
) -> SweepSummary:
    started = clock()
    wanted = set(only)
    swept = [t for t in targets if t.code in wanted] if only else targets
    prepare_shards(options, len(swept))  # the shards' fork server imports while we write
    store.sync_targets(targets, started)
    targets = swept
    sweep_id = store.begin_sweep(started, len(targets), {
        "timeout": options.timeout, "concurrency": options.concurrency,
        "only": sorted(only), "browser": options.browser,  # service.audit_plan reads it
    })
    status = "incomplete"
    up = down = no_site = 0
    stall = stall_limit(guard.stall_seconds, timeout=options.timeout,
                        retry_pause=options.retry_pause,
                        offloop_timeout=options.offloop_timeout)

    def give_up() -> None:  # the watchdog thread's last act, when the loop is stuck
        store.finish_sweep(sweep_id, clock(), "incomplete")

    try:
        with HardWatchdog(stall + watchdog_module.HARD_GRACE_S, give_up) as watchdog:
            sweeper = Sweeper(options, ssl_context=ssl_context, clock=clock)
            up, down, no_site = run_on_loop(_sweep_into_store(
                store, sweep_id, targets, sweeper, progress, lock=lock, stall_seconds=stall,
                retry_seconds=guard.db_retry_seconds, watchdog=watchdog), options.event_loop)
        status = "complete"
    finally:
        finished = clock()
        _finish(store, sweep_id, finished, status)
    seconds = (finished - started).total_seconds()
    return SweepSummary(sweep_id, len(targets), up, down, no_site, seconds, status)


def _finish(store: Store, sweep_id: int, now: datetime, status: str) -> None:
    """Mark the sweep; if the database is gone too, say so and let the next sweep mark it
    (it marks sweeps left 'running' once it holds the lock)."""
    try:
        store.finish_sweep(sweep_id, now, status)
    except (OperationalError, InterfaceError) as exc:
        log.error("could not mark sweep %d %s (%s); the next sweep will",
                  sweep_id, status, str(exc.orig or exc).splitlines()[0])
