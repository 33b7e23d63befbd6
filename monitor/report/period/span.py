"""Which days a period covers, its weeks, and how many sweeps were due in it.

A month or year is taken whole but clipped to the last complete Asia/Jakarta day (today is
still being swept; a day counts as complete three hours after midnight, see
store/summaries.py). Weeks are ISO weeks (Monday to Sunday, as the weekly reports), cut at the
period's edges so a month that starts on a Sunday has a one-day first week: every figure
counts only days inside the period.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from monitor.core.clock import JAKARTA, to_jakarta
from monitor.core.errors import UsageError
from monitor.report.period.model import Coverage, Gap, Period
from monitor.store.summaries import last_complete_day

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")


def _clip(label: str, kind: str, first: date, last: date, now: datetime) -> Period:
    yesterday = last_complete_day(now)
    if first > yesterday:
        raise UsageError(f"period {label} has not started or has no complete day yet "
                         f"(last complete day: {yesterday.isoformat()})")
    return Period(label, kind, first, min(last, yesterday), last)


def month(text: str, now: datetime) -> Period:
    match = _MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise UsageError(f"--month {text!r}: expected YYYY-MM, e.g. 2026-11")
    y, m = int(match.group(1)), int(match.group(2))
    last = date(y, m, calendar.monthrange(y, m)[1])
    return _clip(f"{y:04d}-{m:02d}", "month", date(y, m, 1), last, now)


def year(text: str, now: datetime) -> Period:
    match = _YEAR.match(text.strip())
    if match is None or int(text) < 1970:
        raise UsageError(f"--year {text!r}: expected YYYY, e.g. 2026")
    y = int(text)
    return _clip(str(y), "year", date(y, 1, 1), date(y, 12, 31), now)


def between(first_text: str, last_text: str, now: datetime) -> Period:
    days = []
    for option, text in (("--from", first_text), ("--to", last_text)):
        try:
            days.append(date.fromisoformat(text.strip()))
        except ValueError:
            raise UsageError(f"{option} {text!r}: expected YYYY-MM-DD") from None
    first, last = days
    if last < first:
        raise UsageError(f"--to {last} is before --from {first}")
    if (last - first).days > 731:
        raise UsageError("--from/--to may span at most two years")
    return _clip(f"{first.isoformat()}_{last.isoformat()}", "range", first, last, now)


def previous_month(now: datetime) -> str:
    """'2026-11' when run in December (Jakarta time): what the monthly job packs."""
    local = to_jakarta(now).date().replace(day=1) - timedelta(days=1)
    return f"{local.year:04d}-{local.month:02d}"


def days(period: Period) -> list[date]:
    return [period.first + timedelta(days=i) for i in range((period.last - period.first).days + 1)]


def weeks(period: Period) -> list[tuple[str, date, date]]:
    """(ISO week label, first day, last day) of every week of the period, cut at its edges."""
    out: list[tuple[str, date, date]] = []
    for day in days(period):
        iso = day.isocalendar()
        label = f"{iso.year}-W{iso.week:02d}"
        if out and out[-1][0] == label:
            out[-1] = (label, out[-1][1], day)
        else:
            out.append((label, day, day))
    return out


def scheduled_per_day(schedule: str, period: Period) -> dict[date, int]:
    """How many sweeps the crontab line ``schedule`` (Jakarta time) starts on each day."""
    counts = {d: 0 for d in days(period)}
    if not schedule.strip():
        return counts
    try:
        trigger = CronTrigger.from_crontab(schedule, timezone=JAKARTA)
    except ValueError:
        raise UsageError(f"setting sweep_schedule: {schedule!r} is not a crontab line") from None
    start = datetime(period.first.year, period.first.month, period.first.day, tzinfo=JAKARTA)
    end = start + timedelta(days=len(counts))
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None and fire < end:
        counts[fire.astimezone(JAKARTA).date()] += 1
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return counts


def coverage(schedule: str, period: Period, done: dict[date, tuple[int, int]]) -> Coverage:
    """Sweeps done (``done``: day -> (sweeps, complete)) against the schedule; runs of days
    with none are the gaps, named by their first and last day."""
    due = scheduled_per_day(schedule, period)
    gaps: list[Gap] = []
    run: list[date] = []
    for day in [*days(period), None]:
        if day is not None and due[day] > 0 and done.get(day, (0, 0))[0] == 0:
            run.append(day)
            continue
        if run:
            gaps.append(Gap(run[0], run[-1], len(run), sum(due[d] for d in run)))
            run = []
    return Coverage(
        schedule=schedule, scheduled=sum(due.values()),
        done=sum(n for n, _ in done.values()), complete=sum(c for _, c in done.values()),
        days=len(due), days_with_sweeps=sum(1 for n, _ in done.values() if n > 0),
        short_days=sum(1 for d, (n, _) in done.items() if 0 < n < due.get(d, 0)),
        gaps=gaps)


def week_of(day_labels: Iterable[tuple[str, date, date]]) -> dict[str, int]:
    """'YYYY-MM-DD' -> index of its week."""
    out: dict[str, int] = {}
    for i, (_, first, last) in enumerate(day_labels):
        d = first
        while d <= last:
            out[d.isoformat()] = i
            d += timedelta(days=1)
    return out
