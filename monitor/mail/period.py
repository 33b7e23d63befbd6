"""Email a period evidence pack to Diskominfotik (setting ``period_recipients``).

One message per pack: a short summary in the body, the city pack attached (its PDF when
Chromium printed one, else the HTML) with weeks.csv and data.sha256. Idempotent like the
weekly mail: each recipient is recorded in the email log under the pack's label (``2026-11``)
once the server accepted it, so the scheduler or a rerun never sends it twice.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from monitor.core.clock import to_jakarta
from monitor.core.errors import UsageError
from monitor.mail.smtp import Mailer
from monitor.store import Store
from monitor.store import emails as email_store
from monitor.targets.loader import email_problem

log = logging.getLogger(__name__)

LOG_KEY = "pack"  # the email log's kecamatan column: this mail is for the whole city
MAX_ATTACHMENTS_BYTES = 15_000_000
_WORDS = {
    "id": ("Paket bukti {label}: monitor situs web Kota Bandar Lampung",
           "Yth. Diskominfotik,\n\nTerlampir paket bukti pemantauan situs web kecamatan dan "
           "kelurahan untuk periode {label}.\n\n{summary}\n\nSeluruh berkas (per kecamatan, "
           "CSV, data.json) ada di folder {folder}.\nSHA-256 data.json: {sha}\n\n-- \nmonitor"),
    "en": ("Evidence pack {label}: Kota Bandar Lampung website monitor",
           "To Diskominfotik,\n\nAttached is the website monitoring evidence pack of the "
           "kecamatan and kelurahan for {label}.\n\n{summary}\n\nEvery file (per kecamatan, "
           "CSV, data.json) is in the folder {folder}.\nSHA-256 of data.json: {sha}\n\n-- \n"
           "monitor"),
}


@dataclass
class PackMail:
    label: str
    sent: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"pack email {self.label}: sent to {len(self.sent)}, already sent to "
                f"{len(self.already)}, refused {len(self.refused)}, not sent "
                f"{len(self.deferred)}")

    @property
    def ok(self) -> bool:
        return not (self.refused or self.deferred)


def recipients(text: str) -> list[str]:
    out = [a.strip() for a in text.split(";") if a.strip()]
    bad = [a for a in out if email_problem(a)]
    if bad:
        raise UsageError(f"setting period_recipients: not an email address: {bad[0]!r}")
    if not out:
        raise UsageError("setting period_recipients is empty: who should get the pack?")
    return out


def attachments(folder: Path) -> list[Path]:
    city = folder / "index.pdf"
    files = [city if city.is_file() else folder / "index.html", folder / "weeks.csv",
             folder / "data.sha256"]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UsageError(f"pack file missing: {missing[0]}")
    if sum(f.stat().st_size for f in files) > MAX_ATTACHMENTS_BYTES:
        raise UsageError(f"the pack in {folder} is too large to email")
    return files


def build(label: str, folder: Path, sha: str, summary: Sequence[str], *, sender: str,
          to: Sequence[str], lang: str, now: datetime) -> EmailMessage:
    subject, body = _WORDS.get(lang, _WORDS["id"])
    message = EmailMessage()
    message["Subject"] = subject.format(label=label)
    message["From"] = Address(display_name="monitor", addr_spec=sender)
    message["To"] = [Address(addr_spec=a) for a in to]
    message["Date"] = format_datetime(to_jakarta(now))
    message["Message-ID"] = make_msgid(idstring=f"pack.{label}")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    message.set_content(body.format(label=label, summary="\n".join(f"- {s}" for s in summary),
                                    folder=folder, sha=sha))
    for path in attachments(folder):
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        maintype, _, subtype = mime.partition("/")
        name = f"monitor-{label}-{path.name}"
        message.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype,
                               filename=name)
    return message


def send_pack(store: Store, mailer: Mailer, message: EmailMessage, label: str, sender: str,
              to: Sequence[str], now: datetime, *, force: bool = False) -> PackMail:
    result = PackMail(label)
    already = set() if force else email_store.sent_to(store, label, LOG_KEY)
    due = [a for a in to if email_store.key(a) not in already]
    result.already = [a for a in to if email_store.key(a) in already]
    if not due:
        return result
    report = mailer.send(message, sender, due)
    email_store.record(store, label, LOG_KEY, [
        email_store.Outcome(d.recipient, "to", d.status, d.detail)
        for d in report.deliveries if d.status in ("sent", "refused")], now)
    result.sent = [d.recipient for d in report.by_status("sent")]
    result.refused = [d.recipient for d in report.by_status("refused")]
    result.deferred = [d.recipient for d in report.by_status("deferred")]
    return result
