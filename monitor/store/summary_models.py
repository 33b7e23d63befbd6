"""Tables that keep a year's evidence after the raw results are thinned (store/summaries.py).

Retention (service/retention.py) keeps one sweep per week of old data, but a monthly or yearly
evidence pack counts every sweep: how often sites were up, when an outage or a hacking began
and ended. So, before raw results go, each Asia/Jakarta day is summarised: one ``SummaryDay``
(how many sweeps ran), one ``SiteDay`` per site checked that day (counts per verdict), and the
``Episode`` rows (down, hacked, suspended spells) are extended. Days are finer than weeks so
that a month or a --from/--to range that starts mid-week is counted exactly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel


class SummaryDay(SQLModel, table=True):
    """One Jakarta day that has been summarised (a day with no sweep has ``sweeps=0``)."""

    __tablename__ = "summary_day"

    day: str = Field(primary_key=True)  # YYYY-MM-DD, Asia/Jakarta
    sweeps: int = 0  # sweeps started that day, any status
    complete: int = 0  # of which complete
    results: int = 0
    filled_at: datetime


class SiteDay(SQLModel, table=True):
    """One site on one Jakarta day: how many results said what. Sums over days are exact."""

    __tablename__ = "site_day"
    __table_args__ = (UniqueConstraint("day", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)
    day: str = Field(index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    checks: int = 0  # results that day
    up: int = 0  # available is true
    down: int = 0  # available is false (a site without a website is neither)
    aktif: int = 0
    kurang_aktif: int = 0
    tidak_aktif: int = 0
    tidak_diketahui: int = 0
    no_site: int = 0
    mobile_ok: int = 0
    mobile_known: int = 0
    hacked: int = 0  # content flags judi_spam or defaced
    suspended: int = 0
    last_at: datetime
    last_activity: str = ""
    last_mobile: bool | None = None  # the day's last known verdict (none while down)


class Episode(SQLModel, table=True):
    """A spell of consecutive results of one site that were down, hacked or suspended.

    ``ended_at`` is the first result that no longer showed it (None: still open);
    ``evidence`` is what the first bad result recorded (rule, URL, exact text)."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    kind: str  # down, hacked, suspended
    started_at: datetime = Field(index=True)
    last_bad_at: datetime
    ended_at: datetime | None = None
    sweeps: int = 1  # bad results in the spell
    evidence: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
