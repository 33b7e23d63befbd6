"""Polite, bounded fetching for discovery: per-host and global limits, one deadline for the run.

Discovery asks hundreds of made-up host names and crawls two portals, so every request
goes through here: at most ``per_host`` connections and ``host_requests`` requests to one
host (the shared kelurahan portal must not be hammered), at most ``concurrency`` at once,
each within ``timeout``, and nothing new starts once ``time_limit`` has passed. A URL is
fetched once per run however many candidates share it. HTTP itself is monitor.sweep.fetch's job.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from monitor import USER_AGENT
from monitor.core.snapshot import Fetched
from monitor.sweep.client import SiteClient
from monitor.sweep.fetch import FetchConfig, Resolver, fetch, host_of, new_client
from monitor.sweep.limits import RequestLimiter


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    time_limit: float = 300.0
    concurrency: int = 8
    per_host: int = 2
    host_requests: int = 200
    max_bytes: int = 2_000_000
    user_agent: str = USER_AGENT


class Fetcher:
    """Fetch URLs within ``Limits``; ``None`` means "not asked" (a limit was reached)."""

    def __init__(self, limits: Limits, ssl_context: ssl.SSLContext,
                 resolver: Resolver | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._ssl = ssl_context
        self._resolver = resolver
        self._clock = clock
        self._deadline = clock() + limits.time_limit
        self._slots = RequestLimiter(limits.concurrency, limits.per_host)
        self._clients: dict[str, SiteClient] = {}
        self._tasks: dict[str, asyncio.Task[Fetched | None]] = {}
        self._schemes: dict[str, str] = {}  # host -> "https", "http" or "dns"
        self._scheme_locks: dict[str, asyncio.Lock] = {}
        self.spent: Counter[str] = Counter()  # requests per host
        self.skipped: Counter[str] = Counter()  # URLs not asked, by limit

    @property
    def out_of_time(self) -> bool:
        return self._clock() >= self._deadline

    async def get(self, url: str) -> Fetched | None:
        """GET ``url`` once per run (later callers share the first answer)."""
        task = self._tasks.get(url)
        if task is None:
            task = asyncio.ensure_future(self._get(url))
            self._tasks[url] = task
        return await task

    async def get_site(self, spec: str) -> Fetched | None:
        """``spec`` '//host/path': HTTPS first, then plain HTTP unless the name does not
        resolve (many small government sites still serve HTTP only). What the first address
        of a host teaches is kept, so the kelurahan portal's 126 paths cost one try each."""
        if not spec.startswith("//"):
            return await self.get(spec)
        host = host_of("https:" + spec)
        if host not in self._schemes:
            async with self._scheme_locks.setdefault(host, asyncio.Lock()):
                if host not in self._schemes:
                    return await self._learn_scheme(host, spec)
        scheme = self._schemes[host]
        if scheme == "dns":
            return Fetched(url="https:" + spec, error="dns", error_detail=f"{host} did not "
                           "resolve earlier in this run")
        return await self.get(f"{scheme}:{spec}")

    async def _learn_scheme(self, host: str, spec: str) -> Fetched | None:
        first = await self.get("https:" + spec)
        if first is None or first.error is None or first.error == "dns":
            if first is not None:
                self._schemes[host] = first.error or "https"
            return first
        second = await self.get("http:" + spec)
        if second is not None and second.error is None:
            self._schemes[host] = "http"
            return second
        # neither answered (the next address of this host tries both again); when HTTPS
        # was simply not there, HTTP's failure says more
        return second if second is not None and first.error in ("connect", "tls") else first

    async def _get(self, url: str) -> Fetched | None:
        host = host_of(url)
        async with self._slots.slot(host):
            remaining = self._deadline - self._clock()
            if remaining <= 0:
                self.skipped["time limit"] += 1
                return None
            if self.spent[host] >= self.limits.host_requests:
                self.skipped["per-host request limit"] += 1
                return None
            self.spent[host] += 1
            return await fetch(self._client(host), url, timeout=min(self.limits.timeout,
                               remaining), max_bytes=self.limits.max_bytes)

    def _client(self, host: str) -> SiteClient:
        if host not in self._clients:
            config = FetchConfig(self.limits.timeout, self.limits.max_bytes,
                                 self.limits.user_agent, self._ssl)
            self._clients[host] = new_client(config, self._ssl, self._resolver)
        return self._clients[host]

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
