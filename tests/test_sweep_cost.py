"""Fewer requests per sweep, same judgements: a stylesheet or feed that many sites share is
fetched once per sweep; across sweeps, unchanged feeds and stylesheets are asked for with
validators and a 304 reuses the earlier body. Every test sweeps the loopback fleet through
the real `monitor check` command and reads what the store kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.store import Store

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
    assert [r.path for r in cdn.requests].count("/theme.css") == 1
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
