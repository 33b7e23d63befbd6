"""The sweep: fetch every site within its deadline, then hand each snapshot to the checks.

Flow per site: wait for a slot on its host (at most ``per_host`` connections to one host, so
the shared kelurahan portal is not hammered), then a global slot (``concurrency``; both in
``limits.RequestLimiter``), then:

1. the home page, within the deadline (``timeout``: DNS, connect, TLS, headers, body);
2. one retry after ``retry_pause`` for ``connect``, ``timeout`` and 5xx, with a fresh
   deadline, so one lost packet does not mark a kecamatan down (both attempts recorded);
3. the extra URLs checks ask for (``checks.plan``; last sweep's already asked beside the home
   page, ``foresight.py``), within the answering attempt's deadline, at most ``max_extra``; one
   fetch per sweep of a URL sites share (``assets.py``), conditional (``validators.py``);
4. the checks, on the event loop, one check per task step, and no more checks in one loop
   step than fit in 20 ms (``gate.py``), so timers and sockets are served between checks.
   Not in a thread: measured here, a
   CPU-bound thread beside the loop doubles the CPU per site at 500 connections (every
   syscall of the loop thread then waits for the GIL: the convoy effect) and stalls the loop
   for over a second. Checks parse with lxml (~1 ms for a 120 KB page) to stay cheap.
   A snapshot over ``INLINE_BYTES`` is judged in this sweep's worker process instead
   (``offloop.py``), within ``offloop_timeout``.

Every target yields exactly one result. A bug of ours for one site becomes that site's result
(error ``other``, ``internal error: ...``); a big page whose worker is too slow or dies keeps
its availability, its other checks recorded as failed, and the worker is replaced. Bodies
held in memory are bounded by ``inflight_bytes`` (``limits.BodyBudget``).

A large fleet is split over processes, one event loop per core (``shards.py``). A stall
probe records the longest time the event loop could not run (``stats["max_stall_ms"]``):
above ~100 ms, healthy sites start timing out because of us, not them.

Queueing time is never counted against a site's deadline: the clock starts when the site has
its slots. The sweep knows nothing about SQL; results go to ``on_result``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import signal
import ssl
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from typing import Any

from monitor import USER_AGENT, checks
from monitor.checks import CheckOutcome
from monitor.core.hosts import host_in
from monitor.core.snapshot import Attempt, Fetched, PreviousFinding, Request, Snapshot
from monitor.sweep.address import PublicTest, is_public, trusting
from monitor.sweep.assets import SharedAssets
from monitor.sweep.browser import SweepBrowser, sweep_stamp
from monitor.sweep.collector import calm_collector
from monitor.sweep.extras import fetch_round, lanes_for, own_hosts_only
from monitor.sweep.fetch import (
    FetchConfig,
    Resolver,
    fetch,
    host_of,
    new_client,
    ssl_context_for,
)
from monitor.sweep.foresight import Ahead, Foresight, foreseeable
from monitor.sweep.gate import CheckGate
from monitor.sweep.limits import BodyBudget, BodyLease, RequestLimiter, open_files_for
from monitor.sweep.loop import run as run_on_loop
from monitor.sweep.meter import Meter, peak_rss_mb, probe_collections, probe_stalls
from monitor.sweep.offloop import OffLoopError, OffLoopWorker
from monitor.sweep.result import SiteResult, bytes_of, failed_result
from monitor.sweep.shards import PipeSender, run_sharded, shard_count, start_server
from monitor.sweep.spread import StartOrder, retryable, site_hosts
from monitor.sweep.spread import interleave_hosts as interleave_hosts
from monitor.sweep.validators import Validators
from monitor.targets.loader import Target

log = logging.getLogger(__name__)

# Snapshots larger than this (home page + extras) are judged in a worker process. Typical
# kecamatan/kelurahan home pages are 30-300 KB and cost 2-20 ms on the loop; a hostile 5 MB
# page cost ~1.7 s here even with every check capped.
INLINE_BYTES = 600_000
RAMP_S = 0.002  # between worker starts: 500 workers are all running after one second


@dataclass(frozen=True)
class SweepOptions:
    timeout: float = 20.0
    concurrency: int = 150  # the setting's default (core/settings.py)
    per_host: int = 6  # the setting's default (core/settings.py)
    max_bytes: int = 5_000_000
    retry_pause: float = 2.0
    max_extra: int = 10  # freshness <= 4, CSS <= 4 (mobile, content), content profiles <= 2
    max_plan_rounds: int = 3
    inflight_bytes: int = 256_000_000  # bodies held in memory at once (limits.BodyBudget)
    offloop_timeout: float = 60.0  # judging or planning one big page in the worker process
    user_agent: str = USER_AGENT
    ca_bundle: str = ""  # extra CA certificates (PEM) to trust, besides certifi's
    shards: int | None = None  # processes; None: one per core for large fleets
    only_checks: tuple[str, ...] = ()  # run just these checks (benchmarks); () = all
    browser: bool = False  # also audit each reachable home page in Chromium (monitor.sweep.browser)
    screenshots_dir: str = "screenshots"  # where the browser audit keeps phone screenshots
    http_cache_dir: str = ""  # validators and bodies kept between sweeps; "" = off
    check_options: Mapping[str, Any] = field(default_factory=dict)
    event_loop: str = "uvloop"  # monitor.sweep.loop: the loop shards and the sweep run on


def _by_name(names: tuple[str, ...]) -> tuple[checks.Check, ...]:
    return tuple(c for c in checks.CHECKS if c.name in names)


def _run_named(snapshot: Snapshot, options: dict[str, Any],
               names: tuple[str, ...]) -> list[CheckOutcome]:
    """Entry point in the big-page worker process (checks are found again by name)."""
    return checks.run_checks(snapshot, options, _by_name(names))


def _plan_named(snapshot: Snapshot, names: tuple[str, ...]) -> list[Request]:
    return checks.plan(snapshot, _by_name(names))


class Sweeper:
    def __init__(
        self,
        options: SweepOptions,
        *,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        resolver: Resolver | None = None,
        public: PublicTest = is_public,
    ) -> None:
        self.options = options
        self._resolver = resolver  # tests: named hosts on loopback
        self._public = trusting(str(options.check_options.get("trusted_networks") or ""),
                                public)
        self.ssl_context = ssl_context or ssl_context_for(options.ca_bundle)
        self.clock = clock
        self.stats: dict[str, float] = {"max_stall_ms": 0.0, "failed": 0.0,
                                        "offloop_failures": 0.0}
        self._limiter = RequestLimiter(options.concurrency, options.per_host)
        self._bodies = BodyBudget(options.inflight_bytes)
        self.meter = Meter(self.stats)
        self._assets = SharedAssets((), self.meter)  # per run: knows which hosts are shared
        self._validators = Validators(options.http_cache_dir, self.meter)
        self._foresight = Foresight(self._validators.kept, self.meter)
        self._gate = CheckGate()
        self._checks = tuple(c for c in checks.CHECKS
                             if not options.only_checks or c.name in options.only_checks)
        self._names = tuple(c.name for c in self._checks)
        self._offloop: OffLoopWorker | None = None  # started on the first big page
        self._browser: SweepBrowser | None = None

    @property
    def previous_read(self) -> frozenset[str]:
        """Whose previous findings this sweep reads: each of its checks its own, and the
        start order availability's (``spread.StartOrder``). The store decodes no more."""
        return frozenset((*self._names, "availability"))

    async def run(
        self,
        targets: Sequence[Target],
        previous: Mapping[str, dict[str, PreviousFinding]] | None = None,
    ) -> AsyncGenerator[SiteResult, None]:
        """Yield exactly one SiteResult per target as each completes."""
        previous = previous or {}
        open_files_for(self.options.concurrency, self.options.per_host)  # shards inherit it
        shards = shard_count(self.options, len(targets))
        if shards > 1:
            # calm here too: a full collection over the previous findings held here stopped
            # this process from reading results, and the shards' sends then waited for it
            with calm_collector():
                async for result in run_sharded(targets, previous, self.options, shards,
                                                self.stats, entry=shard_main,
                                                failed=failed_result):
                    yield result
            return
        order = StartOrder(interleave_hosts(targets), previous, self._limiter.concurrency)
        self._assets = SharedAssets((t.url for t in targets), self.meter)
        if self.options.browser:
            self._browser = SweepBrowser(self.options.screenshots_dir, sweep_stamp(self.clock()),
                                         self.options.timeout)
        done: asyncio.Queue[SiteResult] = asyncio.Queue()

        async def worker(index: int) -> None:
            # A fixed pool of workers, not one task per site, started over a short ramp:
            # 500 connections opened in one loop step stall the loop for most of a second.
            await asyncio.sleep(index * RAMP_S)
            while order:
                target = order.take()
                try:
                    result = await self._site_safely(target, previous.get(target.code, {}))
                finally:
                    order.finished(target)
                await done.put(result)

        tasks = [asyncio.create_task(probe_stalls(self.stats))]
        tasks += [asyncio.create_task(worker(i))
                  for i in range(min(self._limiter.concurrency, len(targets)))]
        try:
            # collector.py: GC pauses were loop stalls; probe_collections times what is left
            with calm_collector(), probe_collections(self.stats):
                for _ in range(len(targets)):
                    yield await done.get()
        finally:
            for task in tasks:
                task.cancel()
            self._validators.flush()
            if self._browser is not None:
                self._browser.close()
            if self._offloop is not None:
                self.stats["offloop_workers"] = self._offloop.started
                self._offloop.close()
            self.stats["inflight_peak_mb"] = self._bodies.peak / 1e6

    async def _site_safely(self, target: Target,
                           previous: dict[str, PreviousFinding]) -> SiteResult:
        """``_site``, but a bug of ours for one site is that site's result, never a hang."""
        try:
            return await self._site(target, previous)
        except Exception as exc:
            log.exception("sweeping %s failed in our own code", target.code)
            self.stats["failed"] += 1
            return failed_result(target, f"{type(exc).__name__}: {exc}", self.clock())

    async def _off_loop(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run ``func`` in this sweep's worker process: for big pages only, so a hostile
        5 MB page (a second or more of parsing and checks) never freezes the other sites'
        timers. Raises OffLoopError past ``offloop_timeout`` or when the worker dies (it is
        replaced on the next call)."""
        if self._offloop is None:
            self._offloop = OffLoopWorker(self.options.offloop_timeout, preload=(__name__,))
        try:
            return await self._offloop.call(func, *args)
        except OffLoopError:
            self.stats["offloop_failures"] += 1
            raise

    async def _site(self, target: Target, previous: dict[str, PreviousFinding]) -> SiteResult:
        snapshot = Snapshot(target.code, target.level, target.name, target.kecamatan,
                            target.url, self.clock(), previous=previous)
        lease = self._bodies.lease()
        try:
            if target.has_site:
                async with self._limiter.slot(host_of(target.url)):
                    await self._fetch_site(snapshot, lease)
                if self._browser is not None and snapshot.home is not None \
                        and snapshot.home.ok:
                    snapshot.browser = await self._browser.audit(target.code, snapshot.url)
            outcomes = await self._judge(snapshot)
        finally:
            lease.release()
        return SiteResult(target.code, target.url, snapshot.taken_at, snapshot.attempts,
                          outcomes, list(snapshot.extra))

    async def _judge(self, snapshot: Snapshot) -> list[CheckOutcome]:
        options = self.options.check_options
        if bytes_of(snapshot) <= INLINE_BYTES:
            outcomes: list[CheckOutcome] = []
            for check in self._checks:
                await self._gate.turn()  # sockets and timers run between checks (gate.py)
                with self.meter.cpu(check.name):
                    outcomes += checks.run_checks(snapshot, options, (check,))
            return outcomes
        try:
            return await self._off_loop(_run_named, snapshot, dict(options),  # type: ignore[no-any-return]
                                        self._names)
        except OffLoopError as exc:
            # The site's reachability is still known (availability reads status codes, it
            # does not parse); the checks that needed the big page are recorded as failed.
            log.warning("judging %s off the loop failed: %s", snapshot.code, exc)
            cheap = tuple(c for c in self._checks if c.name == "availability")
            outcomes = checks.run_checks(snapshot, options, cheap)
            return outcomes + [CheckOutcome(c.name, False, {}, {}, str(exc)[:500])
                               for c in self._checks if c not in cheap]

    async def _fetch_site(self, snapshot: Snapshot, lease: BodyLease) -> None:
        opts = self.options
        config = FetchConfig(opts.timeout, opts.max_bytes, opts.user_agent, self.ssl_context)
        lanes = lanes_for(self._assets, snapshot.url, opts.per_host)
        async with new_client(config, self.ssl_context, self._resolver, self._public,
                              max_connections=lanes) as client:
            ahead = self._foresee(client, snapshot, lanes, lease)
            try:
                home = await self._attempt(client, snapshot, lease)
                if retryable(home):
                    await ahead.drop()  # a retried site asks round by round (foresight.py)
                    await asyncio.sleep(opts.retry_pause)
                    home = await self._attempt(client, snapshot, lease)
                snapshot.home = home
                if home.ok:
                    deadline = time.monotonic() - (home.elapsed_ms or 0) / 1000 + opts.timeout
                    asked = await self._fetch_extra(client, snapshot, deadline, lease, ahead,
                                                    lanes)
                    self._foresight.remember(snapshot.url, ahead, asked)
            finally:
                await ahead.drop()

    def _foresee(self, client: Any, snapshot: Snapshot, lanes: int, lease: BodyLease) -> Ahead:
        """The extras the site asked for last sweep, started beside its home page."""
        def one(request: Request) -> Awaitable[Fetched]:
            return self._fetch_one(client, request, self.options.timeout, lease=lease,
                                   hosts=[host_in(snapshot.url), host_in(request.url)])

        return self._foresight.ahead(snapshot.url, lanes, functools.partial(
            foreseeable, self._assets, snapshot.url), one)

    async def _attempt(self, client: Any, snapshot: Snapshot, lease: BodyLease) -> Fetched:
        started = self.clock()
        home = await fetch(client, snapshot.url, timeout=self.options.timeout,
                           max_bytes=self.options.max_bytes, lease=lease)
        snapshot.attempts.append(Attempt(started, home.error, home.status_code,
                                         home.elapsed_ms, home.error_detail))
        self.meter.fetched(home)
        return home

    async def _fetch_extra(self, client: Any, snapshot: Snapshot, deadline: float,
                           lease: BodyLease, ahead: Ahead, lanes: int) -> list[Request]:
        """Ask the checks what else they need, round by round, until the budget is spent;
        what was asked, in order (the next sweep's foresight)."""
        budget = self.options.max_extra
        asked: list[Request] = []
        for _round in range(self.options.max_plan_rounds):
            if budget <= 0 or time.monotonic() >= deadline:
                return asked
            await self._gate.turn()
            if bytes_of(snapshot) > INLINE_BYTES:
                try:
                    wanted = await self._off_loop(_plan_named, snapshot, self._names)
                except OffLoopError as exc:  # judge what we have; fetch nothing more
                    log.warning("planning extras for %s failed: %s", snapshot.code, exc)
                    return asked
            else:
                self.meter.parse(snapshot)
                with self.meter.cpu("plan"):
                    wanted = checks.plan(snapshot, self._checks)
            if not wanted:
                return asked
            hosts = site_hosts(snapshot)
            batch, refused = own_hosts_only(wanted[:budget], hosts)
            snapshot.extra.update(refused)  # recorded, so not asked again
            if time.monotonic() >= deadline:
                return asked
            budget -= len(batch)
            asked += batch
            one = functools.partial(self._fetch_one, client, hosts=hosts, lease=lease)
            fetched = await fetch_round(self._assets, batch, deadline, lanes=lanes,
                                        fetch=functools.partial(ahead.answer, fetch=one))
            snapshot.extra.update((r.key, got) for r, got in zip(batch, fetched, strict=True)
                                  if got is not None)
        return asked

    async def _fetch_one(self, client: Any, request: Request, timeout: float, *,
                         hosts: list[str], lease: BodyLease) -> Fetched:
        deadline = time.monotonic() + timeout

        async def get(conditional: dict[str, str]) -> Fetched:
            got = await fetch(client, request.url, timeout=deadline - time.monotonic(),
                              max_bytes=min(request.max_bytes, self.options.max_bytes),
                              user_agent=request.user_agent,
                              headers={**dict(request.headers), **conditional},
                              follow=request.follow, hosts=hosts, lease=lease)
            self.meter.fetched(got)
            return got

        if request.headers or not request.follow:
            # A visitor profile (content cloaking) must see what the site sends it now: a
            # cached body would hide a redirect the site started since.
            return await get({})
        return await self._validators.fetch(request, get)  # conditional across sweeps


def prepare_shards(options: SweepOptions, size: int) -> None:
    """Before a sweep of ``size`` targets reads its store: a sweep that will shard starts
    its fork server now (``shards.start_server``)."""
    if shard_count(options, size) > 1:
        start_server(shard_main)


def shard_main(targets: list[Target], previous: dict[str, dict[str, PreviousFinding]],
                options: Any, out: Connection) -> None:
    """Entry point of a shard process: sweep its targets, stream results, then its stats.
    Ctrl-C reaches the whole process group: the parent alone decides when a shard stops
    (it terminates shards it no longer needs), so it can store what they sent first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    async def go() -> None:
        sender = await PipeSender.open(out)  # never blocks this loop on a busy parent
        sweeper = Sweeper(replace(options, shards=1))
        async for result in sweeper.run(targets, previous):
            sender.send(("result", result))
        sweeper.stats["peak_rss_mb"] = peak_rss_mb()
        sender.send(("done", sweeper.stats))
        await sender.close()

    run_on_loop(go(), options.event_loop)
    out.close()
