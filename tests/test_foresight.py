"""What a sweep remembers of a site's extras, and what it asks for ahead of the next home page
(monitor.sweep.foresight): only what the checks asked for every sweep, never more than the
site's connections allow, and nothing from a row it cannot read."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path

from monitor.core.snapshot import Fetched, Request
from monitor.sweep.fetch import LEAVES_SITE
from monitor.sweep.foresight import PREFIX, Foresight
from monitor.sweep.kept_answers import KeptAnswers

SITE = "http://kel.example.test/"
FEED = Request(SITE + "feed/", max_bytes=1_000_000)
CSS = Request(SITE + "style.css", max_bytes=500_000)
PHONE = Request(SITE, user_agent="phone", headers=(("Referer", "https://www.google.com/"),),
                follow=False)
CRAWLER = Request(SITE, user_agent="Googlebot", follow=False, every_sweep=False)


class Site:
    """Answers every request at once and lists what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch(self, request: Request) -> Fetched:
        self.asked.append(request.key)
        return Fetched(request.url, status_code=200, body=b"ok")

    async def fetch_now(self, request: Request, _timeout: float) -> Fetched:
        self.asked.append("now " + request.key)
        return Fetched(request.url, status_code=200, body=b"now")


def _started(foresight: Foresight, site: Site, lanes: int = 6) -> list[str]:
    async def go() -> list[str]:
        ahead = foresight.ahead(SITE, lanes, lambda _r: True, site.fetch)
        await asyncio.sleep(0)  # they are under way before the home page's answer
        await ahead.drop()
        return site.asked

    return asyncio.run(go())


def _remember(foresight: Foresight, asked: list[Request]) -> None:
    async def go() -> None:
        ahead = foresight.ahead(SITE, 6, lambda _r: True, Site().fetch)
        foresight.remember(SITE, ahead, asked)
        await ahead.drop()

    asyncio.run(go())


def test_the_next_sweep_asks_ahead_for_what_was_asked_every_sweep(tmp_path: Path) -> None:
    kept = KeptAnswers(tmp_path)
    _remember(Foresight(kept), [FEED, PHONE, CRAWLER, CSS])
    kept.flush()
    asked = _started(Foresight(KeptAnswers(tmp_path)), Site())
    # in the order asked; the crawler's view (about daily) is left to its own schedule
    assert asked == [FEED.key, PHONE.key, CSS.key]


def test_never_more_than_the_sites_connections_beside_the_home_page(tmp_path: Path) -> None:
    foresight = Foresight(KeptAnswers(tmp_path))
    _remember(foresight, [FEED, PHONE, CSS])
    assert _started(foresight, Site(), lanes=2) == [FEED.key]
    assert _started(foresight, Site(), lanes=1) == []  # the portal's sites: none ahead


def test_an_unreadable_row_means_a_first_sweep_and_is_replaced(tmp_path: Path) -> None:
    kept = KeptAnswers(tmp_path)
    kept.put(PREFIX + SITE, b'[{"url": 3')  # cut short
    foresight = Foresight(kept)
    assert _started(foresight, Site()) == []
    _remember(foresight, [FEED])
    assert _started(foresight, Site()) == [FEED.key]


def test_a_foreseen_answer_serves_only_the_same_request(tmp_path: Path) -> None:
    foresight = Foresight(KeptAnswers(tmp_path))
    _remember(foresight, [FEED, PHONE])
    site = Site()

    async def go() -> tuple[bytes, bytes, bytes]:
        ahead = foresight.ahead(SITE, 6, lambda _r: True, site.fetch)
        feed = await ahead.answer(FEED, 5.0, fetch=site.fetch_now)
        # same URL, other visitor: not the phone profile's answer
        plain = await ahead.answer(Request(SITE), 5.0, fetch=site.fetch_now)
        css = await ahead.answer(CSS, 5.0, fetch=site.fetch_now)
        await ahead.drop()
        return feed.body, plain.body, css.body

    assert asyncio.run(go()) == (b"ok", b"now", b"now")


def test_a_foreseen_answer_refused_for_leaving_the_site_is_asked_again(
        tmp_path: Path) -> None:
    """Asked ahead, an extra knows only last sweep's hosts; the home page may show this
    sweep's (a new redirect), so a refusal is not final."""
    foresight = Foresight(KeptAnswers(tmp_path))
    _remember(foresight, [FEED])

    async def refused(request: Request) -> Fetched:
        return Fetched(request.url, error="other",
                       error_detail=f"redirect to http://new.example.test/ {LEAVES_SITE}")

    async def go() -> Fetched:
        ahead = foresight.ahead(SITE, 6, lambda _r: True, refused)
        got = await ahead.answer(FEED, 5.0, fetch=Site().fetch_now)
        await ahead.drop()
        return got

    assert asyncio.run(go()).body == b"now"


def test_no_cache_folder_no_foresight() -> None:
    foresight = Foresight(None)
    _remember(foresight, [FEED])
    assert _started(foresight, Site()) == []


def test_only_the_sites_own_unshared_hosts_are_asked_ahead() -> None:
    """The row is our own file, but what it names is checked again, not trusted."""
    from monitor.sweep.assets import SharedAssets
    from monitor.sweep.foresight import foreseeable

    assets = SharedAssets([SITE, "http://example.test/", "http://portal.example.test/a/",
                           "http://portal.example.test/b/"])
    allowed = functools.partial(foreseeable, assets, SITE)
    assert allowed(FEED)
    assert allowed(Request("https://www.kel.example.test/style.css"))  # give or take www.
    assert not allowed(Request("http://elsewhere.test/feed/"))
    assert not allowed(Request("http://portal.example.test/style.css"))  # shared by targets
    # the parent domain counts as the site's own for extras, but it is another target's
    assert not allowed(Request("http://example.test/style.css"))
    portal_page = functools.partial(foreseeable, assets, "http://portal.example.test/a/")
    assert not portal_page(Request("http://portal.example.test/a/feed/"))


def test_dropping_the_foreseen_requests_never_swallows_the_sites_own_cancellation(
        tmp_path: Path) -> None:
    """A sweep that stops cancels each site; a site cancelled while it drops its foreseen
    requests must still stop, not go on to judge and take the next target."""
    foresight = Foresight(KeptAnswers(tmp_path))
    _remember(foresight, [FEED])

    async def slow(request: Request) -> Fetched:
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            await asyncio.sleep(0.2)  # a connection that takes a moment to close
            raise
        return Fetched(request.url)

    async def site() -> str:
        ahead = foresight.ahead(SITE, 6, lambda _r: True, slow)
        await asyncio.sleep(0)
        await ahead.drop()
        return "went on"

    async def go() -> bool:
        task = asyncio.ensure_future(site())
        await asyncio.sleep(0.05)  # inside drop(), waiting for the foreseen request
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    assert asyncio.run(go())
