"""One plan round's extra URLs, fetched side by side on the site's own connections.

Fetched one after another, a site with a feed, a stylesheet and two visitor profiles held its
sweep slot for five round trips; side by side on ``per_host`` connections, two (the home page,
then the round's extras together), and one from its second sweep on (``foresight.py``). At
500 slots the sweep's wall time is slots held, so this is a lever for it once the checks are
cheap. A site on a host other targets share (the kelurahan portal) asks one at a time: the
portal's sites then open at most ``per_host`` connections between them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence

from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, Request
from monitor.sweep.assets import SharedAssets

FetchOne = Callable[[Request, float], Awaitable[Fetched]]  # (request, seconds left) -> answer


def own_hosts_only(wanted: Sequence[Request], hosts: list[str],
                   ) -> tuple[list[Request], dict[str, Fetched]]:
    """The requests to fetch, and the ones refused: extras stay on the site's own hosts
    (a page must not make the sweep fetch from anywhere it names)."""
    batch: list[Request] = []
    refused: dict[str, Fetched] = {}
    for request in wanted:
        if own_host(host_in(request.url), hosts):
            batch.append(request)
        else:
            refused[request.key] = Fetched(
                request.url, error="other",
                error_detail="not fetched: not one of the site's own hosts")
    return batch, refused


def lanes_for(assets: SharedAssets, site_url: str, per_host: int) -> int:
    """``per_host`` for a site alone on its host, one where other targets share the host
    (their sites then take turns for the host's ``per_host`` slots)."""
    return 1 if assets.shareable(Request(site_url)) else max(1, per_host)


async def fetch_round(assets: SharedAssets, batch: Sequence[Request], deadline: float, *,
                      lanes: int, fetch: FetchOne) -> list[Fetched | None]:
    """Each request's answer, in ``batch`` order; None for a request that never started
    because the site's deadline (a ``time.monotonic`` instant) came first: not asked is
    not the same as timed out. A bug of ours in one fetch cancels the round's others
    (TaskGroup) and reaches the sweep's own per-site guard."""
    gate = asyncio.Semaphore(max(1, lanes))

    async def one(request: Request) -> Fetched | None:
        async with gate:
            if time.monotonic() >= deadline:
                return None
            return await assets.get(request, deadline,
                                    lambda timeout: fetch(request, timeout))

    if len(batch) <= 1:
        return [await one(r) for r in batch]
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(r)) for r in batch]
    return [t.result() for t in tasks]
