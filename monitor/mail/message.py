"""Build one kecamatan's weekly report email: text summary, phone-friendly HTML, report attached.

Why this shape: camat read mail on a phone in webmail, so the body is a short summary that is
readable without opening anything (inline styles only, since webmail strips ``<style>`` and
every script; see the "Can I email" support tables, caniemail.com), and the full report goes
along as an attachment: the A4 PDF when Chromium made one (offices file PDFs, and phone mail
apps open them), else the HTML, and the body says which. A ``text/plain`` part comes first in a
``multipart/alternative`` so plain-text clients read the same summary (RFC 2046 section 5.1.4:
the last alternative is the preferred one).

Headers are built only through ``email.message.EmailMessage`` and ``email.headerregistry
.Address``; on top of that every piece of text taken from targets.csv or a report is
flattened to one line first, so neither a CR/LF nor a Unicode line separator in a name can
start a new header.
"""

from __future__ import annotations

import mimetypes
import unicodedata
from collections.abc import Sequence, Sized
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import jinja2

from monitor.core.clock import system_clock, to_jakarta
from monitor.core.errors import MonitorError
from monitor.core.weeks import parse_week, week_days
from monitor.core.words import LANGS, format_date, t

MAX_ATTACHMENT_BYTES = 10_000_000
"""Base64 grows an attachment by a third: 10 MB becomes ~13.5 MB, under the 20-25 MB limits
of common mail services (Gmail 25 MB, Microsoft 365 20 MB by default)."""

MAX_HEADER_TEXT = 200


class MessageError(MonitorError):
    """A message cannot be built for one kecamatan (its report file is missing or too big)."""


class KecamatanReport(Protocol):
    """What a message needs from ``monitor.report.KecamatanFile``."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def sites(self) -> int | Sized: ...
    @property
    def needs_action(self) -> int | Sized: ...
    @property
    def summary(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Contact:
    """Whom the camat writes or calls (settings mail_reply_to, contact_desk, contact_phone)."""

    desk: str = "Diskominfotik Kota Bandar Lampung"
    phone: str = ""
    reply_to: str = ""


WORDS = LANGS  # the languages a message can be written in (the wording is core.words)


_HTML = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:16px;font-family:Arial,Helvetica,sans-serif;\
font-size:16px;line-height:1.5;color:#111827;background:#ffffff;">
<p style="margin:0 0 12px 0;font-size:13px;color:#6b7280;">{{ tag }} {{ week_label }}</p>
<h1 style="margin:0 0 12px 0;font-size:20px;line-height:1.3;">{{ area }}</h1>
<p style="margin:0 0 12px 0;">{{ greeting }}</p>
<p style="margin:0 0 12px 0;">{{ intro }}</p>
<p style="margin:0 0 16px 0;padding:12px;border-radius:6px;font-weight:bold;\
background:{{ '#fef2f2' if action_count else '#f0fdf4' }};\
color:{{ '#991b1b' if action_count else '#166534' }};">{{ watched }}</p>
{% if summary %}<ul style="margin:0 0 16px 0;padding-left:20px;">
{% for line in summary %}<li style="margin:0 0 6px 0;">{{ line }}</li>
{% endfor %}</ul>{% endif %}
<p style="margin:0 0 16px 0;">{{ attached }}</p>
<p style="margin:0 0 16px 0;font-weight:bold;">{{ contact }}</p>
<p style="margin:0;font-size:12px;color:#6b7280;">{{ footer }}</p>
</div></body></html>
""")


def one_line(text: str, limit: int = MAX_HEADER_TEXT) -> str:
    """``text`` with every control, format and line/paragraph separator character turned
    into a space, runs of spaces collapsed and the length capped: safe in a header."""
    cleaned = "".join(
        " " if unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")
        else ch
        for ch in text
    )
    return " ".join(cleaned.split())[:limit]


def count(value: int | Sized) -> int:
    """A report gives a count or the list of sites itself; both mean how many."""
    return value if isinstance(value, int) else len(value)


def area_name(name: str, lang: str) -> str:
    """'Kedaton' -> 'Kecamatan Kedaton', without doubling a name that already says it."""
    clean = one_line(name)
    word = t(lang, "kecamatan")
    if clean.casefold().startswith(word.casefold() + " "):
        return clean
    return f"{word} {clean}"


def week_label(week: str, lang: str) -> str:
    year, number = parse_week(week)
    return t(lang, "mail_week", week=number, year=year)


def subject(name: str, week: str, needs_action: int, lang: str = "id") -> str:
    """E.g. ``[Monitor Situs] Kecamatan Kedaton, minggu 47/2026: 3 situs perlu tindakan``."""
    action = _action_text(needs_action, lang)
    return f"{t(lang, 'mail_tag')} {area_name(name, lang)}, {week_label(week, lang)}: {action}"


def _action_text(n: int, lang: str) -> str:
    if n == 0:
        return t(lang, "mail_action_none")
    return t(lang, "mail_action_one") if n == 1 else t(lang, "mail_action_many", n=n)


def attached_file(report: KecamatanReport) -> Path:
    """The PDF beside the report when one was made (offices file PDFs; phone mail apps open
    them), else the HTML report itself."""
    pdf = getattr(report, "pdf", None)
    if isinstance(pdf, Path) and pdf.is_file():
        return pdf
    return report.path


