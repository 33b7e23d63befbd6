"""SQL for admin reviews: append-only history, newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select

from monitor.core.errors import UsageError
from monitor.store import Store
from monitor.store.models import Review, Site

STATUSES = ("baru", "dihubungi", "dalam_perbaikan", "selesai", "diabaikan")
MAX_NOTE = 2000  # characters: a follow-up note, not a document
MAX_BY = 100


def add_review(store: Store, code: str, status: str, note: str, by: str, now: datetime) -> Review:
    """Record one review; earlier ones are kept (history is never overwritten)."""
    if status not in STATUSES:
        raise UsageError(f"status {status!r} is not one of {', '.join(STATUSES)}")
    note, by = note.strip(), by.strip()
    if not note:
        raise UsageError("a review needs a note saying what was done or found")
    if len(note) > MAX_NOTE or len(by) > MAX_BY:
        raise UsageError(f"note is limited to {MAX_NOTE} characters and name to {MAX_BY}")
    with store.session() as session:
        site = session.exec(select(Site).where(Site.code == code)).first()
        if site is None or site.id is None:
            raise UsageError(f"no site with code {code!r} (see `monitor sites`)")
        review = Review(site_id=site.id, status=status, note=note, by=by, created_at=now)
        session.add(review)
        session.commit()
        return review


def history(store: Store, code: str) -> list[Review]:
    with store.session() as session:
        return list(session.exec(
            select(Review).join(Site, col(Review.site_id) == Site.id)
            .where(Site.code == code).order_by(col(Review.id).desc())).all())


def latest_reviews(store: Store) -> dict[str, Review]:
    """The newest review of every reviewed site, by site code."""
    with store.session() as session:
        newest = (select(Review.site_id, func.max(Review.id).label("rid"))
                  .group_by(col(Review.site_id)).subquery())
        rows = session.exec(
            select(Site.code, Review).join(newest, newest.c.site_id == Site.id)
            .join(Review, col(Review.id) == newest.c.rid)).all()
        return {code: review for code, review in rows}
