"""SQL for the day summaries behind the period evidence packs (tables: store/summary_models).

``fill`` summarises every complete Asia/Jakarta day that has not been summarised yet, oldest
first, reading raw results a week at a time as plain rows (no ORM objects: a year is 200,000+
results). It runs before `monitor prune` thins old sweeps, after the weekly report and before
a pack is built, so a summary always comes from the full, unthinned day. A summarised day is
never summarised again: after thinning its raw results no longer tell the whole story.

Episodes carry over from day to day: a spell still open at the end of one day is continued by
the next day's results. A down site cannot show content, so only a result that was reached
(available) can end a hacked or suspended spell.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import String, delete, func, insert, select, type_coerce, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from monitor.core.clock import JAKARTA, as_utc, to_jakarta
from monitor.store import Store
from monitor.store.models import Result, Review, Sweep
from monitor.store.summary_models import Episode, SiteDay, SummaryDay

log = logging.getLogger(__name__)

HACKED_FLAGS = frozenset({"judi_spam", "defaced"})
KINDS = ("down", "hacked", "suspended")
CHUNK_DAYS = 7
MAX_EVIDENCE = 3


def day_start(day: date) -> datetime:
    """00:00 WIB of ``day`` as aware UTC."""
    return datetime(day.year, day.month, day.day, tzinfo=JAKARTA).astimezone(UTC)


def _bad(kind: str, available: bool | None, flags: Sequence[str]) -> bool | None:
    """True/False: the result shows / does not show ``kind``; None: it cannot tell."""
    if kind == "down":
        return None if available is None else not available
    if not available:
        return None
    wanted = HACKED_FLAGS if kind == "hacked" else {"suspended"}
    return any(f in wanted for f in flags)


COUNTS = ("checks", "up", "down", "aktif", "kurang_aktif", "tidak_aktif", "tidak_diketahui",
          "no_site", "mobile_ok", "mobile_known", "hacked", "suspended")
_ACTIVITY_INDEX = {"aktif": 3, "kurang_aktif": 4, "tidak_aktif": 5, "tidak_diketahui": 6,
                   "tidak_ada_situs": 7}


class _Tally:
    """One site's counts on one day (in COUNTS order); rows arrive oldest first, so the
    last one added is the day's last result."""

    __slots__ = ("counts", "last_raw", "last_activity", "last_mobile")

    def __init__(self) -> None:
        self.counts = [0] * len(COUNTS)
        self.last_raw: Any = None
        self.last_activity = ""
        self.last_mobile: bool | None = None

    def add(self, raw_at: Any, available: bool | None, activity: str, mobile: bool | None,
            flags: Sequence[str]) -> None:
        c = self.counts
        c[0] += 1
        if available is not None:
            c[1 if available else 2] += 1
        index = _ACTIVITY_INDEX.get(activity)
        if index is not None:
            c[index] += 1
        if mobile is not None:
            c[9] += 1
            c[8] += bool(mobile)
        if flags and available:
            c[10] += any(f in HACKED_FLAGS for f in flags)
            c[11] += "suspended" in flags
        self.last_raw, self.last_activity = raw_at, activity
        if mobile is not None:  # a site that is down has no verdict: keep the last known one
            self.last_mobile = mobile


def summarised_days(store: Store) -> set[str]:
    with store.session() as session:
        return set(session.execute(select(col(SummaryDay.day))).scalars().all())


SETTLE = timedelta(hours=3)
"""A day is summarised once it has been over for this long: a sweep started just before
midnight may still be storing results (``job_timeout`` stops a job after 3 hours)."""


def last_complete_day(now: datetime) -> date:
    """The newest Jakarta day that ``fill`` summarises at ``now`` (and a pack may cover)."""
    return to_jakarta(now - SETTLE).date() - timedelta(days=1)


def fill(store: Store, now: datetime) -> int:
    """Summarise every complete day (``last_complete_day``) from the first sweep on that has
    no summary yet; a day without sweeps is summarised too (a gap). Returns how many days
    were summarised now."""
    today = last_complete_day(now) + timedelta(days=1)
    with store.session() as session:
        first = session.execute(select(func.min(Sweep.started_at))).scalar()
    if first is None:
        return 0
    done = summarised_days(store)
    day = to_jakarta(as_utc(first)).date()
    todo = []
    while day < today:
        if day.isoformat() not in done:
            todo.append(day)
        day += timedelta(days=1)
    filled = 0
    for start in range(0, len(todo), CHUNK_DAYS):
        try:
            filled += _fill_days(store, todo[start:start + CHUNK_DAYS], now)
        except IntegrityError:
            # another process (prune and a pack at once) summarised these days first: its
            # rows stand, and it goes on with the days after them
            log.info("day summaries: another process is filling them; stopped here")
            break
    return filled


