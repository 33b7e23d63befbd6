"""Fewer requests per sweep, same judgements: a stylesheet or feed that many sites share is
fetched once per sweep; across sweeps, unchanged feeds and stylesheets are asked for with
validators and a 304 reuses the earlier body. Every test sweeps the loopback fleet through
the real `monitor check` command and reads what the store kept."""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from check_process import fleet_targets

from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.store import Store
from monitor.sweep.foresight import PREFIX

# A phone viewport, but a 980 px wrapper in the stylesheet with no media query: the mobile
# check can only find "fixed_width_layout" by reading the stylesheet.
PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kelurahan</title><link rel="stylesheet" href="/style.css">
<link rel="stylesheet" href="{cdn}theme.css"></head>
<body><div class="wrap"><h1>Kelurahan {name}</h1>
<p>Pelayanan administrasi kependudukan berjalan seperti biasa setiap hari kerja.</p>
</div></body></html>"""
CSS = "body{font-size:16px}.wrap{width:980px;margin:0 auto}"
THEME = "p{font-size:16px;line-height:1.5}"
KELURAHAN = ("a", "b", "c", "d", "e", "f")

Run = Callable[..., object]


def mobile_of(db: str) -> dict[str, dict]:  # type: ignore[type-arg]
    rows = Store.open(db).latest_results()
    return {site.code: result.findings["mobile"] for site, result in rows
            if result is not None and result.findings}


def portal_fleet(fleet_factory: Callable[[list[FleetSite]], Fleet]) -> Fleet:
    """One shared portal serving six kelurahan pages, a CDN stylesheet all of them link, and
    one kelurahan on its own host with the same page (it fetches its stylesheets itself)."""
    cdn = FleetSite("cdn", {"/theme.css": Page(body=THEME, content_type="text/css")})
    portal = FleetSite("portal", {"/style.css": Page(body=CSS, content_type="text/css",
                                                     delay=0.05)})
    own = FleetSite("own", {"/style.css": Page(body=CSS, content_type="text/css")})
    fleet = fleet_factory([cdn, portal, own])
    for name in KELURAHAN:
        portal.routes[f"/{name}/"] = Page(body=PAGE.format(cdn=fleet.url("cdn"), name=name))
    own.routes["/"] = Page(body=PAGE.format(cdn=fleet.url("cdn"), name="own"))
    return fleet


def portal_targets(fleet: Fleet) -> list[dict[str, str]]:
    rows = [{"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"}]
    rows += [{"code": name, "level": "kelurahan", "name": name, "kecamatan": "Uji",
              "url": f"{fleet.url('portal')}{name}/"} for name in KELURAHAN]
    rows.append({"code": "own", "level": "kelurahan", "name": "own", "kecamatan": "Uji",
                 "url": fleet.url("own")})
    return rows


def test_a_shared_stylesheet_is_fetched_once_per_sweep_and_read_by_every_site(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    fleet = portal_fleet(fleet_factory)
    targets = write_targets(portal_targets(fleet))
    result = run_cli("check", "--targets", str(targets), "--db", sqlite_url,
                     "--concurrency", "10", "--timeout", "5")
    assert result.code == 0, result  # type: ignore[attr-defined]

    portal, cdn = fleet.sites["portal"], fleet.sites["cdn"]
    assert [r.path for r in portal.requests].count("/style.css") == 1
    # a stylesheet on another host is not an extra the sweep fetches (extras stay on the
    # site's own hosts: sweep/fetch.py), so sharing never reaches it
    assert [r.path for r in cdn.requests].count("/theme.css") == 0
    paths = [r.path for r in portal.requests]
    assert paths.count("/robots.txt") == 1  # the portal's, asked for by the freshness check
    # the pages themselves are not shared (the crawler view asks for each a second time)
    pages = {p for p in paths if p.strip("/") in KELURAHAN}
    assert sorted(pages) == [f"/{name}/" for name in KELURAHAN]
    # every kelurahan was judged on the stylesheet, exactly as the one that fetched its own
    mobile = mobile_of(sqlite_url)
    assert "fixed_width_layout" in mobile["own"]["mobile_issues"]
    for name in KELURAHAN:
        assert mobile[name]["mobile_issues"] == mobile["own"]["mobile_issues"], name
        assert mobile[name]["mobile_score"] == mobile["own"]["mobile_score"], name


def test_each_sweep_fetches_shared_assets_again(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str,
) -> None:
    """Shared within a sweep, never across sweeps: a stylesheet edited between two sweeps
    is read afresh by the second."""
    fleet = portal_fleet(fleet_factory)
    targets = write_targets(portal_targets(fleet))
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, "--concurrency", "10")
    portal = fleet.sites["portal"]
    portal.routes["/style.css"] = Page(body="body{font-size:16px}", content_type="text/css")
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, "--concurrency", "10")

    assert [r.path for r in portal.requests].count("/style.css") == 2
    mobile = mobile_of(sqlite_url)
    for name in KELURAHAN:
        assert "fixed_width_layout" not in mobile[name]["mobile_issues"], name


# -- conditional requests across sweeps ---------------------------------------------------
HOME = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Kelurahan Uji</title>
<link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="stylesheet" href="/style.css"></head><body><div class="wrap"><h1>Kelurahan Uji</h1>
<p>Pelayanan administrasi kependudukan berjalan seperti biasa setiap hari kerja.</p>
</div></body></html>"""
LAST_MODIFIED = "Mon, 02 Nov 2026 01:00:00 GMT"


