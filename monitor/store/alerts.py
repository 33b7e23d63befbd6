"""SQL for alerts: recent results per site, open alerts, and deliveries per channel.

Detection reads the last few results of each site swept and the alerts still open; it writes
new alerts with one ``pending`` delivery per channel in one transaction, so an alert is
either recorded with everywhere it must go, or not at all. Delivery then updates each row's
outcome; anything not ``sent`` is tried again at the next sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from monitor.store import FINDINGS_TEXT, Store, decode_findings, in_lists, ranked_per_site
from monitor.store.models import Alert, AlertDelivery, Result, Site, Sweep

RETRY_STATUSES = ("pending", "failed", "timeout")


@dataclass(frozen=True)
class NewAlert:
    """An alert to record, with the channels (key, label) it goes to."""

    alert: Alert
    channels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Outbound:
    """A delivery still to make, with its alert and site (for the wording)."""

    delivery: AlertDelivery
    alert: Alert
    site: Site


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    status: str  # sent, failed, timeout, dropped
    detail: str = ""
    via: str = "single"


def swept_site_ids(store: Store, sweep_id: int) -> list[int]:
    with store.session() as session:
        return list(session.exec(select(Result.site_id).where(Result.sweep_id == sweep_id)))


class RecentResult:
    """A stored result as alert detection reads it: the columns it looks at, and the
    findings decoded only when asked. Detection reads the newest result's content finding
    and an older one's only when a condition needs its history (how long a flag has been
    up, the tags before). Every site's full ORM rows, all findings decoded, cost 5.5 s of
    CPU and 363 MB after each sweep of 3,000 sites with 10 weeks of history (now 0.6-1.0 s
    and 16 MB: ``benchmarks/history.py``)."""

    __slots__ = ("_findings", "_raw", "available", "cert_days_left", "checked_at",
                 "content_flags", "error", "error_detail", "final_url", "id", "response_ms",
                 "site_id", "status_code", "url")
    COLUMNS = ("id", "site_id", "checked_at", "url", "final_url", "available", "status_code",
               "error", "error_detail", "response_ms", "cert_days_left", "content_flags")

    def __init__(self, values: Sequence[Any], raw_findings: str | None) -> None:
        for name, value in zip(self.COLUMNS, values, strict=True):
            setattr(self, name, value)
        self._raw = raw_findings
        self._findings: dict[str, Any] | None = None

    id: int
    site_id: int
    checked_at: datetime
    url: str
    final_url: str | None
    available: bool | None
    status_code: int | None
    error: str | None
    error_detail: str
    response_ms: float | None
    cert_days_left: int | None
    content_flags: list[str] | None

    @property
    def findings(self) -> dict[str, Any]:
        if self._findings is None:
            self._findings = decode_findings(self._raw)
        return self._findings


def recent_histories(store: Store, sweep_id: int,
                     depth: int) -> Iterator[tuple[int, list[RecentResult]]]:
    """(site id, its last ``depth`` results, newest first) for each site swept in
    ``sweep_id``, one site at a time, so only one site's history is held. (A subquery, not a
    list of ids: 10,000 sites would exceed some drivers' parameter limits.) Read in chunks;
    each row's findings stay undecoded text until detection asks.

    Only results from the last ``depth`` sweeps are ranked (ids from the oldest of them on):
    ranking all of them made detection grow with the results kept (1,000 sites: 0.16-0.22 s
    at 100 results a site, 0.50-0.78 s at 400; at 4 sweeps a day and 120 days kept, 480). A
    site with fewer than ``depth`` results there (new, or left out of some sweeps) may have
    older ones: its whole history is ranked after, as before. Either way a site gets exactly
    its last ``depth`` results."""
    swept = col(Result.site_id).in_(select(Result.site_id).where(Result.sweep_id == sweep_id))
    with store.session() as session:
        floor = _window_floor(session, sweep_id, depth)
        if floor is None:
            yield from _histories(session, depth, swept)
            return
        short: list[int] = []
        for site_id, history in _histories(session, depth, swept, col(Result.id) >= floor):
            if len(history) < depth:
                short.append(site_id)
            else:
                yield site_id, history
        for condition in in_lists(Result.site_id, short):
            yield from _histories(session, depth, condition)


def _window_floor(session: Session, sweep_id: int, depth: int) -> int | None:
    """The first result id of the last ``depth`` sweeps up to ``sweep_id`` (None: no result
    yet). Every result after it is in the window, whatever sweep wrote it."""
    recent = (select(Sweep.id).where(col(Sweep.id) <= sweep_id)
              .order_by(col(Sweep.id).desc()).limit(depth))
    floor: int | None = session.exec(
        select(func.min(Result.id)).where(col(Result.sweep_id).in_(recent))).one()
    return floor


def _histories(session: Session, depth: int,
               *where: Any) -> Iterator[tuple[int, list[RecentResult]]]:
    """Each site's last ``depth`` results among those ``where`` selects, in site id order."""
    columns = [getattr(Result, name) for name in RecentResult.COLUMNS]
    ranked = ranked_per_site(*where)
    rows = session.execute(  # Core's select: a column list, no ORM entity
        core_select(*columns, FINDINGS_TEXT)
        .join(ranked, ranked.c.id == Result.id)
        .where(ranked.c.rn <= depth)
        .order_by(col(Result.site_id), col(Result.id).desc())
        .execution_options(yield_per=2_000))
    history: list[RecentResult] = []
    for row in rows:
        result = RecentResult(row[:-1], row[-1])
        if history and history[0].site_id != result.site_id:
            yield history[0].site_id, history
            history = []
        history.append(result)
    if history:
        yield history[0].site_id, history


