"""What a command should say before a reader gets a misleading report.

An empty week, a week not over yet, or a week with fewer sweeps than days makes a report that
looks normal and is not: the command warns (on stderr) instead of exiting silently.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from monitor.core.clock import as_utc
from monitor.core.words import format_datetime, t
from monitor.report.source import WeekInput

MIN_SWEEPS = 7  # fewer than one sweep a day: a single bad hour weighs a seventh of the week


def week_warnings(data: WeekInput, now: datetime, lang: str) -> tuple[str, ...]:
    """The warnings for the week ``data`` as of ``now``, in the reader's language."""
    out = []
    count = len(data.sweeps)
    if as_utc(now) < as_utc(data.until):
        end = format_datetime(as_utc(data.until) - timedelta(minutes=1), lang)
        out.append(t(lang, "warn_unfinished", week=data.label, end=end))
    if count == 0:
        out.append(t(lang, "warn_empty", week=data.label))
    elif count < MIN_SWEEPS:
        out.append(t(lang, "warn_few", week=data.label, count=count, minimum=MIN_SWEEPS))
    return tuple(out)
