"""Dates an HTML page gives for its content, with the traps filtered out.

Read in htmldate's order of reliability (``htmldate/core.py``: metadata, then markup, then
text): JSON-LD ``dateModified``/``datePublished``, OpenGraph/article ``<meta>``, elements with
a ``datetime`` attribute, and finally full dates written in the text. Every candidate keeps
the exact text it was read from.

A date counts only when it belongs to a piece of content. The traps that make a dead site look
fresh are refused:

* header widgets printing today's date and clocks (a ``<header>``/``top-bar`` block, or a
  class such as ``clock``, ``jam``, ``tanggal-hari-ini``; and any date of today or yesterday
  that is not inside a post/article block or next to a post link);
* calendars, visitor counters, ``(c) 2026`` footers (a bare year is never a date anyway),
  agendas and events (their dates are of the event, not of a publication);
* future dates and dates before 1995 (``dates.plausible``);
* either end of a span ("24. April bis 2. Oktober 2017", "1 - 5 Mei"): an event's;
* dates inside running prose (a profile page's history: "17 Agustus 1945"): a text date counts
  only as a short label, or inside a title or link;
* dates of events a sentence announces ("akan dilaksanakan pada tanggal 20 Juli 2026",
  ``dates.announced_event``): like an agenda's, they are not publication dates;
* stamps relative to the moment of viewing ("2 hari yang lalu", "06.30 WIB"): the absolute
  timestamp in their markup replaces them (``stamps.anchor_of``); without one they are
  returned apart (``PageDates.stamps``) and count only when the check corroborates them.

The page is the parsed ``Fetched.document`` (lxml, shared, read-only): nothing here copies or
changes the tree, and nothing uses BeautifulSoup (a whole sweep must cost < 10 ms per site).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from itertools import accumulate
from typing import Any
from urllib.parse import urljoin, urlsplit

from monitor.checks.freshness.candidate import Candidate
from monitor.checks.freshness.dates import (
    announced_event,
    find_dates,
    parse_datetime,
    part_of_range,
    plausible,
)
from monitor.checks.freshness.places import (
    SKIP_TAGS,
    TITLE_TAGS,
    accept_placed,
    class_words,
    context,
)
from monitor.checks.freshness.stamps import anchor_of, item_key
from monitor.core.clock import JAKARTA

MAX_TEXT_CHARS = 400_000  # page text scanned for dates; the rest of a huge page is ignored
MAX_JSONLD_BYTES = 200_000
GENERATED_NOW = timedelta(minutes=15)
"""A machine date this close to the fetch was generated for the request, not by an edit."""

META_KEYS: dict[str, str] = {
    "article:modified_time": "modified", "og:updated_time": "modified",
    "article:published_time": "published", "og:article:published_time": "published",
    "datemodified": "modified", "datepublished": "published", "datecreated": "published",
    "dcterms.modified": "modified", "dcterms.created": "published", "dcterms.date": "published",
    "dc.date": "published", "dc.date.issued": "published", "dc.date.modified": "modified",
    "date": "published", "pubdate": "published", "publishdate": "published",
    "last-modified": "modified", "lastmod": "modified", "article.published": "published",
    "article.updated": "modified", "sailthru.date": "published",
    "parsely-pub-date": "published", "citation_publication_date": "published",
    "citation_date": "published", "og:published_time": "published",
    "og:modified_time": "modified", "published_time": "published",
    "modified_time": "modified", "updated_time": "modified",
}
JSONLD_KEYS = {"dateModified": "modified", "datePublished": "published",
               "dateCreated": "published", "uploadDate": "published"}


def _machine_ok(when: datetime, now: datetime) -> bool:
    return plausible(when, now) and abs(now - when) > GENERATED_NOW


def meta_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    found = []
    for el in doc.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").lower()
        role = META_KEYS.get(key)
        content = el.get("content")
        if role is None or not content:
            continue
        when = parse_datetime(content)
        if when is not None and _machine_ok(when, now):
            attr = "property" if el.get("property") else ("name" if el.get("name") else "itemprop")
            found.append(Candidate(when, "meta", url, f'<meta {attr}="{key}" content="{content}">',
                                   role))
    return found


def _walk_jsonld(data: Any, depth: int = 0) -> Iterator[tuple[str, str]]:
    if depth > 8:
        return
    if isinstance(data, dict):
        for key, value in data.items():
            if key in JSONLD_KEYS and isinstance(value, str):
                yield key, value
            elif isinstance(value, dict | list):
                yield from _walk_jsonld(value, depth + 1)
    elif isinstance(data, list):
        for item in data[:200]:
            yield from _walk_jsonld(item, depth + 1)


def jsonld_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    found = []
    for script in doc.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "")[:MAX_JSONLD_BYTES]
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        for key, value in _walk_jsonld(data):
            when = parse_datetime(value)
            if when is not None and _machine_ok(when, now):
                found.append(Candidate(when, "jsonld", url, f'"{key}": "{value}"',
                                       JSONLD_KEYS[key]))
    return found


def _time_role(element: Any) -> str:
    words = class_words(element) | {(element.get("itemprop") or "").lower()}
    if words & {"updated", "modified", "datemodified", "update"}:
        return "modified"
    if words & {"published", "entry-date", "datepublished", "post-date", "date"}:
        return "published"
    return "item"


Pending = tuple[Candidate, Callable[[], bool]]
"""A candidate and the (costlier) check of where it sits, run only when needed."""


def _time_pending(doc: Any, url: str, now: datetime) -> list[Pending]:
    found: list[Pending] = []
    for el in doc.xpath("//*[@datetime]")[:500]:
        value = el.get("datetime") or ""
        when = parse_datetime(value)
        if when is None or not plausible(when, now):
            continue
        label = " ".join((el.text_content() or "").split())[:80]
        tag = el.tag if isinstance(el.tag, str) else "time"
        cand = Candidate(when, "time", url, f'<{tag} datetime="{value}">{label}</{tag}>',
                         _time_role(el))
        found.append((cand, partial(accept_placed, el, when, now)))
    return found


def time_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    """``<time datetime>`` and any element carrying ``datetime`` (Blogger's post-date span)."""
    return [cand for cand, accept in _time_pending(doc, url, now) if accept()]


_POST_URL = re.compile(
    r"/((?:199|20[0-9])[0-9])/(\d{1,2})/(\d{1,2})/[^/?#]*[^\W\d_][^/?#]*")
"""A post's permalink: /YYYY/MM/DD/ then a slug with letters. WordPress's date permalinks
(Settings > Permalinks "Day and name") and most news CMSs; a bare /YYYY/MM/DD/ is a day
archive (the calendar widget's links) and is not a post."""
MAX_LINKS = 2000


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _link_accept(element: Any, when: datetime, now: datetime) -> bool:
    return plausible(when, now) and context(element) != "trap"


def _link_pending(doc: Any, url: str, now: datetime) -> list[Pending]:
    """Dates in the permalinks of the posts a page links to (its post listings): cheap,
    written once at publication, and present even when a theme prints no dates. Only
    links to the same site count, outside menus, calendars and header/footer blocks."""
    home = _host(url)
    found: list[Pending] = []
    hrefs = doc.xpath("//body//a[contains(@href, '/20') or contains(@href, '/199')]/@href")
    for href in hrefs[:MAX_LINKS]:
        match = _POST_URL.search(href)
        if match is None or _host(urljoin(url, href)) != home:
            continue
        try:
            when = datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=JAKARTA)
        except ValueError:
            continue
        link = href.getparent()
        label = " ".join((link.text_content() or "").split())[:80]
        cand = Candidate(when, "url", url, f'<a href="{href[:200]}">{label}</a>')
        found.append((cand, partial(_link_accept, link, when, now)))
    return found


