"""Plain data of a period evidence pack: built by period/data.py, laid out by templates.

Everything here is JSON-ready through ``to_jsonable`` (dates as ISO strings), and the pack's
``data.json`` is exactly this data: the SHA-256 printed in every page and PDF footer is the
hash of that file, so an evaluator can check that the pages and the data agree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from monitor.core.clock import iso_jakarta


@dataclass(frozen=True)
class Period:
    label: str  # 2026-11, 2026, 2026-03-01_2026-05-31
    kind: str  # month, year, range
    first: date  # first day, inclusive
    last: date  # last day, inclusive (clipped to the last complete day)
    asked_last: date  # the last day asked for (before clipping)


@dataclass(frozen=True)
class WeekFigures:
    """One area in one week of the period (or the whole period for ``totals``)."""

    label: str  # ISO week 2026-W47, or the period label for totals
    first: date
    last: date
    sites: int  # sites checked at least once
    checks: int  # results of sites with a website
    uptime_pct: float | None  # share of checks in which the site was up
    aktif_pct: float | None  # shares of sites with a website, by their last state
    kurang_aktif_pct: float | None
    tidak_aktif_pct: float | None
    mobile_pct: float | None
    hacked: int  # sites showing gambling spam or defacement at least once
    suspended: int
    no_site: int  # areas without a website


@dataclass(frozen=True)
class SiteLine:
    """One site over the period: where it started, where it ended."""

    code: str
    name: str
    level: str
    kecamatan: str
    url: str
    first_day: date | None  # first day it was checked in the period
    uptime_pct: float | None
    start_activity: str
    end_activity: str
    start_mobile: bool | None
    end_mobile: bool | None
    incidents: int
    change: str  # improved, worse, or ""
    change_why: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewLine:
    at: datetime
    by: str
    status: str
    note: str


@dataclass(frozen=True)
class Incident:
    code: str
    name: str
    kecamatan: str
    kind: str  # down, hacked, suspended
    started_at: datetime
    ended_at: datetime | None  # None: still open at the end of the period
    hours: float  # to the end, or to the end of the period when open
    sweeps: int
    evidence: list[dict[str, Any]]
    reviews: list[ReviewLine]


@dataclass(frozen=True)
class Gap:
    first: date
    last: date
    days: int
    missed: int  # scheduled sweeps not done


@dataclass(frozen=True)
class Coverage:
    schedule: str  # the crontab line sweeps were scheduled by
    scheduled: int
    done: int
    complete: int
    days: int
    days_with_sweeps: int
    short_days: int  # days with some, but fewer than scheduled, sweeps
    gaps: list[Gap]

    @property
    def pct(self) -> float | None:
        return None if not self.scheduled else round(100 * min(self.done, self.scheduled)
                                                      / self.scheduled, 1)


@dataclass(frozen=True)
class AreaTrend:
    """The city or one kecamatan: its weeks, its totals, its sites and incidents."""

    code: str
    name: str
    slug: str
    level: str  # kota or kecamatan
    weeks: list[WeekFigures]
    totals: WeekFigures
    sites: list[SiteLine]
    incidents: list[Incident]
    start: WeekFigures | None  # first week with data
    end: WeekFigures | None  # last week with data
    change: str = ""  # improved, worse or "" (first week with data against the last)
    change_why: list[str] = field(default_factory=list)  # e.g. "aktif_pct:+14.3"


@dataclass(frozen=True)
class PeriodPack:
    period: Period
    lang: str
    version: str
    thresholds: dict[str, Any]
    coverage: Coverage
    city: AreaTrend
    kecamatan: list[AreaTrend]

    def improved(self) -> list[SiteLine]:
        return [s for s in self.city.sites if s.change == "improved"]

    def worse(self) -> list[SiteLine]:
        return [s for s in self.city.sites if s.change == "worse"]


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and datetimes (Asia/Jakarta, with offset) as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return iso_jakarta(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value
