"""Build the plain weekly report objects from the stored results (no Jinja here).

``build(week_input, ...)`` is a pure function of the rows read by ``source.load_week``: per
site, the uptime over every sweep of the week, daily up/down, median and p95 response time
and the latest verdicts; then what needs action (``monitor.verdicts``, the same verdict as
`monitor inactive` and the admin page), per-kecamatan tables, ranking, week-over-week change
and the city headline. A site added mid-week is judged on the sweeps
since it was added; a site with no URL is "belum punya situs", a state, not an error.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from monitor import __version__
from monitor.core.clock import as_utc, jakarta_date
from monitor.core.names import name_key, slug
from monitor.report.evidence import sentence
from monitor.report.i18n import check_lang, day_name, t, word
from monitor.report.model import (
    Collection,
    Contact,
    DayCount,
    Headline,
    KecamatanWeek,
    Period,
    ReviewInfo,
    SiteChange,
    SiteWeek,
    Thresholds,
    WeekOverWeek,
    WeekReport,
)
from monitor.report.source import WeekInput
from monitor.report.wording import problems
from monitor.store import Result, Site
from monitor.store.models import Review
from monitor.verdicts import Limits, ReviewState, judge, worst_first

__all__ = ["build", "thresholds_from", "site_week", "site_score", "headline", "percentile"]

SUMMARY_PROBLEMS = 5  # problem lines in a kecamatan's email summary


def build(data: WeekInput, *, lang: str = "id", now: datetime,
          options: Mapping[str, Any] | None = None) -> WeekReport:
    """The whole week's report data for the city and every kecamatan."""
    check_lang(lang)
    limits = thresholds_from(options or {})
    period = _period(data)
    sites = _site_weeks(data.sites, data.results, period, data.reviews, lang, limits)
    before = _site_weeks(data.sites, data.previous, _shift(period, -7), {}, lang, limits)
    previous_known = bool(data.previous)
    kecamatan = _kecamatan_weeks(sites, before if previous_known else None, lang)
    ranking = tuple(sorted(kecamatan, key=lambda k: (k.rank, k.name)))
    everyone = list(sites.values())
    return WeekReport(
        lang=lang, period=period, generated_at=as_utc(now), version=__version__,
        data_sha256=data.sha256(), collection=_collection(data), thresholds=limits,
        headline=headline(everyone),
        wow=week_over_week(everyone, list(before.values()) if previous_known else None, lang),
        city_site=next((s for s in everyone if s.level == "kota"), None),
        kecamatan=kecamatan, ranking=ranking, needs_action=_worst_first(everyone),
        contact=contact_from(options or {}),
    )


def contact_from(options: Mapping[str, Any]) -> Contact:
    """Whom the reader calls, from the settings (the desk's name is never empty)."""
    base = Contact()
    return Contact(desk=str(options.get("contact_desk") or base.desk).strip(),
                   phone=str(options.get("contact_phone") or "").strip(),
                   mail=str(options.get("mail_reply_to") or "").strip())


def thresholds_from(options: Mapping[str, Any]) -> Thresholds:
    """The limits from settings (``aktif_days``...); missing ones keep their defaults."""
    return Limits.from_settings(options)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (the definition a reader can check by hand)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _period(data: WeekInput) -> Period:
    first = date.fromisocalendar(data.year, data.week, 1)
    return Period(data.year, data.week, data.label, data.since, data.until,
                  first, first + timedelta(days=6))


def _shift(period: Period, days: int) -> Period:
    delta = timedelta(days=days)
    return replace(period, since=period.since + delta, until=period.until + delta,
                   first_day=period.first_day + delta, last_day=period.last_day + delta)


def _collection(data: WeekInput) -> Collection:
    starts = [as_utc(s.started_at) for s in data.sweeps]
    timeouts = [float(s.options["timeout"]) for s in data.sweeps
                if isinstance(s.options, dict) and isinstance(s.options.get("timeout"),
                                                              int | float)]
    return Collection(
        sweeps=len(data.sweeps),
        incomplete=sum(1 for s in data.sweeps if s.status != "complete"),
        first=min(starts, default=None), last=max(starts, default=None),
        timeout=max(timeouts, default=None),
    )


