"""A site's extra URLs (feed, stylesheet, the visitor profiles) are asked for side by side on
at most ``per_host`` connections, and from its second sweep on beside its home page
(``monitor.sweep.foresight``), so a slow site holds its sweep slot for fewer round trips; a
site on a host other targets share (the kelurahan portal) still asks one at a time. Real
sweeps of the loopback fleet, with every answer slowed by DELAY so overlapping requests can be
told from sequential ones by when they arrived."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def _one_site(arrivals: Arrivals, fleet_factory: Callable[[list[FleetSite]], Fleet],
              write_targets: Callable[..., Path]) -> Path:
    own = FleetSite("own", {})
    _site(arrivals, "own", "/", own)
    return fleet_targets(write_targets, fleet_factory([own]))


def _latest(sqlite_url: str) -> dict[str, Any]:
    return {site.code: r for site, r in Store.open(sqlite_url).latest_results() if r}


def test_a_sites_extras_go_side_by_side_within_per_host(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    arrivals = Arrivals()
    targets = _one_site(arrivals, fleet_factory, write_targets)
    result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, "--timeout", "20",
                     env={"MONITOR_PER_HOST": "2"})
    assert result.code == 0, result  # type: ignore[attr-defined]

    extras = arrivals.extras("own", "/")
    assert len(extras) == 4  # feed, stylesheet, phone from Google, Googlebot
    gaps = [b - a for a, b in zip(extras, extras[1:], strict=False)]
    assert min(gaps) < DELAY / 2, gaps  # two were in flight together
    # never more than per_host connections: a third waits for one to finish
    assert all(c - a >= DELAY * 0.9 for a, c in zip(extras, extras[2:], strict=False)), gaps
    # and the judgement is the one a site fetched one request at a time gets
    latest = _latest(sqlite_url)
    assert latest["own"].available
    assert latest["own"].findings["freshness"]["last_update_source"] == "feed"


def test_a_second_sweep_asks_for_last_sweeps_extras_beside_the_home_page(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    arrivals = Arrivals()
    targets = _one_site(arrivals, fleet_factory, write_targets)
    check = ("check", "--targets", str(targets), "--db", sqlite_url, "--timeout", "20")
    assert run_cli(*check).code == 0  # type: ignore[attr-defined]
    first = arrivals.extras("own", "/")
    assert len(first) == 4
    # the first sweep knows the extras only from the home page: all after its answer, then
    # side by side (the default per_host, 6, holds all four)
    assert max(first) - min(first) < DELAY / 2, first
    findings = _latest(sqlite_url)["own"].findings
    arrivals.seen.clear()

    assert run_cli(*check).code == 0  # type: ignore[attr-defined]
    seen = sorted(arrivals.seen["own"])
    home_at = next(t for t, path in seen if path == "/")
    # the feed, the stylesheet and the phone visitor's view go out with the home page; the
    # crawler's view is not due again (about daily) and was not foreseen either
    assert sorted(p for _t, p in seen) == ["/", "/", "/feed/", "/style.css"]
    assert all(abs(t - home_at) < DELAY / 2 for t, _p in seen), seen
    again = _latest(sqlite_url)["own"].findings
    for check_name, field in [("freshness", "last_update_source"), ("freshness", "last_update"),
                              ("mobile", "mobile_friendly"), ("content", "flags")]:
        assert again[check_name][field] == findings[check_name][field], (check_name, field)


def test_a_foreseen_extra_the_page_no_longer_names_is_not_judged(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    """The site drops its feed between sweeps: the second sweep asked for it ahead (its
    last sweep's extras), but nothing judged it: the date found last week is carried, as
    for any site that shows no date now, and no evidence cites the feed."""
    page = {"html": HOME.format(name="own", base="/")}
    own = FleetSite("own", {
        "/": lambda _r: Page(body=page["html"]),
        "/feed/": Page(body=FEED, content_type="application/rss+xml"),
        "/style.css": Page(body=CSS, content_type="text/css")})
    targets = fleet_targets(write_targets, fleet_factory([own]))
    check = ("check", "--targets", str(targets), "--db", sqlite_url, "--timeout", "20")
    assert run_cli(*check).code == 0  # type: ignore[attr-defined]
    assert _latest(sqlite_url)["own"].findings["freshness"]["last_update_source"] == "feed"

    page["html"] = page["html"].replace('<link rel="alternate" type="application/rss+xml" '
                                        'href="/feed/">', "")
    before = len(own.requests)
    assert run_cli(*check).code == 0  # type: ignore[attr-defined]
    assert "/feed/" in [r.path for r in own.requests[before:]]  # foreseen, so asked
    freshness = _latest(sqlite_url)["own"].findings["freshness"]
    assert "feed" not in freshness["newest_by_source"]
    assert [e["rule"] for e in freshness["evidence"]] == ["earlier-sweep"]
    assert freshness["carried_from"]


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
