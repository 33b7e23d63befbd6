"""Which sites need action over the last N days (``monitor.verdicts.needs_action``, what
`monitor inactive` and the admin page show), worst first, with evidence and the review state
(incl. reopened).

Store-level tests use ``db_url`` so they also run on PostgreSQL in CI.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from review_seed import DOWN, NO_SITE, NOW, UP_AKTIF, healthy_week, stale, sweep

from monitor.core.errors import UsageError
from monitor.report.wording import reason_text
from monitor.store import Store
from monitor.store.reviews import add_review, history, latest_reviews
from monitor.verdicts import needs_action

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
    assert [(i.code, i.verdict.kinds[0]) for i in items] == [
        (KOTA, "judi_spam"), (SIDODADI, "down_week"), (TKP, "tidak_aktif"),
        (GOTONG, "kurang_aktif"), (KEDATON, "not_mobile_friendly"), (SURABAYA, "no_site")]
    by_code = {i.code: i.verdict for i in items}
    down = by_code[SIDODADI].reasons[0]
    # the week's 7th sweep was 7 days + 1 h ago: outside the window
    assert down.params["sweeps"] == 6 and down.params["error"] == "timeout"
    assert reason_text(down, "en") == ("The site was unreachable all week (server too slow to "
                                       "answer)")
    assert down.evidence[0].text == "no answer within 20 s"
    assert down.evidence[0].url == "https://sidodadi.example.test/"
    assert down.evidence[1].text == "0/6"
    old = by_code[TKP].reasons[0]
    assert reason_text(old, "en") == "Inactive: last updated 1 January 2026 (120 days ago)"
    assert old.evidence[0].text == "https://x.example.test/feed <pubDate>Thu, 01 Jan 2026"
    hacked = by_code[KOTA].reasons[0]
    assert (hacked.severity, hacked.wording, hacked.action) == (100, "p_judi_spam",
                                                                "a_judi_spam")
    assert [e.text for e in hacked.evidence] == ["slot gacor maxwin hari ini"]
    mobile = by_code[KEDATON].reasons[0]
    assert reason_text(mobile, "id") == "Situs sulit dibuka di ponsel (tanpa tag viewport, " \
        "teks terlalu kecil)"
    assert all(i.verdict.review is None for i in items)


def test_a_site_that_answered_once_this_week_is_not_down_all_week(store: Store) -> None:
    healthy_week(store, {SIDODADI: DOWN})
    sweep(store, NOW - timedelta(hours=2), {SIDODADI: UP_AKTIF})
    item = next(i for i in needs_action(store, NOW) if i.code == SIDODADI)
    assert item.verdict.kinds == ["unstable"]  # up in 1 of 7 sweeps: below unstable_pct
    assert item.verdict.reasons[0].params["uptime"] == 14.3


def test_days_sets_the_window_for_down_all_week(store: Store) -> None:
    healthy_week(store)
    for hours in (20, 10):
        sweep(store, NOW - timedelta(hours=hours), {SIDODADI: DOWN})
    week = next(i for i in needs_action(store, NOW, days=7) if i.code == SIDODADI)
    assert week.verdict.kinds == ["down_now"]  # it answered earlier this week
    item = next(i for i in needs_action(store, NOW, days=1) if i.code == SIDODADI)
    assert item.verdict.kinds == ["down_week"]
    assert item.verdict.reasons[0].params["sweeps"] == 2
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
    review = next(i for i in needs_action(store, NOW) if i.code == TKP).verdict.review
    assert review is not None
    assert (review.shown_status, review.by) == ("dalam_perbaikan", "budi")
    assert review.created_at == NOW - timedelta(hours=1)


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
    review = next(i for i in needs_action(store, NOW) if i.code == TKP).verdict.review
    assert review is not None and review.reopened
    assert review.shown_status == "reopened"
    assert review.note == "Sudah diperbarui"


def test_selesai_not_yet_swept_again_is_not_reopened(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(hours=1))
    review = next(i for i in needs_action(store, NOW) if i.code == TKP).verdict.review
    assert review is not None and not review.reopened
    assert review.shown_status == "selesai"


def test_selesai_confirmed_by_the_next_sweep_leaves_the_list(store: Store) -> None:
    every_problem(store)
    add_review(store, TKP, "selesai", "Sudah diperbarui", "dina", NOW - timedelta(hours=3))
    sweep(store, NOW - timedelta(hours=2), {TKP: UP_AKTIF})
    assert TKP not in {i.code for i in needs_action(store, NOW)}


def test_down_reopens_only_if_down_in_every_sweep_after_the_review(store: Store) -> None:
    healthy_week(store, {SIDODADI: DOWN, GOTONG: DOWN})
    for code in (SIDODADI, GOTONG):
        add_review(store, code, "selesai", "Server dinyalakan", "dina", NOW - timedelta(hours=3))
    sweep(store, NOW - timedelta(hours=2), {SIDODADI: UP_AKTIF, GOTONG: DOWN})
    items = {i.code: i.verdict for i in needs_action(store, NOW)}
    # it answered after the review: the "selesai" holds (the week as a whole is unstable)
    assert not items[SIDODADI].reopened and items[SIDODADI].kinds == ["unstable"]
    gotong = items[GOTONG]
    assert gotong.reopened
    assert gotong.kinds == ["down_week"]


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
    tkp, gotong = sites[TKP].review, sites[GOTONG].review
    assert tkp is not None and tkp.reopened
    assert gotong is not None and not gotong.reopened
    kec = next(k for k in report.kecamatan if k.name == "Tanjungkarang Pusat")
    for html in (render_city(report), render_kecamatan(report, kec)):
        assert reopened in html and "Sudah diperbarui" in html
        assert contacted in html.lower() and "Telepon &lt;b&gt;operator&lt;/b&gt;" in html
        assert "<b>operator" not in html


def test_sweeps_from_before_a_site_had_a_url_do_not_make_it_down(store: Store) -> None:
    healthy_week(store, {SIDODADI: NO_SITE})
    sweep(store, NOW - timedelta(hours=1), {SIDODADI: DOWN})
    item = next(i for i in needs_action(store, NOW) if i.code == SIDODADI)
    assert item.verdict.kinds == ["down_week"]
    assert item.verdict.reasons[0].params["sweeps"] == 1  # the no_site ones are ignored
    sweep(store, NOW - timedelta(minutes=30), {SIDODADI: UP_AKTIF})
    item = next(i for i in needs_action(store, NOW) if i.code == SIDODADI)
    assert item.verdict.kinds == ["unstable"]  # 1 of 2: the no_site sweeps do not count
    assert item.verdict.reasons[0].params["uptime"] == 50.0