def _site_weeks(sites: Sequence[Site], rows: Iterable[tuple[Site, Result]], period: Period,
                reviews: Mapping[str, Review], lang: str,
                limits: Thresholds) -> dict[str, SiteWeek]:
    by_code: dict[str, list[Result]] = defaultdict(list)
    for site, result in rows:
        by_code[site.code].append(result)
    out = {}
    for site in sites:
        results = sorted(by_code.get(site.code, []), key=lambda r: as_utc(r.checked_at))
        week = site_week(site, results, period, lang)
        verdict = judge(site, results, reviews.get(site.code), limits)
        week = replace(week, activity=verdict.activity or week.activity, verdict=verdict,
                       review=_review(verdict.review, lang))
        found = problems(verdict, lang, site.level)
        week = replace(week, problems=tuple(replace(p, plain=p.plain or sentence(p, week, lang))
                                            for p in found))
        out[site.code] = replace(week, score=site_score(week))
    return out


def site_score(site: SiteWeek) -> int:
    """0-100, to rank kecamatan: 40 availability (uptime share), 30 activity (aktif 30,
    kurang_aktif 15), 20 mobile-friendly, 10 valid HTTPS. No website or a content flag
    scores 0."""
    if not site.has_site or site.content_flags or site.uptime_pct is None:
        return 0
    score = 40 * site.uptime_pct / 100
    score += {"aktif": 30, "kurang_aktif": 15}.get(site.activity, 0)
    score += 20 if site.mobile_friendly else 0
    score += 10 if site.https else 0
    return round(score)


def site_week(site: Site, results: Sequence[Result], period: Period, lang: str) -> SiteWeek:
    """One site across the week from its results, oldest first."""
    checked = [r for r in results if r.error != "no_site"] if site.url else []
    up = [r for r in checked if r.available]
    times = [float(r.response_ms) for r in up if r.response_ms is not None]
    last = results[-1] if results else None
    first_seen = jakarta_date(site.first_seen)
    return SiteWeek(
        code=site.code, level=site.level, name=site.name, kecamatan=site.kecamatan,
        url=site.url, checks=len(checked), up_checks=len(up),
        uptime_pct=round(100 * len(up) / len(checked), 1) if checked else None,
        daily=_daily(checked, period, lang),
        median_ms=round(statistics.median(times), 1) if times else None,
        p95_ms=percentile(times, 0.95),
        added_on=first_seen if period.first_day <= first_seen <= period.last_day else None,
        screenshot=next((p for r in reversed(results) if (p := _screenshot(r.findings))), None),
        **_latest(site, last),
    )


def _latest(site: Site, last: Result | None) -> dict[str, Any]:
    """The verdict fields from the newest result of the week (SPEC words, unchanged)."""
    if last is None:
        return dict(checked_at=None, available=None, error="no_site" if not site.url else None,
                    error_detail="", status_code=None, final_url=None, https=None,
                    cert_days_left=None, last_update=None, last_update_source=None,
                    last_update_evidence=None, days_since_update=None,
                    activity="tidak_ada_situs" if not site.url else "tidak_diketahui",
                    mobile_friendly=None, mobile_score=None, mobile_issues=(),
                    content_flags=())
    return dict(
        checked_at=as_utc(last.checked_at), available=last.available, error=last.error,
        error_detail=last.error_detail or "", status_code=last.status_code,
        final_url=last.final_url, https=last.https, cert_days_left=last.cert_days_left,
        last_update=_date(last.last_update), last_update_source=last.last_update_source,
        last_update_evidence=(last.last_update_evidence or "")[:500] or None,
        days_since_update=last.days_since_update, activity=last.activity,
        mobile_friendly=last.mobile_friendly, mobile_score=last.mobile_score,
        mobile_issues=tuple(str(i) for i in last.mobile_issues or ()),
        content_flags=tuple(str(f) for f in last.content_flags or ()),
    )


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _daily(checked: Sequence[Result], period: Period, lang: str) -> tuple[DayCount, ...]:
    up: dict[date, int] = defaultdict(int)
    down: dict[date, int] = defaultdict(int)
    for r in checked:
        day = jakarta_date(r.checked_at)
        (up if r.available else down)[day] += 1
    days = [period.first_day + timedelta(days=i) for i in range(7)]
    return tuple(DayCount(d, day_name(d, lang, short=True), up[d], down[d]) for d in days)


