"""SQL for the report emails: one row per (week, kecamatan code, recipient).

A row with status ``sent`` is written only after the SMTP server accepted the message for
that recipient, and it is what makes `monitor email` idempotent: a rerun skips every
recipient already sent to. A ``refused`` row (5yz) keeps the server's answer and is tried
again on the next run (the mailbox may have been fixed). Temporary failures (4yz, no server)
are not written at all: nothing happened to that recipient, and the next run will try again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from monitor.store import Store
from monitor.store.models import EmailSent

STATUSES = ("sent", "refused")


@dataclass(frozen=True)
class Outcome:
    """What to record for one recipient of one kecamatan's email."""

    recipient: str
    role: str  # to or cc
    status: str  # one of STATUSES
    detail: str = ""


def key(address: str) -> str:
    """Addresses compare without case: mail systems treat Camat@ and camat@ as one."""
    return address.strip().lower()


def sent_to(store: Store, week: str, kecamatan: str) -> set[str]:
    """The recipients (as ``key``) that already received this week's email of ``kecamatan``."""
    with store.session() as session:
        rows = session.exec(
            select(EmailSent.recipient).where(
                EmailSent.week == week, EmailSent.kecamatan == kecamatan,
                EmailSent.status == "sent")).all()
    return {key(r) for r in rows}


def record(store: Store, week: str, kecamatan: str, outcomes: Iterable[Outcome],
           now: datetime) -> None:
    """Write the outcomes in one transaction, replacing earlier rows of the same recipient
    (a --force resend or a retry of a refused address updates its row)."""
    with store.session() as session:
        existing = {key(row.recipient): row for row in session.exec(
            select(EmailSent).where(EmailSent.week == week,
                                    EmailSent.kecamatan == kecamatan)).all()}
        for outcome in outcomes:
            if outcome.status not in STATUSES:
                raise ValueError(f"unknown email status {outcome.status!r}")
            row = existing.get(key(outcome.recipient))
            if row is None:
                row = EmailSent(week=week, kecamatan=kecamatan, recipient=key(outcome.recipient),
                                sent_at=now)
                existing[key(outcome.recipient)] = row
            elif row.status == "sent" and outcome.status != "sent":
                continue  # a failed resend does not undo an earlier delivery
            row.role, row.status, row.detail = outcome.role, outcome.status, outcome.detail[:500]
            row.sent_at = now
            session.add(row)
        session.commit()


def week_rows(store: Store, week: str) -> list[EmailSent]:
    """Everything recorded for ``week``, by kecamatan and recipient."""
    with store.session() as session:
        return list(session.exec(
            select(EmailSent).where(EmailSent.week == week)
            .order_by(col(EmailSent.kecamatan), col(EmailSent.recipient))).all())
