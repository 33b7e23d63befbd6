"""Freshness: a site is dated by its newest real content, with evidence, through the real
sweep against the simulated fleet; traps never make a dead site look alive; the extra requests
stay within 4; earlier evidence dates a site that is down now; `monitor export` shows it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fleet_freshness import (
    DEAD_POST,
    PROSE,
    _page,
    _post,
    expected,
    freshness_sites,
    indo,
)

from monitor.checks.freshness.check import MAX_EXTRA, FreshnessCheck, wanted
from monitor.core.clock import JAKARTA
from monitor.core.snapshot import Fetched, PreviousFinding, Snapshot
from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.store import Store
from monitor.sweep.result import SiteResult
from monitor.sweep.sweeper import Sweeper, SweepOptions
from monitor.targets.loader import Target

OPTIONS = {"aktif_days": 30, "kurang_aktif_days": 90}
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


def sweep(fleet: Fleet, names: list[str] | None = None,
          previous: dict[str, Any] | None = None) -> dict[str, SiteResult]:
    """The real sweep (home page, planned extra URLs, checks) over some fleet sites."""
    options = SweepOptions(timeout=3.0, retry_pause=0.05, check_options=OPTIONS)
    sweeper = Sweeper(options, ssl_context=fleet.client_ssl_context())
    targets = [Target(n, "kelurahan", n, "Uji", fleet.url(n), ()) for n in names or fleet.sites]

    async def run() -> dict[str, SiteResult]:
        return {r.code: r async for r in sweeper.run(targets, previous)}

    return asyncio.run(run())


def freshness_of(result: SiteResult) -> dict[str, Any]:
    (outcome,) = [o for o in result.outcomes if o.name == "freshness"]
    assert outcome.ok, outcome.failure
    return outcome.data


@pytest.fixture(scope="module")
def fleet_results() -> tuple[dict[str, SiteResult], Fleet]:
    with Fleet(freshness_sites()) as fleet:
        return sweep(fleet), fleet


@pytest.mark.parametrize("name", sorted(expected()))
def test_each_source_trap_and_disagreement_gets_the_right_date(
    name: str, fleet_results: tuple[dict[str, SiteResult], Fleet]
) -> None:
    results, _fleet = fleet_results
    fields = results[name].fields()
    got = (fields["last_update"], fields["last_update_source"], fields["activity"])
    assert got == expected()[name], freshness_of(results[name])["evidence"]


def test_every_date_comes_with_its_url_and_exact_text(
    fleet_results: tuple[dict[str, SiteResult], Fleet]
) -> None:
    results, fleet = fleet_results
    for name, result in results.items():
        fields = result.fields()
        if fields["last_update"] is None:
            assert fields["last_update_evidence"] is None
            continue
        evidence = fields["last_update_evidence"]
        assert evidence.startswith(fleet.url(name).rstrip("/")), (name, evidence)
    dead = results["fresh_wp_dead_today_header"].fields()["last_update_evidence"]
    assert dead == (f"{fleet.url('fresh_wp_dead_today_header')}wp-json/wp/v2/posts?per_page=5&"
                    "_fields=link,date,date_gmt,modified,modified_gmt "
                    '"modified_gmt": "2023-02-06T01:15:00" (post /berita/2023-02-06/)')


def test_dead_wordpress_with_todays_date_in_its_theme_is_not_active(
    fleet_results: tuple[dict[str, SiteResult], Fleet]
) -> None:
    """The header prints today's date and a clock; every source says February 2023."""
    results, fleet = fleet_results
    data = freshness_of(results["fresh_wp_dead_today_header"])
    assert data["last_update"] == DEAD_POST.isoformat()
    assert data["activity"] == "tidak_aktif"
    assert data["days_since_update"] > 1000
    # the home page really did show today's date, and nothing dated today was taken
    home = [r for r in fleet.sites["fresh_wp_dead_today_header"].requests if r.path == "/"]
    assert home
    assert set(data["newest_by_source"].values()) == {DEAD_POST.isoformat()}


