"""Dates as Indonesian government sites (and feeds, sitemaps, APIs) write them.

Two entry points, both pure and fast (regular expressions only, no dateparser on the hot path):

* ``parse_datetime(value)`` reads one machine field: ISO 8601 (``2023-05-10T15:30:00+08:00``),
  RFC 822 as RSS ``<pubDate>`` uses (``Mon, 06 Feb 2023 08:15:00 +0700``), or a human date.
* ``find_dates(text, now)`` finds every full date written in free text, with the exact text
  matched: ``Senin, 06 Februari 2023``, ``06 Februari 2023 08:15 WIB``, ``25 Agu 2024``,
  ``Mei 10, 2023`` (Blogger's month-first Indonesian), ``06/02/2023`` (day first, the
  Indonesian order), ``2024-07-22 06:35:45``, ``2 hari yang lalu``, ``kemarin``, and the same
  in English (and the few German/French/Dutch month names of the shared test corpus).

Every result is an aware datetime in Asia/Jakarta. A written time zone is honoured (WIB = UTC+7,
WITA = UTC+8, WIT = UTC+9, per Keppres 41/1987); a date with no zone is taken as WIB, the zone
of Bandar Lampung. Only full dates count: a bare year (``(c) 2026``) or a month and year
(a calendar caption) says nothing about a day and is never returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache

from monitor.core.clock import JAKARTA

MIN_YEAR = 1995
"""Dates before this cannot be web publications (htmldate uses the same floor,
``htmldate/settings.py`` MIN_DATE); older years on a page are history, not updates."""

ZONES: dict[str, timezone] = {
    "wib": timezone(timedelta(hours=7)),
    "wita": timezone(timedelta(hours=8)),
    "wit": timezone(timedelta(hours=9)),
    "z": UTC, "utc": UTC, "gmt": UTC,
}

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("januari", "january", "jan", "janvier", "januar", "janv", "jänner"),
    2: ("februari", "pebruari", "february", "feb", "peb", "februar", "février", "fevrier",
        "févr", "fevr", "febr"),
    3: ("maret", "march", "mar", "mrt", "märz", "maerz", "mars", "maart", "mär"),
    4: ("april", "apr", "avril", "avr"),
    5: ("mei", "may", "mai"),
    6: ("juni", "june", "jun", "juin"),
    7: ("juli", "july", "jul", "juillet", "juil"),
    8: ("agustus", "august", "agu", "agt", "ags", "agst", "aug", "août", "aout"),
    9: ("september", "sept", "sep", "septembre"),
    10: ("oktober", "october", "okt", "oct", "octobre"),
    11: ("november", "nopember", "nov", "nop", "novembre"),
    12: ("desember", "december", "des", "dec", "dezember", "dez", "décembre", "decembre",
         "déc"),
}
MONTHS: dict[str, int] = {name: num for num, names in _MONTH_NAMES.items() for name in names}
_WORD = r"[^\W\d_]{3,9}"
"""A month is matched as any short word, then looked up in MONTHS: a 90-name alternation
tried at every position costs ~5x more (Python's re has no trie for alternations)."""
_WEEKDAY = (r"(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)")
_ZONE = r"(?:\s*(?P<zone>WITA|WIB|WIT|UTC|GMT|Z|[+-]\d{2}:?\d{2})\b)?"
_TIME = (r"(?:(?:,\s*|\s|\s*[|@-]\s*|\s*pukul\s*|\s*jam\s*|\s*at\s*)"
         r"(?P<hh>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<ss>\d{2}))?)?")

_ISO = re.compile(
    r"(?<![\d/.-])(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?![\d])"
    r"(?:[T ](?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2}))?(?:\.\d+)?)?"
    r"(?:\s*(?P<zone>WITA|WIB|WIT|UTC|GMT|Z|[+-]\d{2}:?\d{2})(?![\w]))?", re.I)
_WEEKDAY_BEFORE = re.compile(rf"{_WEEKDAY},?\s+$", re.I)
_DAY_FIRST = re.compile(
    rf"(?<!\w)(?P<d>\d{{1,2}})(?:\.|st|nd|rd|th|er)?\s*(?:-\s*)?"
    rf"(?P<mon>{_WORD})\.?(?:\s*-\s*|,?\s+)(?P<y>\d{{4}})(?!\d){_TIME}{_ZONE}", re.I)
_MONTH_FIRST = re.compile(
    rf"(?<!\w)(?P<mon>{_WORD})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?"
    rf"\s+(?P<y>\d{{4}})(?!\d){_TIME}{_ZONE}", re.I)
_NUMERIC = re.compile(
    r"(?<![\d/.:-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})(?![\d/.-]?\d)(?!\w)"
    + _TIME + _ZONE, re.I)
_RELATIVE = re.compile(
    r"(?<!\w)(?:(?P<n>\d{1,3}|se|satu|an?)\s*(?P<unit>detik|menit|jam|hari|minggu|pekan|bulan|"
    r"tahun|seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+(?:yang\s+)?"
    r"(?:lalu|ago)|(?P<word>kemarin|yesterday|hari\s+ini|today|baru\s+saja|just\s+now))(?!\w)",
    re.I)

_UNIT_DAYS = {"detik": 0, "second": 0, "menit": 0, "minute": 0, "jam": 0, "hour": 0,
              "hari": 1, "day": 1, "minggu": 7, "pekan": 7, "week": 7, "bulan": 30,
              "month": 30, "tahun": 365, "year": 365}
_UNIT_SECONDS = {"detik": 1, "second": 1, "menit": 60, "minute": 60, "jam": 3600, "hour": 3600}
_UNIT_WINDOW = {0: 1, 1: 1, 7: 4, 30: 16, 365: 183}
"""How far, in days, the moment a relative stamp names may be from the date we compute: "3
minggu lalu" is printed for anything from about 2.5 to 3.5 weeks (timeago libraries round),
so a date it is compared with may be half a unit off, and a day more for the time zone."""

_TIME_ONLY = re.compile(
    r"(?<![\d:.,/-])(?<!\d\s)(?P<hh>\d{1,2})[:.](?P<mi>\d{2})\s*(?P<zone>WITA|WIB|WIT)(?!\w)")

_YEAR_ANCHOR = re.compile(r"(?:199|20[0-9])[0-9]")
_WORD_ANCHORS = ("kemarin", "lalu", "ago", "yesterday", "hari ini", "today", "baru saja",
                 "just now")
_ZONE_ANCHORS = ("WIB", "WIT")
"""Every date form we read holds a year from 1995 on, a relative word or a zone: the full
patterns only run near one of these (found by one ASCII scan and a few ``str.find``, ~50x
cheaper than a case-insensitive alternation over the whole text)."""


@dataclass(frozen=True)
class FoundDate:
    """One date written somewhere, with the exact text it was read from."""

    when: datetime  # aware, Asia/Jakarta
    text: str
    has_time: bool
    relative: bool = False  # depends on when the page is viewed ("2 jam lalu", "06.30 WIB")
    start: int = 0
    end: int = 0
    window: timedelta = timedelta(0)  # for a relative form: how far off ``when`` may be

    @property
    def day(self) -> str:
        return self.when.date().isoformat()


@lru_cache(maxsize=512)  # a feed's every item names the same zone; building one costs ~3 us
def _zone(name: str | None) -> timezone | None:
    if not name:
        return None
    key = name.lower()
    if key in ZONES:
        return ZONES[key]
    sign = -1 if key[0] == "-" else 1
    digits = key[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _build(y: int, m: int, d: int, hh: str | None, mi: str | None, ss: str | None,
           zone: str | None) -> datetime | None:
    tz = _zone(zone) or JAKARTA
    try:
        value = datetime(y, m, d, int(hh or 0), int(mi or 0), int(ss or 0), tzinfo=tz)
    except (ValueError, OverflowError):
        try:  # a number after the date that is not a time ("12.345 pengunjung")
            value = datetime(y, m, d, tzinfo=tz)
        except (ValueError, OverflowError):
            return None
    return value.astimezone(JAKARTA)


def _from_match(match: re.Match[str], y: int, m: int, d: int) -> FoundDate | None:
    groups = match.groupdict()
    when = _build(y, m, d, groups.get("hh"), groups.get("mi"), groups.get("ss"),
                  groups.get("zone"))
    if when is None:
        return None
    start = match.start()
    before = _WEEKDAY_BEFORE.search(match.string, max(0, start - 12), start)
    if before is not None:  # keep "Senin, " in the evidence: it is the exact text shown
        start = before.start()
    text = " ".join(match.string[start:match.end()].split())
    return FoundDate(when, text, groups.get("hh") is not None, False, start, match.end())


def _iso(match: re.Match[str]) -> FoundDate | None:
    return _from_match(match, int(match["y"]), int(match["m"]), int(match["d"]))


def _named(match: re.Match[str]) -> FoundDate | None:
    month = MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    return _from_match(match, int(match["y"]), month, int(match["d"]))


def _numeric(match: re.Match[str]) -> FoundDate | None:
    """Day first (06/02/2023 is 6 February), as Indonesian pages write it; month first only
    when the day-first reading is impossible (02/16/2023)."""
    a, b = int(match["a"]), int(match["b"])
    day, month = (a, b) if b <= 12 else (b, a)
    return _from_match(match, int(match["y"]), month, day)


def _relative(match: re.Match[str], now: datetime) -> FoundDate | None:
    local = now.astimezone(JAKARTA)
    days = 1
    if match["word"]:
        word = match["word"].lower()
        when = local - timedelta(days=1) if word in ("kemarin", "yesterday") else local
    else:
        raw = match["n"].lower()
        n = 1 if raw in ("se", "satu", "a", "an") else int(raw)
        unit = match["unit"].lower()
        if unit not in _UNIT_DAYS:
            unit = unit.rstrip("s")
        if unit in _UNIT_SECONDS:
            when = local - timedelta(seconds=n * _UNIT_SECONDS[unit])
        else:
            when = local - timedelta(days=n * _UNIT_DAYS[unit])
        days = _UNIT_WINDOW[_UNIT_DAYS[unit]]
    text = " ".join(match.group(0).split())
    return FoundDate(when, text, False, True, match.start(), match.end(), timedelta(days=days))


def _times_today(
    text: str, now: datetime, taken: list[tuple[int, int]], pos: int = 0, endpos: int = -1
) -> list[FoundDate]:
    """A bare time with its zone ("16.58 WIB") is how news lists stamp today's items; a time
    later than now is not today's and is skipped."""
    found = []
    local_day = now.astimezone(JAKARTA).date()
    for match in _TIME_ONLY.finditer(text, pos, len(text) if endpos < 0 else endpos):
        if any(match.start() < e and s < match.end() for s, e in taken):
            continue
        day = now.astimezone(_zone(match["zone"]) or JAKARTA).date()
        when = _build(day.year, day.month, day.day, match["hh"], match["mi"], None,
                      match["zone"])
        if when is None or when > now or when.date() < local_day - timedelta(days=1):
            continue
        found.append(FoundDate(when, match.group(0), True, True, match.start(), match.end(),
                               timedelta(days=1)))
    return found


_READERS = ((_ISO, _iso), (_DAY_FIRST, _named), (_MONTH_FIRST, _named), (_NUMERIC, _numeric))


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of ``text`` around a year or a relative word, merged: the full patterns run
    only there, so a long page costs one cheap scan plus a little per date."""
    anchors = [m.start() for m in _YEAR_ANCHOR.finditer(text)]
    cues = ("lalu", "ago", "emarin", "esterday", "ari ini", "oday", "aru saja", "ust now")
    lowered = text.lower() if any(w in text for w in cues) else ""
    for words, haystack in ((_WORD_ANCHORS, lowered), (_ZONE_ANCHORS, text)):
        for word in words:
            at = haystack.find(word)
            while at != -1 and len(anchors) < 5000:
                anchors.append(at)
                at = haystack.find(word, at + 1)
    anchors.sort()
    spans: list[tuple[int, int]] = []
    for anchor in anchors:
        start = max(0, anchor - 36)
        end = min(len(text), anchor + 44)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def find_dates(text: str, now: datetime | None = None, *, limit: int = 200) -> list[FoundDate]:
    """Every full date in ``text``, in order of position. Relative forms ("3 hari yang lalu",
    "kemarin", "16.58 WIB") need ``now`` and are skipped without it. At most ``limit``
    results: a hostile page full of dates cannot make this slow."""
    found: list[FoundDate] = []
    for lo, hi in _windows(text):
        if len(found) >= limit:
            break
        found += _dates_in(text, lo, hi, now, limit - len(found))
    found.sort(key=lambda f: f.start)
    return found[:limit]


def _dates_in(
    text: str, lo: int, hi: int, now: datetime | None, room: int
) -> list[FoundDate]:
    """Dates in text[lo:hi], at most ``room`` of them: the overlap test below is quadratic,
    so without the cap one 5 MB page of 13,000 dates took 50 s."""
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []
    for pattern, reader in _READERS:
        for match in pattern.finditer(text, lo, hi):
            if len(found) >= room:
                return found
            if any(match.start() < e and s < match.end() for s, e in taken):
                continue
            value = reader(match)
            if value is not None:
                found.append(value)
                taken.append((match.start(), match.end()))
    if now is None:
        return found
    window = text[lo:hi]
    if "WI" in window:
        found += _times_today(text, now, taken, lo, hi)
    lowered = window.lower()
    if any(word in lowered for word in _WORD_ANCHORS):
        for match in _RELATIVE.finditer(text, lo, hi):
            rel = _relative(match, now)
            if rel is not None:
                found.append(rel)
    return found


_RANGE_WORDS = r"\b(?:bis|until|till|through|sampai|hingga|s\.?/?d\.?|tot)"
_RANGE_BEFORE = re.compile(rf"(?:{_RANGE_WORDS}|\d\s*[-\u2013\u2014])\s*$", re.I)
_RANGE_AFTER = re.compile(
    rf"^\s*(?:(?P<word>{_RANGE_WORDS}\b)|[-\u2013\u2014]\s*\d{{1,2}}"
    rf"(?:\s+(?P<mon>[^\W\d]{{3,9}})|[./]\d))", re.I)


def part_of_range(text: str, start: int, end: int) -> bool:
    """Is the date at ``text[start:end]`` one end of a span ("24. April bis 2. Oktober
    2017", "1 - 5 Mei 2024", "s.d. 30 Juni 2024")? A span is an event or a closure, not
    the moment something was published."""
    if _RANGE_BEFORE.search(text[max(0, start - 12):start]):
        return True
    after = _RANGE_AFTER.match(text[end:end + 16])
    return after is not None and (after["mon"] is None or after["mon"].lower() in MONTHS)


_EVENT_CUE = re.compile(
    r"(?:\bakan\b|dilaksanakan|diselenggarakan|digelar|diadakan|berlangsung|pelaksanaan|"
    r"\bpada\s+(?:hari|tanggal|tgl)\b|batas\s+(?:akhir|waktu)|paling\s+lambat|\bdimulai\b|"
    r"\bditutup\b|will\s+(?:be\s+held|take\s+place)|takes?\s+place|scheduled\s+(?:for|on)|"
    r"deadline)[^.!?\n]{0,48}$", re.I)


def announced_event(text: str, start: int) -> bool:
    """Is the date at ``text[start:]`` the date of an event the sentence announces or tells
    of ("akan dilaksanakan pada tanggal 20 Juli 2026", "pendaftaran ditutup 5 Mei")? Like an
    agenda's, such a date says when something happens, not when anything was published."""
    return _EVENT_CUE.search(text[max(0, start - 90):start]) is not None


_RFC822 = re.compile(
    r"^\s*(?:\w{3},?\s+)?(?P<d>\d{1,2})\s+(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<y>\d{2,4})"
    r"(?:\s+(?P<hh>\d{1,2}):(?P<mi>\d{2})(?::(?P<ss>\d{2}))?)?"
    r"\s*(?P<zone>[+-]\d{4}|[A-Za-z]{1,5})?\s*$")
_US_ZONES = {"est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8,
             "pdt": -7}


def _rfc822(value: str) -> datetime | None:
    """RSS 2.0 dates (RFC 822, two-digit years and US zone names allowed, RSS spec 'Elements
    of <item>')."""
    match = _RFC822.match(value)
    if not match:
        return None
    month = MONTHS.get(match["mon"].lower())
    if month is None:
        return None
    year = int(match["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    zone = match["zone"]
    if zone and zone.lower() in _US_ZONES:
        zone = f"{_US_ZONES[zone.lower()]:+03d}00"
    elif zone and zone.lower() not in ZONES and zone[0] not in "+-":
        zone = None
    return _build(year, month, int(match["d"]), match["hh"], match["mi"], match["ss"], zone)


def parse_datetime(value: str) -> datetime | None:
    """One machine-written date field (ISO 8601, RFC 822, or a human form) -> aware Jakarta
    datetime, or None when it holds no full date. Never raises."""
    value = value.strip()[:200]
    if not value:
        return None
    match = _ISO.match(value)
    if match:
        iso = _iso(match)
        if iso is not None:
            return iso.when
    rfc = _rfc822(value)
    if rfc is not None:
        return rfc
    found = find_dates(value)
    return found[0].when if found else None


def plausible(when: datetime, now: datetime, *, slack: timedelta = timedelta(hours=1)) -> bool:
    """Could content really have been published at ``when``? Not before MIN_YEAR and not in
    the future (``slack`` absorbs clock skew between a server and us)."""
    return when.year >= MIN_YEAR and when <= now + slack
