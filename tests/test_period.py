"""Period evidence packs on a seeded year (tests/period_seed.py): every figure is recomputed
from the seed's plan, never from the database, and compared with the pack."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import period_seed as seed
import pytest
from sqlalchemy import func, select

from monitor.core import settings
from monitor.core.clock import JAKARTA, as_utc
from monitor.report.period import build_period, files, span
from monitor.report.period.model import Gap, PeriodPack, WeekFigures
from monitor.service.retention import prune
from monitor.store import Result, Store

OPTIONS = settings.load(environ={}).values


@dataclass
class _Exp:
    up: int = 0
    down: int = 0
    last: datetime | None = None
    activity: str = ""
    mobile: bool | None = None
    hacked: bool = False
    suspended: bool = False


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded year in a SQLite file nobody writes to: tests copy it."""
    path = tmp_path_factory.mktemp("year") / "seed.db"
    store = Store.open(f"sqlite:///{path}")
    seed.seed(store)
    with store.engine.begin() as conn:  # WAL: everything into the main file before copying
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()
    return path


def copy(seeded: Path, tmp: Path, name: str = "m.db") -> Store:
    target = tmp / name
    shutil.copy(seeded, target)
    return Store.open(f"sqlite:///{target}")


@pytest.fixture(scope="session")
def year_store(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    return copy(seeded, tmp_path_factory.mktemp("built"))


@pytest.fixture(scope="session")
def pack(year_store: Store) -> PeriodPack:
    return build_period(year_store, span.year("2025", seed.NOW), lang="id", now=seed.NOW,
                        options=OPTIONS)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def expected_weeks(codes: set[str]) -> dict[str, WeekFigures]:
    """Week label -> the figures, straight from seed.plan (sites' last result of the week)."""
    states: dict[str, dict[str, _Exp]] = defaultdict(dict)
    spans = span.weeks(span.year("2025", seed.NOW))
    label_of = {first + timedelta(days=i): label for label, first, last in spans
                for i in range((last - first).days + 1)}
    for _i, t, when, _n, p in seed.each_result():
        if t.code not in codes:
            continue
        e = states[label_of[when.date()]].setdefault(t.code, _Exp())
        if p.available is not None:
            e.up += p.available
            e.down += not p.available
        e.hacked |= "judi_spam" in p.flags
        e.suspended |= "suspended" in p.flags
        e.last, e.activity = when, p.activity
        if p.mobile is not None:  # the last known verdict of the week
            e.mobile = p.mobile
    out = {}
    for label, first, last in spans:
        site_states = list(states[label].values())
        with_site = [e for e in site_states if e.activity != "tidak_ada_situs"]
        mobile = [e for e in with_site if e.mobile is not None]
        up, down, n = sum(e.up for e in site_states), sum(e.down for e in site_states), \
            len(with_site)
        out[label] = WeekFigures(
            label, first, last, len(site_states), up + down, _pct(up, up + down),
            _pct(sum(e.activity == "aktif" for e in with_site), n),
            _pct(sum(e.activity == "kurang_aktif" for e in with_site), n),
            _pct(sum(e.activity == "tidak_aktif" for e in with_site), n),
            _pct(sum(bool(e.mobile) for e in mobile), len(mobile)),
            sum(e.hacked for e in site_states), sum(e.suspended for e in site_states),
            len(site_states) - n)
    return out


def test_weekly_figures_equal_the_seed(pack: PeriodPack) -> None:
    everyone = {t.code for t in seed.targets()}
    assert {w.label: w for w in pack.city.weeks} == expected_weeks(everyone)
    assert len(pack.kecamatan) == 20
    for kec in pack.kecamatan[:: 4] + [k for k in pack.kecamatan if k.name == "Tanjung Senang"]:
        codes = {t.code for t in seed.targets() if t.kecamatan == kec.name}
        assert {w.label: w for w in kec.weeks} == expected_weeks(codes), kec.name
    hacked_weeks = [w.label for w in pack.city.weeks if w.hacked]
    assert hacked_weeks == ["2025-W24", "2025-W25", "2025-W26"]
    assert pack.city.totals.hacked == 1 and pack.city.totals.suspended == 1
    assert pack.city.totals.no_site == 12


def test_a_three_week_gap_is_named(pack: PeriodPack) -> None:
    cov = pack.coverage
    assert cov.scheduled == 365 * 4
    assert cov.done == cov.complete == 365 * 4 - 21 * 4
    assert cov.gaps == [Gap(date(2025, 3, 3), date(2025, 3, 23), 21, 84)]
    gap_weeks = [w for w in pack.city.weeks if w.first >= date(2025, 3, 3)
                 and w.last <= date(2025, 3, 23)]
    assert [w.label for w in gap_weeks] == ["2025-W10", "2025-W11", "2025-W12"]
    assert all(w.sites == 0 and w.uptime_pct is None for w in gap_weeks)


def test_a_site_added_mid_year_counts_from_its_start(pack: PeriodPack) -> None:
    [line] = [s for s in pack.city.sites if s.code == seed.ADDED]
    assert line.first_day == date(2025, 7, 1)
    assert line.uptime_pct is not None and line.uptime_pct > 99
    counts = {w.label: w.sites for w in pack.city.weeks}
    assert counts["2025-W26"] == 146 and counts["2025-W27"] == 147
    [kec] = [k for k in pack.kecamatan if k.name == "Tanjung Senang"]
    assert kec.weeks[0].sites == 6 and kec.weeks[-1].sites == 7


def expected_spells() -> set[tuple[str, str, datetime, datetime | None, int]]:
    """(code, kind, start, end, bad sweeps) of every spell, by walking the plan."""
    open_: dict[tuple[str, str], tuple[datetime, int]] = {}
    done: set[tuple[str, str, datetime, datetime | None, int]] = set()
    index = {t.code: i for i, t in enumerate(seed.targets())}
    for _i, t, when, _n, p in seed.each_result():
        at = when + timedelta(seconds=index[t.code])
        for kind in ("down", "hacked", "suspended"):
            if kind == "down":
                bad = None if p.available is None else not p.available
            else:
                flag = "judi_spam" if kind == "hacked" else "suspended"
                bad = None if not p.available else flag in p.flags
            if bad is None:
                continue
            key = (t.code, kind)
            if bad and key not in open_:
                open_[key] = (at, 1)
            elif bad:
                open_[key] = (open_[key][0], open_[key][1] + 1)
            elif key in open_:
                start, n = open_.pop(key)
                done.add((t.code, kind, start, at, n))
    done |= {(c, k, s, None, n) for (c, k), (s, n) in open_.items()}
    return done


def test_incidents_equal_the_seed_with_evidence_and_reviews(pack: PeriodPack) -> None:
    got = {(i.code, i.kind, i.started_at, i.ended_at, i.sweeps) for i in pack.city.incidents}
    assert got == {(c, k, as_utc(s), None if e is None else as_utc(e), n)
                   for c, k, s, e, n in expected_spells()}
    [hack] = [i for i in pack.city.incidents if i.kind == "hacked"]
    assert hack.code == seed.HACKED
    assert hack.started_at.astimezone(JAKARTA).replace(second=0) == seed.HACK_FROM
    assert hack.ended_at is not None
    assert hack.ended_at.astimezone(JAKARTA).replace(second=0) == \
        seed.HACK_TO + timedelta(hours=6)
    assert hack.evidence[0]["text"] == seed.SPAM
    assert [(r.status, r.by, r.note) for r in hack.reviews] == \
        [(s, by, note) for _at, s, note, by in seed.REVIEWS]
    [outage] = [i for i in pack.city.incidents if i.code == seed.OUTAGE and i.sweeps > 4]
    assert outage.kind == "down" and outage.sweeps == 16 and outage.hours == 96.0


def test_improved_and_worse(pack: PeriodPack) -> None:
    assert [(s.code, s.change_why) for s in pack.improved()] == \
        [(seed.IMPROVED, ["activity:tidak_aktif>aktif", "mobile"])]
    assert [(s.code, s.change_why) for s in pack.worse()] == \
        [(seed.WORSE, ["activity:aktif>tidak_aktif"])]
    # kecamatan: Sukabumi holds the improved site, Tanjung Karang Barat the worse one, and
    # Tanjung Senang gained an aktif kelurahan site in July
    assert {k.name: (k.change, k.change_why) for k in pack.kecamatan if k.change} == {
        "Sukabumi": ("improved", ["aktif_pct:+14.3", "mobile_pct:+14.3"]),
        "Tanjung Karang Barat": ("worse", ["aktif_pct:-14.2"]),
        "Tanjung Senang": ("improved", ["aktif_pct:+9.6"])}


@dataclass(frozen=True)
class Pruned:
    path: Path  # a compact copy of the pruned database (VACUUM INTO)
    before: int  # results before pruning
    after: int
    sweeps_deleted: int


def _count(store: Store) -> int:
    with store.session() as session:
        return int(session.execute(select(func.count()).select_from(Result)).scalar_one())


@pytest.fixture(scope="session")
def pruned(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Pruned:
    """The seeded year after `monitor prune` (never summarised before): one sweep a week is
    left of everything older than 14 days. Small, so the CLI tests copy it."""
    folder = tmp_path_factory.mktemp("pruned")
    store = copy(seeded, folder)
    before = _count(store)
    summary = prune(store, seed.NOW, keep_days=14)
    after = _count(store)
    target = folder / "pruned.db"
    with store.engine.connect() as conn:
        conn.exec_driver_sql(f"VACUUM INTO '{target}'")
    store.engine.dispose()
    return Pruned(target, before, after, summary.sweeps)


def test_a_pruned_database_builds_the_same_year_pack(
        pruned: Pruned, tmp_path: Path, pack: PeriodPack) -> None:
    assert pruned.sweeps_deleted > 1000 and pruned.after < pruned.before / 10
    store = copy(pruned.path, tmp_path)
    again = build_period(store, span.year("2025", seed.NOW), lang="id", now=seed.NOW,
                         options=OPTIONS)
    assert files.data_json(again) == files.data_json(pack)


def test_month_weeks_are_cut_at_its_edges(year_store: Store) -> None:
    june = build_period(year_store, span.month("2025-06", seed.NOW), lang="en", now=seed.NOW,
                        options=OPTIONS)
    first = june.city.weeks[0]
    assert (first.label, first.first, first.last) == ("2025-W22", date(2025, 6, 1),
                                                      date(2025, 6, 1))
    assert june.coverage.scheduled == 30 * 4 and june.coverage.gaps == []
    expected = expected_weeks({t.code for t in seed.targets()})["2025-W23"]
    assert june.city.weeks[1] == expected


@pytest.mark.parametrize("value", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_cannot_be_formulas(value: str) -> None:
    assert files.safe_cell(value) == "'" + value
    assert files.safe_cell("Kedaton") == "Kedaton" and files.safe_cell(None) == ""


def test_json_is_what_the_hash_names(pack: PeriodPack) -> None:
    data = files.data_json(pack)
    parsed = json.loads(data)
    assert parsed["period"]["label"] == "2025"
    assert parsed["coverage"]["gaps"][0]["first"] == "2025-03-03"
    assert files.sha256(data) == files.sha256(files.data_json(pack))
    assert len(parsed["city"]["weeks"]) == 53
