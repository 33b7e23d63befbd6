"""Where the sweep may go: a public site never leads us to a private address, extras stay on
the site's own hosts, and redirect targets are encoded as browsers encode them.

The fleet lives on loopback, so "the internet" is simulated: the resolver routes public
names to fleet sites and ``public`` says which fleet address counts as a public one. With the
default rule every fleet address is private, as an intranet's would be, and everything is
allowed (which is why every other fleet test still works).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_sweep import sweep_and_export

from monitor.core.hosts import own_host
from monitor.demo.fleet import Fleet, FleetRequest, FleetSite, Page
from monitor.sweep.address import browser_url, is_public
from monitor.sweep.result import SiteResult
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

SECRET = "INTERNAL-ONLY token 7f3a"


@pytest.mark.parametrize(("address", "public"), [
    ("127.0.0.1", False), ("127.1.0.9", False), ("10.1.2.3", False), ("172.16.0.1", False),
    ("192.168.1.1", False), ("169.254.169.254", False), ("100.100.100.200", False),
    ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False), ("fd00:ec2::254", False),
    ("fc00::1", False), ("fe80::1", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False), ("224.0.0.1", False), ("not-an-ip", False),
    ("8.8.8.8", True), ("103.10.20.30", True), ("2001:4860:4860::8888", True),
])
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize(("url", "encoded"), [
    ("http://a.example/berita terbaru/index.php", "http://a.example/berita%20terbaru/index.php"),
    ("http://a.example/pengumuman/café?q=ü", "http://a.example/pengumuman/caf%C3%A9?q=%C3%BC"),
    ("http://a.example/a%20b?x=1&y=%2F", "http://a.example/a%20b?x=1&y=%2F"),
    ("http://désa.example/", "http://xn--dsa-bma.example/"),
])
def test_urls_are_encoded_as_browsers_encode_them(url: str, encoded: str) -> None:
    assert browser_url(url) == encoded


def test_own_hosts() -> None:
    site = ["sukarame.bandarlampungkota.go.id"]
    assert own_host("www.sukarame.bandarlampungkota.go.id", site)
    assert own_host("m.sukarame.bandarlampungkota.go.id", site)
    assert own_host("bandarlampungkota.go.id", site)  # the city portal serves shared styles
    assert own_host("cdn.bandarlampungkota.go.id", site)
    assert not own_host("go.id", site) and not own_host("kominfo.go.id", site)
    assert not own_host("slot-gacor.example", site)
    assert own_host("127.1.0.1", ["127.1.0.1"]) and not own_host("127.1.0.2", ["127.1.0.1"])


# -- through the sweeper, with named hosts --------------------------------------------------

def _sweep(fleet: Fleet, url: str, names: dict[str, str],
           public: Callable[[str], bool] | None = None) -> SiteResult:
    """Sweep one target; ``names`` routes host names (and ``name:port``) to fleet sites."""
    def resolver(host: str, port: int) -> tuple[str, int] | None:
        name = names.get(f"{host}:{port}") or names.get(host)
        if name is None:
            return (host, port) if host[0].isdigit() else None
        return fleet.sites[name].host, fleet.sites[name].port

    async def run() -> SiteResult:
        kwargs: dict[str, Any] = {"resolver": resolver}
        if public is not None:
            kwargs["public"] = public
        sweeper = Sweeper(SweepOptions(timeout=5, retry_pause=0.1), **kwargs)
        target = Target("18.71.01", "kecamatan", "Uji", "Uji", url, ())
        return [r async for r in sweeper.run([target])][0]

    return asyncio.run(run())


def _portal(location: Callable[[FleetRequest], str], *, css: str = "") -> FleetSite:
    def home(request: FleetRequest) -> Page:
        return Page(status=302, headers={"Location": location(request)})
    head = f'<link rel="stylesheet" href="{css}">' if css else ""
    page = Page(body=f"<html><head>{head}</head><body><h1>Portal</h1>"
                     "<p>Berita kecamatan.</p></body></html>")
    return FleetSite("portal", {"/": home if not css else page, "/robots.txt": Page(
        body="User-agent: *\nSitemap: http://intranet.example/sitemap.xml\n",
        content_type="text/plain")})


def _secret() -> FleetSite:
    return FleetSite("secret", {"/secret": Page(body=f"<html><body><p>{SECRET}</p>"
                                                     "</body></html>"),
                                "/x.css": Page(body="p{color:red}", content_type="text/css")})


def _only_portal_is_public(fleet: Fleet) -> Callable[[str], bool]:
    return lambda address: address == fleet.sites["portal"].host


def _fields(result: SiteResult) -> dict[str, Any]:
    """The export fields, plus the availability finding's detail and evidence."""
    availability = next(o.data for o in result.outcomes if o.name == "availability")
    return {**result.fields(), "error_detail": availability["error_detail"],
            "evidence": availability["evidence"]}


