"""A fingerprint of a page's main text, stable across clocks, counters and date widgets.

Sites that print no dates can still be dated by noticing that their content changed between
two sweeps (the ``content-change`` source) or that it has not changed for 90 days. For that
the fingerprint must ignore what changes on its own: every digit (visitor counters, clocks,
today's date), weekday and month names (a header widget's "Senin, 23 November"), relative
phrases ("2 jam yang lalu"), and the text of scripts, styles, menus, headers and footers
(inline scripts carry per-request nonces).
"""

from __future__ import annotations

import hashlib
from typing import Any

from monitor.checks.freshness.dates import MONTHS

MAX_CHARS = 300_000
_WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
             "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_VOLATILE_WORDS = frozenset({*MONTHS, *_WEEKDAYS, "yang", "lalu", "ago", "kemarin",
                             "yesterday", "detik", "menit", "jam", "hari", "minggu", "wib",
                             "wita", "wit"})
_BLANKED = str.maketrans({c: " " for c in "0123456789.,:;|()[]-/\"!?"})
_EXCLUDED = ("//script//text()|//style//text()|//noscript//text()|//template//text()|"
             "//nav//text()|//header//text()|//footer//text()|//select//text()")


def main_text(doc: Any) -> str:
    """The body's text without scripts, styles, menus, headers and footers. Two XPath calls
    in C instead of a Python walk: ~2 ms on a 350 KB portal page instead of ~15 ms."""
    excluded = set(doc.xpath(_EXCLUDED))
    parts: list[str] = []
    size = 0
    for node in doc.xpath("//body//text()"):
        if node in excluded:
            continue
        parts.append(node)
        size += len(node)
        if size > MAX_CHARS:
            break
    return " ".join(parts)


def normalise(text: str) -> str:
    """Lower case, digits dropped, punctuation-only and volatile words (months, weekdays,
    relative-time words) dropped. Word filtering with a set: a regular expression with the
    same alternation costs ~5x more on a big page."""
    words = text.lower().translate(_BLANKED).split()
    return " ".join([word for word in words if word not in _VOLATILE_WORDS])


def fingerprint(doc: Any) -> tuple[str, int]:
    """(sha256 prefix of the normalised main text, its word count)."""
    text = normalise(main_text(doc))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return digest, len(text.split())