def _fill_days(store: Store, days: Sequence[date], now: datetime) -> int:
    """Summarise ``days`` (consecutive or not, oldest first) in one transaction; returns how
    many were still to do."""
    r = Result.__table__.c  # type: ignore[attr-defined]
    with store.session() as session:
        # Take the write lock before reading (a no-op DELETE does on SQLite), so two
        # processes filling at once queue up instead of both summarising the same days;
        # then skip what the other one did meanwhile.
        session.execute(delete(SummaryDay).where(col(SummaryDay.day) == ""))
        keys = [d.isoformat() for d in days]
        done = set(session.execute(select(col(SummaryDay.day)).where(
            col(SummaryDay.day).in_(keys))).scalars())
        days = [d for d in days if d.isoformat() not in done]
        if not days:
            return 0
        lo, hi = day_start(days[0]), day_start(days[-1] + timedelta(days=1))
        wanted = {d.isoformat() for d in days}
        # raw text, parsed here: the ORM's per-row DateTime and JSON processing was most of
        # the time of a year's fill
        rows = session.execute(
            select(r.id, r.site_id, type_coerce(r.checked_at, String), r.available, r.activity,
                   r.mobile_friendly, type_coerce(r.content_flags, String))
            .where(r.checked_at >= lo, r.checked_at < hi)
            .order_by(r.checked_at, r.id)).all()
        sweeps = session.execute(
            select(col(Sweep.started_at), col(Sweep.status))
            .where(col(Sweep.started_at) >= lo, col(Sweep.started_at) < hi)).all()
        tallies: dict[tuple[str, int], _Tally] = {}
        tracker = _Episodes(session)
        for rid, site_id, checked_at, available, activity, mobile, raw_flags in rows:
            key = _jakarta_day(checked_at)
            if key not in wanted:
                continue
            flags = _flags(raw_flags)
            tally = tallies.get((key, site_id))
            if tally is None:
                tallies[(key, site_id)] = tally = _Tally()
            tally.add(checked_at, available, activity or "", mobile, flags)
            tracker.see(site_id, rid, checked_at, available, flags)
        tracker.save()
        _insert_days(session, days, sweeps, tallies, now)
        session.commit()
    return len(days)


WIB = timedelta(hours=7)  # Asia/Jakarta has no daylight saving: a fixed offset is exact


def _utc(value: Any) -> datetime:
    """SQLite gives text, PostgreSQL a datetime."""
    return as_utc(datetime.fromisoformat(value) if isinstance(value, str) else value)


@functools.lru_cache(maxsize=1024)
def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _jakarta_day(value: Any) -> str:
    """'YYYY-MM-DD' in Jakarta of a stored UTC time; SQLite's text is read without parsing
    it (WIB is UTC+7: from 17:00 UTC it is the next day)."""
    if isinstance(value, str) and len(value) >= 13 and value[10] in " T":
        return value[:10] if value[11:13] < "17" else _next_day(value[:10])
    return (_utc(value) + WIB).date().isoformat()


def _flags(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value) if value not in ("[]", "", "null") else []
    return [str(f) for f in value or []]


def _insert_days(session: Any, days: Sequence[date], sweeps: Iterable[Any],
                 tallies: dict[tuple[str, int], _Tally], now: datetime) -> None:
    per_day: dict[str, list[int]] = {d.isoformat(): [0, 0, 0] for d in days}
    for started_at, status in sweeps:
        key = to_jakarta(as_utc(started_at)).date().isoformat()
        if key in per_day:
            per_day[key][0] += 1
            per_day[key][1] += status == "complete"
    site_rows = []
    for (key, site_id), tally in tallies.items():
        per_day[key][2] += tally.counts[0]
        site_rows.append({"day": key, "site_id": site_id, "last_at": _utc(tally.last_raw),
                          "last_activity": tally.last_activity,
                          "last_mobile": tally.last_mobile, **dict(zip(COUNTS, tally.counts,
                                                                       strict=True))})
    if site_rows:
        session.execute(insert(SiteDay.__table__), site_rows)  # type: ignore[attr-defined]
    session.execute(insert(SummaryDay.__table__), [  # type: ignore[attr-defined]
        {"day": key, "sweeps": n, "complete": c, "results": res, "filled_at": now}
        for key, (n, c, res) in per_day.items()])


