"""Stamps that depend on when a page is viewed ("2 hari yang lalu", "Kemarin", "06.30 WIB")
never make a site fresh on their own: through the real sweep against the fleet, on a first
sweep and on a second one; an absolute timestamp in their markup wins; a live page whose text
changed counts its stamp, and the evidence says both; announced event dates are not post
dates. Also the pure rules (``stamps``, ``dates.announced_event``) on their edge cases."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import lxml.html
import pytest
from fleet_freshness import (
    MORE_PROSE,
    PROSE,
    STATIC_OLD,
    TIMEAGO_DAYS,
    _page,
    _post,
    announcement_body,
    freshness_sites,
    stamped_item,
    static_relative_body,
)
from test_freshness import OPTIONS, freshness_of, sweep

from monitor.checks.freshness.check import FreshnessCheck
from monitor.checks.freshness.dates import announced_event, find_dates
from monitor.checks.freshness.page import read_page
from monitor.checks.freshness.stamps import anchor_of, item_key, parse_stamp
from monitor.core.clock import JAKARTA
from monitor.core.snapshot import Fetched, PreviousFinding, Snapshot
from monitor.demo.fleet import Fleet, FleetSite, Page

STAMP_SITES = ["fresh_static_relative", "fresh_clock_listing", "fresh_relative_text",
               "fresh_timeago_title", "fresh_event_in_prose"]


def _rules(data: dict[str, Any]) -> dict[str, str]:
    return {e["rule"]: e["text"] for e in data["evidence"]}


def _two_sweeps(fleet: Fleet, names: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Sweep, then sweep again a week later as the store would have it (the previous
    finding taken 7 days ago); the pages have not changed in between."""
    first = {n: freshness_of(r) for n, r in sweep(fleet, names).items()}
    taken = datetime.now(UTC) - timedelta(days=7)
    previous = {n: {"freshness": PreviousFinding(taken, first[n])} for n in names}
    second = {n: freshness_of(r) for n, r in sweep(fleet, names, previous).items()}
    return first, second


@pytest.fixture(scope="module")
def stamp_sweeps() -> tuple[dict[str, Any], dict[str, Any]]:
    with Fleet([s for s in freshness_sites() if s.name in STAMP_SITES]) as fleet:
        return _two_sweeps(fleet, STAMP_SITES)


@pytest.mark.parametrize("name", ["fresh_static_relative", "fresh_clock_listing",
                                  "fresh_relative_text"])
