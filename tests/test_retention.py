"""The retention job: old weeks are thinned to one sweep (the week's last complete one, with
its results), recent sweeps, running sweeps, sites and the review/email history stay, and the
week boundaries are Asia/Jakarta's."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from monitor.core.clock import JAKARTA
from monitor.service.retention import prune, week_start_cutoff
from monitor.store import Result, Store
from monitor.store.models import EmailSent
from monitor.store.reviews import add_review, history
from monitor.targets.loader import Target

SITES = [Target("18.71.01", "kecamatan", "Kedaton", "Kedaton", "https://kedaton.example.test/",
                ()),
         Target("18.71.01.1006", "kelurahan", "Sidodadi", "Kedaton", "", ())]
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 WIB


def sweep(store: Store, when: datetime, status: str = "complete") -> int:
    sweep_id = store.begin_sweep(when, len(SITES), {})
    store.save_results(sweep_id, [(t.code, Result(sweep_id=0, site_id=0, checked_at=when,
                                                  url=t.url, available=True)) for t in SITES])
    if status != "running":
        store.finish_sweep(sweep_id, when + timedelta(minutes=2), status)
    return sweep_id


def result_count(store: Store) -> int:
    return len(store.results_between(NOW - timedelta(days=999), NOW + timedelta(days=1)))


def test_old_weeks_keep_their_last_complete_sweep_and_recent_weeks_keep_all(
    db_url: str,
) -> None:
    store = Store.open(db_url)
    store.sync_targets(SITES, NOW - timedelta(days=400))
    ids: dict[str, int] = {}
    # a week 30 weeks ago: Mon, Wed (complete), Sat (incomplete) -> keep Wed
    old_monday = datetime(2026, 4, 20, 0, 0, tzinfo=JAKARTA)
    ids["old_mon"] = sweep(store, old_monday + timedelta(hours=6))
    ids["old_wed"] = sweep(store, old_monday + timedelta(days=2, hours=6))
    ids["old_sat"] = sweep(store, old_monday + timedelta(days=5, hours=6), "incomplete")
    # a week with only incomplete sweeps -> keep the one that stored most
    other = old_monday + timedelta(weeks=1)
    ids["inc_a"] = sweep(store, other + timedelta(hours=6), "incomplete")
    ids["inc_b"] = sweep(store, other + timedelta(days=1, hours=6), "incomplete")
    ids["stuck"] = sweep(store, other + timedelta(days=2), "running")
    recent = [sweep(store, NOW - timedelta(days=d)) for d in (1, 2, 3, 60)]
    store.finish_sweep(ids["inc_a"], other + timedelta(hours=7), "incomplete")
    with store.session() as session:  # inc_a stored more results than inc_b
        inc_b = session.get_one(type(store.sweeps()[0]), ids["inc_b"])
        inc_b.done = 1
        session.add(inc_b)
        session.add(EmailSent(week="2026-W17", kecamatan="18.71.01", recipient="a@x.test",
                              sent_at=old_monday))
        session.commit()
    add_review(store, "18.71.01", "dihubungi", "ditelepon", "admin", old_monday)

    summary = prune(store, NOW, keep_days=120)

    left = {s.id for s in store.sweeps()}
    assert left == {ids["old_wed"], ids["inc_a"], ids["stuck"], *recent}
    assert (summary.sweeps, summary.weeks, summary.results) == (3, 2, 6)
    assert result_count(store) == 2 * len(left)
    assert {r.sweep_id for _, r in store.results_between(NOW - timedelta(days=999), NOW)} == left
    assert len(store.sites()) == 2
    assert len(history(store, "18.71.01")) == 1
    with store.session() as session:
        assert session.get(EmailSent, 1) is not None


def test_only_whole_jakarta_weeks_are_thinned() -> None:
    cutoff = week_start_cutoff(NOW, 120)  # 120 days before Mon 23 Nov 2026 is Tue 26 Jul
    assert cutoff.astimezone(JAKARTA) == datetime(2026, 7, 20, 0, 0, tzinfo=JAKARTA)
    assert cutoff == datetime(2026, 7, 19, 17, 0, tzinfo=UTC)


def test_week_boundary_is_monday_0000_wib(store: Store) -> None:
    store.sync_targets(SITES, NOW - timedelta(days=400))
    sunday_night = datetime(2026, 5, 3, 23, 30, tzinfo=JAKARTA)  # Sunday 16:30 UTC
    monday_early = datetime(2026, 5, 4, 0, 30, tzinfo=JAKARTA)  # Sunday 17:30 UTC
    a = sweep(store, sunday_night - timedelta(days=1))
    b = sweep(store, sunday_night)
    c = sweep(store, monday_early)
    prune(store, NOW, keep_days=120)
    assert {s.id for s in store.sweeps()} == {b, c}  # one per week; the Monday one is the next
    assert a not in {s.id for s in store.sweeps()}


def test_dry_run_deletes_nothing(store: Store, run_cli: Callable[..., object],
                                 sqlite_url: str) -> None:
    store.sync_targets(SITES, NOW - timedelta(days=400))
    monday = datetime(2025, 5, 5, tzinfo=JAKARTA)
    for day in range(3):
        sweep(store, monday + timedelta(days=day))
    result = run_cli("prune", "--db", sqlite_url, "--dry-run")
    assert result.code == 0, result  # type: ignore[attr-defined]
    assert "would delete 2 sweeps and 4 results" in result.out  # type: ignore[attr-defined]
    assert len(store.sweeps()) == 3
    result = run_cli("prune", "--db", sqlite_url)
    assert "deleted 2 sweeps and 4 results" in result.out  # type: ignore[attr-defined]
    assert len(store.sweeps()) == 1
    refused = run_cli("prune", "--db", sqlite_url, "--days", "3")
    assert refused.code == 2  # type: ignore[attr-defined]