def feed(day: int) -> str:
    return ("<?xml version='1.0'?><rss version='2.0'><channel><title>Uji</title>"
            f"<item><title>Kerja bakti</title><link>/berita/{day}</link>"
            f"<pubDate>Mon, {day:02d} Nov 2026 08:15:00 +0700</pubDate></item>"
            "</channel></rss>")


class Conditional:
    """A route honouring If-None-Match (by ETag) or If-Modified-Since (exact match, as
    many servers do); a 304 carries a default HTML Content-Type, as some servers send."""

    def __init__(self, body: str, content_type: str, etag: str = "",
                 last_modified: str = "") -> None:
        self.body, self.content_type = body, content_type
        self.etag, self.last_modified = etag, last_modified
        self.answers: list[int] = []

    def __call__(self, request: FleetRequest) -> Page:
        validators = {k: v for k, v in (("ETag", self.etag),
                                        ("Last-Modified", self.last_modified)) if v}
        same = (self.etag and request.headers.get("if-none-match") == self.etag) or (
            not self.etag and self.last_modified
            and request.headers.get("if-modified-since") == self.last_modified)
        self.answers.append(304 if same else 200)
        if same:
            return Page(status=304, headers=validators)
        return Page(body=self.body, content_type=self.content_type, headers=validators)


def judged(db: str, code: str) -> list[dict]:  # type: ignore[type-arg]
    """The stored findings of ``code``, one per sweep, oldest first."""
    since, until = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    return [result.findings for site, result in Store.open(db).results_between(since, until)
            if site.code == code]


def test_a_second_sweep_asks_conditionally_and_a_304_keeps_the_judgement(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str, tmp_path: Path,
) -> None:
    feed_route = Conditional(feed(20), "application/rss+xml", etag='"feed-v1"')
    css_route = Conditional(CSS, "text/css", last_modified=LAST_MODIFIED)
    fleet = fleet_factory([FleetSite("uji", {"/": Page(body=HOME), "/feed/": feed_route,
                                             "/style.css": css_route})])
    targets = fleet_targets(write_targets, fleet)
    env = {"MONITOR_HTTP_CACHE_DIR": str(tmp_path / "http-cache")}
    for _sweep in range(2):
        result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)
        assert result.code == 0, result  # type: ignore[attr-defined]

    asked = {path: [r for r in fleet.sites["uji"].requests if r.path == path]
             for path in ("/", "/feed/", "/style.css")}
    first_feed, second_feed = asked["/feed/"]
    assert "if-none-match" not in first_feed.headers
    assert second_feed.headers["if-none-match"] == '"feed-v1"'
    first_css, second_css = asked["/style.css"]
    assert "if-modified-since" not in first_css.headers
    assert second_css.headers["if-modified-since"] == LAST_MODIFIED
    assert all("if-none-match" not in r.headers for r in asked["/"])  # home: always fresh
    assert feed_route.answers == [200, 304] and css_route.answers == [200, 304]

    first, second = judged(sqlite_url, "uji")
    for name in ("last_update", "last_update_source", "last_update_evidence", "activity"):
        assert second["freshness"][name] == first["freshness"][name], name
    assert first["freshness"]["last_update"] == "2026-11-20"
    assert first["freshness"]["last_update_source"] == "feed"
    assert "fixed_width_layout" in first["mobile"]["mobile_issues"]
    assert second["mobile"]["mobile_issues"] == first["mobile"]["mobile_issues"]


def test_a_changed_feed_is_read_again_and_without_a_cache_nothing_is_conditional(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str, tmp_path: Path,
) -> None:
    feed_route = Conditional(feed(20), "application/rss+xml", etag='"feed-v1"')
    fleet = fleet_factory([FleetSite("uji", {"/": Page(body=HOME), "/feed/": feed_route,
                                             "/style.css": Page(body=CSS)})])
    targets = fleet_targets(write_targets, fleet)
    cached = {"MONITOR_HTTP_CACHE_DIR": str(tmp_path / "http-cache")}
    result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=cached)
    assert result.code == 0, result  # type: ignore[attr-defined]
    feed_route.body, feed_route.etag = feed(25), '"feed-v2"'
    for env in (cached, {"MONITOR_HTTP_CACHE_DIR": ""}):
        result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)
        assert result.code == 0, result  # type: ignore[attr-defined]

    assert feed_route.answers == [200, 200, 200]
    feeds = [r for r in fleet.sites["uji"].requests if r.path == "/feed/"]
    assert feeds[1].headers["if-none-match"] == '"feed-v1"'
    assert "if-none-match" not in feeds[2].headers  # cache off: a plain request
    dates = [f["freshness"]["last_update"] for f in judged(sqlite_url, "uji")]
    assert dates == ["2026-11-20", "2026-11-25", "2026-11-25"]