def link_candidates(doc: Any, url: str, now: datetime) -> list[Candidate]:
    """Post permalink dates of the page's links (see ``_link_pending``)."""
    return [cand for cand, accept in _link_pending(doc, url, now) if accept()]


def _text_nodes(doc: Any) -> tuple[list[Any], list[str], list[int]]:
    """Every text node of the body (lxml "smart strings", which know their element), its
    text, and its offset in the text joined with newlines. One XPath call in C: walking
    ~9,000 elements of a portal page in Python would cost more than the 10 ms budget. Long
    script and style texts are blanked (a news portal carries ~160 KB of inline JS); short
    ones are dropped later by ``_owner``."""
    nodes = doc.xpath("//body//text()")
    texts: list[str] = []
    total = 0
    for node in nodes:
        if len(node) > 200:
            parent = node.getparent()
            if not node.is_tail and parent is not None and parent.tag in SKIP_TAGS:
                texts.append("")
                continue
        texts.append(node)
        total += len(node)
        if total > MAX_TEXT_CHARS:
            break
    offsets = [0, *accumulate(len(text) + 1 for text in texts)]
    return nodes[: len(texts)], texts, offsets[: len(texts)]


def _owner(node: Any) -> Any | None:
    """The element a text node belongs to (a tail belongs to its element's parent)."""
    parent = node.getparent()
    if parent is None:
        return None
    owner = parent.getparent() if node.is_tail else parent
    if owner is None or not isinstance(owner.tag, str) or owner.tag in SKIP_TAGS:
        return None
    if not node.is_tail and not isinstance(parent.tag, str):
        return None  # a comment's own text
    return owner


def _label_like(owner: Any, start: int, end: int, text: str) -> bool:
    """A date that labels content (a short text, or inside a title or link), not a date
    mentioned in running prose."""
    parent = owner.getparent()
    if owner.tag in TITLE_TAGS or (parent is not None and parent.tag in TITLE_TAGS):
        return True
    around = text[max(0, start - 60): end + 60]
    return len(text) <= 160 and len(text.split()) <= 20 or len(around.split()) <= 14


def _text_accept(owner: Any, start: int, end: int, text: str, when: datetime,
                 now: datetime) -> bool:
    return (_label_like(owner, start, end, text) and not part_of_range(text, start, end)
            and not announced_event(text, start) and accept_placed(owner, when, now))