_SCREENSHOT_KEYS = ("screenshot", "screenshot_path", "screenshot_file")


def _screenshot(findings: Any) -> Path | None:
    """The phone screenshot the browser audit kept, if its file still exists (the newest of
    the week is used: a later sweep without ``--browser`` makes none)."""
    mobile = findings.get("mobile") if isinstance(findings, dict) else None
    candidates = [mobile] if isinstance(mobile, dict) else []
    if isinstance(mobile, dict):
        candidates += [v for v in mobile.values() if isinstance(v, dict)]
    for data in candidates:
        for key in _SCREENSHOT_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value and Path(value).is_file():
                return Path(value)
    return None


def _review(state: ReviewState | None, lang: str) -> ReviewInfo | None:
    """The newest review as the verdict saw it (``reopened``: a later sweep contradicts a
    ``selesai``)."""
    if state is None:
        return None
    return ReviewInfo(state.status, t(lang, f"rv_{state.status}"), state.note, state.by,
                      state.created_at, state.reopened)


def headline(sites: Sequence[SiteWeek]) -> Headline:
    """Counts over the latest verdict of each area this week."""
    uptimes = [s.uptime_pct for s in sites if s.uptime_pct is not None]
    count = _counter(sites)
    return Headline(
        areas=len(sites), with_site=count(lambda s: s.has_site),
        no_site=count(lambda s: not s.has_site), checked=count(lambda s: s.checks > 0),
        up=count(lambda s: s.available is True), down=count(lambda s: s.available is False),
        mobile_friendly=count(lambda s: s.mobile_friendly is True),
        aktif=count(lambda s: s.activity == "aktif"),
        kurang_aktif=count(lambda s: s.activity == "kurang_aktif"),
        tidak_aktif=count(lambda s: s.activity == "tidak_aktif"),
        tidak_diketahui=count(lambda s: s.has_site and s.activity == "tidak_diketahui"),
        hacked=count(lambda s: bool(s.content_flags)),
        needs_action=count(lambda s: s.needs_action and s.has_site),
        mean_uptime=round(statistics.fmean(uptimes), 1) if uptimes else None,
    )


def _counter(sites: Sequence[SiteWeek]) -> Any:
    return lambda test: sum(1 for s in sites if test(s))


def _worst_first(sites: Iterable[SiteWeek]) -> tuple[SiteWeek, ...]:
    """The sites that need action in the verdicts' one order."""
    by_code = {s.code: s for s in sites}
    order = worst_first(s.verdict for s in by_code.values() if s.verdict is not None)
    return tuple(by_code[v.code] for v in order)


def _worst_words(site: SiteWeek | None) -> str:
    return site.problems[0].reason if site and site.problems else ""


