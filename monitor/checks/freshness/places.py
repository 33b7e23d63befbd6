"""Where a date sits on a page: inside a piece of content, in a trap, or neither.

A date belongs to a publication only when it labels content. Header widgets print today's
date, clocks print the time, calendars, visitor counters, agendas and prayer times print dates
that say nothing about an edit: their blocks are recognised by tag and by the words of their
``class`` and ``id`` (``HARD_TRAP_WORDS``); a ``<header>``/``<footer>`` is a trap unless a
content block (``CONTENT_WORDS``) sits in between.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.freshness.dates import plausible
from monitor.core.clock import JAKARTA

SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "textarea", "select",
                       "option", "svg", "iframe", "object", "button"})
TITLE_TAGS = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6"})
HARD_TRAP_WORDS = frozenset({
    "clock", "jam", "today", "hariini", "calendar", "kalender", "calender", "counter",
    "visitor", "visitors", "pengunjung", "statistik", "statistic", "statistics", "stats",
    "hits", "copyright", "marquee", "nav", "navbar",
    "menu", "navigation", "agenda", "event", "events", "jadwal", "weather", "cuaca", "sholat",
    "shalat", "prayer", "topbar", "countdown"})
SOFT_TRAP_WORDS = frozenset({"header", "footer", "top", "masthead", "bottom", "head"})
SOFT_TRAP_TAGS = frozenset({"header", "footer"})
CONTENT_WORDS = frozenset({
    "post", "posts", "entry", "entries", "article", "articles", "artikel", "hentry", "berita",
    "news", "blog", "story", "stories", "published", "updated", "postmeta", "meta", "byline",
    "item", "items", "card", "recent", "latest", "terbaru", "terkini", "pengumuman",
    "kabar", "informasi", "info", "feed", "list", "listing", "media", "release"})
HARD_TRAP_PARTS = ("clock", "calendar", "kalender", "counter", "visitor", "pengunjung",
                   "hari-ini", "hari_ini", "harini", "datetime", "date-time", "copyright")
"""Also caught inside longer names: ``digitalclock``, ``wp-calendar``, ``visitorcounter``."""
_WORD_SPLIT = re.compile(r"[^a-z0-9]+")


def class_words(element: Any) -> set[str]:
    raw = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    words = set(_WORD_SPLIT.split(raw))
    if any(part in raw for part in HARD_TRAP_PARTS):
        words.add("clock")
    return words


def context(element: Any) -> str:
    """Where an element sits: ``trap`` (header widget, clock, calendar, counter, menu...),
    ``content`` (inside a post, article or news item) or ``neutral``."""
    soft = False
    depth = 0
    node = element
    while node is not None and depth < 25:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in ("body", "html"):  # page-wide classes ("layout-top-nav") say nothing
            break
        if tag in SKIP_TAGS or tag == "nav":
            return "trap"
        words = class_words(node)
        if words & HARD_TRAP_WORDS:
            return "trap"
        if tag == "article" or words & CONTENT_WORDS:
            return "content"
        if tag in SOFT_TRAP_TAGS or words & SOFT_TRAP_WORDS:
            soft = True
        node = node.getparent()
        depth += 1
    return "trap" if soft else "neutral"


def near_post_link(element: Any) -> bool:
    """Is there a link with a title-like text (a post) in the same small block?"""
    node = element
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            return False
        node = parent
        for link in node.iter("a"):
            href = link.get("href") or ""
            if len((link.text_content() or "").split()) >= 3 and href not in ("", "#", "/"):
                return True
    return False


def recent(when: datetime, now: datetime) -> bool:
    return when.date() >= now.astimezone(JAKARTA).date() - timedelta(days=1)


def accept_placed(element: Any, when: datetime, now: datetime) -> bool:
    """A date in the page body: never in a trap; when it is today's or yesterday's (what a
    header widget prints), only inside a piece of content or beside a post link."""
    if not plausible(when, now):
        return False
    where = context(element)
    if where == "trap":
        return False
    if recent(when, now):
        return where == "content" or near_post_link(element)
    return True
