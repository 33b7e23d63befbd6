"""A site's extras asked for beside its home page: the ones its checks asked for last sweep.

Why: the feed, the stylesheet and the visitor profile need the home page only to be named,
and from one sweep to the next they are nearly always the ones named before. Asked for after
the home page (as they must be on a first sweep), a site holds its sweep slot for two round
trips or more; asked for at the same moment, for one. At 500 slots a sweep's wall time is
slots held, so this is the lever for wall time once requests and checks are cheap (the 10,000
site benchmark's second sweep, README "Performance").

What it must not change: the checks see only what they ask for. A foreseen answer waits aside
(``Ahead``) until a plan round asks for that very request (same URL, User-Agent, headers and
redirect rule); one no round asks for (the page dropped its feed, the crawler view is not due)
is dropped unread, a request wasted at most; one asked for only now and then
(``Request.every_sweep`` False: the daily crawler view) is never foreseen. Foresight is used
only where the home page counts: on the first attempt (a retried site asks again round by
round, as other sites do), and never for a site on a host other targets share (the portal
keeps its one connection per site, so the per-host limit holds). At most ``lanes - 1`` go out
beside the home page: the site never gets more connections than ``per_host``.

Kept in the HTTP cache's file (``kept_answers``), a row per site: with the cache off there is
no foresight either (a first sweep's behaviour, every sweep).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, Request
from monitor.sweep.assets import SharedAssets
from monitor.sweep.fetch import LEAVES_SITE
from monitor.sweep.kept_answers import KeptAnswers
from monitor.sweep.meter import Meter

log = logging.getLogger(__name__)

MAX_REMEMBERED = 10  # the sweep's max_extra: a site never asks for more in one sweep
PREFIX = "asked "  # row names in kept.sqlite, beside the validators' SHA-1 names
FetchAhead = Callable[[Request], Awaitable[Fetched]]  # a request, fetched with its own deadline
FetchNow = Callable[[Request, float], Awaitable[Fetched]]  # (request, seconds left) -> answer


class Foresight:
    """What each site asked for last time; ``kept is None``: nothing is remembered."""

    def __init__(self, kept: KeptAnswers | None, meter: Meter | None = None) -> None:
        self._kept = kept
        self._meter = meter

    def ahead(self, site_url: str, lanes: int, eligible: Callable[[Request], bool],
              fetch: FetchAhead) -> Ahead:
        """Start the site's expected extras that ``eligible`` allows, at most ``lanes - 1``
        (the home page takes a connection too)."""
        row = self._kept.get(PREFIX + site_url) if self._kept is not None else None
        wanted = [r for r in _expected(site_url, row) if eligible(r)][:max(0, lanes - 1)]
        return Ahead(wanted, fetch, self._meter, row)

    def remember(self, site_url: str, ahead: Ahead, asked: Sequence[Request]) -> None:
        """Keep what this sweep asked for (``ahead``: the site's, holding the row read at its
        start); an unchanged row is not written again."""
        if self._kept is None:
            return
        data = json.dumps([_plain(r) for r in asked if r.every_sweep][:MAX_REMEMBERED]
                          ).encode("utf-8")
        if data != ahead.row:
            self._kept.put(PREFIX + site_url, data)


def foreseeable(assets: SharedAssets, site_url: str, request: Request) -> bool:
    """Asked ahead only on the target's own host (give or take ``www.``: ``hosts.own_host``)
    and never on a host another target uses: what the row names is checked again, not
    trusted (a site that moved to another domain gets no foresight, only its old rounds)."""
    return (own_host(host_in(request.url), [host_in(site_url)])
            and not assets.other_targets_on(request, site_url))


def _expected(site_url: str, row: bytes | None) -> list[Request]:
    """The extras the site's last sweep asked for, in the order they were asked; [] when
    none are kept or the row cannot be read (the site is then fetched as on a first sweep)."""
    if row is None:
        return []
    try:
        return [_request(item) for item in json.loads(row)][:MAX_REMEMBERED]
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        log.info("http cache: the extras kept for %s are unusable: %s", site_url, exc)
        return []


class Ahead:
    """The foreseen requests of one site, in flight from the moment it is created."""

    def __init__(self, requests: Sequence[Request], fetch: FetchAhead,
                 meter: Meter | None = None, row: bytes | None = None) -> None:
        self._meter = meter
        self.row = row
        self._tasks: dict[str, asyncio.Task[Fetched]] = {
            r.key: asyncio.ensure_future(fetch(r)) for r in requests}

    def __len__(self) -> int:
        return len(self._tasks)

    async def answer(self, request: Request, timeout: float, *, fetch: FetchNow) -> Fetched:
        """The foreseen answer to ``request`` (awaited), else ``fetch(request, timeout)``'s."""
        task = self._tasks.pop(request.key, None)
        if task is not None:
            got = await task
            # refused for leaving the hosts foreseen: asked again with the hosts the home
            # page showed this time (its redirects)
            if not (got.error == "other" and LEAVES_SITE in got.error_detail):
                if self._meter is not None:
                    self._meter.count("foreseen")
                return got
        return await fetch(request, timeout)

    async def drop(self) -> None:
        """Cancel what no round asked for (before the site's client closes)."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        if self._meter is not None and tasks:
            self._meter.count("foreseen_unused", len(tasks))
        if not tasks:
            return
        for task in tasks:
            task.cancel()
        # wait() never raises for the tasks it waits on, so a cancellation of the site itself
        # (the sweep stopping) still reaches the site instead of being taken for theirs
        await asyncio.wait(tasks)
        for task in tasks:
            if not task.cancelled() and (exc := task.exception()) is not None:
                # nobody asked for it, but a bug of ours still shows
                log.error("a foreseen request failed in our own code: %r", exc)


def _plain(request: Request) -> dict[str, Any]:
    return {"url": request.url, "user_agent": request.user_agent,
            "max_bytes": request.max_bytes, "headers": [list(h) for h in request.headers],
            "follow": request.follow}


def _request(item: dict[str, Any]) -> Request:
    headers = tuple((str(k), str(v)) for k, v in item.get("headers") or ())
    agent = item.get("user_agent")
    return Request(str(item["url"]), user_agent=None if agent is None else str(agent),
                   max_bytes=int(item["max_bytes"]), headers=headers,
                   follow=bool(item.get("follow", True)))
