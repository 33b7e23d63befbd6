"""The date of one article page (not of a site), in htmldate's order of reliability.

The freshness check dates whole sites (``freshness_page.newest_on_page``); this module dates a
single article the way htmldate does (``htmldate/core.py`` ``find_date``), so that our readers
can be measured against htmldate's own test pages (``benchmarks/freshness_corpus.py``) and
used wherever one post's date is wanted. The order, most reliable first:

1. a full date in the permalink (``/2024/07/22/slug``): htmldate's ``extract_url_date`` runs
   first too, as a CMS writes the path once, at publication;
2. metadata: JSON-LD and ``<meta>`` (published or modified, as asked);
3. the article's byline: a short element whose class, id or itemprop names a date
   (``date``, ``datum``, ``time``, ``publish``, ``posted``, ``byline``, ``meta``...: htmldate's
   ``is_date_candidate`` cues), read as text, two-digit years included (``8.5.12``);
4. ``<time datetime>``, ``<abbr title>`` and Unix ``data-utime`` stamps (Facebook);
5. any ``<meta>`` whose value is a full timestamp (an unknown vendor key such as
   ``five_hundred_pixels:uploaded``), htmldate's "timestamp rescue";
6. htmldate itself, only when no markup above dated the page (``htmldate_fallback``): its
   text search is better than our first-date-in-the-text (corpus: 171 vs 145 of 175 hits),
   but it costs ~20 ms a page, so it never runs on the sweep's hot path;
7. the first date written as a label of content in the text (not one end of a span,
   ``dates.part_of_range``);
8. a month-only permalink (``/2011/12/slug``), as the first of that month.

A text or htmldate date that contradicts a month-only permalink (``/news/2011/12/...`` vs
``1. Juni 2010``) is skipped: the permalink was written at publication.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from monitor.checks.freshness.candidate import Candidate
from monitor.checks.freshness.dates import find_dates, parse_datetime, part_of_range, plausible
from monitor.checks.freshness.page import (
    jsonld_candidates,
    meta_candidates,
    text_candidates,
    time_candidates,
)
from monitor.checks.freshness.places import HARD_TRAP_WORDS, SKIP_TAGS, class_words
from monitor.core.clock import JAKARTA

log = logging.getLogger(__name__)

MAX_BYLINE_CHARS = 200
"""A byline is short ("Von Max, 03.04.2019 | 08:04"); a long block is prose or a list."""
MAX_ELEMENTS = 3000
MAX_BYLINES = 2
"""The first two dated bylines: "published ..." and, beside it, "updated ..."."""
_DATE_CUE = re.compile(
    r"date|datum|time|publi|posted|byline|subline|meta|submitted|created|fecha|parution|"
    r"tanggal|waktu|author|autor|field-content|info", re.I)
_UPDATED_CUE = re.compile(r"updat|modif|aktualisiert|diperbarui|mis à jour|revised", re.I)
OTHER_POSTS_WORDS = frozenset({
    "sidebar", "widget", "related", "recent", "popular", "terkait", "populer", "terbaru",
    "comment", "comments", "komentar", "teaser", "aside"})
"""Blocks that list other posts or comments: their dates are not this article's."""
_SHORT_YEAR = re.compile(r"(?<![\d.:/])(\d{1,2})([./])(\d{1,2})\2(\d{2})(?![\d.:/]?\d)")
_URL_DAY = re.compile(r"/((?:199|20[0-9])[0-9])[/_-](\d{1,2})[/_-](\d{1,2})(?:/|$|[_-]\D)")
_URL_MONTH = re.compile(r"/((?:199|20[0-9])[0-9])/(\d{1,2})/")
_ISO_STAMP = re.compile(r"((?:199|20[0-9])[0-9]-[01]?\d-[0-3]?\d)[T ]\d{2}:\d{2}")


def url_date(url: str, now: datetime, *, day_required: bool = True) -> Candidate | None:
    """A permalink's /YYYY/MM/DD/ (WordPress's date permalinks, news paths); with
    ``day_required=False`` also /YYYY/MM/ as the first of the month."""
    match = _URL_DAY.search(url)
    day: int | None = int(match[3]) if match else None
    if match is None and not day_required:
        match = _URL_MONTH.search(url)
        day = 1
    if match is None or day is None:
        return None
    try:
        when = datetime(int(match[1]), int(match[2]), day, tzinfo=JAKARTA)
    except ValueError:
        return None
    return Candidate(when, "url", url, match[0]) if plausible(when, now) else None


def _canonical(doc: Any, url: str) -> str:
    if url:
        return url
    for link in doc.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return str(link.get("href"))
    return ""


def _pick(cands: list[Candidate], original: bool, *, by_time: bool = False) -> Candidate | None:
    """Published before item before modified for the original date; the reverse order of
    roles otherwise (htmldate ``examine_header``); within a role the first in the page, or
    with ``by_time`` the oldest (original) or newest (updated), as htmldate does for
    ``<time>`` elements (``examine_time_elements``)."""
    roles = ("published", "item", "modified") if original else ("modified", "published", "item")
    for role in roles:
        picked = [c for c in cands if c.role == role]
        if picked and by_time:
            return (min if original else max)(picked, key=lambda c: c.when)
        if picked:
            return picked[0]
    return None


def _not_this_article(element: Any) -> bool:
    """Inside a trap (clock, calendar, menu...) or a block listing other posts."""
    node = element
    while node is not None:
        tag = node.tag if isinstance(node.tag, str) else ""
        words = class_words(node)
        if tag in SKIP_TAGS or tag in ("nav", "aside") or words & HARD_TRAP_WORDS \
                or words & OTHER_POSTS_WORDS:
            return True
        node = node.getparent()
    return False