def test_public_name_redirecting_to_a_loopback_name_is_refused() -> None:
    portal = _portal(lambda r: f"http://intranet.example:{r.headers['host'].split(':')[1]}"
                               "/secret")
    with Fleet([portal, _secret()]) as fleet:
        port = fleet.sites["portal"].port
        result = _sweep(fleet, f"http://www.kota.example:{port}/",
                        {"www.kota.example": "portal", "intranet.example": "secret"},
                        public=_only_portal_is_public(fleet))
        secret_requests = list(fleet.sites["secret"].requests)
    fields = _fields(result)
    assert fields["available"] is False and fields["error"] == "other"
    assert "refused" in fields["error_detail"] and "intranet.example" in fields["error_detail"]
    assert "loopback" in fields["error_detail"]
    rules = {e["rule"]: e["text"] for e in fields["evidence"]}
    assert "refused" in rules["fetch:other"] and "/secret" in rules["redirect"]
    assert secret_requests == []  # connected, checked, closed: no request was ever sent
    assert SECRET not in repr([o.data for o in result.outcomes])
    assert result.attempts and "refused" in result.attempts[-1].detail


def test_dns_rebinding_the_sites_own_name_is_refused() -> None:
    """The same public name answers from a private address on the next connection: the
    check is on the address actually connected to, not on an earlier lookup."""
    with Fleet([_portal(lambda r: "http://www.kota.example:1/secret"), _secret()]) as fleet:
        port = fleet.sites["portal"].port
        result = _sweep(fleet, f"http://www.kota.example:{port}/",
                        {f"www.kota.example:{port}": "portal", "www.kota.example:1": "secret"},
                        public=_only_portal_is_public(fleet))
        assert fleet.sites["secret"].requests == []
    assert _fields(result)["error"] == "other"
    assert "refused" in _fields(result)["error_detail"]


def test_a_private_target_may_redirect_within_its_network() -> None:
    """An intranet site (its own address private) is trusted, as every fleet site is."""
    portal = _portal(lambda r: f"http://intranet.example:{r.headers['host'].split(':')[1]}"
                               "/secret")
    with Fleet([portal, _secret()]) as fleet:
        port = fleet.sites["portal"].port
        result = _sweep(fleet, f"http://www.kota.example:{port}/",
                        {"www.kota.example": "portal", "intranet.example": "secret"})
    fields = _fields(result)
    assert fields["available"] is True and fields["error"] is None
    assert fields["final_url"].endswith("/secret")


def test_extras_stay_on_the_sites_own_hosts() -> None:
    with Fleet([_portal(lambda r: "", css="http://cdn.other.example/x.css"), _secret()]) \
            as fleet:
        port = fleet.sites["portal"].port
        result = _sweep(fleet, f"http://www.kota.example:{port}/",
                        {"www.kota.example": "portal", "cdn.other.example": "secret",
                         "intranet.example": "secret"})
        assert fleet.sites["secret"].requests == []  # neither the CSS nor the sitemap
        assert any(r.path == "/robots.txt" for r in fleet.sites["portal"].requests)
    assert _fields(result)["available"] is True
    assert "http://cdn.other.example/x.css" in result.extra_urls