class _Episodes:
    """Open spells of every site, continued or closed result by result."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.open: dict[tuple[int, str], Episode] = {
            (e.site_id, e.kind): e for e in session.execute(
                select(Episode).where(col(Episode.ended_at).is_(None))).scalars().all()}
        self.changed: dict[int, Episode] = {}
        self.new: list[tuple[Episode, int]] = []  # with the id of the result that began it

    def see(self, site_id: int, rid: int, raw_at: Any, available: bool | None,
            flags: Sequence[str]) -> None:
        if available and not flags and not any((site_id, k) in self.open for k in KINDS):
            return  # the usual case: a healthy site with nothing open
        at = _utc(raw_at)
        for kind in KINDS:
            bad = _bad(kind, available, flags)
            if bad is None:
                continue
            spell = self.open.get((site_id, kind))
            if bad and spell is None:
                spell = Episode(site_id=site_id, kind=kind, started_at=at, last_bad_at=at)
                self.open[(site_id, kind)] = spell
                self.new.append((spell, rid))
            elif bad and spell is not None:
                spell.last_bad_at, spell.sweeps = at, spell.sweeps + 1
                self._touch(spell)
            elif spell is not None:
                spell.ended_at = at
                self._touch(spell)
                del self.open[(site_id, kind)]

    def _touch(self, spell: Episode) -> None:
        if spell.id is not None:
            self.changed[spell.id] = spell

    def save(self) -> None:
        for spell in self.changed.values():
            self.session.execute(update(Episode).where(col(Episode.id) == spell.id).values(
                last_bad_at=spell.last_bad_at, ended_at=spell.ended_at, sweeps=spell.sweeps))
        evidence = _evidence(self.session, [rid for _, rid in self.new])
        table = Episode.__table__  # type: ignore[attr-defined]
        closed = []
        for spell, rid in self.new:
            spell.evidence = evidence.get((rid, spell.kind), [])
            values = spell.model_dump(exclude={"id"})
            if spell.ended_at is not None:
                closed.append(values)  # never touched again: no id needed
            else:  # still open: the next day continues it by id
                spell.id = self.session.execute(insert(table).values(**values)
                                                ).inserted_primary_key[0]
        if closed:
            self.session.execute(insert(table), closed)


def _evidence(session: Any, ids: Sequence[int]) -> dict[tuple[int, str], list[dict[str, Any]]]:
    """What each beginning result recorded: the HTTP outcome for a down spell, the content
    check's matches (rule, URL, exact text) for a hacked or suspended one."""
    out: dict[tuple[int, str], list[dict[str, Any]]] = {}
    r = Result.__table__.c  # type: ignore[attr-defined]
    for start in range(0, len(ids), 500):
        rows = session.execute(select(r.id, r.url, r.error, r.error_detail, r.status_code,
                                      r.findings).where(r.id.in_(ids[start:start + 500])))
        for rid, url, error, detail, status, findings in rows:
            text = " ".join(str(x) for x in (error, status, detail) if x)
            out[(rid, "down")] = [{"rule": f"availability:{error or 'down'}", "url": url,
                                   "text": text[:300]}]
            items = _content_items(findings or {})
            out[(rid, "hacked")] = [i for i in items if not i["rule"].startswith("suspended")]
            out[(rid, "suspended")] = [i for i in items if i["rule"].startswith("suspended")]
    return out


def _content_items(findings: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for check, data in findings.items():
        if "content" not in str(check) or not isinstance(data, dict):
            continue
        for raw in data.get("evidence") or []:
            if isinstance(raw, dict) and (raw.get("rule") or raw.get("text")):
                items.append({"rule": str(raw.get("rule") or "")[:100],
                              "url": None if raw.get("url") is None else str(raw["url"])[:500],
                              "text": str(raw.get("text") or "")[:300]})
    return items[:MAX_EVIDENCE]


# -- reading ------------------------------------------------------------------------------
def days_between(store: Store, first: date, last: date) -> list[SummaryDay]:
    with store.session() as session:
        return list(session.execute(select(SummaryDay).where(
            col(SummaryDay.day) >= first.isoformat(), col(SummaryDay.day) <= last.isoformat())
            .order_by(col(SummaryDay.day))).scalars().all())


SiteDayRow = tuple[str, int, int, int, int, int, str, bool | None]
"""day, site id, up, down, hacked, suspended, last activity, last mobile verdict."""


def site_days_between(store: Store, first: date, last: date) -> list[SiteDayRow]:
    """Plain tuples of every site-day in [first, last], oldest day first (so a site's last
    row of a span holds its newest verdicts)."""
    t = SiteDay.__table__.c  # type: ignore[attr-defined]
    with store.session() as session:
        rows = session.execute(
            select(t.day, t.site_id, t.up, t.down, t.hacked, t.suspended, t.last_activity,
                   t.last_mobile)
            .where(t.day >= first.isoformat(), t.day <= last.isoformat())
            .order_by(t.day, t.site_id)).all()
    return [tuple(r) for r in rows]


def episodes_between(store: Store, since: datetime, until: datetime) -> list[Episode]:
    """Spells that overlap [since, until): began before ``until`` and had not ended before
    ``since``."""
    with store.session() as session:
        return list(session.execute(
            select(Episode).where(col(Episode.started_at) < until)
            .where((col(Episode.ended_at).is_(None)) | (col(Episode.ended_at) >= since))
            .order_by(col(Episode.started_at), col(Episode.id))).scalars().all())


def reviews_of(store: Store, site_ids: Iterable[int]) -> list[Review]:
    """Every review of these sites, oldest first (the trail an incident shows)."""
    ids = sorted(set(site_ids))
    if not ids:
        return []
    with store.session() as session:
        return list(session.execute(
            select(Review).where(col(Review.site_id).in_(ids))
            .order_by(col(Review.created_at), col(Review.id))).scalars().all())
