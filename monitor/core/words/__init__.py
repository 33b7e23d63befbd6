"""One wording catalogue (id + en) for everything a reader sees: reports, emails, the admin
page, command-line tables and warnings, month and day names.

Every sentence is looked up by id (``t(lang, "kec_title", name=...)``); the catalogue is split
by reader (``report_words``, ``problem_words``, ``ui_words``) only to keep modules small. Dates
and times are written the way Indonesians write them (PUEBI): "Jumat, 27 November 2026 pukul
09.00 WIB", a decimal comma, a dot between thousands. ISO dates stay in the export files.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from monitor.core.clock import to_jakarta
from monitor.core.words import problem_words, report_words, ui_words

LANGS = ("id", "en")

MONTHS: dict[str, tuple[str, ...]] = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
DAYS: dict[str, tuple[str, ...]] = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

STRINGS: dict[str, dict[str, str]] = {
    "id": report_words.ID | problem_words.ID | ui_words.ID,
    "en": report_words.EN | problem_words.EN | ui_words.EN,
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"language {lang!r} is not one of {', '.join(LANGS)}")
    return lang


def t(lang: str, key: str, **params: Any) -> str:
    """The sentence ``key`` in ``lang``; an unknown key shows itself (never crashes a report)."""
    template = STRINGS[lang].get(key) or STRINGS["id"].get(key) or key
    return template.format(**params) if params else template


def word(lang: str, prefix: str, value: str) -> str:
    """A SPEC word (error, mobile issue, flag) in plain words; unknown words show as-is."""
    return STRINGS[lang].get(f"{prefix}_{value}", value)


def has(lang: str, key: str) -> bool:
    return key in STRINGS[lang]


def month_name(month: int, lang: str) -> str:
    return MONTHS[lang][month - 1]


def format_date(value: date | datetime, lang: str, *, weekday: bool = True) -> str:
    """'Senin, 23 November 2026' (id) or 'Monday, 23 November 2026' (en), Jakarta time."""
    day = to_jakarta(value).date() if isinstance(value, datetime) else value
    text = f"{day.day} {month_name(day.month, lang)} {day.year}"
    return f"{DAYS[lang][day.weekday()]}, {text}" if weekday else text


def format_time(value: datetime, lang: str) -> str:
    """'09.00 WIB': Indonesian writes the time with a dot (PUEBI); English with a colon."""
    local = to_jakarta(value)
    sep = "." if lang == "id" else ":"
    return f"{local:%H}{sep}{local:%M} WIB"


def format_datetime(value: datetime, lang: str, *, weekday: bool = True) -> str:
    """'Jumat, 27 November 2026 pukul 09.00 WIB' / 'Friday, 27 November 2026 at 09:00 WIB'."""
    at = "pukul" if lang == "id" else "at"
    return f"{format_date(value, lang, weekday=weekday)} {at} {format_time(value, lang)}"


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    """88.7 -> '88,7' (id: decimal comma, dot between thousands) or '88.7' (en); 100.0 ->
    '100'."""
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "id":
        text = text.translate(str.maketrans(",.", ".,"))
    return text


def format_pct(value: float | None, lang: str) -> str:
    return "-" if value is None else format_number(value, lang) + "%"


def day_name(day: date, lang: str, *, short: bool = False) -> str:
    name = DAYS[lang][day.weekday()]
    return name[:3] if short else name
