"""Day summaries and episodes on both databases (SQLite, and PostgreSQL when
MONITOR_TEST_PG_URL is set), from the weekly report's seeded week (tests/report_seed.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

from report_seed import HOSTILE, KALIAWI, MONDAY, NOW, SIDODADI, SURABAYA, TKP, seed_week

from monitor.core import settings
from monitor.core.clock import JAKARTA
from monitor.report.period import build_period, span, write_period
from monitor.store import Store
from monitor.store.summaries import fill, summarised_days

OPTIONS = settings.load(environ={}).values


def test_week_summaries_episodes_and_reviews(db_url: str, tmp_path: Path) -> None:
    store = Store.open(db_url)
    seed_week(store)
    period = span.between("2026-11-12", "2026-11-22", NOW)
    pack = build_period(store, period, lang="id", now=NOW, options=OPTIONS)
    week = pack.city.weeks[-1]
    assert (week.label, week.sites, week.hacked, week.no_site) == ("2026-W47", 8, 1, 1)
    # 14 sweeps x 7 sites with a website, Kaliawi from Thursday 18:00 (7 sweeps); Surabaya
    # always down, Tanjungkarang Pusat down in 3 sweeps
    assert week.checks == 14 * 6 + 7 and week.uptime_pct == round(100 * (91 - 14 - 3) / 91, 1)
    spells = {(i.code, i.kind): i for i in pack.city.incidents if i.sweeps > 1}
    hacked = spells[(SIDODADI.code, "hacked")]
    assert hacked.ended_at is None and hacked.sweeps == 14
    assert hacked.started_at.astimezone(JAKARTA) == MONDAY + timedelta(hours=6)
    assert hacked.evidence[0]["text"].startswith(HOSTILE)
    down = spells[(SURABAYA.code, "down")]
    assert down.ended_at is None and [r.status for r in down.reviews] == ["dihubungi"]
    tkp = [i for i in pack.city.incidents if i.code == TKP.code]
    assert [i.sweeps for i in tkp] == [1, 1, 1, 1] and all(i.ended_at for i in tkp)
    [kaliawi] = [s for s in pack.city.sites if s.code == KALIAWI.code]
    assert kaliawi.first_day == date(2026, 11, 19)
    cov = pack.coverage
    assert [(g.first, g.last, g.missed) for g in cov.gaps] == [
        (date(2026, 11, 13), date(2026, 11, 15), 12)]
    assert (cov.scheduled, cov.done) == (11 * 4, 15)
    files = write_period(store, tmp_path, period, lang="en", now=NOW, options=OPTIONS,
                         pdf=False)
    page = files.city.read_text(encoding="utf-8")
    assert HOSTILE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_day_is_summarised_once(db_url: str) -> None:
    store = Store.open(db_url)
    seed_week(store, sweeps=4, previous=False, reviews=False)
    assert fill(store, NOW) == 7  # Monday to Sunday; today is not complete yet
    assert fill(store, NOW) == 0
    assert fill(store, NOW + timedelta(days=1)) == 1
    assert "2026-11-16" in summarised_days(store)


def test_two_processes_filling_at_once_summarise_each_day_once(sqlite_url: str) -> None:
    seed_week(Store.open(sqlite_url))
    stores = [Store.open(sqlite_url) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        counts = list(pool.map(lambda s: fill(s, NOW), stores))
    assert sum(counts) == len(summarised_days(stores[0])) == 11  # 12 Nov (W46) to 22 Nov
    pack = build_period(stores[0], span.between("2026-11-16", "2026-11-22", NOW), lang="id",
                        now=NOW, options=OPTIONS)
    assert len([i for i in pack.city.incidents if i.kind == "hacked"]) == 1
