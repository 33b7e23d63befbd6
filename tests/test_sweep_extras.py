"""A site's extra URLs (feed, stylesheet, the visitor profiles) are asked for two at a time on
its own two connections, so a slow site holds its sweep slot for fewer round trips; a site on
a host other targets share (the kelurahan portal) still asks one at a time, so the portal never
sees more connections than before. Real sweeps of the loopback fleet, with every answer slowed
by DELAY so overlapping requests can be told from sequential ones by when they arrived."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from check_process import fleet_targets

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.store import Store

DELAY = 1.0  # every answer waits this long: requests one after another arrive >= DELAY apart
HOME = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Kelurahan {name}</title>
<link rel="alternate" type="application/rss+xml" href="{base}feed/">
<link rel="stylesheet" href="{base}style.css"></head><body><h1>Kelurahan {name}</h1>
<p>Pelayanan administrasi kependudukan berjalan seperti biasa setiap hari kerja.</p>
</body></html>"""
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Uji</title><item>
<title>Posyandu</title><link>/berita/1</link><pubDate>Mon, 30 Nov 2026 08:00:00 +0700</pubDate>
</item></channel></rss>"""
CSS = "body{font-size:16px}"

Run = Callable[..., object]


class Arrivals:
    """When each request reached the fleet (the server's clock), by site."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[str, list[tuple[float, str]]] = {}

    def route(self, site: str, page: Callable[[], Page]) -> Callable[[FleetRequest], Page]:
        def answer(request: FleetRequest) -> Page:
            with self.lock:
                self.seen.setdefault(site, []).append((time.monotonic(), request.path))
            return page()

        return answer

    def extras(self, site: str, home: str) -> list[float]:
        """Arrival times of the site's requests after its first home page request."""
        times = sorted(self.seen.get(site, []))
        first_home = next(i for i, (_t, path) in enumerate(times) if path == home)
        return [t for t, _path in times[first_home + 1:]]


def _site(arrivals: Arrivals, name: str, base: str, site: FleetSite) -> None:
    site.routes[f"{base}"] = arrivals.route(name, lambda: Page(
        body=HOME.format(name=name, base=base), delay=DELAY))
    site.routes[f"{base}feed/"] = arrivals.route(name, lambda: Page(
        body=FEED, content_type="application/rss+xml", delay=DELAY))
    site.routes[f"{base}style.css"] = arrivals.route(name, lambda: Page(
        body=CSS, content_type="text/css", delay=DELAY))


def test_a_sites_extras_are_fetched_two_at_a_time_on_its_own_host(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    arrivals = Arrivals()
    own = FleetSite("own", {})
    _site(arrivals, "own", "/", own)
    fleet = fleet_factory([own])
    targets = fleet_targets(write_targets, fleet)
    result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, "--timeout", "20")
    assert result.code == 0, result  # type: ignore[attr-defined]

    extras = arrivals.extras("own", "/")
    assert len(extras) >= 4  # feed, stylesheet, phone from Google, Googlebot
    gaps = [b - a for a, b in zip(extras, extras[1:], strict=False)]
    assert min(gaps) < DELAY / 2, gaps  # two were in flight together
    # never more than the site's two connections: a third waits for one to finish
    assert all(c - a >= DELAY * 0.9 for a, c in zip(extras, extras[2:], strict=False)), gaps
    # and the judgement is the one a site fetched one request at a time gets
    latest = {site.code: r for site, r in Store.open(sqlite_url).latest_results() if r}
    assert latest["own"].available
    assert latest["own"].findings["freshness"]["last_update_source"] == "feed"


def test_sites_on_a_shared_portal_still_ask_one_at_a_time(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    arrivals = Arrivals()
    portal = FleetSite("portal", {})
    for name in ("a", "b"):
        _site(arrivals, name, f"/{name}/", portal)
    fleet = fleet_factory([portal])
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": name, "level": "kelurahan", "name": name, "kecamatan": "Uji",
              "url": f"{fleet.url('portal')}{name}/"} for name in ("a", "b")]
    result = run_cli("check", "--targets", str(write_targets(rows)), "--db", sqlite_url,
                     "--timeout", "20")
    assert result.code == 0, result  # type: ignore[attr-defined]

    for name in ("a", "b"):
        extras = arrivals.extras(name, f"/{name}/")
        assert len(extras) >= 4, name
        gaps = [b - a for a, b in zip(extras, extras[1:], strict=False)]
        assert min(gaps) >= DELAY * 0.9, (name, gaps)  # one at a time