def week_over_week(now: Sequence[SiteWeek], before: Sequence[SiteWeek] | None,
                   lang: str) -> WeekOverWeek:
    """Compare with last week: counts, and sites that got better, worse or a new problem.
    Only sites judged in both weeks are compared (an unchecked week says nothing). Each
    site is in at most one list: better (its worst problem is less severe), new problems (no
    problem last week, one now), worse (a more severe problem, or a new kind of problem)."""
    if before is None:
        return WeekOverWeek(None, {}, (), (), ())
    previous = headline(before)
    current = headline(now)
    deltas = {k: getattr(current, k) - getattr(previous, k) for k in _DELTA_FIELDS}
    old = {s.code: s for s in before}
    better, worse, new = [], [], []
    for site in now:
        prev = old.get(site.code)
        if prev is None or not (_judged(site) and _judged(prev)):
            continue
        change = SiteChange(site.code, site.name, site.kecamatan, _worst_words(prev),
                            _worst_words(site))
        if site.severity < prev.severity:
            better.append(change)
        elif not prev.problems and site.problems:
            new.append(change)
        elif site.severity > prev.severity or _kinds(site) - _kinds(prev):
            worse.append(change)
    return WeekOverWeek(previous, deltas, tuple(better), tuple(worse), tuple(new))


_DELTA_FIELDS = ("with_site", "up", "down", "mobile_friendly", "aktif", "kurang_aktif",
                 "tidak_aktif", "hacked", "needs_action")


def _kinds(site: SiteWeek) -> set[str]:
    return {p.kind for p in site.problems}


def _judged(site: SiteWeek) -> bool:
    return site.checks > 0 or not site.has_site


def _kecamatan_weeks(sites: Mapping[str, SiteWeek], before: Mapping[str, SiteWeek] | None,
                     lang: str) -> tuple[KecamatanWeek, ...]:
    heads = sorted((s for s in sites.values() if s.level == "kecamatan"), key=lambda s: s.code)
    members: dict[str, list[SiteWeek]] = {name_key(h.name): [h] for h in heads}
    for site in sorted(sites.values(), key=lambda s: s.code):
        if site.level == "kelurahan" and name_key(site.kecamatan) in members:
            members[name_key(site.kecamatan)].append(site)
    scores = {h.code: _mean_score(members[name_key(h.name)]) for h in heads}
    ranks = _competition_ranks(scores)
    out = []
    for head in heads:
        group = members[name_key(head.name)]
        prev = [before[s.code] for s in group if s.code in before] if before else None
        out.append(KecamatanWeek(
            code=head.code, name=head.name, slug=slug(head.name), sites=tuple(group),
            headline=headline(group), needs_action=_worst_first(group),
            score=scores[head.code], rank=ranks[head.code],
            summary=_summary(group, lang), wow=week_over_week(group, prev, lang)))
    return tuple(out)


def _mean_score(group: Sequence[SiteWeek]) -> float:
    return round(statistics.fmean(s.score for s in group), 1) if group else 0.0


def _competition_ranks(scores: Mapping[str, float]) -> dict[str, int]:
    """1, 2, 2, 4: equal scores share a rank (standard competition ranking)."""
    return {code: 1 + sum(1 for other in scores.values() if other > score)
            for code, score in scores.items()}


def _summary(group: Sequence[SiteWeek], lang: str) -> tuple[str, ...]:
    """Short plain-text lines for the email body, in the report language (the counts of
    areas and websites are the email's own first line)."""
    head = headline(group)
    lines = [
        t(lang, "summary_up", up=head.up, websites=head.with_site),
        t(lang, "summary_activity", aktif=head.aktif, kurang=head.kurang_aktif,
          tidak=head.tidak_aktif, none=head.no_site),
    ]
    if head.hacked:
        lines.append(t(lang, "summary_flags", count=head.hacked))
    websites = [s for s in _worst_first(group) if s.has_site]
    for site in websites[:SUMMARY_PROBLEMS]:
        reason = site.problems[0].reason
        lines.append(t(lang, "summary_problem", name=_area_name(site, lang), reason=reason))
    if len(websites) > SUMMARY_PROBLEMS:
        lines.append(t(lang, "tldr_more", count=len(websites) - SUMMARY_PROBLEMS))
    if head.no_site:
        lines.append(t(lang, "tldr_no_site", count=head.no_site))
    return tuple(lines)


def _area_name(site: SiteWeek, lang: str) -> str:
    return f"{word(lang, 'lvl', site.level).capitalize()} {site.name}"
