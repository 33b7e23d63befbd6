"""ISO weeks as people write them (``2026-W47``), read and written in one place.

Reports, emails and their file names all name a week this way; a week that does not exist
(``2026-W54``) is a usage error, not a report for an empty week. The Jakarta-time bounds of a
week and the last complete week live in ``core.clock`` (they need the time zone) and are
re-exported here, so this module is where a week is found.
"""

from __future__ import annotations

import re
from datetime import date

from monitor.core.clock import iso_week_bounds as iso_week_bounds  # the week in Jakarta time
from monitor.core.clock import last_complete_week as last_complete_week
from monitor.core.errors import UsageError

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text: str, what: str = "--week") -> tuple[int, int]:
    """'2026-W47' -> (2026, 47); anything else raises UsageError naming ``what``."""
    match = _WEEK.match(text.strip())
    if match is None:
        raise UsageError(f"{what} {text!r} is not an ISO week: expected YYYY-Www, e.g. 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise UsageError(f"{what} {text}: {year} has no ISO week {week}") from None
    return year, week


def format_week(year: int, week: int) -> str:
    """(2026, 47) -> '2026-W47'."""
    return f"{year}-W{week:02d}"


def week_days(year: int, week: int) -> tuple[date, date]:
    """The Monday and the Sunday of an ISO week."""
    return date.fromisocalendar(year, week, 1), date.fromisocalendar(year, week, 7)