def test_extra_requests_stay_within_four_per_site(
    fleet_results: tuple[dict[str, SiteResult], Fleet]
) -> None:
    results, fleet = fleet_results
    for name, site in fleet.sites.items():
        paths = [r.path for r in site.requests]
        assert "/" in paths, name
        # the home page may be asked again by other checks (cloaking); the rest is ours
        assert len([p for p in paths if p != "/"]) <= MAX_EXTRA, (name, paths)
    # every source exists and the API dates the site: robots.txt and the sitemap, which
    # could not win over it, are not asked for
    asked = {r.path.split("?")[0] for r in fleet.sites["fresh_wp_dead_today_header"].requests}
    assert asked == {"/", "/wp-json/wp/v2/posts", "/feed/"}
    # no API or feed: robots.txt leads to the sitemap named in it
    asked = {r.path.split("?")[0] for r in fleet.sites["fresh_sitemap_only"].requests}
    assert {"/robots.txt", "/peta-situs.xml"} <= asked


def test_hostile_sitemap_address_off_site_is_never_fetched(
    fleet_results: tuple[dict[str, SiteResult], Fleet]
) -> None:
    results, _fleet = fleet_results
    assert not any("10.0.0.1" in url for url in results["fresh_hostile"].extra_urls)


def test_site_down_now_is_still_dated_by_the_previous_sweep(
    fleet_factory: Callable[[list[FleetSite]], Fleet]
) -> None:
    day = datetime.now(JAKARTA).date() - timedelta(days=20)
    site = FleetSite("later_down", {"/": Page(body=_page("", _post("Rapat", day)))})
    fleet = fleet_factory([site])
    first = freshness_of(sweep(fleet)["later_down"])
    assert (first["last_update"], first["activity"]) == (day.isoformat(), "aktif")
    site.routes["/"] = Page(status=503, body="down")
    taken = datetime.now(UTC) - timedelta(days=30)  # the first sweep, as the store would say
    previous = {"later_down": {"freshness": PreviousFinding(taken, first)}}
    second = sweep(fleet, previous=previous)["later_down"]
    data = freshness_of(second)
    assert data["reachable"] is False
    assert data["last_update"] == day.isoformat()
    assert data["last_update_evidence"] == first["last_update_evidence"]
    assert data["days_since_update"] == 20
    assert data["activity"] == "aktif"
    assert data["fingerprint"] == first["fingerprint"]  # kept for the next comparison
    assert any(e["rule"] == "earlier-sweep" for e in data["evidence"])


def test_never_reached_site_is_unknown_and_no_site_is_said(
    fleet_factory: Callable[[list[FleetSite]], Fleet]
) -> None:
    fleet = fleet_factory([FleetSite("never", refused=True)])
    data = freshness_of(sweep(fleet)["never"])
    assert (data["last_update"], data["activity"]) == (None, "tidak_diketahui")
    snapshot = Snapshot("X", "kelurahan", "X", "Uji", "", NOW)
    finding = FreshnessCheck().run(snapshot, OPTIONS)
    assert finding.fields()["activity"] == "tidak_ada_situs"


def _snapshot(body: str, previous: PreviousFinding | None = None,
              taken: datetime = NOW) -> Snapshot:
    home = Fetched("https://kel.example.id/", final_url="https://kel.example.id/",
                   status_code=200, body=body.encode(),
                   headers={"content-type": "text/html; charset=utf-8"})
    prev = {"freshness": previous} if previous else {}
    return Snapshot("X", "kelurahan", "X", "Uji", "https://kel.example.id/", taken, home,
                    previous=prev)


WORDS = " ".join(f"kata{i}" for i in range(60))