def attachment_name(report: KecamatanReport, week: str, lang: str) -> str:
    prefix = "laporan" if lang == "id" else "report"
    suffix = attached_file(report).suffix or ".html"
    return f"{prefix}-{one_line(report.slug, 80) or 'kecamatan'}-{week}{suffix}"


def contact_line(contact: Contact, lang: str) -> str:
    """'Pertanyaan atau tanggapan: Diskominfotik ..., telepon/WhatsApp 0812..., balas surel
    ini' (a reply goes to Reply-To, or to the sender when none is set)."""
    parts = [one_line(contact.desk) or Contact().desk]
    if contact.phone:
        parts.append(t(lang, "contact_phone", phone=one_line(contact.phone, 60)))
    parts.append(t(lang, "mail_reply"))
    return t(lang, "mail_contact", desk=", ".join(parts)) + "."


@dataclass(frozen=True)
class Bodies:
    text: str
    html: str


def bodies(report: KecamatanReport, week: str, lang: str,
           contact: Contact | None = None) -> Bodies:
    """The plain-text and HTML bodies; every value from the report is escaped by Jinja."""
    start, end = week_days(*parse_week(week))
    n_action = count(report.needs_action)
    name = one_line(report.name)
    summary = [one_line(line, 500) for line in report.summary]
    websites = getattr(report, "websites", -1)
    websites = websites if isinstance(websites, int) and websites >= 0 else count(report.sites)
    attached = "mail_attached_pdf" if attached_file(report).suffix == ".pdf" else \
        "mail_attached_html"
    values = {
        "tag": t(lang, "mail_tag"),
        "week_label": week_label(week, lang),
        "area": area_name(name, lang),
        "greeting": t(lang, "mail_greeting", name=name),
        "intro": t(lang, "mail_intro", area=area_name(name, lang), week=week_label(week, lang),
                   start=format_date(start, lang, weekday=False),
                   end=format_date(end, lang, weekday=False)),
        "watched": t(lang, "mail_watched", areas=count(report.sites), websites=websites,
                     action=_action_text(n_action, lang)),
        "attached": t(lang, attached, file=attachment_name(report, week, lang)),
        "contact": contact_line(contact or Contact(), lang),
        "footer": t(lang, "mail_footer"),
    }
    lines = [values["greeting"], "", values["intro"], "", values["watched"], ""]
    lines += [f"- {line}" for line in summary]
    lines += ["", values["attached"], "", values["contact"], "", "-- ", values["footer"]]
    html = _HTML.render(lang=lang, subject=subject(report.name, week, n_action, lang),
                        action_count=n_action, summary=summary, **values)
    return Bodies("\n".join(lines).replace("\n\n\n", "\n\n") + "\n", html)


def _read_report(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_ATTACHMENT_BYTES:
            raise MessageError(f"report {path} is {size / 1e6:.1f} MB, more than the "
                               f"{MAX_ATTACHMENT_BYTES / 1e6:.0f} MB an email can carry")
        return path.read_bytes()
    except OSError as exc:
        raise MessageError(f"report {path} cannot be read: {exc.strerror or exc}") from None


def build_message(
    report: KecamatanReport,
    *,
    week: str,
    sender: str,
    to: Sequence[str],
    cc: Sequence[str] = (),
    lang: str = "id",
    now: datetime | None = None,
    contact: Contact | None = None,
) -> EmailMessage:
    """The whole message for one kecamatan; ``to``/``cc`` are plain addresses (already
    validated by targets.py; Address refuses CR/LF again here)."""
    if lang not in LANGS:
        raise MessageError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    contact = contact or Contact()
    sender_address = Address(display_name=t(lang, "mail_sender"), addr_spec=sender)
    message = EmailMessage()
    message["Subject"] = subject(report.name, week, count(report.needs_action), lang)
    message["From"] = sender_address
    message["To"] = [Address(addr_spec=a) for a in to]
    if cc:
        message["Cc"] = [Address(addr_spec=a) for a in cc]
    if contact.reply_to:
        message["Reply-To"] = Address(display_name=one_line(contact.desk, 80),
                                      addr_spec=contact.reply_to)
    message["Date"] = format_datetime(to_jakarta(now or system_clock()))
    message["Message-ID"] = make_msgid(idstring=f"{week}.{one_line(report.code, 40)}",
                                       domain=sender_address.domain or None)
    # RFC 3834 section 5: marks the mail as automatic so out-of-office robots stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Monitor-Week"] = week
    message["X-Monitor-Kecamatan"] = one_line(report.code, 40)
    parts = bodies(report, week, lang, contact)
    message.set_content(parts.text, subtype="plain", charset="utf-8")
    message.add_alternative(parts.html, subtype="html", charset="utf-8")
    path = attached_file(report)
    mime = mimetypes.guess_type(path.name)[0] or "text/html"
    maintype, _, subtype = mime.partition("/")
    # monitor.report writes UTF-8; saying so keeps webmail previews from guessing wrong.
    params = {"charset": "utf-8"} if maintype == "text" else {}
    message.add_attachment(_read_report(path), maintype=maintype, subtype=subtype,
                           filename=attachment_name(report, week, lang), params=params)
    return message
