"""The plain report objects: finished data the templates only lay out.

Everything here is built by ``report.data`` and tested without Jinja. Text that came from a
site (titles, evidence, notes) is kept as plain ``str``; the renderer escapes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from monitor.verdicts import Limits, Verdict


@dataclass(frozen=True)
class EvidenceItem:
    """Why a judgement was made: the rule, where it was read, and the exact text."""

    rule: str
    url: str | None
    text: str


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a site, in the report language, worst has the highest severity."""

    kind: str  # judi_spam, down_week, stale, no_site, ... (stable, for week-over-week)
    severity: int
    reason: str
    advice: str
    evidence: tuple[EvidenceItem, ...] = ()
    plain: str = ""  # the evidence as one sentence (report.evidence); raw items stay above


@dataclass(frozen=True)
class DayCount:
    """One day of the week for one site: checks that succeeded and failed."""

    day: date
    label: str  # short day name in the report language
    up: int
    down: int


@dataclass(frozen=True)
class ReviewInfo:
    """The newest admin review of a site; ``reopened``: a later sweep contradicts a
    ``selesai`` (monitor.verdicts)."""

    status: str
    label: str
    note: str
    by: str
    created_at: datetime
    reopened: bool = False


@dataclass(frozen=True)
class SiteWeek:
    """One area across the week: its latest verdicts and how it did over every sweep."""

    code: str
    level: str
    name: str
    kecamatan: str
    url: str
    checks: int  # sweeps that fetched this site this week
    up_checks: int
    uptime_pct: float | None  # None: not checked (or no website)
    daily: tuple[DayCount, ...]
    median_ms: float | None
    p95_ms: float | None
    checked_at: datetime | None  # latest result this week
    available: bool | None
    error: str | None
    error_detail: str
    status_code: int | None
    final_url: str | None
    https: bool | None
    cert_days_left: int | None
    last_update: date | None
    last_update_source: str | None
    last_update_evidence: str | None
    days_since_update: int | None
    activity: str
    mobile_friendly: bool | None
    mobile_score: int | None
    mobile_issues: tuple[str, ...]
    content_flags: tuple[str, ...]
    screenshot: Path | None
    added_on: date | None  # first seen during this week
    review: ReviewInfo | None = None
    problems: tuple[Problem, ...] = ()
    score: int = 0  # 0-100, see data.site_score
    verdict: Verdict | None = None  # why it needs action and its rank (monitor.verdicts)

    @property
    def has_site(self) -> bool:
        return bool(self.url)

    @property
    def needs_action(self) -> bool:
        return bool(self.problems)

    @property
    def severity(self) -> int:
        return max((p.severity for p in self.problems), default=0)


@dataclass(frozen=True)
class Headline:
    """The counts on top of a report (over the latest result of each area this week)."""

    areas: int
    with_site: int
    no_site: int
    checked: int
    up: int
    down: int
    mobile_friendly: int
    aktif: int
    kurang_aktif: int
    tidak_aktif: int
    tidak_diketahui: int
    hacked: int
    needs_action: int
    mean_uptime: float | None


@dataclass(frozen=True)
class SiteChange:
    """A site that got better or worse than last week, or has a new problem."""

    code: str
    name: str
    kecamatan: str
    before: str  # worst problem last week ('' none), in words
    after: str  # worst problem now ('' none), in words


@dataclass(frozen=True)
class WeekOverWeek:
    previous: Headline | None  # None: no data last week
    deltas: dict[str, int]  # headline count -> change since last week
    better: tuple[SiteChange, ...]
    worse: tuple[SiteChange, ...]
    new_problems: tuple[SiteChange, ...]


@dataclass(frozen=True)
class KecamatanWeek:
    """One kecamatan: its own site first, then its kelurahan."""

    code: str
    name: str
    slug: str
    sites: tuple[SiteWeek, ...]
    headline: Headline
    needs_action: tuple[SiteWeek, ...]
    score: float
    rank: int
    summary: tuple[str, ...]  # plain text lines for the email body
    wow: WeekOverWeek


@dataclass(frozen=True)
class Period:
    year: int
    week: int
    label: str  # 2026-W47
    since: datetime  # Monday 00:00 WIB (aware UTC)
    until: datetime  # next Monday 00:00 WIB
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Collection:
    """When and how the data was collected (SPBE methodology)."""

    sweeps: int
    incomplete: int
    first: datetime | None
    last: datetime | None
    timeout: float | None


Thresholds = Limits
"""The limits the judgements used: the verdicts' own (settings; ``monitor.verdicts.limits``
cites the sources of the defaults), shown in the report's methodology section."""


@dataclass(frozen=True)
class Contact:
    """Whom a reader calls: the Diskominfotik desk (settings contact_desk, contact_phone,
    mail_reply_to)."""

    desk: str = "Diskominfotik Kota Bandar Lampung"
    phone: str = ""
    mail: str = ""


@dataclass(frozen=True)
class WeekReport:
    lang: str
    period: Period
    generated_at: datetime
    version: str
    data_sha256: str
    collection: Collection
    thresholds: Thresholds
    headline: Headline
    wow: WeekOverWeek
    city_site: SiteWeek | None
    kecamatan: tuple[KecamatanWeek, ...]  # by code
    ranking: tuple[KecamatanWeek, ...]  # best first
    needs_action: tuple[SiteWeek, ...]  # worst first
    contact: Contact = Contact()