def test_content_change_dates_a_site_that_prints_no_dates() -> None:
    check = FreshnessCheck()
    week_ago = NOW - timedelta(days=7)
    first = check.run(_snapshot(_page("", f"<p>{WORDS}</p>"), taken=week_ago), OPTIONS)
    assert first.fields()["activity"] == "tidak_aktif"  # reachable, no evidence yet
    previous = PreviousFinding(week_ago, json.loads(json.dumps(_plain(first))))
    same = check.run(_snapshot(_page("", f"<p>{WORDS}</p>"), previous), OPTIONS)
    assert same.last_update is None
    changed = check.run(_snapshot(_page("", f"<p>{WORDS} pengumuman baru</p>"), previous),
                        OPTIONS)
    assert changed.fields()["last_update"] == "2026-11-23"
    assert changed.fields()["last_update_source"] == "content-change"
    assert changed.fields()["activity"] == "aktif"
    assert "changed between the sweeps of 2026-11-16 and 2026-11-23" in (
        changed.fields()["last_update_evidence"])
    # a later sweep with the same text still remembers when it changed
    later = PreviousFinding(NOW, _plain(changed))
    again = check.run(_snapshot(_page("", f"<p>{WORDS} pengumuman baru</p>"), later,
                                NOW + timedelta(days=40)), OPTIONS)
    assert (again.last_update, again.days_since_update, again.activity) == (
        "2026-11-23", 40, "kurang_aktif")


def test_clock_counter_and_todays_date_do_not_count_as_a_change() -> None:
    check = FreshnessCheck()
    def body(stamp: str, visitors: int) -> str:
        return _page("", f"<p>{WORDS}</p><div>Pengunjung: {visitors}</div>",
                     f"<div>{stamp}</div>")
    before = NOW - timedelta(days=1)
    first = check.run(_snapshot(body("Minggu, 22 November 2026 10:00:01 WIB", 10),
                                taken=before), OPTIONS)
    previous = PreviousFinding(before, _plain(first))
    second = check.run(_snapshot(body("Senin, 23 November 2026 09:59:59 WIB", 11), previous),
                       OPTIONS)
    assert second.fingerprint == first.fingerprint
    assert second.last_update is None


def test_unchanged_for_ninety_days_is_recorded_as_evidence_of_inactivity() -> None:
    check = FreshnessCheck()
    long_ago = NOW - timedelta(days=120)
    first = check.run(_snapshot(_page("", f"<p>{WORDS}</p>"), taken=long_ago), OPTIONS)
    latest = check.run(_snapshot(_page("", f"<p>{WORDS}</p>"),
                                 PreviousFinding(long_ago, _plain(first))), OPTIONS)
    assert latest.activity == "tidak_aktif"
    rules = {e.rule: e.text for e in latest.evidence}
    assert rules["content-unchanged"].startswith("main text unchanged since 2026-07-26 (120 days)")


def test_plan_asks_for_at_most_four_urls_in_a_stable_order() -> None:
    body = _page('<link rel="https://api.w.org/" href="https://kel.example.id/wp-json/">'
                 '<link rel="alternate" type="application/rss+xml" href="/feed/">'
                 '<link rel="alternate" type="application/atom+xml" href="/atom/">', PROSE)
    snapshot = _snapshot(body)
    first = [r.url for r in FreshnessCheck().plan(snapshot)]
    assert first == ["https://kel.example.id/wp-json/wp/v2/posts?per_page=5&_fields=link,date,"
                     "date_gmt,modified,modified_gmt", "https://kel.example.id/feed/"]
    for url in first:  # neither dates the site: robots.txt next
        snapshot.extra[url] = Fetched(url, status_code=404)
    assert [r.url for r in FreshnessCheck().plan(snapshot)] == [
        "https://kel.example.id/robots.txt"]
    snapshot.extra["https://kel.example.id/robots.txt"] = Fetched(
        "https://kel.example.id/robots.txt", status_code=200,
        body=b"Sitemap: https://kel.example.id/a.xml\nSitemap: https://kel.example.id/b.xml\n")
    assert [r.url for r in FreshnessCheck().plan(snapshot)] == ["https://kel.example.id/a.xml"]
    snapshot.extra["https://kel.example.id/a.xml"] = Fetched("x", status_code=404)
    assert FreshnessCheck().plan(snapshot) == []
    assert len(wanted(snapshot)) == MAX_EXTRA


def test_a_down_home_page_plans_nothing() -> None:
    snapshot = _snapshot("")
    assert snapshot.home is not None
    snapshot.home.status_code = 500
    assert FreshnessCheck().plan(snapshot) == []


