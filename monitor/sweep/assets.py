"""One fetch per sweep of an extra URL that several sites ask for.

The 126 kelurahan pages of the shared portal link the same stylesheets and announce the same
feed; CDN stylesheets are linked by many sites. Fetching each once per sweep saves requests
(CPU here, load on the portal) and, because the portal allows only ``per_host`` connections
at a time, wall time too. A URL on a host that serves exactly one target is never shared (only
that site can ask for it), so the cache holds just what can be reused.

Single flight: while one site fetches a shared URL, others asking for it wait for that
answer (within their own deadline) instead of sending the same request. Only answers that
arrived (any HTTP status) are shared; a timeout or connection fault is the first site's
luck, so a later site tries for itself with its own deadline. The bodies kept are capped by
``budget`` bytes for the sweep; past it, answers are still shared with waiters but not kept.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable

from monitor.core.snapshot import Fetched, Request
from monitor.sweep.fetch import host_of
from monitor.sweep.meter import Meter

BUDGET_BYTES = 32_000_000
Fetcher = Callable[[float], Awaitable[Fetched]]  # timeout (s) -> the fetched URL


class SharedAssets:
    """Per sweep (one per Sweeper.run, so per shard process)."""

    def __init__(self, urls: Iterable[str], meter: Meter | None = None,
                 budget: int = BUDGET_BYTES) -> None:
        per_host = Counter(host_of(url) for url in urls if url)
        self._own_host = {host for host, n in per_host.items() if n == 1}
        self._target_hosts = set(per_host)
        self._kept: dict[str, Fetched] = {}
        self._flying: dict[str, asyncio.Future[Fetched]] = {}
        self._left = budget
        self._meter = meter

    def shareable(self, request: Request) -> bool:
        return host_of(request.url) not in self._own_host

    def other_targets_on(self, request: Request, site_url: str) -> bool:
        """Does ``request`` go to a host that serves some other target (the portal, the
        city's own site)? Those hosts keep the per-host limit, so a site never asks them
        ahead of its rounds (``foresight.py``)."""
        host = host_of(request.url)
        return host in self._target_hosts and (host != host_of(site_url)
                                               or host not in self._own_host)

    async def get(self, request: Request, deadline: float, fetch: Fetcher) -> Fetched:
        """``request``'s answer: kept from earlier in the sweep, awaited from the site now
        fetching it, or fetched by ``fetch`` (given the seconds left before ``deadline``, a
        ``time.monotonic`` instant)."""
        if not self.shareable(request):
            return await fetch(deadline - time.monotonic())
        key = request.key
        if (kept := self._kept.get(key)) is not None:
            self._hit()
            return kept
        flying = self._flying.get(key)
        if flying is not None:
            # wait() neither raises nor cancels the shared future when our deadline comes
            await asyncio.wait({flying}, timeout=max(0.0, deadline - time.monotonic()))
            if flying.done() and not flying.cancelled() and flying.result().error is None:
                self._hit()
                return flying.result()
            return await fetch(deadline - time.monotonic())
        return await self._lead(key, deadline, fetch)

    async def _lead(self, key: str, deadline: float, fetch: Fetcher) -> Fetched:
        future: asyncio.Future[Fetched] = asyncio.get_running_loop().create_future()
        self._flying[key] = future
        try:
            got = await fetch(deadline - time.monotonic())
        except BaseException:
            future.cancel()  # waiters then fetch for themselves
            raise
        finally:
            self._flying.pop(key, None)
        if got.error is None and len(got.body) <= self._left:
            self._left -= len(got.body)
            self._kept[key] = got
        future.set_result(got)
        return got

    def _hit(self) -> None:
        if self._meter is not None:
            self._meter.count("shared_hits")
