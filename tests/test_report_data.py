"""The weekly report data, built from seeded store rows and checked without Jinja.

Runs on SQLite and, in CI, PostgreSQL (``db_url``). The seeded week is described in
tests/report_seed.py.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import report_seed as seed

from monitor.core.clock import JAKARTA
from monitor.report import build_week, write_week
from monitor.report.data import percentile
from monitor.report.model import SiteWeek, WeekReport
from monitor.store import Result, Store


def _report(store: Store, lang: str = "id", week: int = seed.WEEK) -> WeekReport:
    _, report = build_week(store, seed.YEAR, week, lang=lang, now=seed.NOW)
    return report


def _site(report: WeekReport, code: str) -> SiteWeek:
    for kec in report.kecamatan:
        for site in kec.sites:
            if site.code == code:
                return site
    assert report.city_site is not None and report.city_site.code == code
    return report.city_site


@pytest.fixture
def seeded(db_url: str) -> Store:
    store = Store.open(db_url)
    seed.seed_week(store)
    return store


def test_uptime_daily_bars_and_response_times(seeded: Store) -> None:
    report = _report(seeded)
    city = _site(report, seed.CITY.code)
    assert (city.checks, city.up_checks, city.uptime_pct) == (14, 14, 100.0)
    # 300, 310, ... 430 ms: median of 14 is (360 + 370) / 2; p95 by nearest rank is the 14th
    assert (city.median_ms, city.p95_ms) == (365.0, 430.0)
    tkp = _site(report, seed.TKP.code)
    assert (tkp.up_checks, tkp.checks, tkp.uptime_pct) == (11, 14, 78.6)
    tuesday = tkp.daily[1]
    assert (tuesday.day, tuesday.label, tuesday.up, tuesday.down) == (date(2026, 11, 17),
                                                                     "Sel", 1, 1)
    assert [d.up + d.down for d in tkp.daily] == [2] * 7
    assert _site(report, seed.SURABAYA.code).uptime_pct == 0.0


def test_site_added_mid_week_is_judged_on_its_own_sweeps(seeded: Store) -> None:
    kaliawi = _site(_report(seeded), seed.KALIAWI.code)
    assert kaliawi.added_on == date(2026, 11, 19)
    assert (kaliawi.checks, kaliawi.uptime_pct) == (7, 100.0)  # Thursday 18:00 to Sunday
    assert [d.up for d in kaliawi.daily] == [0, 0, 0, 1, 2, 2, 2]


def test_needs_action_worst_first_with_a_hacked_site_first_even_though_up(
        seeded: Store) -> None:
    report = _report(seeded)
    order = [s.code for s in report.needs_action]
    # the verdicts' one order: hacked, down all week, unstable, tidak_aktif, certificate,
    # no HTTPS, no website last
    assert order == [seed.SIDODADI.code, seed.SURABAYA.code, seed.TKP.code, seed.KEDATON.code,
                     seed.KALIAWI.code, seed.PASIR.code, seed.KEDATON_KEL.code]
    hacked = report.needs_action[0]
    assert hacked.available is True and hacked.problems[0].kind == "judi_spam"
    texts = [e.text for e in hacked.problems[0].evidence]
    assert seed.HOSTILE + " slot gacor maxwin" in texts  # kept verbatim; the renderer escapes
    assert seed.CITY.code not in order


def test_problem_reason_and_advice_in_plain_bahasa_indonesia(seeded: Store) -> None:
    kedaton = _site(_report(seeded), seed.KEDATON.code)
    stale = kedaton.problems[0]
    assert stale.reason == "Situs tidak aktif: terakhir diperbarui 12 Maret 2026 (255 hari lalu)"
    assert stale.plain == ("Tanggal isi terbaru 12 Maret 2026, dibaca dari tanggal yang "
                           "tertulis di halaman.")
    assert stale.advice == "Unggah berita kegiatan kecamatan."
    assert stale.evidence[0].text == f"{seed.KEDATON.url} 'Kamis, 12 Maret 2026'"
    mobile = kedaton.problems[1]
    assert mobile.reason == "Situs sulit dibuka di ponsel (tanpa tag viewport)"
    assert mobile.plain == ("Tidak ada tag viewport: di ponsel halaman tampil selebar 980 px "
                            "lalu diperkecil.")
    assert mobile.evidence[0].rule == "lighthouse:viewport"
    down = _site(_report(seeded), seed.SURABAYA.code).problems[0]
    assert down.reason == ("Situs tidak dapat diakses sepanjang minggu "
                           "(server terlalu lama menjawab)")
    assert down.evidence[1].text == "0/14"
    no_site = _site(_report(seeded), seed.KEDATON_KEL.code)
    assert [p.reason for p in no_site.problems] == ["Belum punya situs"]
    assert no_site.activity == "tidak_ada_situs" and no_site.uptime_pct is None


def test_english_report_words(seeded: Store) -> None:
    kedaton = _site(_report(seeded, "en"), seed.KEDATON.code)
    assert kedaton.problems[0].reason == "Inactive: last updated 12 March 2026 (255 days ago)"


def test_headline_counts_latest_verdicts(seeded: Store) -> None:
    head = _report(seeded).headline
    assert (head.areas, head.with_site, head.no_site) == (8, 7, 1)
    # needs_action counts websites; the area without one is counted in no_site
    assert (head.up, head.down, head.hacked, head.needs_action) == (6, 1, 1, 6)
    assert (head.aktif, head.kurang_aktif, head.tidak_aktif) == (4, 1, 1)
    assert head.mobile_friendly == 5


def test_ranking_by_mean_site_score(seeded: Store) -> None:
    report = _report(seeded)
    ranking = [(k.name, k.rank, k.score) for k in report.ranking]
    # TkP: kecamatan 31.4+15+20+10=76, Kaliawi 100, Pasir Gintung 90 (no HTTPS) -> 88.7
    # Kedaton: kecamatan 40+0+0+10=50, hacked 0, down 0, no website 0 -> 12.5
    assert ranking == [("Tanjungkarang Pusat", 1, 88.7), ("Kedaton", 2, 12.5)]


def test_week_over_week(seeded: Store) -> None:
    wow = _report(seeded).wow
    assert wow.previous is not None
    assert [c.code for c in wow.new_problems] == [seed.SIDODADI.code, seed.SURABAYA.code]
    assert [c.code for c in wow.worse] == [seed.KEDATON.code]  # kurang aktif -> tidak aktif
    assert [c.code for c in wow.better] == [seed.TKP.code]  # down all week -> unstable
    assert wow.deltas["hacked"] == 1 and wow.deltas["down"] == 0
    assert wow.deltas["tidak_aktif"] == 1 and wow.deltas["kurang_aktif"] == 0
    sidodadi = wow.new_problems[0]
    assert (sidodadi.before, sidodadi.after) == ("", "Situs disusupi spam judi online "
                                                     "(situs diretas)")


def test_kecamatan_tables_and_email_summary(seeded: Store) -> None:
    report = _report(seeded)
    kedaton, tkp = report.kecamatan
    assert [s.code for s in kedaton.sites] == [seed.KEDATON.code, seed.SIDODADI.code,
                                               seed.SURABAYA.code, seed.KEDATON_KEL.code]
    assert kedaton.slug == "kedaton" and tkp.slug == "tanjungkarang-pusat"
    assert kedaton.summary[0] == "2 dari 3 situs dapat diakses."
    assert kedaton.summary[-1] == "1 wilayah belum punya situs."
    assert "Kelurahan Sidodadi: Situs disusupi spam judi online (situs diretas)" in (
        kedaton.summary)
    assert [c.code for c in kedaton.wow.new_problems] == [seed.SIDODADI.code,
                                                          seed.SURABAYA.code]
    assert [c.code for c in tkp.wow.better] == [seed.TKP.code]


def test_review_status_of_a_site(seeded: Store) -> None:
    review = _site(_report(seeded), seed.SURABAYA.code).review
    assert review is not None
    assert (review.status, review.label, review.by) == ("dihubungi", "sudah dihubungi", "Rina")
    assert _site(_report(seeded), seed.SIDODADI.code).review is None


def test_a_week_with_no_data(seeded: Store) -> None:
    report = _report(seeded, week=40)
    assert report.collection.sweeps == 0 and report.wow.previous is None
    assert report.headline.checked == 0
    assert [s.code for s in report.needs_action] == [seed.KEDATON_KEL.code]  # no website
    assert all(s.uptime_pct is None and s.problems == () for s in report.needs_action[1:])


def test_a_week_with_one_sweep(db_url: str) -> None:
    store = Store.open(db_url)
    seed.seed_week(store, sweeps=1, previous=False, reviews=False)
    report = _report(store)
    city = _site(report, seed.CITY.code)
    assert (city.checks, city.uptime_pct, city.median_ms, city.p95_ms) == (1, 100.0, 300.0,
                                                                           300.0)
    assert [d.up for d in city.daily] == [1, 0, 0, 0, 0, 0, 0]
    assert report.collection.sweeps == 1 and report.wow.previous is None
    codes = {s.code for k in report.kecamatan for s in k.sites}
    assert seed.KALIAWI.code not in codes  # not in targets.csv yet: not an area of this week


def test_screenshot_path_from_the_mobile_finding(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    store.sync_targets([seed.CITY], seed.MONDAY)
    shot = tmp_path / "city.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    at = seed.MONDAY.astimezone(UTC) + timedelta(hours=1)
    sweep = store.begin_sweep(at, 1, {})
    store.save_results(sweep, [(seed.CITY.code, Result(
        sweep_id=0, site_id=0, checked_at=at, url=seed.CITY.url, available=True,
        findings={"mobile": {"browser": {"screenshot": str(shot)}}}))])
    assert _report(store).city_site is not None
    assert _report(store).city_site.screenshot == shot  # type: ignore[union-attr]
    shot.unlink()
    assert _report(store).city_site.screenshot is None  # type: ignore[union-attr]


def test_write_week_files_export_and_verifiable_sha(seeded: Store, tmp_path: Path) -> None:
    files = write_week(seeded, tmp_path, seed.YEAR, seed.WEEK, now=seed.NOW)
    assert files.week == "2026-W47" and files.folder == tmp_path / "2026-W47"
    assert files.city == files.folder / "index.html" and files.city.is_file()
    assert [(k.slug, k.sites, k.needs_action) for k in files.kecamatan] == [
        ("kedaton", 4, 3), ("tanjungkarang-pusat", 3, 3)]
    assert [k.websites for k in files.kecamatan] == [3, 3]
    assert files.city_pdf is None and files.pdf_problem == ""  # no printer given
    assert all(k.path.is_file() for k in files.kecamatan)
    data = (files.folder / "data.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == files.data_sha256
    records = json.loads((files.folder / "export.json").read_text(encoding="utf-8"))
    by_code = {r["code"]: r for r in records}
    assert len(records) == 8
    assert by_code[seed.KALIAWI.code]["checked_at"] == "2026-11-22T18:00:00+07:00"
    assert by_code[seed.TKP.code]["activity"] == "kurang_aktif"
    assert by_code[seed.KEDATON_KEL.code]["error"] == "no_site"
    csv_lines = (files.folder / "export.csv").read_text(encoding="utf-8").splitlines()
    assert csv_lines[0].startswith("code,level,name,kecamatan,url,checked_at")
    assert len(csv_lines) == 9
    again = write_week(seeded, tmp_path, seed.YEAR, seed.WEEK,
                       now=datetime(2026, 12, 1, tzinfo=JAKARTA))
    assert again.data_sha256 == files.data_sha256  # the same data, the same fingerprint


def test_percentile_nearest_rank() -> None:
    assert percentile([], 0.95) is None
    assert percentile([5.0], 0.95) == 5.0
    assert percentile([float(v) for v in range(1, 21)], 0.95) == 19.0
