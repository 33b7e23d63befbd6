"""The figures of a period pack, from the day summaries in one pass (no result objects).

Per week and area (the city, each kecamatan): the share of checks in which sites were up,
the shares of sites aktif / kurang aktif / tidak aktif and mobile-friendly by each site's last
result of the week (its last known mobile verdict: a site that was down has none), the sites
hacked or suspended at least once, and the areas without a website. A site counts from the
first day it was checked: one added mid-year is not "down" before it existed. The same rules
give the period totals and each site's start and end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from monitor import __version__
from monitor.core.names import name_key, slug
from monitor.report.period import incidents as incident_data
from monitor.report.period import span
from monitor.report.period.model import (
    AreaTrend,
    Incident,
    Period,
    PeriodPack,
    SiteLine,
    WeekFigures,
)
from monitor.store import Site, Store
from monitor.store import summaries as summary_store
from monitor.store.summaries import day_start

ACTIVITY_RANK = {"aktif": 2, "kurang_aktif": 1, "tidak_aktif": 0}
CITY = ""


@dataclass
class _State:
    """One site in one week (or the period): its last result's verdicts and what it showed.
    Rows arrive oldest day first, so the last row added holds the newest verdicts."""

    activity: str
    mobile: bool | None
    up: int = 0
    down: int = 0
    hacked: bool = False
    suspended: bool = False
    first_day: str = ""

    def add(self, up: int, down: int, hacked: int, suspended: int, activity: str,
            mobile: bool | None) -> None:
        self.up += up
        self.down += down
        self.hacked = self.hacked or hacked > 0
        self.suspended = self.suspended or suspended > 0
        self.activity = activity
        if mobile is not None:  # the last known verdict: a down site has none
            self.mobile = mobile

    def merge(self, later: _State) -> None:
        """Add a later span (the next week) of the same site."""
        self.up += later.up
        self.down += later.down
        self.hacked = self.hacked or later.hacked
        self.suspended = self.suspended or later.suspended
        self.activity = later.activity
        if later.mobile is not None:
            self.mobile = later.mobile


def _whole(states: list[_State]) -> _State:
    """The period of one site from its weeks, oldest first."""
    first = states[0]
    whole = _State(first.activity, first.mobile, first.up, first.down, first.hacked,
                   first.suspended, first.first_day)
    for later in states[1:]:
        whole.merge(later)
    return whole


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


def figures(label: str, first: date, last: date, states: Sequence[_State]) -> WeekFigures:
    """The figures of one area over one span, from its sites' states in that span."""
    with_site = [s for s in states if s.activity != "tidak_ada_situs"]
    known_mobile = [s for s in with_site if s.mobile is not None]
    up, down = sum(s.up for s in states), sum(s.down for s in states)
    n = len(with_site)
    return WeekFigures(
        label=label, first=first, last=last, sites=len(states), checks=up + down,
        uptime_pct=_pct(up, up + down),
        aktif_pct=_pct(sum(s.activity == "aktif" for s in with_site), n),
        kurang_aktif_pct=_pct(sum(s.activity == "kurang_aktif" for s in with_site), n),
        tidak_aktif_pct=_pct(sum(s.activity == "tidak_aktif" for s in with_site), n),
        mobile_pct=_pct(sum(bool(s.mobile) for s in known_mobile), len(known_mobile)),
        hacked=sum(s.hacked for s in states), suspended=sum(s.suspended for s in states),
        no_site=len(states) - n)


def area_of(site: Site) -> str:
    """The kecamatan key a site belongs to ('' for the city row)."""
    return CITY if site.level == "kota" else name_key(site.kecamatan or site.name)


def build_pack(store: Store, period: Period, *, lang: str, now: datetime,
               options: Mapping[str, Any]) -> PeriodPack:
    """Read the summaries of ``period`` and compute every figure of the pack."""
    sites = {s.id: s for s in store.sites(include_removed=True) if s.id is not None}
    week_spans = span.weeks(period)
    week_index = span.week_of(week_spans)
    per_week: dict[tuple[int, int], _State] = {}
    weeks_of: dict[int, list[_State]] = {}
    rows = summary_store.site_days_between(store, period.first, period.last)
    # plain tuples: attribute access on 50,000 result rows was the slowest part of a build
    for day, sid, up, down, hacked, suspended, activity, mobile in rows:
        if sid not in sites or day not in week_index:
            continue
        key = (sid, week_index[day])
        held = per_week.get(key)
        if held is None:
            per_week[key] = held = _State(activity, mobile, first_day=day)
            weeks_of.setdefault(sid, []).append(held)
        held.add(up, down, hacked, suspended, activity, mobile)
    per_period = {sid: _whole(states) for sid, states in weeks_of.items()}
    since = day_start(period.first)
    until = day_start(period.last + timedelta(days=1))
    found = incident_data.incidents(store, sites, since, until)
    areas = _areas(sites, per_period)
    city_name = next((s.name for s in sites.values() if s.level == "kota"), "Kota")
    city = _trend(CITY, city_name, sites, areas[CITY], week_spans, per_week, per_period,
                  period, found)
    kecamatan = [_trend(key, kec_site_name, sites, members, week_spans, per_week, per_period,
                        period, found)
                 for key, (kec_site_name, members) in sorted(_kecamatan(sites, areas).items(),
                                                            key=lambda kv: kv[1][0])]
    done = {date.fromisoformat(d.day): (d.sweeps, d.complete)
            for d in summary_store.days_between(store, period.first, period.last)}
    schedule = str(options.get("sweep_schedule", "0 */6 * * *"))
    return PeriodPack(
        period=period, lang=lang, version=__version__,
        thresholds={"aktif_days": int(options.get("aktif_days", 30)),
                    "kurang_aktif_days": int(options.get("kurang_aktif_days", 90)),
                    "sweep_schedule": schedule,
                    "retention_days": int(options.get("retention_days", 120))},
        coverage=span.coverage(schedule, period, done), city=city, kecamatan=kecamatan)