def open_alerts(store: Store) -> list[Alert]:
    """Conditions still open (not events, not reminders)."""
    with store.session() as session:
        return list(session.exec(
            select(Alert).where(col(Alert.closed_at).is_(None), col(Alert.reminder_of).is_(None))
            .order_by(col(Alert.id))).all())


def event_keys(store: Store, kind: str) -> dict[int, set[str]]:
    """Every key ever alerted for ``kind`` per site: an event is said once."""
    with store.session() as session:
        rows = session.exec(select(Alert.site_id, Alert.key).where(Alert.kind == kind)).all()
    found: dict[int, set[str]] = {}
    for site_id, key in rows:
        found.setdefault(site_id, set()).add(key)
    return found


def save_changes(store: Store, new: Iterable[NewAlert], closed: Iterable[int],
                 reminded: Iterable[int], now: datetime) -> list[int]:
    """Record new alerts (with a pending delivery per channel), close the conditions that
    ended and mark reminded ones, in one transaction. Returns the new alert ids."""
    ids: list[int] = []
    with store.session() as session:
        for alert_id in closed:
            row = session.get_one(Alert, alert_id)
            row.closed_at = now
            session.add(row)
        for alert_id in reminded:
            row = session.get_one(Alert, alert_id)
            row.reminded_at = now
            session.add(row)
        for item in new:
            session.add(item.alert)
            session.flush()
            assert item.alert.id is not None
            ids.append(item.alert.id)
            for key, label in dict(item.channels).items():
                session.add(AlertDelivery(alert_id=item.alert.id, channel=key, label=label,
                                          updated_at=now))
        session.commit()
    return ids


def outbound(store: Store, max_attempts: int) -> list[Outbound]:
    """Deliveries not yet made (pending, or failed earlier and worth another try)."""
    with store.session() as session:
        rows = session.exec(
            select(AlertDelivery, Alert, Site)
            .join(Alert, col(Alert.id) == AlertDelivery.alert_id)
            .join(Site, col(Site.id) == Alert.site_id)
            .where(col(AlertDelivery.status).in_(RETRY_STATUSES),
                   AlertDelivery.attempts < max_attempts)
            .order_by(col(Alert.id), col(AlertDelivery.channel))).all()
    return [Outbound(d, a, s) for d, a, s in rows]


def last_digest(store: Store) -> dict[str, datetime]:
    """When each channel last received a digest."""
    with store.session() as session:
        rows = session.exec(
            select(AlertDelivery.channel, func.max(AlertDelivery.sent_at))
            .where(AlertDelivery.via == "digest", AlertDelivery.status == "sent")
            .group_by(col(AlertDelivery.channel))).all()
    return {channel: at for channel, at in rows if at is not None}


def record_outcomes(store: Store, outcomes: Iterable[Outcome], now: datetime) -> None:
    with store.session() as session:
        for outcome in outcomes:
            row = session.get_one(AlertDelivery, outcome.delivery_id)
            row.status, row.detail = outcome.status, outcome.detail[:500]
            row.updated_at = now
            if outcome.status != "dropped":
                row.attempts += 1
            if outcome.status == "sent":
                row.sent_at, row.via = now, outcome.via
            session.add(row)
        session.commit()


def recent(store: Store, limit: int) -> list[tuple[Alert, Site, list[AlertDelivery]]]:
    """The newest ``limit`` alerts with their deliveries, newest first."""
    with store.session() as session:
        alerts = session.exec(
            select(Alert, Site).join(Site, col(Site.id) == Alert.site_id)
            .order_by(col(Alert.id).desc()).limit(limit)).all()
        ids = [a.id for a, _ in alerts]
        deliveries = session.exec(
            select(AlertDelivery).where(col(AlertDelivery.alert_id).in_(ids))
            .order_by(col(AlertDelivery.channel))).all()
    by_alert: dict[int, list[AlertDelivery]] = {}
    for d in deliveries:
        by_alert.setdefault(d.alert_id, []).append(d)
    return [(a, s, by_alert.get(a.id or 0, [])) for a, s in alerts]