def test_a_static_page_with_relative_stamps_is_not_active_after_one_or_two_sweeps(
        name: str, stamp_sweeps: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, second = stamp_sweeps
    for data in (first, second):
        assert data[name]["activity"] == "tidak_aktif", data[name]["evidence"]
        assert data[name]["last_update_source"] != "text" or \
            data[name]["last_update"] == STATIC_OLD[0].isoformat()
    # the stamp was seen and kept as evidence: tentative on the first sweep, still
    # uncorroborated on the second (the main text did not change)
    tentative = _rules(first[name])["relative-stamp:tentative"]
    assert "does not count on its own (first sweep of this site" in tentative
    later = _rules(second[name])["relative-stamp:uncorroborated"]
    assert "main text unchanged since the previous sweep" in later
    assert "relative-stamp:tentative" not in _rules(second[name])


def test_the_static_page_is_dated_by_its_old_absolute_dates(
        stamp_sweeps: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, second = stamp_sweeps
    today = datetime.now(JAKARTA).date()
    for data in (first["fresh_static_relative"], second["fresh_static_relative"]):
        assert (data["last_update"], data["last_update_source"]) == (
            STATIC_OLD[0].isoformat(), "text")
        assert data["last_update_evidence"].endswith("14 Agustus 2023")
    tentative = _rules(first["fresh_static_relative"])["relative-stamp:tentative"]
    yesterday = today - timedelta(days=1)
    assert tentative.startswith(f"Kemarin would date the site {yesterday.isoformat()}")


def test_a_listing_with_clock_times_only_keeps_them_as_tentative_evidence(
        stamp_sweeps: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, _second = stamp_sweeps
    data = first["fresh_clock_listing"]
    assert (data["last_update"], data["activity"]) == (None, "tidak_aktif")
    assert " WIB would date the site " in _rules(data)["relative-stamp:tentative"]


def test_a_timeago_element_is_dated_by_its_title_timestamp(
        stamp_sweeps: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, second = stamp_sweeps
    day = datetime.now(JAKARTA).date() - timedelta(days=TIMEAGO_DAYS)
    for data in (first["fresh_timeago_title"], second["fresh_timeago_title"]):
        assert (data["last_update"], data["last_update_source"], data["activity"]) == (
            day.isoformat(), "time", "tidak_aktif")
        assert data["last_update_evidence"].endswith(
            f'<time title="{day} 16:29:06">12 jam lalu</time>')
        assert not any(r.startswith("relative-stamp") for r in _rules(data))


def test_an_event_date_announced_in_prose_is_not_a_post_date(
        stamp_sweeps: tuple[dict[str, Any], dict[str, Any]]) -> None:
    first, _second = stamp_sweeps
    data = first["fresh_event_in_prose"]
    hundred = datetime.now(JAKARTA).date() - timedelta(days=100)
    assert (data["last_update"], data["activity"]) == (hundred.isoformat(), "tidak_aktif")


def _live_page(items: str) -> str:
    old = "".join(_post(f"Rapat warga {i}", d, markup=False) for i, d in enumerate(STATIC_OLD))
    return _page("", items + old + PROSE + MORE_PROSE)


def test_a_live_page_whose_text_changed_counts_its_relative_stamp(
        fleet_factory: Callable[[list[FleetSite]], Fleet]) -> None:
    """Old absolute dates elsewhere; a week later a new item says "1 jam yang lalu" and the
    main text changed: the stamp is corroborated, the site is active, and the evidence names
    both the stamp and the change."""
    item = stamped_item("Renovasi sekolah dasar selesai", "3 hari yang lalu", "sekolah")
    site = FleetSite("live_news", {"/": Page(body=_live_page(item))})
    fleet = fleet_factory([site])
    first = freshness_of(sweep(fleet, ["live_news"])["live_news"])
    assert (first["last_update"], first["activity"]) == (STATIC_OLD[0].isoformat(),
                                                         "tidak_aktif")
    assert "relative-stamp:tentative" in _rules(first)
    fresh = stamped_item("Posyandu balita di balai warga", "1 jam yang lalu", "posyandu")
    site.routes["/"] = Page(body=_live_page(fresh + item))
    taken = datetime.now(UTC) - timedelta(days=7)
    previous = {"live_news": {"freshness": PreviousFinding(taken, first)}}
    data = freshness_of(sweep(fleet, ["live_news"], previous)["live_news"])
    stamp_day = (datetime.now(JAKARTA) - timedelta(hours=1)).date()
    assert (data["last_update"], data["last_update_source"], data["activity"]) == (
        stamp_day.isoformat(), "text", "aktif")
    evidence = data["last_update_evidence"]
    assert evidence.startswith(f"{fleet.url('live_news')} 1 jam yang lalu (relative stamp, "
                               f"read as {stamp_day}; corroborated: main text changed "
                               "between the sweeps of ")
    assert "relative-stamp:tentative" not in _rules(data)


# -- the same rules without HTTP, at fixed times ---------------------------------------------
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # 10:00 in Jakarta


def _snapshot(body: str, taken: datetime, previous: PreviousFinding | None = None) -> Snapshot:
    home = Fetched("https://kel.example.test/", final_url="https://kel.example.test/",
                   status_code=200, body=body.encode(),
                   headers={"content-type": "text/html; charset=utf-8"})
    prev = {"freshness": previous} if previous else {}
    return Snapshot("X", "kelurahan", "X", "Uji", "https://kel.example.test/", taken, home,
                    previous=prev)


def _run(body: str, taken: datetime, previous: Any = None) -> Any:
    return FreshnessCheck().run(_snapshot(body, taken, previous), OPTIONS)


def _previous(finding: Any, taken: datetime) -> PreviousFinding:
    return PreviousFinding(taken, dataclasses.asdict(finding))


def test_a_counted_stamp_stays_counted_while_it_ages_consistently() -> None:
    """Sweep 2 counts "1 jam yang lalu" (the text changed); a week later the same item says
    "7 hari yang lalu" on an unchanged page: it agrees with the date counted then."""
    week = timedelta(days=7)
    item = stamped_item("Renovasi sekolah", "3 hari yang lalu", "sekolah")
    first = _run(_live_page(item), NOW - week)
    fresh = stamped_item("Posyandu balita", "1 jam yang lalu", "posyandu")
    second = _run(_live_page(fresh + item), NOW, _previous(first, NOW - week))
    assert (second.last_update, second.activity) == ("2026-11-23", "aktif")
    aged = stamped_item("Posyandu balita", "7 hari yang lalu", "posyandu")
    third = _run(_live_page(aged + item), NOW + week, _previous(second, NOW))
    assert (third.last_update, third.last_update_source) == ("2026-11-23", "text")
    assert "corroborated: last update 2026-11-23 (text) found on the sweep of 2026-11-23" in (
        third.last_update_evidence)
    # the same static page a week later says "1 jam yang lalu" again: no longer consistent
    again = _run(_live_page(fresh + item), NOW + week, _previous(second, NOW))
    assert again.last_update == STATIC_OLD[0].isoformat()
    assert any(e.rule == "relative-stamp:uncorroborated" for e in again.evidence)


def test_a_text_change_elsewhere_does_not_back_a_frozen_stamp() -> None:
    """A static "Kemarin" item, and a paragraph edited beside it: the text changed, but the
    stamped item was already there a week ago, so the stamp still does not count (the text
    change itself is recorded as content-change)."""
    week = timedelta(days=7)
    item = stamped_item("Kerja bakti RT 05", "Kemarin", "kerja-bakti")
    first = _run(_live_page(item), NOW - week)
    assert first.stamp_items
    edited = _live_page(item + "<p>Jadwal pelayanan posyandu diperbarui untuk warga.</p>")
    found = _run(edited, NOW, _previous(first, NOW - week))
    assert found.last_update == STATIC_OLD[0].isoformat()
    notes = {e.rule: e.text for e in found.evidence}
    assert "this item was already on the page" in notes["relative-stamp:uncorroborated"]
    assert notes["also-dated:content-change"].startswith("2026-11-23 from main text")
    # the same edit with a new stamped item: the new item's stamp counts
    fresh = stamped_item("Posyandu balita", "Kemarin", "posyandu")
    counted = _run(_live_page(fresh + item), NOW, _previous(first, NOW - week))
    assert (counted.last_update, counted.activity) == ("2026-11-22", "aktif")
    assert counted.last_update_evidence.endswith(
        "Kemarin (relative stamp, read as 2026-11-22; corroborated: main text changed between "
        "the sweeps of 2026-11-16 and 2026-11-23, and this item was not on the page then)")


@pytest.mark.parametrize(("stamp", "interval", "counted_then"), [
    ("1 bulan yang lalu", 7, 30),  # coarse: a frozen month stamp drifts within its window
    ("3 minggu lalu", 7, 21),
    ("2 hari yang lalu", 1, 2),  # daily sweeps: a frozen day stamp drifts by one day
])
def test_a_frozen_stamp_cannot_confirm_itself_through_the_previous_date(
        stamp: str, interval: int, counted_then: int) -> None:
    """A static page whose stamp was once counted (by an older version, or after one edit)
    must not keep itself fresh: the previous date corroborates only stamps fine enough to
    tell aging from frozen text."""
    body = _live_page(stamped_item("Posyandu balita", stamp, "posyandu"))
    before = NOW - timedelta(days=interval)
    first = _run(body, before)
    data = dataclasses.asdict(first)
    data["last_update"] = (before - timedelta(days=counted_then)).date().isoformat()
    data["last_update_source"] = "text"
    found = _run(body, NOW, PreviousFinding(before, data))
    assert found.last_update == STATIC_OLD[0].isoformat(), found.last_update_evidence
    assert any(e.rule == "relative-stamp:uncorroborated" for e in found.evidence)


def test_an_absolute_date_within_the_window_corroborates_a_stamp() -> None:
    """A post dated 2 days before (absolute) and a newer item "Kemarin": they agree within
    the stamp's window, so the stamp gives the newer day; "3 minggu lalu" against a date
    from 2023 does not."""
    body = _page("", stamped_item("Lomba kebersihan", "Kemarin", "lomba")
                 + _post("Rapat", date(2026, 11, 21), markup=False) + PROSE)
    found = _run(body, NOW)
    assert (found.last_update, found.last_update_source) == ("2026-11-22", "text")
    assert found.last_update_evidence.endswith(
        "Kemarin (relative stamp, read as 2026-11-22; corroborated: text date 2026-11-21 "
        "within 1 day: 21 November 2026)")
    body = _page("", static_relative_body())
    assert _run(body, NOW).last_update == STATIC_OLD[0].isoformat()


def test_announcement_dates_in_prose_are_refused_but_labels_are_kept() -> None:
    doc = lxml.html.document_fromstring(_page("", announcement_body(date(2026, 11, 23))))
    best = read_page(doc, "https://kel.example.test/", NOW).best
    assert best is not None and best.day == "2026-08-15", best
    for prose in ("Rapat akan dilaksanakan pada tanggal 20 Juli 2026",
                  "Pendaftaran ditutup paling lambat 5 Mei 2026",
                  "Kegiatan diselenggarakan di aula, Senin 4 Mei 2026",
                  "The meeting will be held on 4 May 2026"):
        (found,) = find_dates(prose)
        assert announced_event(prose, found.start), prose
    for label in ("Diposting 20 Juli 2026 oleh admin", "Kamis, 02 Nov 2023 20:59 WIB",
                  "Pemkot resmikan taman. Senin, 4 Mei 2026"):
        (found,) = find_dates(label)
        assert not announced_event(label, found.start), label


@pytest.mark.parametrize(("value", "day"), [
    ("2020-05-03 16:29:06", "2020-05-03"),
    ("2020-05-03T16:29:06+07:00", "2020-05-03"),
    ("Sun, 03 May 2020 09:29:06 GMT", "2020-05-03"),
    ("Minggu, 3 Mei 2020 16:29", "2020-05-03"),
    ("1588498146", "2020-05-03"),
    ("1588498146000", "2020-05-03"),
    ("Jadwal TVRI Belajar dari Rumah, Senin 4 Mei 2020: Materi Operasi Hitung", None),
    ("12 jam lalu", None),
    ("123456", None),
    ("", None),
])
def test_parse_stamp_takes_only_values_that_are_a_timestamp(value: str, day: str | None) -> None:
    found = parse_stamp(value)
    assert (found.date().isoformat() if found else None) == day


@pytest.mark.parametrize(("markup", "expected"), [
    ('<time class="timeago" title="2020-05-03 16:29:06">12 jam lalu</time>',
     '<time title="2020-05-03 16:29:06">'),
    ('<span data-timestamp="1588498146"><b>12 jam lalu</b></span>',
     '<span data-timestamp="1588498146">'),
    ('<span data-livestamp="1588498146">12 jam lalu</span>',
     '<span data-livestamp="1588498146">'),
    ('<span data-date-format="dd-mm-yyyy">12 jam lalu</span>', None),
    ('<div class="meta" data-date="2020-05-03"><p><span>12 jam lalu</span></p></div>',
     '<div data-date="2020-05-03">'),
    ('<a title="Berita 4 Mei 2020 tentang banjir di kota kami"><span>12 jam lalu</span></a>',
     None),
    ('<time title="2027-01-01">12 jam lalu</time>', None),  # the future is no anchor
])
def test_an_absolute_timestamp_on_the_stamp_or_its_nearest_dated_parent_wins(
        markup: str, expected: str | None) -> None:
    doc = lxml.html.document_fromstring(f"<html><body><div>{markup}</div></body></html>")
    (element,) = [e for e in doc.iter() if (e.text or "").strip() == "12 jam lalu"]
    anchor = anchor_of(element, NOW)
    assert (anchor.quote("x").removesuffix(f"x</{anchor.tag}>") if anchor else None) == expected


@pytest.mark.parametrize(("text", "day", "window"), [
    ("hari ini", "2026-11-23", 1), ("baru saja", "2026-11-23", 1), ("Today", "2026-11-23", 1),
    ("Yesterday", "2026-11-22", 1), ("3 minggu lalu", "2026-11-02", 4),
    ("2 bulan yang lalu", "2026-09-24", 16), ("06.30 WIB", "2026-11-23", 1),
])
def test_every_stamp_relative_to_the_moment_of_viewing_is_marked_with_its_window(
        text: str, day: str, window: int) -> None:
    (found,) = find_dates(text, NOW)
    assert (found.day, found.relative, found.window.days) == (day, True, window)


def test_an_item_keeps_its_key_while_its_stamp_ages() -> None:
    def key(html: str) -> str:
        doc = lxml.html.document_fromstring(f"<html><body><div>{html}</div></body></html>")
        (span,) = doc.xpath("//span[@class='waktu']")
        return item_key(span)

    assert key(stamped_item("Posyandu balita", "2 jam lalu", "p")) == key(
        stamped_item("Posyandu balita", "3 hari yang lalu", "p"))
    assert key(stamped_item("Posyandu balita", "Kemarin", "p")) != key(
        stamped_item("Kerja bakti RT 05", "Kemarin", "p"))


def test_two_runs_of_monitor_check_through_the_store(
    fleet_factory: Callable[[list[FleetSite]], Fleet],
    write_targets: Callable[[list[dict[str, str]]], Any],
    run_cli: Callable[..., Any],
    tmp_path: Any,
) -> None:
    """The whole path: `monitor check` twice on one database (the second run compares with
    what the store kept). The static page stays inactive; the live page publishes a new item
    between the runs and becomes active, its evidence naming the stamp and the change."""
    static = FleetSite("static", {"/": Page(body=_page("", static_relative_body()))})
    item = stamped_item("Renovasi sekolah dasar selesai", "3 hari yang lalu", "sekolah")
    live = FleetSite("live", {"/": Page(body=_live_page(item))})
    fleet = fleet_factory([static, live])
    targets = write_targets([{"code": "K", "level": "kecamatan", "name": "Uji",
                              "kecamatan": "Uji"}] + [
        {"code": code, "level": "kelurahan", "name": code, "kecamatan": "Uji",
         "url": fleet.url(code)} for code in ("static", "live")])
    db = f"sqlite:///{tmp_path / 'm.db'}"
    env = {"MONITOR_CA_BUNDLE": str(fleet.ca_file), "MONITOR_RETRY_PAUSE": "0.05"}

    def check_and_export() -> dict[str, Any]:
        result = run_cli("check", "--targets", str(targets), "--db", db, "--timeout", "3",
                         env=env)
        assert result.code == 0, result
        out = run_cli("export", "--db", db, "--format", "json", env=env)
        return {r["code"]: r for r in json.loads(out.out)}

    first = check_and_export()
    for code in ("static", "live"):
        assert (first[code]["last_update"], first[code]["activity"]) == (
            STATIC_OLD[0].isoformat(), "tidak_aktif")
    fresh = stamped_item("Posyandu balita di balai warga", "1 jam yang lalu", "posyandu")
    live.routes["/"] = Page(body=_live_page(fresh + item))
    second = check_and_export()
    assert (second["static"]["last_update"], second["static"]["activity"]) == (
        STATIC_OLD[0].isoformat(), "tidak_aktif")
    assert (second["live"]["last_update_source"], second["live"]["activity"]) == (
        "text", "aktif")
    assert "1 jam yang lalu (relative stamp, read as " in second["live"]["last_update_evidence"]
    assert "corroborated: main text changed between the sweeps of " in (
        second["live"]["last_update_evidence"])
