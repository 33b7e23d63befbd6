"""Tables. Times are stored as UTC (SQLite drops the offset; read back through clock.as_utc).

One ``Result`` per site per sweep. Its columns mirror the SPEC export fields so reports and
exports read them directly; ``findings`` keeps each check's whole finding with its evidence,
so a new check adds data without a schema change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel


class Site(SQLModel, table=True):
    """An area from targets.csv. A row removed from the file keeps its history (in_targets)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True)
    level: str
    name: str
    kecamatan: str = ""
    url: str = ""
    email: str = ""
    in_targets: bool = True
    first_seen: datetime
    updated_at: datetime


class Sweep(SQLModel, table=True):
    """One run of `monitor check`. status: running, complete, incomplete (killed or stopped)."""

    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(index=True)
    finished_at: datetime | None = None
    status: str = "running"
    total: int = 0
    done: int = 0
    up: int = 0
    host: str = ""
    pid: int = 0
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class Result(SQLModel, table=True):
    """One site at one sweep, with the evidence for every judgement."""

    __table_args__ = (UniqueConstraint("sweep_id", "site_id"),)

    id: int | None = Field(default=None, primary_key=True)
    sweep_id: int = Field(foreign_key="sweep.id", index=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    checked_at: datetime = Field(index=True)
    url: str = ""
    available: bool | None = None
    status_code: int | None = None
    error: str | None = None
    error_detail: str = ""
    response_ms: float | None = None
    ttfb_ms: float | None = None
    final_url: str | None = None
    https: bool | None = None
    cert_days_left: int | None = None
    last_update: str | None = None
    last_update_source: str | None = None
    last_update_evidence: str | None = None
    days_since_update: int | None = None
    activity: str = "tidak_diketahui"
    mobile_friendly: bool | None = None
    mobile_score: int | None = None
    mobile_issues: list[str] = Field(default_factory=list, sa_type=JSON)
    content_flags: list[str] = Field(default_factory=list, sa_type=JSON)
    attempts: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    findings: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    failed_checks: dict[str, str] = Field(default_factory=dict, sa_type=JSON)


class SchemaVersion(SQLModel, table=True):
    """Which numbered migrations have been applied (see store/migrations.py)."""

    version: int = Field(primary_key=True)
    description: str
    applied_at: datetime


class Review(SQLModel, table=True):
    """An admin's follow-up on a site. History is kept: never updated."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    status: str  # baru, dihubungi, dalam_perbaikan, selesai, diabaikan
    note: str = ""
    by: str = ""
    created_at: datetime = Field(index=True)


class EmailSent(SQLModel, table=True):
    """One report email per (week, kecamatan, recipient): makes `monitor email` idempotent."""

    __table_args__ = (UniqueConstraint("week", "kecamatan", "recipient"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(index=True)  # 2026-W47
    kecamatan: str  # the kecamatan site code
    recipient: str
    role: str = "to"  # to or cc
    status: str = "sent"  # sent, refused (permanent failure)
    detail: str = ""
    sent_at: datetime


class SweepLockRow(SQLModel, table=True):
    """The SQLite sweep lock (store/locks.py): one row per held lock, refreshed while held.
    PostgreSQL uses an advisory lock instead and never writes here."""

    __tablename__ = "sweep_lock"

    name: str = Field(primary_key=True)
    owner: str  # host:pid:random, unique per holder
    host: str
    pid: int
    acquired_at: datetime
    heartbeat_at: datetime


class Alert(SQLModel, table=True):
    """One alert about one site (monitor/alerts). A *condition* (hacked, down, certificate...)
    stays open (``closed_at`` None) while it lasts, so the next sweep knows it was already
    said; an *event* (back up, a new verification tag) and a reminder are born closed."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    kind: str = Field(index=True)  # judi_spam, defaced, suspended, default_page, down, ...
    key: str  # kind, or kind:detail for events that repeat per item (verification tags)
    since: datetime  # when the state began (the first result that showed it)
    created_at: datetime = Field(index=True)
    closed_at: datetime | None = None
    reminder_of: int | None = None  # the open alert this one reminds of
    reminded_at: datetime | None = None  # last reminder sent for this open alert
    sweep_id: int | None = None
    url: str = ""
    evidence: str = ""  # one line: the URL, rule and exact text behind the alert


class AlertDelivery(SQLModel, table=True):
    """One alert on one channel, with its outcome. The channel is kept as a hash of its
    Apprise URL (``channel``) and a masked label: secrets never reach the database."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", index=True)
    channel: str = Field(index=True)  # url:<sha256 prefix> or mailto:<address>
    label: str = ""  # what people see: tgram://1...T/987654, json://host:port/, an address
    status: str = "pending"  # pending, sent, failed, timeout, dropped
    detail: str = ""
    attempts: int = 0
    via: str = ""  # once sent: "single", "batch" (many at once) or "digest" (daily)
    updated_at: datetime
    sent_at: datetime | None = None


# Result columns that are keys, not part of what a sweep measured.
_RESULT_KEYS = frozenset({"id", "sweep_id", "site_id"})


def _result_shape() -> tuple[dict[str, Any], tuple[tuple[str, Callable[[], Any]], ...]]:
    """``Result``'s measured columns: plain defaults, and the columns whose default is made
    by a factory (a fresh list or dict per row)."""
    plain: dict[str, Any] = {}
    made: list[tuple[str, Callable[[], Any]]] = []
    for name, info in Result.model_fields.items():
        if name in _RESULT_KEYS:
            continue
        if info.is_required():
            plain[name] = None
        elif info.default_factory is not None:
            plain[name] = None  # keeps the column order; replaced per row below
            made.append((name, info.default_factory))  # type: ignore[arg-type]
        else:
            plain[name] = info.default
    return plain, tuple(made)


_SHAPE = _result_shape()


def result_row() -> dict[str, Any]:
    """Every measured column of ``Result`` with the value it has when no check set it (None
    for a required one): the one list of a stored result's shape. The sweep builds plain
    rows from it (``store.save_rows``) instead of ORM objects, so a column added to
    ``Result`` is written by the sweep with no second list to keep in step.

    The shape is read from the model once: pydantic's ``get_default`` inspects each default
    factory's signature on every call, which cost ~0.7 ms per stored row."""
    plain, made = _SHAPE
    row = dict(plain)
    for name, factory in made:
        row[name] = factory()
    return row
