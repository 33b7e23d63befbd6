"""A date that may say when a site last published, with where and how it was read.

Every source (API, feed, sitemap, page markup, page text, content change, HTTP header) gives
``Candidate`` values, so the check can rank and compare them and quote each one's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Candidate:
    """A date that may say when the site last published, and where it was read."""

    when: datetime  # aware, Asia/Jakarta
    source: str  # the SPEC's word: wp-api, feed, sitemap, jsonld, meta, time, text, ...
    url: str
    text: str  # the exact text or field
    role: str = "item"  # published, modified or item (a listed piece of content)
    relative: bool = False
    """Read from a stamp relative to the moment of viewing ("2 hari yang lalu", "06.30 WIB"):
    it counts only when corroborated (``freshness.stamps``)."""
    window: timedelta = timedelta(0)  # for a relative stamp: how far off ``when`` may be
    key: str = ""  # for a relative stamp: which item it labels (``stamps.item_key``)

    @property
    def day(self) -> str:
        return self.when.date().isoformat()

    @property
    def evidence(self) -> str:
        """The SPEC's last_update_evidence: the URL and the exact text or field."""
        return f"{self.url} {self.text}"[:500]


def newest(candidates: list[Candidate]) -> Candidate | None:
    """The newest by day; on a tie the more reliable source (earlier in the list) wins."""
    best: Candidate | None = None
    for cand in candidates:
        if best is None or cand.when.date() > best.when.date():
            best = cand
    return best
