"""Time in Asia/Jakarta, and an injectable clock.

Every stored time is timezone-aware UTC; everything shown to users is Asia/Jakarta (WIB,
UTC+7, no daylight saving). SQLite drops the offset, so values read back pass through
``as_utc``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")

Clock = Callable[[], datetime]
"""Returns the current aware datetime; tests pass a fixed one."""


def system_clock() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Attach UTC to a naive datetime read back from SQLite; convert aware ones."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def to_jakarta(value: datetime) -> datetime:
    return as_utc(value).astimezone(JAKARTA)


def iso_jakarta(value: datetime | None) -> str | None:
    """ISO 8601 with the +07:00 offset, as the SPEC's export wants."""
    if value is None:
        return None
    return to_jakarta(value).isoformat(timespec="seconds")


def jakarta_date(value: datetime) -> date:
    return to_jakarta(value).date()


def iso_week_bounds(year: int, week: int) -> tuple[datetime, datetime]:
    """Monday 00:00 to next Monday 00:00, Asia/Jakarta, returned as aware UTC datetimes."""
    monday = date.fromisocalendar(year, week, 1)
    start = datetime(monday.year, monday.month, monday.day, tzinfo=JAKARTA)
    end = start + timedelta(days=7)
    return start.astimezone(UTC), end.astimezone(UTC)


def last_complete_week(now: datetime) -> tuple[int, int]:
    """The ISO (year, week) of the last week that has fully ended in Jakarta."""
    local = to_jakarta(now).date() - timedelta(days=7)
    iso = local.isocalendar()
    return iso.year, iso.week