def _areas(sites: Mapping[int, Site], checked: Mapping[int, _State]) -> dict[str, list[int]]:
    """Site ids by area; the city holds every site checked in the period."""
    areas: dict[str, list[int]] = {CITY: []}
    for sid in sorted(checked, key=lambda i: sites[i].code):
        areas[CITY].append(sid)
        key = area_of(sites[sid])
        if key != CITY:
            areas.setdefault(key, []).append(sid)
    return areas


def _kecamatan(sites: Mapping[int, Site], areas: Mapping[str, list[int]]
               ) -> dict[str, tuple[str, list[int]]]:
    names = {name_key(s.name): s.name for s in sites.values() if s.level == "kecamatan"}
    return {key: (names.get(key, key), members) for key, members in areas.items()
            if key != CITY}


def _trend(key: str, name: str, sites: Mapping[int, Site], members: Sequence[int],
           week_spans: Sequence[tuple[str, date, date]],
           per_week: Mapping[tuple[int, int], _State], per_period: Mapping[int, _State],
           period: Period, found: Sequence[Incident]) -> AreaTrend:
    weeks = [figures(label, first, last, [per_week[(sid, i)] for sid in members
                                          if (sid, i) in per_week])
             for i, (label, first, last) in enumerate(week_spans)]
    with_data = [w for w in weeks if w.sites]
    totals = figures(period.label, period.first, period.last,
                     [per_period[sid] for sid in members])
    codes = {sites[sid].code for sid in members}
    mine = [i for i in found if i.code in codes]
    lines = [_site_line(sites[sid], sid, per_week, per_period[sid], len(week_spans), mine)
             for sid in members]
    code = next((sites[s].code for s in members if sites[s].level in ("kota", "kecamatan")
                 and area_of(sites[s]) == key), key or "kota")
    start, end = (with_data[0], with_data[-1]) if with_data else (None, None)
    change, why = area_change(start, end)
    return AreaTrend(code=code, name=name, slug=slug(name) or "kota",
                     level="kota" if key == CITY else "kecamatan", weeks=weeks, totals=totals,
                     sites=lines, incidents=mine, start=start, end=end, change=change,
                     change_why=why)


AREA_STEPS = {"uptime_pct": 5.0, "aktif_pct": 5.0, "mobile_pct": 5.0}
"""Points of change, first week against last, that count as an area improving or getting
worse: smaller moves are one site's blip, not a trend."""


def area_change(start: WeekFigures | None, end: WeekFigures | None) -> tuple[str, list[str]]:
    """A kecamatan's (or the city's) verdict: shares of up checks, aktif and mobile-friendly
    sites, and hacked sites, in its first and last week with data."""
    if start is None or end is None or start is end:
        return "", []
    better: list[str] = []
    worse: list[str] = []
    for name, step in AREA_STEPS.items():
        a, b = getattr(start, name), getattr(end, name)
        if a is not None and b is not None and abs(b - a) >= step:
            (better if b > a else worse).append(f"{name}:{b - a:+.1f}")
    if start.hacked != end.hacked:
        (worse if end.hacked > start.hacked else better).append(
            f"hacked:{end.hacked - start.hacked:+d}")
    if better and not worse:
        return "improved", better
    if worse and not better:
        return "worse", worse
    return "", better + worse


def _site_line(site: Site, sid: int, per_week: Mapping[tuple[int, int], _State],
               whole: _State, n_weeks: int, found: Sequence[Incident]) -> SiteLine:
    states = [per_week[(sid, i)] for i in range(n_weeks) if (sid, i) in per_week]
    start, end = states[0], states[-1]
    change, why = judge_change(start, end)
    return SiteLine(
        code=site.code, name=site.name, level=site.level, kecamatan=site.kecamatan,
        url=site.url, first_day=date.fromisoformat(whole.first_day),
        uptime_pct=_pct(whole.up, whole.up + whole.down), start_activity=start.activity,
        end_activity=end.activity, start_mobile=start.mobile, end_mobile=end.mobile,
        incidents=sum(1 for i in found if i.code == site.code), change=change, change_why=why)


def judge_change(start: _State, end: _State) -> tuple[str, list[str]]:
    """'improved' when something got better and nothing worse (and the reverse): activity
    class, mobile-friendliness, getting (or losing) a website, hacked in its last week."""
    better: list[str] = []
    worse: list[str] = []
    a, b = ACTIVITY_RANK.get(start.activity), ACTIVITY_RANK.get(end.activity)
    if a is not None and b is not None and a != b:
        (better if b > a else worse).append(f"activity:{start.activity}>{end.activity}")
    if start.mobile is not None and end.mobile is not None and start.mobile != end.mobile:
        (better if end.mobile else worse).append("mobile")
    had, has = start.activity != "tidak_ada_situs", end.activity != "tidak_ada_situs"
    if had != has:
        (better if has else worse).append("website")
    if start.hacked != end.hacked:
        (worse if end.hacked else better).append("hacked")
    if better and not worse:
        return "improved", better
    if worse and not better:
        return "worse", worse
    return "", better + worse
