"""Which sites need action, worst first, with evidence and the review state (incl. reopened).

Store-level tests use ``db_url`` so they also run on PostgreSQL in CI.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from review_seed import DOWN, NO_SITE, NOW, UP_AKTIF, healthy_week, stale, sweep

from monitor.admin.review import needs_action
from monitor.core.errors import UsageError
from monitor.store import Store
from monitor.store.reviews import add_review, history, latest_reviews

KOTA, KEDATON, SIDODADI, SURABAYA, TKP, GOTONG = (
    "18.71", "18.71.01", "18.71.01.1001", "18.71.01.1002", "18.71.02", "18.71.02.1001")

HACKED = dict(UP_AKTIF, content_flags=["judi_spam"], findings={"content": {"evidence": [
    {"rule": "judi-keywords", "url": "https://kota.example.test/",
     "text": "slot gacor maxwin hari ini"}]}})
NOT_MOBILE = dict(UP_AKTIF, mobile_friendly=False, mobile_issues=["no_viewport", "small_text"])


@pytest.fixture
def store(db_url: str) -> Store:
    return Store.open(db_url)


def every_problem(store: Store) -> None:
    healthy_week(store, {SIDODADI: DOWN, TKP: stale(120), GOTONG: stale(45), KOTA: HACKED,
                         KEDATON: NOT_MOBILE})


def test_lists_every_kind_of_problem_worst_first_with_evidence(store: Store) -> None:
    every_problem(store)
    items = needs_action(store, NOW)
    assert [(i.code, i.reason_keys[0]) for i in items] == [
        (SIDODADI, "unreachable"), (TKP, "tidak_aktif"), (GOTONG, "kurang_aktif"),
        (KOTA, "content_flags"), (KEDATON, "not_mobile_friendly"), (SURABAYA, "no_site")]
    by_code = {i.code: i for i in items}
    down = by_code[SIDODADI].reasons[0]
    # the week's 7th sweep was 7 days + 1 h ago: outside the window
    assert "down in all 6 sweeps" in down.summary and "timeout" in down.summary
    assert down.evidence[0].text == "no answer within 20 s"
    assert down.evidence[0].url == "https://sidodadi.example.test/"
    old = by_code[TKP].reasons[0]
    assert "120 days" in old.summary
    assert old.evidence[0].text == "https://x.example.test/feed <pubDate>Thu, 01 Jan 2026"
    hacked = by_code[KOTA].reasons[0]
    assert hacked.summary == "hacked: judi_spam"
    assert [e.text for e in hacked.evidence] == ["judi_spam", "slot gacor maxwin hari ini"]
    assert by_code[KEDATON].reasons[0].summary == "not mobile-friendly: no_viewport, small_text"
    assert all(i.review is None for i in items)


def test_a_site_that_answered_once_this_week_is_not_unreachable(store: Store) -> None:
    healthy_week(store, {SIDODADI: DOWN})
    sweep(store, NOW - timedelta(hours=2), {SIDODADI: UP_AKTIF})
    assert SIDODADI not in {i.code for i in needs_action(store, NOW)}


def test_days_sets_the_window_for_unreachable(store: Store) -> None:
    healthy_week(store)
    for hours in (20, 10):
        sweep(store, NOW - timedelta(hours=hours), {SIDODADI: DOWN})
    assert SIDODADI not in {i.code for i in needs_action(store, NOW, days=7)}
    item = next(i for i in needs_action(store, NOW, days=1) if i.code == SIDODADI)
    assert item.reason_keys == ["unreachable"]
    assert item.reasons[0].summary.startswith("down in all 2 sweeps")
    with pytest.raises(UsageError):
        needs_action(store, NOW, days=0)


def test_kecamatan_filter_ignores_case_and_spaces(store: Store) -> None:
    every_problem(store)
    items = needs_action(store, NOW, kecamatan="tanjung karang  PUSAT")
    assert [i.code for i in items] == [TKP, GOTONG]
    with pytest.raises(UsageError, match="Atlantis"):
        needs_action(store, NOW, kecamatan="Atlantis")


def test_reviews_are_recorded_as_history_and_the_newest_is_shown(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "dihubungi", "Telepon ke operator", "dina", NOW - timedelta(hours=3))
    add_review(store, TKP, "dalam_perbaikan", "Operator baru dilatih", "budi",
               NOW - timedelta(hours=1))
    assert [r.status for r in history(store, TKP)] == ["dalam_perbaikan", "dihubungi"]
    assert latest_reviews(store)[TKP].note == "Operator baru dilatih"
    item = next(i for i in needs_action(store, NOW) if i.code == TKP)
    assert item.review is not None
    assert (item.review.shown_status, item.review.by) == ("dalam_perbaikan", "budi")
    assert item.as_dict()["reviewed_at"] == "2026-11-23T09:00:00+07:00"


@pytest.mark.parametrize(("code", "status", "note", "problem"), [
    ("99.99", "selesai", "x", "no site"),
    (TKP, "done", "x", "status"),
    (TKP, "selesai", "   ", "note"),
    (TKP, "selesai", "x" * 2001, "limited"),
])
def test_bad_reviews_are_refused(store: Store, code: str, status: str, note: str,
                                 problem: str) -> None:
    every_problem(store)
    with pytest.raises(UsageError, match=problem):
        add_review(store, code, status, note, "dina", NOW)
    assert history(store, TKP) == []


def test_selesai_contradicted_by_a_later_sweep_is_reopened(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(days=2))
    item = next(i for i in needs_action(store, NOW) if i.code == TKP)
    assert item.review is not None and item.review.reopened
    assert item.review.shown_status == "reopened"
    assert item.as_dict()["review_status"] == "reopened"
    assert item.as_dict()["review_note"] == "Sudah diperbarui"


def test_selesai_not_yet_swept_again_is_not_reopened(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(hours=1))
    item = next(i for i in needs_action(store, NOW) if i.code == TKP)
    assert item.review is not None and not item.review.reopened
    assert item.review.shown_status == "selesai"


def test_selesai_confirmed_by_the_next_sweep_leaves_the_list(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(hours=3))
    sweep(store, NOW - timedelta(hours=2), {TKP: UP_AKTIF})
    assert TKP not in {i.code for i in needs_action(store, NOW)}


def test_unreachable_reopens_only_if_down_in_every_sweep_after_the_review(store: Store) -> None:
    healthy_week(store, {SIDODADI: DOWN, GOTONG: DOWN})
    for code in (SIDODADI, GOTONG):
        add_review(store, code, "selesai", "Server dinyalakan", "dina", NOW - timedelta(hours=3))
    sweep(store, NOW - timedelta(hours=2), {SIDODADI: UP_AKTIF, GOTONG: DOWN})
    items = {i.code: i for i in needs_action(store, NOW)}
    assert SIDODADI not in items  # it answered after the review: fixed
    gotong = items[GOTONG]
    assert gotong.review is not None and gotong.review.reopened
    assert gotong.reason_keys == ["unreachable"]


def test_reopened_comes_first_among_equals(store: Store) -> None:
    healthy_week(store, {TKP: stale(100), GOTONG: stale(200)})
    add_review(store, TKP, "selesai", "ok", "dina", NOW - timedelta(days=3))
    assert [i.code for i in needs_action(store, NOW)][:2] == [TKP, GOTONG]


# -- the weekly reports show the review state ---------------------------------------------------
def reviewed_week(store: Store) -> None:
    """Week 2026-W47: TKP marked selesai mid-week but still stale after (reopened); Gotong
    Royong contacted, with a note that tries to inject markup."""
    healthy_week(store, {TKP: stale(120), GOTONG: stale(45)})
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(days=5))
    add_review(store, GOTONG, "dihubungi", "Telepon <b>operator</b>", "budi",
               NOW - timedelta(days=5))


@pytest.mark.parametrize(("lang", "reopened", "contacted"), [
    ("id", "dibuka kembali", "dihubungi"), ("en", "reopened", "contacted")])
def test_city_and_kecamatan_reports_show_review_status_and_note(
        store: Store, lang: str, reopened: str, contacted: str) -> None:
    from monitor.report.data import build
    from monitor.report.render import render_city, render_kecamatan
    from monitor.report.source import load_week

    reviewed_week(store)
    report = build(load_week(store, 2026, 47), lang=lang, now=NOW)
    sites = {s.code: s for k in report.kecamatan for s in k.sites}
    assert sites[TKP].review is not None and sites[TKP].review.reopened
    assert sites[GOTONG].review is not None and not sites[GOTONG].review.reopened
    kec = next(k for k in report.kecamatan if k.name == "Tanjungkarang Pusat")
    for html in (render_city(report), render_kecamatan(report, kec)):
        assert reopened in html and "Sudah diperbarui" in html
        assert contacted in html.lower() and "Telepon &lt;b&gt;operator&lt;/b&gt;" in html
        assert "<b>operator" not in html


def test_sweeps_from_before_a_site_had_a_url_do_not_make_it_unreachable(store: Store) -> None:
    healthy_week(store, {SIDODADI: NO_SITE})
    sweep(store, NOW - timedelta(hours=1), {SIDODADI: DOWN})
    item = next(i for i in needs_action(store, NOW) if i.code == SIDODADI)
    assert item.reasons[0].summary.startswith("down in all 1 sweeps")  # no_site ones ignored
    sweep(store, NOW - timedelta(minutes=30), {SIDODADI: UP_AKTIF})
    assert SIDODADI not in {i.code for i in needs_action(store, NOW)}