def _damage_kept(cache: Path, change: Callable[[bytes], bytes]) -> int:
    """Rewrite every answer the HTTP cache keeps (monitor.sweep.kept_answers); how many.
    The rows of the sweep's foresight (what each site asked for) are left alone: their own
    damage is tests/test_foresight.py's."""
    with sqlite3.connect(cache / "kept.sqlite") as db:
        rows = db.execute("SELECT name, data FROM kept WHERE name NOT LIKE ?",
                          (PREFIX + "%",)).fetchall()
        db.executemany("UPDATE kept SET data = ? WHERE name = ?",
                       [(change(bytes(data)), name) for name, data in rows])
    return len(rows)


def test_a_304_whose_kept_body_is_damaged_is_asked_again_plainly(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str, tmp_path: Path,
) -> None:
    feed_route = Conditional(feed(20), "application/rss+xml", etag='"feed-v1"')
    fleet = fleet_factory([FleetSite("uji", {"/": Page(body=HOME), "/feed/": feed_route,
                                             "/style.css": Page(body=CSS)})])
    targets = fleet_targets(write_targets, fleet)
    cache = tmp_path / "http-cache"
    env = {"MONITOR_HTTP_CACHE_DIR": str(cache)}
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)

    def other_body(data: bytes) -> bytes:  # the body no longer matches its recorded digest
        meta, _, _body = data.partition(b"\n")
        return meta + b"\n" + zlib.compress(b"<rss></rss>")

    assert _damage_kept(cache, other_body)  # the feed was kept
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)

    assert feed_route.answers == [200, 304, 200]
    dates = [f["freshness"]["last_update"] for f in judged(sqlite_url, "uji")]
    assert dates == ["2026-11-20", "2026-11-20"]


@pytest.mark.parametrize(("cut", "answers"), [
    ("body", [200, 304, 200]),  # validators readable: asked conditionally, then plainly
    ("header", [200, 200]),  # nothing readable: a plain request
])
def test_a_truncated_entry_is_never_used(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str, tmp_path: Path, cut: str,
    answers: list[int],
) -> None:
    """A truncated entry (a damaged disk, a cache folder copied half-way) must read as no
    entry at all, never as a shorter body."""
    feed_route = Conditional(feed(20), "application/rss+xml", etag='"feed-v1"')
    fleet = fleet_factory([FleetSite("uji", {"/": Page(body=HOME), "/feed/": feed_route,
                                             "/style.css": Page(body=CSS)})])
    targets = fleet_targets(write_targets, fleet)
    cache = tmp_path / "http-cache"
    env = {"MONITOR_HTTP_CACHE_DIR": str(cache)}
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)

    def truncated(data: bytes) -> bytes:
        meta_end = data.index(b"\n")
        return (data[:meta_end // 2] if cut == "header"
                else data[:meta_end + 1 + (len(data) - meta_end) // 2])

    assert _damage_kept(cache, truncated)
    run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)

    assert feed_route.answers == answers
    dates = [f["freshness"]["last_update"] for f in judged(sqlite_url, "uji")]
    assert dates == ["2026-11-20", "2026-11-20"]


def test_robots_and_sitemap_are_asked_for_at_most_once_a_day(
    fleet_factory: Callable[[list[FleetSite]], Fleet], run_cli: Run,
    write_targets: Callable[..., Path], sqlite_url: str, tmp_path: Path,
) -> None:
    """A site without API or feed is dated by its sitemap (named in robots.txt); a second
    sweep the same day reuses both without asking, and dates the site the same way."""
    page = HOME.replace('<link rel="alternate" type="application/rss+xml" href="/feed/">', "")
    sitemap = ("<?xml version='1.0'?>"
               "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
               "<url><loc>/berita/1</loc><lastmod>2026-11-18</lastmod></url>"
               "<url><loc>/berita/2</loc><lastmod>2026-11-21</lastmod></url></urlset>")
    fleet = fleet_factory([FleetSite("uji", {"/": Page(body=page), "/style.css": Page(body=CSS)})])
    site = fleet.sites["uji"]
    site.routes["/robots.txt"] = Page(body=f"Sitemap: {fleet.url('uji')}sitemap-peta.xml\n",
                                      content_type="text/plain")
    site.routes["/sitemap-peta.xml"] = Page(body=sitemap, content_type="application/xml")
    targets = fleet_targets(write_targets, fleet)
    env = {"MONITOR_HTTP_CACHE_DIR": str(tmp_path / "http-cache")}
    for _sweep in range(2):
        result = run_cli("check", "--targets", str(targets), "--db", sqlite_url, env=env)
        assert result.code == 0, result  # type: ignore[attr-defined]

    paths = [r.path for r in site.requests]
    assert paths.count("/") >= 2  # the home page is fetched in full every sweep
    assert paths.count("/robots.txt") == 1
    assert paths.count("/sitemap-peta.xml") == 1
    found = [f["freshness"] for f in judged(sqlite_url, "uji")]
    assert [f["last_update"] for f in found] == ["2026-11-21", "2026-11-21"]
    assert [f["last_update_source"] for f in found] == ["sitemap", "sitemap"]
