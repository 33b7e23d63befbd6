"""What an alert says, in Bahasa Indonesia (default) and English: one table, one composer.

Phone-first: a title that fits a notification line, then six short lines: what, which
site, since when, the evidence in one line, what to do, the link. Plain text only: the
evidence is text read from a site we do not trust, and plain text cannot carry markup into
a Telegram or email client (control characters are removed, the length is capped).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.core.words import format_datetime

# kind: (headline, what to do), per language
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "judi_spam": {
        "id": ("Situs diretas: konten judi online",
               "Minta pengelola menghapus konten judi, ganti semua kata sandi admin, perbarui "
               "CMS dan plugin, lalu lapor ke Diskominfotik."),
        "en": ("Site hacked: online-gambling spam",
               "Ask the site's admin to remove the gambling content, change every admin "
               "password, update the CMS and plugins, and tell Diskominfotik."),
    },
    "defaced": {
        "id": ("Situs diretas: tampilan diubah (deface)",
               "Matikan situs atau pulihkan dari cadangan, ganti kata sandi, lapor ke "
               "Diskominfotik."),
        "en": ("Site hacked: defaced",
               "Take the site offline or restore a backup, change passwords, tell "
               "Diskominfotik."),
    },
    "suspended": {
        "id": ("Situs ditangguhkan oleh hosting",
               "Hubungi penyedia hosting: cek tagihan atau pelanggaran, aktifkan kembali."),
        "en": ("Site suspended by its host",
               "Contact the hosting provider: check the bill or the violation, reactivate."),
    },
    "default_page": {
        "id": ("Situs hanya menampilkan halaman bawaan",
               "Pasang kembali situs (konten hilang atau server baru belum diisi)."),
        "en": ("Site shows only a default page",
               "Put the site back (content lost or a new server not set up)."),
    },
    "down": {
        "id": ("Situs tidak dapat diakses",
               "Cek server/hosting dan domain; hubungi pengelola situs."),
        "en": ("Site is down", "Check the server or hosting and the domain; call the admin."),
    },
    "back_up": {
        "id": ("Situs kembali dapat diakses", "Tidak perlu tindakan; pantau beberapa hari."),
        "en": ("Site is back up", "Nothing to do; keep an eye on it for a few days."),
    },
    "cert_expiring": {
        "id": ("Sertifikat HTTPS segera habis",
               "Perpanjang sertifikat (mis. Let's Encrypt/certbot) sebelum habis."),
        "en": ("HTTPS certificate expires soon",
               "Renew the certificate (e.g. Let's Encrypt/certbot) before it expires."),
    },
    "cert_invalid": {
        "id": ("Sertifikat HTTPS tidak sah",
               "Pasang sertifikat yang sah untuk nama domain ini; pengunjung melihat "
               "peringatan."),
        "en": ("HTTPS certificate invalid",
               "Install a valid certificate for this domain; visitors see a warning."),
    },
    "verification": {
        "id": ("Tag verifikasi Search Console baru",
               "Pastikan tag ini dipasang oleh tim sendiri; jika tidak, situs mungkin "
               "dibajak: hapus tag dan ganti kata sandi."),
        "en": ("New Search Console verification tag",
               "Make sure your own team added it; if not, the site may be hijacked: remove "
               "the tag and change passwords."),
    },
    "test": {
        "id": ("Pesan uji dari monitor", "Tidak perlu tindakan: saluran ini berfungsi."),
        "en": ("Test message from monitor", "Nothing to do: this channel works."),
    },
}

LABELS = {
    "id": {"site": "Situs", "since": "Sejak", "evidence": "Bukti", "todo": "Tindakan",
           "reminder": "Pengingat", "down_for": "tidak dapat diakses selama",
           "digest": "Ringkasan peringatan", "alerts": "peringatan", "day": "hari",
           "hour": "jam", "minute": "menit",
           "more": "... dan {n} peringatan lain: lihat `monitor alerts`."},
    "en": {"site": "Site", "since": "Since", "evidence": "Evidence", "todo": "To do",
           "reminder": "Reminder", "down_for": "down for", "digest": "Alert digest",
           "alerts": "alerts", "day": "d", "hour": "h", "minute": "min",
           "more": "... and {n} more alerts: see `monitor alerts`."},
}
LEVELS = {"id": {"kota": "Kota", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"},
          "en": {"kota": "City", "kecamatan": "Kecamatan", "kelurahan": "Kelurahan"}}
MAX_BODY = 1500
DIGEST_MAX = 3500  # under Telegram's 4096-character message limit, with room to spare
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Notice:
    """The facts a message is made of (no ORM objects: this module is pure)."""

    kind: str
    level: str
    name: str
    kecamatan: str
    url: str
    since: datetime
    at: datetime  # when the alert was raised
    evidence: str
    reminder: bool = False


@dataclass(frozen=True)
class Message:
    title: str
    body: str


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text)


def when(value: datetime, lang: str = "id") -> str:
    """As people write it ("Senin, 2 November 2026 pukul 23.00 WIB"), from the catalogue."""
    return format_datetime(value, lang if lang in LABELS else "id")


def duration(span: timedelta, lang: str) -> str:
    words = LABELS[lang]
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} {words['day']}"] if days else []
    if hours or days:
        parts.append(f"{hours} {words['hour']}")
    if not days:
        parts.append(f"{mins} {words['minute']}")
    return " ".join(parts)


def site_name(notice: Notice, lang: str) -> str:
    level = LEVELS[lang].get(notice.level, notice.level)
    name = notice.name if notice.name.startswith(level) else f"{level} {notice.name}"
    if notice.level == "kelurahan" and notice.kecamatan:
        name += f" (Kec. {notice.kecamatan})"
    return name


def compose(notice: Notice, lang: str = "id") -> Message:
    """One alert as a title (what, which site) and a short plain-text body."""
    lang = lang if lang in LABELS else "id"
    words = LABELS[lang]
    headline, todo = WORDS.get(notice.kind, WORDS["down"])[lang]
    prefix = f"{words['reminder']}: " if notice.reminder else ""
    title = _clean(f"{prefix}{headline}: {site_name(notice, lang)}")[:200]
    evidence = notice.evidence
    if notice.kind == "back_up":
        evidence = f"{words['down_for']} {duration(notice.at - notice.since, lang)}; {evidence}"
    lines = [
        f"{words['site']}: {site_name(notice, lang)}",
        f"{words['since']}: {when(notice.since, lang)}",
        f"{words['evidence']}: {evidence}",
        f"{words['todo']}: {todo}",
        notice.url,
    ]
    body = _clean("\n".join(line for line in lines if line))
    return Message(title, body[:MAX_BODY])


def digest(notices: Sequence[Notice], lang: str = "id") -> Message:
    """Several alerts as one message: one short block per alert."""
    lang = lang if lang in LABELS else "id"
    words = LABELS[lang]
    title = f"{words['digest']}: {len(notices)} {words['alerts']}"
    blocks = []
    for notice in notices:
        message = compose(notice, lang)
        evidence = message.body.splitlines()[2]  # site, since, evidence, ...
        blocks.append(f"- {message.title}\n  {when(notice.since, lang)}; {evidence}\n  "
                      f"{notice.url}")
    kept: list[str] = []
    for block in blocks:  # whole blocks only; the rest is counted, and listed by the CLI
        if sum(len(b) + 1 for b in kept) + len(block) > DIGEST_MAX - 80:
            break
        kept.append(block)
    if len(kept) < len(blocks):
        kept.append(words["more"].format(n=len(blocks) - len(kept)))
    return Message(title, _clean("\n".join(kept)))
