"""Stamps whose date depends on when the page is viewed, and when they may count.

"12 jam lalu", "2 hari yang lalu", "Kemarin", "Yesterday", "hari ini", "baru saja" and a time
of day with no date ("06.30 WIB") name a moment relative to the reader's clock. On a live,
server-rendered page they are today's news; on a static or cached page (hand-made HTML, a
site a student team built once, a page behind a stale cache) they say the same thing for
years. Read as "now minus N", they made sites that had not changed for months or years look
``aktif``: the worst error this tool can make. So such a stamp never dates a site alone:

1. an absolute timestamp on the same element, or on its nearest dated ancestor, wins:
   ``datetime``, ``title`` (``<time class="timeago" title="2020-05-03 16:29:06">12 jam
   lalu</time>``, the jQuery timeago convention), ``content``, or a ``data-*`` time
   attribute (ISO text or Unix seconds/milliseconds);
2. otherwise the stamp counts only when something independent of the reader's clock agrees
   (``corroborate``): the main text changed since the previous sweep, an absolute date read
   from the page, feed or API falls within the stamp's window, or the date counted on the
   previous sweep does (the same item, a week older now);
3. on a site's first sweep an uncorroborated stamp is kept as evidence ("tentative") and the
   date comes from absolute sources only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from monitor.checks.base import Evidence
from monitor.checks.freshness.candidate import Candidate
from monitor.checks.freshness.dates import find_dates, parse_datetime, plausible
from monitor.checks.freshness.fingerprint import normalise
from monitor.core.clock import JAKARTA

MAX_UP = 3
"""The element and its three nearest ancestors: a timeago span inside the post's meta line
inside the item. Further up, an attribute belongs to a whole block, not to the stamp."""
MAX_STAMP_CHARS = 64
"""An attribute holding a timestamp is short; a longer ``title`` is a headline or a tooltip
that may mention a date in passing."""
_ATTRS = ("datetime", "title", "content")
_DATA_TIME = re.compile(r"^data-(?:[\w-]*-)?(?:time|date|datetime|timestamp|utime|ts|timeago|"
                        r"livestamp|published|updated|modified)(?:-[\w-]*)?$")
"""``data-time``, ``data-post-date``, ``data-utime`` (Facebook), ``data-livestamp``
(livestamp.js), ``data-timeago``...: the attributes timeago-style scripts read."""
_ISO_HEAD = re.compile(r"^\s*(?:199|20\d)\d-\d{1,2}-\d{1,2}")


def parse_stamp(value: str) -> datetime | None:
    """An attribute value that is a timestamp and nothing else: ISO 8601 or RFC 822, a
    written date filling most of the value, or Unix seconds (10 digits) / milliseconds
    (13 digits). Anything else (a headline, a name) is None."""
    value = value.strip()
    if not value or len(value) > MAX_STAMP_CHARS:
        return None
    if value.isdigit():
        if len(value) not in (10, 13):
            return None
        seconds = int(value) / (1000 if len(value) == 13 else 1)
        return datetime.fromtimestamp(seconds, UTC).astimezone(JAKARTA)
    if _ISO_HEAD.match(value):
        return parse_datetime(value)
    found = find_dates(value)
    if len(found) == 1 and len(found[0].text) >= 0.6 * len(value):
        return found[0].when
    return None


def _attributes(node: Any) -> list[tuple[str, str]]:
    """The attributes that may hold a timestamp, in order of trust. Most elements have no
    attribute or only a class: answered without a loop."""
    attrib = node.attrib
    if not attrib or (len(attrib) == 1 and "class" in attrib):
        return []
    found = [(name, attrib[name]) for name in _ATTRS if attrib.get(name)]
    found += [(name, value) for name, value in attrib.items()
              if name.startswith("data-") and value and _DATA_TIME.match(name.lower())]
    return found


@dataclass(frozen=True)
class Anchor:
    """The absolute timestamp a relative stamp carries in its markup."""

    when: datetime
    tag: str
    attribute: str
    value: str

    def quote(self, stamp: str) -> str:
        """``<time title="2020-05-03 16:29:06">12 jam lalu</time>``: the markup as read."""
        return f'<{self.tag} {self.attribute}="{self.value}">{stamp}</{self.tag}>'


def anchor_of(element: Any, now: datetime) -> Anchor | None:
    """The absolute timestamp on ``element`` or its nearest dated ancestor (at most
    ``MAX_UP`` levels up), or None. A future or pre-1995 value is no anchor."""
    node = element
    for _ in range(MAX_UP + 1):
        if node is None or not isinstance(node.tag, str) or node.tag in ("body", "html"):
            return None
        for name, value in _attributes(node):
            when = parse_stamp(value)
            if when is not None and plausible(when, now):
                return Anchor(when, node.tag, name, " ".join(value.split())[:MAX_STAMP_CHARS])
        node = node.getparent()
    return None


ITEM_UP = 4
MAX_ITEM_CHARS = 2_000
_TITLE_TAGS = frozenset({"a", "h1", "h2", "h3", "h4", "h5", "h6"})


def item_key(element: Any) -> str:
    """Which item a stamp labels, stable while the stamp ages: a short hash of the text of
    the nearest block holding a link or heading (the item's title), without digits and
    relative-time words ("2 jam" and "3 hari" give the same key). Lets a text change count
    for a stamp only when its item is new since the previous sweep, not when an unrelated
    part of the page changed beside a frozen "Kemarin"."""
    node = element
    for _ in range(ITEM_UP):
        if node.tag in _TITLE_TAGS or any(node.find(f".//{tag}") is not None
                                          for tag in ("a", "h2", "h3", "h4")):
            break
        parent = node.getparent()
        if parent is None or not isinstance(parent.tag, str) or parent.tag in ("body", "html"):
            break
        node = parent
    text = normalise((node.text_content() or "")[:MAX_ITEM_CHARS])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _days(a: date, b: date) -> int:
    return abs((a - b).days)


def corroborate(stamp: Candidate, *, absolute: Iterable[Candidate],
                changed: tuple[date, date] | None, earlier: tuple[date, str, date] | None,
                first_sweep: bool, today: date,
                seen: frozenset[str] | None = None) -> tuple[Candidate | None, Evidence]:
    """Does anything independent of the reader's clock back ``stamp`` (a relative stamp the
    page shows, read as now minus N)? ``changed`` is (previous sweep, this sweep) when the main
    text changed in between; ``earlier`` is (last_update, its source, the sweep's day) of the
    previous finding; ``seen`` the items (``item_key``) stamped on the previous sweep's page,
    None when unknown: a text change backs only a stamp on an item that is new. Returns the
    stamp as a countable candidate whose text says both the stamp and what corroborated it,
    or None and the evidence of why it did not count.

    The previous sweep's date corroborates only a stamp fine enough to tell an aging item
    from a frozen one: frozen text ("1 bulan yang lalu" on a static page) drifts by the whole
    interval between sweeps, a live item's stamp by at most its window, so the window must be
    under half the interval (hours and days on weekly sweeps; never weeks or months, or the
    stamp would keep confirming itself)."""
    day = stamp.when.date()
    window = max(1, stamp.window.days)
    span = f"{window} day" + ("s" if window > 1 else "")
    why = None
    new_item = seen is None or stamp.key not in seen
    if changed is not None and new_item and day >= changed[0] - timedelta(days=window):
        why = f"main text changed between the sweeps of {changed[0]} and {changed[1]}"
        why += "" if seen is None else ", and this item was not on the page then"
    agreeing = [c for c in absolute if _days(c.when.date(), day) <= window]
    if why is None and agreeing:
        other = min(agreeing, key=lambda c: _days(c.when.date(), day))
        why = f"{other.source} date {other.day} within {span}: {other.text}"[:220]
    if why is None and earlier is not None and 2 * window < (today - earlier[2]).days and \
            _days(earlier[0], day) <= window:
        why = (f"last update {earlier[0]} ({earlier[1]}) found on the sweep of {earlier[2]} "
               f"is within {span}")
    if why is not None:
        text = f"{stamp.text} (relative stamp, read as {stamp.day}; corroborated: {why})"
        counted = replace(stamp, text=text, relative=False)
        return counted, Evidence.of("relative-stamp:corroborated", stamp.url, text)
    if first_sweep:
        because = "first sweep of this site, nothing to compare with"
        rule = "relative-stamp:tentative"
    else:
        because = ("main text unchanged since the previous sweep" if changed is None else
                   "the main text changed, but this item was already on the page"
                   if not new_item else
                   f"the text changed after {changed[0]}, but the stamp is older") + \
                  f", and no absolute date within {span}"
        rule = "relative-stamp:uncorroborated"
    return None, Evidence.of(rule, stamp.url, (
        f"{stamp.text} would date the site {stamp.day}, but a stamp relative to the moment "
        f"of viewing does not count on its own ({because})"))
