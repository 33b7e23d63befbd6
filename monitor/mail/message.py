"""Build one kecamatan's weekly report email: text summary, phone-friendly HTML, report attached.

Why this shape: camat read mail on a phone in webmail, so the body is a short summary that is
readable without opening anything (inline styles only, since webmail strips ``<style>`` and
every script; see the "Can I email" support tables, caniemail.com), and the full report goes
along as an attachment to open in a browser. A ``text/plain`` part comes first in a
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
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

import jinja2

from monitor.core.clock import system_clock, to_jakarta
from monitor.core.errors import MonitorError
from monitor.core.weeks import parse_week, week_days

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
class Words:
    """Every fixed piece of text of the message, in one language."""

    tag: str
    sender_name: str
    kecamatan: str
    week: str
    need_action: tuple[str, str, str]  # none, one, many ("{n}" is replaced)
    greeting: str
    intro: str
    watched: str
    attached: str
    footer: str
    months: tuple[str, ...]


WORDS: dict[str, Words] = {
    "id": Words(
        tag="[Monitor Situs]", sender_name="Monitor Situs Kota Bandar Lampung",
        kecamatan="Kecamatan", week="minggu",
        need_action=("tidak ada situs yang perlu tindakan", "1 situs perlu tindakan",
                     "{n} situs perlu tindakan"),
        greeting="Yth. Camat {name},",
        intro="Berikut laporan mingguan situs web {area} dan kelurahannya untuk {week} "
              "({start} s.d. {end}).",
        watched="{sites} situs dipantau, {action}.",
        attached="Laporan lengkap terlampir ({file}); buka dengan peramban (browser).",
        footer="Pesan ini dikirim otomatis oleh Monitor Situs Diskominfotik Kota Bandar "
               "Lampung. Mohon tidak membalas pesan ini.",
        months=("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"),
    ),
    "en": Words(
        tag="[Site Monitor]", sender_name="Bandar Lampung Site Monitor",
        kecamatan="Kecamatan", week="week",
        need_action=("no site needs action", "1 site needs action", "{n} sites need action"),
        greeting="Dear Camat of {name},",
        intro="This is the weekly report on the websites of {area} and its kelurahan for "
              "{week} ({start} to {end}).",
        watched="{sites} sites watched, {action}.",
        attached="The full report is attached ({file}); open it in a web browser.",
        footer="Sent automatically by the Diskominfotik site monitor of Kota Bandar "
               "Lampung. Please do not reply to this message.",
        months=("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"),
    ),
}

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


def area_name(name: str, words: Words) -> str:
    """'Kedaton' -> 'Kecamatan Kedaton', without doubling a name that already says it."""
    clean = one_line(name)
    if clean.casefold().startswith(words.kecamatan.casefold() + " "):
        return clean
    return f"{words.kecamatan} {clean}"


def week_label(week: str, words: Words) -> str:
    year, number = parse_week(week)
    return f"{words.week} {number}/{year}"


def subject(name: str, week: str, needs_action: int, lang: str = "id") -> str:
    """E.g. ``[Monitor Situs] Kecamatan Kedaton, minggu 47/2026: 3 situs perlu tindakan``."""
    words = WORDS[lang]
    action = _action_text(needs_action, words)
    return f"{words.tag} {area_name(name, words)}, {week_label(week, words)}: {action}"


def _action_text(n: int, words: Words) -> str:
    none, one, many = words.need_action
    return none if n == 0 else one if n == 1 else many.format(n=n)


def _day(value: date, words: Words) -> str:
    return f"{value.day} {words.months[value.month - 1]} {value.year}"


def attachment_name(report: KecamatanReport, week: str, lang: str) -> str:
    prefix = "laporan" if lang == "id" else "report"
    suffix = report.path.suffix or ".html"
    return f"{prefix}-{one_line(report.slug, 80) or 'kecamatan'}-{week}{suffix}"


@dataclass(frozen=True)
class Bodies:
    text: str
    html: str


def bodies(report: KecamatanReport, week: str, lang: str) -> Bodies:
    """The plain-text and HTML bodies; every value from the report is escaped by Jinja."""
    words = WORDS[lang]
    start, end = week_days(*parse_week(week))
    n_action = count(report.needs_action)
    name = one_line(report.name)
    summary = [one_line(line, 500) for line in report.summary]
    values = {
        "tag": words.tag,
        "week_label": week_label(week, words),
        "area": area_name(name, words),
        "greeting": words.greeting.format(name=name),
        "intro": words.intro.format(area=area_name(name, words), week=week_label(week, words),
                                    start=_day(start, words), end=_day(end, words)),
        "watched": words.watched.format(sites=count(report.sites),
                                        action=_action_text(n_action, words)),
        "attached": words.attached.format(file=attachment_name(report, week, lang)),
        "footer": words.footer,
    }
    lines = [values["greeting"], "", values["intro"], "", values["watched"], ""]
    lines += [f"- {line}" for line in summary]
    lines += ["", values["attached"], "", "-- ", values["footer"]]
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
) -> EmailMessage:
    """The whole message for one kecamatan; ``to``/``cc`` are plain addresses (already
    validated by targets.py; Address refuses CR/LF again here)."""
    if lang not in WORDS:
        raise MessageError(f"language {lang!r} is not one of {', '.join(WORDS)}")
    words = WORDS[lang]
    sender_address = Address(display_name=words.sender_name, addr_spec=sender)
    message = EmailMessage()
    message["Subject"] = subject(report.name, week, count(report.needs_action), lang)
    message["From"] = sender_address
    message["To"] = [Address(addr_spec=a) for a in to]
    if cc:
        message["Cc"] = [Address(addr_spec=a) for a in cc]
    message["Date"] = format_datetime(to_jakarta(now or system_clock()))
    message["Message-ID"] = make_msgid(idstring=f"{week}.{one_line(report.code, 40)}",
                                       domain=sender_address.domain or None)
    # RFC 3834 section 5: marks the mail as automatic so out-of-office robots stay quiet.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Monitor-Week"] = week
    message["X-Monitor-Kecamatan"] = one_line(report.code, 40)
    parts = bodies(report, week, lang)
    message.set_content(parts.text, subtype="plain", charset="utf-8")
    message.add_alternative(parts.html, subtype="html", charset="utf-8")
    mime = mimetypes.guess_type(report.path.name)[0] or "text/html"
    maintype, _, subtype = mime.partition("/")
    # monitor.report writes UTF-8; saying so keeps webmail previews from guessing wrong.
    params = {"charset": "utf-8"} if maintype == "text" else {}
    message.add_attachment(_read_report(report.path), maintype=maintype, subtype=subtype,
                           filename=attachment_name(report, week, lang), params=params)
    return message
