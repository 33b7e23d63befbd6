"""The jobs the CLI and the scheduler both run, wiring the stages together.

``run_sweep``: targets -> sweep -> checks -> store, writing results in batches as sites
finish, so a sweep killed midway keeps what it had measured and is marked ``incomplete``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.alerts.run import after_sweep
from monitor.core.activity import classify
from monitor.store import Store
from monitor.store.locks import sweep_lock
from monitor.sweep.sweeper import SiteResult, Sweeper, SweepOptions
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


# Every stored column but the keys, with the value a result has when no check set it.
ROW_DEFAULTS: dict[str, Any] = {
    "url": "", "available": None, "status_code": None, "error": None, "error_detail": "",
    "response_ms": None, "ttfb_ms": None, "final_url": None, "https": None,
    "cert_days_left": None, "last_update": None, "last_update_source": None,
    "last_update_evidence": None, "days_since_update": None, "activity": "tidak_diketahui",
    "mobile_friendly": None, "mobile_score": None, "mobile_issues": [], "content_flags": [],
}


def to_row(result: SiteResult) -> dict[str, Any]:
    """The stored row as column values: SPEC fields as columns, each finding (with its
    evidence) as data. Plain values, not an ORM object: building 10,000 SQLModel objects
    cost ~0.6 ms each in a sweep whose whole budget is a few ms per site."""
    fields = result.fields()
    row: dict[str, Any] = {**ROW_DEFAULTS, "url": result.url, "checked_at": result.taken_at}
    row.update((k, v) for k, v in fields.items() if k in ROW_DEFAULTS)
    row["findings"] = {o.name: o.data for o in result.outcomes if o.ok}
    row["failed_checks"] = {o.name: o.failure for o in result.outcomes if not o.ok}
    if "activity" not in fields:  # no freshness check ran: judge from reachability alone
        row["activity"] = classify(has_site=bool(result.url), reachable=bool(row["available"]),
                                   days_since_update=None)
    availability = row["findings"].get("availability", {})
    row["error_detail"] = availability.get("error_detail", "")
    row["ttfb_ms"] = availability.get("ttfb_ms")
    row["attempts"] = [_plain_attempt(a) for a in result.attempts]
    return row


def _plain_attempt(attempt: Any) -> dict[str, Any]:
    data = asdict(attempt)
    data["started_at"] = attempt.started_at.isoformat()
    return data


async def _sweep_into_store(
    store: Store,
    sweep_id: int,
    targets: Sequence[Target],
    sweeper: Sweeper,
    progress: Progress | None,
) -> tuple[int, int, int]:
    """Store results in batches as sites finish. The writes run on the event loop, not in a
    thread: a batch costs ~10 ms, while a writer thread beside the loop made every socket
    call of the sweep wait for the GIL (measured: 2.7 -> 6.4 ms CPU per site)."""
    previous = store.previous_findings()
    batch: list[tuple[str, dict[str, Any]]] = []
    up = down = no_site = 0
    async for site_result in sweeper.run(targets, previous):
        row = to_row(site_result)
        if row["error"] == "no_site":
            no_site += 1
        elif row["available"]:
            up += 1
        else:
            down += 1
        batch.append((site_result.code, row))
        if progress is not None:
            progress(site_result)
        if len(batch) >= BATCH:
            store.save_rows(sweep_id, batch)
            batch = []
    if batch:
        store.save_rows(sweep_id, batch)
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
) -> SweepSummary:
    """One sweep of ``targets`` stored as one sweep. The whole file is synced into the store
    first; ``only`` (codes) limits which sites this sweep fetches.

    The database's sweep lock (store/locks.py) is held throughout: a second sweep on the same
    database raises LockedError before writing anything. Once we hold it, sweeps still marked
    'running' cannot be running (they were killed): they are marked incomplete."""
    with sweep_lock(store.engine):
        abandoned = store.mark_abandoned_sweeps(clock())
        if abandoned:
            log.warning("marked %d abandoned sweep(s) incomplete", abandoned)
        summary = _locked_sweep(store, targets, options, only=only, ssl_context=ssl_context,
                                progress=progress, clock=clock)
        # Alerts go out at the end of every sweep, so cron and `monitor serve` need nothing
        # more; after_sweep logs its own faults and waits at most alert_send_timeout.
        after_sweep(store, targets, options.check_options, summary.sweep_id, clock())
        return summary


def _locked_sweep(
    store: Store,
    targets: Sequence[Target],
    options: SweepOptions,
    *,
    only: Sequence[str],
    ssl_context: ssl.SSLContext | None,
    progress: Progress | None,
    clock: Callable[[], datetime],
) -> SweepSummary:
    started = clock()
    store.sync_targets(targets, started)
    if only:
        wanted = set(only)
        targets = [t for t in targets if t.code in wanted]
    sweep_id = store.begin_sweep(started, len(targets), {
        "timeout": options.timeout, "concurrency": options.concurrency,
        "only": sorted(only), "browser": options.browser,  # service.audit_plan reads it
    })
    status = "incomplete"
    up = down = no_site = 0
    try:
        sweeper = Sweeper(options, ssl_context=ssl_context, clock=clock)
        up, down, no_site = asyncio.run(
            _sweep_into_store(store, sweep_id, targets, sweeper, progress))
        status = "complete"
    finally:
        finished = clock()
        store.finish_sweep(sweep_id, finished, status)
    seconds = (finished - started).total_seconds()
    return SweepSummary(sweep_id, len(targets), up, down, no_site, seconds, status)