StampPending = tuple[Candidate, Callable[[], bool], Any]
"""A relative stamp, the check of where it sits, and its element (for ``item_key``, computed
only for the few stamps kept: on a portal listing 200 stamped items it would cost more than
the rest of the page)."""


def _text_pending(doc: Any, url: str, now: datetime,
                  live: bool) -> tuple[list[Pending], list[StampPending]]:
    """Dates written in the text: (absolute ones, relative stamps). A relative stamp with an
    absolute timestamp in its markup (``stamps.anchor_of``) is that timestamp, in either
    mode; the others are returned only when ``live`` (on a saved page they refer to a
    moment we do not know) and never count without corroboration (``stamps``)."""
    nodes, texts, offsets = _text_nodes(doc)
    joined = "\n".join(texts)
    found: list[Pending] = []
    stamps: list[StampPending] = []
    for date in find_dates(joined, now, limit=300):
        if not plausible(date.when, now):
            continue
        index = bisect_right(offsets, date.start) - 1
        owner = _owner(nodes[index])
        if owner is None:
            continue
        start = date.start - offsets[index]
        anchor = anchor_of(owner, now) if date.relative else None
        when = anchor.when if anchor is not None else date.when
        accept = partial(_text_accept, owner, start, start + len(date.text), texts[index],
                         when, now)
        if anchor is not None:
            found.append((Candidate(when, "time", url, anchor.quote(date.text)), accept))
        elif not date.relative:
            found.append((Candidate(when, "text", url, date.text), accept))
        elif live:
            stamps.append((Candidate(when, "text", url, date.text, relative=True,
                                     window=date.window), accept, owner))
    return found, stamps


def text_candidates(doc: Any, url: str, now: datetime, *, live: bool = True) -> list[Candidate]:
    """Absolute dates written in the page text, as labels of content (see ``_label_like``),
    including relative stamps whose markup carries an absolute timestamp. Relative stamps
    without one are never here: see ``read_page``."""
    return [cand for cand, accept in _text_pending(doc, url, now, live)[0] if accept()]


@dataclass(frozen=True)
class PageDates:
    """What a page says of its dates: the newest absolute one, and the newest few relative
    stamps newer than it, newest first (to be corroborated by the check, or kept as
    evidence)."""

    best: Candidate | None
    stamps: tuple[Candidate, ...] = ()


def read_page(doc: Any, url: str, now: datetime, *, live: bool = True) -> PageDates:
    """``newest(page_candidates(...))`` for the cost of checking only the newest few: dates
    are sorted newest first and placed (trap, prose) one by one until one is accepted. On a
    home page listing 40 dated posts this is ~5x cheaper. When ``<time>`` markup dates the
    newest item the text is not searched at all (it repeats the same dates as words)."""
    pending: list[Pending] = [(c, _always) for c in jsonld_candidates(doc, url, now)
                              + meta_candidates(doc, url, now)]
    timed = _time_pending(doc, url, now) + _link_pending(doc, url, now)
    best = _first_accepted(pending + timed)
    if best is not None and best.source == "time":
        return PageDates(best)  # per-item markup of the listed posts: their text repeats them
    written, relative = _text_pending(doc, url, now, live)
    text = _first_accepted(written)
    if best is None or (text is not None and text.when.date() > best.when.date()):
        best = text
    return PageDates(best, _newer_stamps(relative, best))


MAX_STAMPS = 5


def _newer_stamps(pending: list[StampPending],
                  best: Candidate | None) -> tuple[Candidate, ...]:
    """The newest accepted relative stamps newer than ``best`` (one no newer than an
    absolute date would change nothing)."""
    pending.sort(key=lambda p: -p[0].when.timestamp())
    found: list[Candidate] = []
    for cand, accept, owner in pending:
        if len(found) >= MAX_STAMPS or (best is not None and
                                        cand.when.date() <= best.when.date()):
            break
        if accept():
            found.append(replace(cand, key=item_key(owner)))
    return tuple(found)


def newest_on_page(doc: Any, url: str, now: datetime, *, live: bool = True) -> Candidate | None:
    """The page's newest absolute content date (``read_page``): a stamp relative to the
    moment of viewing never dates a page on its own."""
    return read_page(doc, url, now, live=live).best


def _first_accepted(pending: list[Pending]) -> Candidate | None:
    rank = {source: i for i, source in enumerate(PAGE_SOURCES)}
    pending.sort(key=lambda p: (-p[0].when.date().toordinal(), rank[p[0].source]))
    for cand, accept in pending:
        if accept():
            return cand
    return None


def _always() -> bool:
    return True


PAGE_SOURCES = ("jsonld", "meta", "time", "url", "text")


def page_candidates(doc: Any, url: str, now: datetime, *, live: bool = True) -> list[Candidate]:
    """Every acceptable content date on one page, most reliable source first."""
    return (jsonld_candidates(doc, url, now) + meta_candidates(doc, url, now)
            + time_candidates(doc, url, now) + link_candidates(doc, url, now)
            + text_candidates(doc, url, now, live=live))