def _short_year_dates(text: str, now: datetime) -> list[tuple[datetime, str]]:
    """``8.5.12`` or ``02/12/19``: day first, read only inside a byline (in free text such
    numbers are versions and scores)."""
    found = []
    for match in _SHORT_YEAR.finditer(text):
        year = 2000 + int(match[4])
        if year > now.year:
            year -= 100
        try:
            when = datetime(year, int(match[3]), int(match[1]), tzinfo=JAKARTA)
        except ValueError:
            continue
        found.append((when, match[0]))
    return found


def byline_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    """Dates in short elements that name a date in their class, id or itemprop, in
    document order (htmldate ``date_candidates`` + ``examine_elements``); nested cue
    elements repeat their child's date, which ``_pick`` tolerates (first wins)."""
    found: list[Candidate] = []
    dated = 0
    for el in doc.xpath("//body//*[@class or @id or @itemprop]")[:MAX_ELEMENTS]:
        cue = " ".join(el.get(k) or "" for k in ("class", "id", "itemprop"))
        if not _DATE_CUE.search(cue) or not isinstance(el.tag, str):
            continue
        text = " ".join((el.text_content() or "").split())
        if not text or len(text) > MAX_BYLINE_CHARS or _not_this_article(el):
            continue
        dates = [(d.when, d.text) for d in find_dates(text)
                 if not part_of_range(text, d.start, d.end)] or _short_year_dates(text, now)
        role = "modified" if _UPDATED_CUE.search(cue) else "item"
        for when, written in dates:
            if plausible(when, now):
                label = "modified" if _UPDATED_CUE.search(text[:text.find(written)]) else role
                found.append(Candidate(when, "text", url, written, label))
        dated += bool(dates)
        if dated >= MAX_BYLINES:
            break
    return found


def stamp_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    """``<abbr title>`` dates and Unix ``data-utime`` stamps (Facebook's markup)."""
    found = []
    for el in doc.xpath("//abbr[@title or @data-utime]|//*[@data-utime]")[:200]:
        when = None
        raw = el.get("data-utime") or ""
        if raw.isdigit() and 9 <= len(raw) <= 10:
            when = datetime.fromtimestamp(int(raw), UTC).astimezone(JAKARTA)
            text = f'data-utime="{raw}"'
        elif el.get("title"):
            when = parse_datetime(el.get("title") or "")
            text = f'<abbr title="{el.get("title")}">'
        if when is not None and plausible(when, now):
            found.append(Candidate(when, "time", url, text, "item"))
    return found


def meta_stamp(doc: Any, url: str, now: datetime) -> Candidate | None:
    """The first ``<meta>`` of any name whose value is a full timestamp."""
    for el in doc.iter("meta"):
        content = el.get("content") or ""
        if len(content) < 40 and _ISO_STAMP.match(content):
            when = parse_datetime(content)
            if when is not None and plausible(when, now):
                key = el.get("property") or el.get("name") or el.get("itemprop") or ""
                return Candidate(when, "meta", url, f'<meta "{key}" content="{content}">')
    return None


def _agrees(cand: Candidate, month: Candidate | None) -> bool:
    return month is None or (cand.when.year, cand.when.month) == (month.when.year,
                                                                  month.when.month)


def own_article_date(doc: Any, url: str, now: datetime, *, original: bool) -> Candidate | None:
    """Steps 1 to 5 of the module docstring: our own markup rules."""
    url = _canonical(doc, url)
    found = url_date(url, now)
    if found is not None:
        return found
    steps: tuple[Callable[[], Candidate | None], ...] = (
        lambda: _pick(jsonld_candidates(doc, url, now) + meta_candidates(doc, url, now),
                      original),
        lambda: _pick(byline_candidates(doc, url, now), original),
        lambda: _pick(time_candidates(doc, url, now) + stamp_candidates(doc, url, now),
                      original, by_time=True),
        lambda: meta_stamp(doc, url, now),
    )
    for step in steps:
        found = step()
        if found is not None:
            return found
    return None


def text_date(doc: Any, url: str, now: datetime) -> Candidate | None:
    """The first date written as a label of content that agrees with a month permalink."""
    url = _canonical(doc, url)
    month = url_date(url, now, day_required=False)
    return next((c for c in text_candidates(doc, url, now, live=False) if _agrees(c, month)),
                None)


def htmldate_fallback(doc: Any, url: str, *, original: bool) -> Candidate | None:
    """htmldate's ``find_date`` on the same tree (it copies it before pruning), for pages
    none of our rules could date. Any failure of the library is a "no date"."""
    try:
        from htmldate import find_date
    except ImportError:  # an optional dependency: no fallback without it
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            day = find_date(doc, url=url or None, original_date=original)
        except Exception:  # a third-party failure must not crash a check
            log.debug("htmldate failed on %s", url, exc_info=True)
            return None
    if not day:
        return None
    when = datetime.fromisoformat(str(day)).replace(tzinfo=JAKARTA)
    return Candidate(when, "htmldate", url, f"htmldate.find_date -> {day}")


def article_date(doc: Any, url: str, now: datetime, *, original: bool,
                 fallback: bool = True) -> Candidate | None:
    """The date of one article page: its published date when ``original``, else its last
    modification (module docstring for the order)."""
    found = own_article_date(doc, url, now, original=original)
    if found is None and fallback:
        found = htmldate_fallback(doc, _canonical(doc, url), original=original)
        month = url_date(_canonical(doc, url), now, day_required=False)
        if found is not None and not (plausible(found.when, now) and _agrees(found, month)):
            found = None
    return found or text_date(doc, url, now) or url_date(_canonical(doc, url), now,
                                                       day_required=False)
