"""The sweep: fetch every site within its deadline, then hand each snapshot to the checks.

Flow per site: wait for a slot on its host (at most ``per_host`` connections to one host, so
the shared kelurahan portal is not hammered), then a global slot (``concurrency``), then:

1. the home page, within the deadline (``timeout``: DNS, connect, TLS, headers, body);
2. one retry after ``retry_pause`` for ``connect``, ``timeout`` and 5xx, with a fresh
   deadline, so one lost packet does not mark a kecamatan down (both attempts recorded);
3. the extra URLs checks ask for (``checks.plan``), within what is left of the successful
   attempt's deadline and at most ``max_extra`` of them;
4. the checks, off the event loop (a thread for small fleets, processes for large ones:
   parsing HTML on the loop would stall every other site's timers).

Queueing time is never counted against a site's deadline: the clock starts when the site has
its slots. The sweep knows nothing about SQL; results go to ``on_result``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import ssl
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from monitor import USER_AGENT, checks
from monitor.checks import CheckOutcome
from monitor.fetch import FetchConfig, default_ssl_context, fetch, host_of, new_client
from monitor.snapshot import Attempt, Fetched, PreviousFinding, Snapshot
from monitor.targets import Target

log = logging.getLogger(__name__)

RETRY_ERRORS = frozenset({"connect", "timeout"})
PROCESS_POOL_FROM = 300  # sites; below this a thread is cheaper than starting processes


@dataclass(frozen=True)
class SweepOptions:
    timeout: float = 20.0
    concurrency: int = 20
    per_host: int = 2
    max_bytes: int = 5_000_000
    retry_pause: float = 2.0
    max_extra: int = 10  # freshness <= 4, mobile CSS <= 4, content cloaking <= 1
    max_plan_rounds: int = 3
    user_agent: str = USER_AGENT
    workers: int | None = None  # check processes; None: decide by fleet size
    check_options: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class SiteResult:
    """A site's snapshot summary and its check outcomes, ready for the store."""

    code: str
    url: str
    taken_at: datetime
    attempts: list[Attempt]
    outcomes: list[CheckOutcome]
    extra_urls: list[str]

    def fields(self) -> dict[str, Any]:
        """The SPEC export fields, merged from every check's finding."""
        merged: dict[str, Any] = {}
        for outcome in self.outcomes:
            merged.update(outcome.fields)
        return merged


def _retryable(home: Fetched) -> bool:
    if home.error in RETRY_ERRORS:
        return True
    return home.error is None and home.status_code is not None and home.status_code >= 500


class Sweeper:
    def __init__(
        self,
        options: SweepOptions,
        *,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.options = options
        self.ssl_context = ssl_context or default_ssl_context()
        self.clock = clock
        self._host_slots: dict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(options.per_host))
        self._slots = asyncio.Semaphore(options.concurrency)
        self._executor: Executor | None = None

    async def run(
        self,
        targets: Sequence[Target],
        previous: Mapping[str, dict[str, PreviousFinding]] | None = None,
    ) -> AsyncIterator[SiteResult]:
        """Yield one SiteResult per target as each completes."""
        previous = previous or {}
        self._executor = self._make_executor(len(targets))
        try:
            tasks = [asyncio.create_task(self._site(t, previous.get(t.code, {})))
                     for t in targets]
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            self._executor.shutdown(wait=False, cancel_futures=True)

    def _make_executor(self, size: int) -> Executor:
        workers = self.options.workers
        if workers is None:
            workers = min(os.cpu_count() or 1, 4) if size >= PROCESS_POOL_FROM else 0
        if workers <= 0:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="checks")
        return ProcessPoolExecutor(max_workers=workers)

    async def _site(self, target: Target, previous: dict[str, PreviousFinding]) -> SiteResult:
        snapshot = Snapshot(target.code, target.level, target.name, target.kecamatan,
                            target.url, self.clock(), previous=previous)
        if target.has_site:
            async with self._host_slots[host_of(target.url)], self._slots:
                await self._fetch_site(snapshot)
        loop = asyncio.get_running_loop()
        assert self._executor is not None
        outcomes = await loop.run_in_executor(
            self._executor, checks.run_for_pool, snapshot, dict(self.options.check_options))
        return SiteResult(target.code, target.url, snapshot.taken_at, snapshot.attempts,
                          outcomes, list(snapshot.extra))

    async def _fetch_site(self, snapshot: Snapshot) -> None:
        opts = self.options
        config = FetchConfig(opts.timeout, opts.max_bytes, opts.user_agent, self.ssl_context)
        async with new_client(config, self.ssl_context) as client:
            home = await self._attempt(client, snapshot)
            if _retryable(home):
                await asyncio.sleep(opts.retry_pause)
                home = await self._attempt(client, snapshot)
            snapshot.home = home
            if home.ok:
                deadline = time.monotonic() - (home.elapsed_ms or 0) / 1000 + opts.timeout
                await self._fetch_extra(client, snapshot, deadline)

    async def _attempt(self, client: Any, snapshot: Snapshot) -> Fetched:
        started = self.clock()
        home = await fetch(client, snapshot.url, timeout=self.options.timeout,
                           max_bytes=self.options.max_bytes)
        snapshot.attempts.append(Attempt(started, home.error, home.status_code,
                                         home.elapsed_ms, home.error_detail))
        return home

    async def _fetch_extra(self, client: Any, snapshot: Snapshot, deadline: float) -> None:
        """Ask the checks what else they need, round by round, until the budget is spent."""
        loop = asyncio.get_running_loop()
        budget = self.options.max_extra
        for _round in range(self.options.max_plan_rounds):
            if budget <= 0 or time.monotonic() >= deadline:
                return
            assert self._executor is not None
            wanted = await loop.run_in_executor(self._executor, checks.plan_for_pool, snapshot)
            if not wanted:
                return
            for request in wanted[:budget]:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                snapshot.extra[request.key] = await fetch(
                    client, request.url, timeout=left,
                    max_bytes=min(request.max_bytes, self.options.max_bytes),
                    user_agent=request.user_agent)
                budget -= 1