def test_export_shows_the_evidence(
    fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[[list[dict[str, str]]], Path],
    run_cli: Callable[..., Any],
    tmp_path: Path,
) -> None:
    day = datetime.now(JAKARTA).date() - timedelta(days=4)
    fleet = fleet_factory([s for s in freshness_sites() if s.name == "fresh_wp_dead_today_header"]
                          + [FleetSite("posts", {"/": Page(body=_page(
                              "", _post("Posyandu", day, markup=False)))})])
    targets = write_targets([
        {"code": "K", "level": "kecamatan", "name": "Uji", "kecamatan": "Uji"},
        {"code": "dead", "level": "kelurahan", "name": "Dead", "kecamatan": "Uji",
         "url": fleet.url("fresh_wp_dead_today_header")},
        {"code": "posts", "level": "kelurahan", "name": "Posts", "kecamatan": "Uji",
         "url": fleet.url("posts")}])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    env = {"MONITOR_CA_BUNDLE": str(fleet.ca_file), "MONITOR_RETRY_PAUSE": "0.05"}
    assert run_cli("check", "--targets", str(targets), "--db", db, "--timeout", "3",
                   env=env).code == 0
    out = run_cli("export", "--db", db, "--format", "json", env=env)
    records = {r["code"]: r for r in json.loads(out.out)}
    assert records["K"]["activity"] == "tidak_ada_situs"
    dead = records["dead"]
    assert (dead["last_update"], dead["last_update_source"], dead["activity"]) == (
        "2023-02-06", "wp-api", "tidak_aktif")
    assert '"modified_gmt": "2023-02-06T01:15:00"' in dead["last_update_evidence"]
    posts = records["posts"]
    assert posts["last_update_evidence"] == (
        f"{fleet.url('posts')} {day.day:02d} {indo(day).split(' ', 2)[2]}")
    assert (posts["last_update_source"], posts["days_since_update"], posts["activity"]) == (
        "text", 4, "aktif")
    csv_out = run_cli("export", "--db", db, "--format", "csv", env=env).out
    assert "wp-api" in csv_out and "2023-02-06T01:15:00" in csv_out
    store = Store.open(db)
    rows = {site.code: result for site, result in store.latest_results()}
    assert rows["dead"] is not None
    assert rows["dead"].findings["freshness"]["newest_by_source"]["feed"] == "2023-02-06"


def _plain(finding: Any) -> dict[str, Any]:
    import dataclasses

    return dataclasses.asdict(finding)


def _home(body: str) -> Any:
    import lxml.html
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def test_post_permalinks_in_a_listing_date_a_site_that_prints_no_dates() -> None:
    from monitor.checks.freshness.page import newest_on_page
    home = _home(
        '<div class="recent-posts"><ul>'
        '<li><a href="/2026/10/02/kerja-bakti-rt-05/">Kerja bakti RT 05</a></li>'
        '<li><a href="https://www.kel.example/2026/09/14/posyandu-balita/">Posyandu</a></li>'
        '</ul></div>')
    best = newest_on_page(home, "https://kel.example/", NOW)
    assert best is not None
    assert (best.day, best.source) == ("2026-10-02", "url")
    assert "/2026/10/02/kerja-bakti-rt-05/" in best.evidence


@pytest.mark.parametrize("trap", [
    # the calendar widget links day archives (no slug), and sits in a calendar anyway
    '<table id="wp-calendar"><tr><td><a href="/2026/11/22/">22</a></td></tr></table>',
    '<div class="calendar"><a href="/2026/11/22/rapat-rt/">Rapat RT</a></div>',
    # a post dated in the future, another site's post, a menu entry
    '<div class="recent"><a href="/2027/01/05/rencana-kegiatan/">Rencana kegiatan</a></div>',
    '<div class="recent"><a href="https://berita.example/2026/11/22/kabar-kota/">Kota</a></div>',
    '<nav><a href="/2026/11/22/profil-lurah/">Profil lurah</a></nav>',
])
def test_trap_links_do_not_date_a_site(trap: str) -> None:
    from monitor.checks.freshness.page import newest_on_page
    old = '<div class="recent"><a href="/2024/07/22/lomba-17-agustus/">Lomba</a></div>'
    best = newest_on_page(_home(old + trap), "https://kel.example/", NOW)
    assert best is not None
    assert best.day == "2024-07-22", best.evidence