# -- redirect targets with spaces and non-ASCII, through the CLI ----------------------------

def test_redirects_with_spaces_and_non_ascii_are_followed(tmp_path: Path) -> None:
    cafe = "/pengumuman/café".encode().decode("latin-1")  # UTF-8 bytes on the wire
    ok = Page(body="<html><body><h1>Berita</h1><p>Isi berita terbaru.</p></body></html>")
    sites = [
        FleetSite("space", {"/": Page(status=302,
                                      headers={"Location": "/berita terbaru/index.php"}),
                            "/berita%20terbaru/index.php": ok}),
        FleetSite("accent", {"/": Page(status=301, headers={"Location": cafe}),
                             "/pengumuman/caf%C3%A9": ok}),
    ]
    with Fleet(sites) as fleet:
        records, _db = sweep_and_export(fleet, tmp_path, timeout=5, concurrency=2,
                                        env={"MONITOR_RETRY_PAUSE": "0.1"})
    assert records["space"]["available"] is True, records["space"]
    assert records["space"]["final_url"].endswith("/berita%20terbaru/index.php")
    assert records["accent"]["available"] is True, records["accent"]
    assert records["accent"]["final_url"].endswith("/pengumuman/caf%C3%A9")


def test_an_extra_redirected_off_the_site_is_not_followed() -> None:
    from monitor.sweep.fetch import FetchConfig, fetch, new_client, ssl_context_for

    sites = [FleetSite("portal", {"/robots.txt": Page(status=301, headers={
        "Location": "http://cdn.other.example/robots.txt"})}), _secret()]
    with Fleet(sites) as fleet:
        portal = fleet.sites["portal"]

        def resolver(host: str, port: int) -> tuple[str, int] | None:
            site = fleet.sites["secret"] if host == "cdn.other.example" else portal
            return site.host, site.port

        async def go() -> Any:
            context = ssl_context_for()
            async with new_client(FetchConfig(), context, resolver) as client:
                return await fetch(client, f"http://www.kota.example:{portal.port}/robots.txt",
                                   timeout=5, max_bytes=10_000, hosts=["www.kota.example"])

        got = asyncio.run(go())
        assert fleet.sites["secret"].requests == []
    assert got.error == "other" and "leaves the site's own hosts" in got.error_detail
    assert got.redirects == [(301, "http://cdn.other.example/robots.txt")]


def test_trusted_networks_let_a_public_site_reach_the_citys_internal_servers() -> None:
    portal = _portal(lambda r: f"http://intranet.example:{r.headers['host'].split(':')[1]}"
                               "/secret")
    with Fleet([portal, _secret()]) as fleet:
        port = fleet.sites["portal"].port
        names = {"www.kota.example": "portal", "intranet.example": "secret"}
        trusted = f"{fleet.sites['secret'].host}/32"

        def resolver(host: str, port: int) -> tuple[str, int] | None:
            site = fleet.sites[names[host]]
            return site.host, site.port

        async def run() -> SiteResult:
            options = SweepOptions(timeout=5, retry_pause=0.1,
                                   check_options={"trusted_networks": trusted})
            sweeper = Sweeper(options, resolver=resolver, public=_only_portal_is_public(fleet))
            target = Target("18.71.01", "kecamatan", "Uji", "Uji",
                            f"http://www.kota.example:{port}/", ())
            return [r async for r in sweeper.run([target])][0]

        result = asyncio.run(run())
    assert _fields(result)["available"] is True


def test_a_bad_trusted_network_is_a_config_error_naming_the_setting(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    targets = tmp_path / "targets.csv"
    targets.write_text("code,level,name,kecamatan,url,email\n"
                       "18.71,kota,Bandar Lampung,,http://127.1.9.9:9/,\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "monitor", "check", "--targets", str(targets),
                          "--db", f"sqlite:///{tmp_path / 'm.db'}"],
                         env={**os.environ,
                              "MONITOR_TRUSTED_NETWORKS": "10.0.0.0/8 kantor-kota"},
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "trusted_networks" in run.stderr and "kantor-kota" in run.stderr
