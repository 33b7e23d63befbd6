"""The two limits every request of ours obeys, shared by the sweep and discovery.

``RequestLimiter``: at most ``per_host`` connections to one host (the shared kelurahan portal
serves 126 areas and must not be hammered) and ``concurrency`` in all. The host slot is taken
first, so a site waiting for its busy host never holds one of the global slots. Both numbers
are clamped to at least 1: ``asyncio.Semaphore(-1)`` raises and ``Semaphore(0)`` never opens,
and either would leave the sweep waiting for ever.

``BodyBudget``: bytes of response bodies held in memory at once across a sweep. Measured before
it existed: 300 sites sending 4.9 MB pages took 2.5 GB of RSS (concurrency x 5 MB x ~1.6).
Each site holds its first ``free`` bytes without asking (128 KB: most kelurahan home pages);
past that it takes one grant big enough for the rest of the body (its Content-Length, else the
size cap), at once while the budget has room, and keeps it until its checks are done. Grants
are all-or-nothing and first come, first served. A site that holds a grant and needs more (a
body longer than it said, an extra URL after a big page) is served at once, beyond the limit if
need be, so it never waits for a site that waits for it: no deadlock, only a queue, and the
limit is exceeded by at most those rare top-ups. A site alone in the budget is always served,
so a budget smaller than one page slows the sweep down but never stops it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

log = logging.getLogger(__name__)

FREE_PER_SITE = 128_000  # bytes a site holds without asking the budget


class RequestLimiter:
    """Per-host, then global, connection slots."""

    def __init__(self, concurrency: int, per_host: int) -> None:
        if concurrency < 1 or per_host < 1:
            log.warning("request limits concurrency=%s per_host=%s raised to at least 1",
                        concurrency, per_host)
        self.concurrency = max(1, concurrency)
        self.per_host = max(1, per_host)
        self._global = asyncio.Semaphore(self.concurrency)
        # partial, not a lambda over self: no reference cycle for the collector
        self._hosts: dict[str, asyncio.Semaphore] = defaultdict(
            functools.partial(asyncio.Semaphore, self.per_host))

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        async with self._hosts[host], self._global:
            yield


class BodyBudget:
    """Bytes of bodies in flight across one sweep process (see the module docstring)."""

    def __init__(self, limit: int, free: int = FREE_PER_SITE) -> None:
        self.limit = max(1, limit)
        self.free = free
        self.held = 0
        self.peak = 0
        self.waits = 0  # grants that had to queue
        self._queue: deque[tuple[int, asyncio.Future[None]]] = deque()

    def lease(self) -> BodyLease:
        return BodyLease(self)

    async def _take(self, size: int) -> None:
        if not self._queue and self._fits(size):
            self._grant(size)
            return
        self.waits += 1
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (size, waiter)
        self._queue.append(entry)
        try:
            await waiter
        except BaseException:
            if waiter.done() and not waiter.cancelled():
                self._give(size)  # granted as we were cancelled: hand it on
            else:
                if entry in self._queue:  # _wake may have dropped it already
                    self._queue.remove(entry)
                self._wake()
            raise

    def _fits(self, size: int) -> bool:
        return self.held == 0 or self.held + size <= self.limit

    def _grant(self, size: int) -> None:
        self.held += size
        self.peak = max(self.peak, self.held)

    def _give(self, size: int) -> None:
        self.held -= size
        self._wake()

    def _wake(self) -> None:
        while self._queue and self._fits(self._queue[0][0]):
            size, waiter = self._queue.popleft()
            if waiter.cancelled():
                continue
            self._grant(size)
            waiter.set_result(None)


class BodyLease:
    """One site's share of the budget, from its first body byte until its checks are done."""

    def __init__(self, budget: BodyBudget) -> None:
        self.budget = budget
        self.used = 0
        self.granted = 0
        self._waiting: asyncio.Event | None = None  # set when this site's queued wait ends

    async def grow(self, size: int, expected_rest: int,
                   deadline: asyncio.Timeout | None = None,
                   transport: asyncio.ReadTransport | None = None, *,
                   ahead: bool = False) -> None:
        """Count ``size`` more body bytes; wait for a grant when past what this site holds.
        ``expected_rest``: how many more bytes this body may still bring. ``deadline``: the
        fetch's, stopped while waiting and moved on by the time waited (queueing for memory
        is not the site's fault, and must not make it time out). ``transport``: the
        connection, which stops reading while we wait (TCP then holds the sender back).
        ``ahead``: ``expected_rest`` is a declared length; reserve it before reading any of
        it, so a site that must wait holds no half-read body and no read buffers."""
        self.used += size
        over = self.used - self.budget.free - self.granted
        if ahead:
            over += expected_rest
        if over <= 0:
            return
        want = over if ahead else over + expected_rest
        if self.granted:
            # Already holding a grant (a body bigger than it said, or an extra URL after a
            # big page): never wait for sites that may be waiting for this one.
            self.budget._grant(want)
            self.granted += want
            return
        if self._waiting is not None:
            # The site's other connection is already queued (extras are fetched two at a
            # time): wait for that, then count again (holding its grant, this one is taken
            # without queueing), so a site never holds a grant while queued behind itself.
            await self._waiting.wait()
            await self.grow(0, expected_rest, deadline, transport, ahead=ahead)
            return
        self._waiting = asyncio.Event()
        try:
            await self._wait_for(want, deadline, transport)
        finally:
            self._waiting.set()
            self._waiting = None

    async def _wait_for(self, want: int, deadline: asyncio.Timeout | None,
                        transport: asyncio.ReadTransport | None) -> None:
        when = deadline.when() if deadline is not None else None
        if deadline is not None and when is not None:
            deadline.reschedule(None)
        paused = transport if transport is not None and transport.is_reading() else None
        if paused is not None:
            paused.pause_reading()
        started = time.monotonic()
        try:
            await self.budget._take(want)
        finally:
            if paused is not None and not paused.is_closing():
                paused.resume_reading()
        self.granted += want
        if deadline is not None and when is not None:
            deadline.reschedule(when + time.monotonic() - started)

    def release(self) -> None:
        granted, self.granted, self.used = self.granted, 0, 0
        if granted:
            self.budget._give(granted)


OPEN_FILES_SPARE = 256  # the store, logs, the HTTP cache, worker pipes, Chromium


def open_files_for(concurrency: int, per_host: int) -> int:
    """Raise this process's soft limit on open files to what a sweep may hold at once:
    ``concurrency`` sites with up to ``per_host`` connections each, and a spare. Returns the
    limit in force. Why: the common default soft limit is 1,024, and at concurrency 500 with
    six connections to a site's own host a sweep would run out of descriptors, and healthy
    sites would be recorded down because of us. Past the hard limit it warns (an operator
    raises it, or lowers ``concurrency``); on a system without the call it does nothing."""
    try:
        import resource
    except ImportError:  # not on Windows
        return -1
    wanted = max(1, concurrency) * max(1, per_host) + OPEN_FILES_SPARE
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return soft
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError) as exc:
        log.warning("cannot raise the open files limit from %d to %d: %s", soft, target, exc)
        return soft
    if target < wanted:
        log.warning("open files limit %d (the hard limit) is below the %d that concurrency "
                    "%d x per_host %d may need: raise it (ulimit -n) or lower concurrency",
                    target, wanted, concurrency, per_host)
    return target
