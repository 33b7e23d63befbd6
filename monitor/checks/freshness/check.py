"""Freshness: when did the site really last publish?

The site, not a page, is dated: the newest date on which real content appeared or changed,
read from sources in order of reliability (the idea of htmldate's ``core.py``, applied to a
whole site). The first source that gives a valid date wins; within a source the newest date:

1. ``wp-api``: the WordPress REST API announced by ``<link rel="https://api.w.org/">``
   (newest posts' ``modified_gmt``/``date_gmt``);
2. ``feed``: the RSS/Atom feed the page announces (``/feed/`` on WordPress), item dates only;
3. ``sitemap``: ``<lastmod>`` of the sitemap named in robots.txt (else ``/wp-sitemap.xml`` or
   ``/sitemap.xml``);
4. the home page itself, newest of ``jsonld``, ``meta``, ``time``, ``url`` (the
   /YYYY/MM/DD/slug permalinks of the posts it links to) and ``text`` dates, with the traps
   removed (see ``page``); a stamp relative to the moment of viewing ("2 hari yang lalu")
   counts only when corroborated (``stamps``: the text changed since the previous sweep, an
   absolute date agrees, or the previous sweep's date does), else it is kept as evidence;
5. ``content-change``: the main text's fingerprint differs from the previous sweep's;
6. ``http-header``: ``Last-Modified`` (weak: many servers send "now", which is ignored).

At most four extra URLs per site per sweep (API, feed, robots.txt, sitemap), fetched by the
sweep within the site's deadline. When the site cannot be reached, or shows no date now, the
previous sweep's finding still dates it. The activity words come from ``monitor.core.activity``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from monitor.checks.base import Evidence
from monitor.checks.freshness.candidate import Candidate, newest
from monitor.checks.freshness.fingerprint import fingerprint
from monitor.checks.freshness.kept import home_sources, read
from monitor.checks.freshness.page import read_page
from monitor.checks.freshness.sources import (
    read_feed,
    read_last_modified,
    read_sitemap,
    read_wp_posts,
    robots_sitemaps,
    same_site,
    sitemap_fallback,
    wp_posts_url,
)
from monitor.checks.freshness.stamps import corroborate
from monitor.core.activity import TIDAK_ADA_SITUS, classify
from monitor.core.clock import JAKARTA, jakarta_date
from monitor.core.settings import DEFAULTS
from monitor.core.snapshot import Fetched, PreviousFinding, Request, Snapshot

log = logging.getLogger(__name__)

MAX_EXTRA = 4
EXTRA_MAX_BYTES = 2_000_000
MIN_FINGERPRINT_WORDS = 30
"""Below this a page is an error or placeholder page; flipping to or from one is not an edit."""
ORDER = ("wp-api", "feed", "sitemap", "page", "content-change", "http-header")
READERS = {"wp-api": read_wp_posts, "feed": read_feed, "sitemap": read_sitemap}
@dataclass
class Freshness:
    last_update: str | None = None
    last_update_source: str | None = None
    last_update_evidence: str | None = None
    days_since_update: int | None = None
    activity: str = "tidak_diketahui"
    reachable: bool = False
    ever_reached: bool = False
    newest_by_source: dict[str, str] = field(default_factory=dict)  # source -> YYYY-MM-DD
    carried_from: str | None = None  # the earlier sweep a carried date came from
    fingerprint: str | None = None
    fingerprint_words: int = 0
    fingerprint_since: str | None = None  # first sweep that saw this fingerprint (ISO)
    content_changed_on: str | None = None  # YYYY-MM-DD of the last change seen
    content_change_text: str | None = None
    stamp_items: list[str] = field(default_factory=list)  # items the page's relative stamps label
    evidence: list[Evidence] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {
            "last_update": self.last_update,
            "last_update_source": self.last_update_source,
            "last_update_evidence": self.last_update_evidence,
            "days_since_update": self.days_since_update,
            "activity": self.activity,
        }


def _base(home: Fetched) -> str:
    return home.final_url or home.url


def wanted(snapshot: Snapshot) -> list[tuple[str, Request]]:
    """The extra URLs, in a fixed order so the total never exceeds MAX_EXTRA: the API and the
    feed are known from the home page; robots.txt only when neither dated the site; the
    sitemap once robots.txt is in."""
    home = snapshot.home
    if home is None or not home.ok:
        return []
    base = _base(home)
    api, feed, wordpress = home_sources(home)
    urls: list[tuple[str, str]] = []
    if api:
        urls.append(("wp-api", wp_posts_url(api)))
    if feed:
        urls.append(("feed", feed))
    if any(snapshot.fetched(url) is None for _kind, url in urls) or _dated_by(snapshot, urls):
        # first the API and feed; if one of them dates the site the sitemap could not win
        # over it, so robots.txt and the sitemap (two requests) are saved
        return _requests(urls, base)
    robots = urljoin(base, "/robots.txt")
    urls.append(("robots", robots))
    robots_got = snapshot.fetched(robots)
    if robots_got is not None:
        named = [urljoin(robots, u) for u in robots_sitemaps(robots_got)]
        named = [u for u in named if same_site(u, base)]
        urls.append(("sitemap", named[0] if named else sitemap_fallback(base, wordpress)))
    return _requests(urls, base)


def _dated_by(snapshot: Snapshot, urls: list[tuple[str, str]]) -> bool:
    """True when a fetched higher-ranked source (API, feed) already gives a valid date: the
    sitemap could not win over it, so its two requests (robots.txt, sitemap) are saved."""
    now = snapshot.taken_at
    for kind, url in urls:
        got = snapshot.fetched(url)
        if got is not None and kind in READERS and read(kind, READERS[kind], got, now):
            return True
    return False


def _requests(urls: list[tuple[str, str]], base: str) -> list[tuple[str, Request]]:
    seen: set[str] = set()
    out = []
    for kind, url in urls:
        if url not in seen and same_site(url, base):
            seen.add(url)
            out.append((kind, Request(url, max_bytes=EXTRA_MAX_BYTES)))
    return out[:MAX_EXTRA]


def collect(snapshot: Snapshot,
            now: datetime) -> tuple[dict[str, list[Candidate]], tuple[Candidate, ...]]:
    """Valid candidates by source (the home page's own sources pooled as "page"), and the
    home page's newest relative stamps newer than its absolute dates (they count only when
    corroborated, see ``stamps``). The fetched sources are all read (their disagreements
    are evidence); the home page is searched only when none of them dated the site, which keeps
    a whole sweep under 10 ms CPU per site."""
    home = snapshot.home
    assert home is not None
    found: dict[str, list[Candidate]] = {}
    for kind, request in wanted(snapshot):
        got = snapshot.fetched(request)
        if got is not None and kind in READERS:
            found.setdefault(kind, []).extend(read(kind, READERS[kind], got, now))
    stamps: tuple[Candidate, ...] = ()
    if not any(found.values()):
        page = read_page(home.document, _base(home), now)
        found["page"] = [page.best] if page.best else []
        found["http-header"] = read_last_modified(home, now)
        stamps = page.stamps
    return found, stamps


def choose(found: Mapping[str, list[Candidate]]) -> Candidate | None:
    for source in ORDER:
        best = newest(found.get(source, []))
        if best is not None:
            return best
    return None


def _track_content(finding: Freshness, home: Fetched, previous: PreviousFinding | None,
                   now: datetime) -> tuple[Candidate | None, tuple[date, date] | None]:
    """Compare the main text's fingerprint with the previous sweep's; a change dates the
    site, and the date of the last change seen is kept from sweep to sweep. Also returns
    (previous sweep's day, today) when the text changed since the previous sweep."""
    digest, words = fingerprint(home.document)
    prev = previous.data if previous else {}
    finding.fingerprint, finding.fingerprint_words = digest, words
    finding.fingerprint_since = now.isoformat()
    finding.content_changed_on = prev.get("content_changed_on")
    finding.content_change_text = prev.get("content_change_text")
    old = prev.get("fingerprint")
    changed = None
    if previous is not None and old == digest:
        finding.fingerprint_since = prev.get("fingerprint_since") or previous.taken_at.isoformat()
    elif previous is not None and old and words >= MIN_FINGERPRINT_WORDS \
            and prev.get("fingerprint_words", 0) >= MIN_FINGERPRINT_WORDS:
        before = jakarta_date(previous.taken_at).isoformat()
        finding.content_changed_on = jakarta_date(now).isoformat()
        changed = (jakarta_date(previous.taken_at), jakarta_date(now))
        finding.content_change_text = (f"main text fingerprint {old} -> {digest} (changed "
                                       f"between the sweeps of {before} and "
                                       f"{finding.content_changed_on})")
    if not finding.content_changed_on or not finding.content_change_text:
        return None, changed
    day = date.fromisoformat(finding.content_changed_on)
    when = datetime(day.year, day.month, day.day, tzinfo=JAKARTA)
    return Candidate(when, "content-change", _base(home), finding.content_change_text), changed


def _judge_stamps(stamps: tuple[Candidate, ...], found: dict[str, list[Candidate]],
                  changed: tuple[date, date] | None, previous: PreviousFinding | None,
                  now: datetime) -> Evidence | None:
    """Relative stamps newer than every absolute date, newest first: the first one
    corroborated is counted (as a "page" date whose evidence names the stamp and what
    corroborated it); when none is, the newest is kept as evidence."""
    prev = previous.data if previous else {}
    earlier = None
    try:
        if previous is not None and prev.get("last_update"):
            earlier = (date.fromisoformat(str(prev["last_update"])),
                       str(prev.get("last_update_source")), jakarta_date(previous.taken_at))
    except ValueError:  # a stored value we did not write: no earlier date to compare with
        earlier = None
    absolute = [c for source in ("wp-api", "feed", "sitemap", "page")
                for c in found.get(source, [])]
    items = prev.get("stamp_items")
    seen = frozenset(str(i) for i in items) if isinstance(items, list) else None
    notes = []
    for stamp in stamps:
        counted, note = corroborate(stamp, absolute=absolute, changed=changed,
                                    earlier=earlier, first_sweep=not prev.get("fingerprint"),
                                    today=jakarta_date(now), seen=seen)
        if counted is not None:
            found.setdefault("page", []).append(counted)
            return None
        notes.append(note)
    return notes[0] if notes else None


def _unchanged_evidence(finding: Freshness, url: str, now: datetime, limit: int) -> None:
    if not finding.fingerprint_since:
        return
    since = datetime.fromisoformat(finding.fingerprint_since)
    days = (jakarta_date(now) - jakarta_date(since)).days
    if days >= limit:
        finding.evidence.append(Evidence.of(
            "content-unchanged", url,
            f"main text unchanged since {jakarta_date(since).isoformat()} ({days} days)"))


class FreshnessCheck:
    name = "freshness"

    def plan(self, snapshot: Snapshot) -> Sequence[Request]:
        return [r for _kind, r in wanted(snapshot) if r.key not in snapshot.extra]

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> Freshness:
        home = snapshot.home
        if home is None:
            return Freshness(activity=TIDAK_ADA_SITUS, evidence=[
                Evidence.of("no-url", None, "targets.csv has no URL for this area")])
        now = snapshot.taken_at
        previous = snapshot.previous.get(self.name)
        reachable = home.ok and bool(home.body.strip())
        finding = Freshness(reachable=reachable, ever_reached=reachable or bool(
            previous and previous.data.get("ever_reached")))
        chosen = None
        if reachable:
            found, stamps = collect(snapshot, now)
            finding.stamp_items = sorted({s.key for s in stamps})
            change, changed = _track_content(finding, home, previous, now)
            found["content-change"] = [change] if change else []
            note = _judge_stamps(stamps, found, changed, previous, now)
            chosen = choose(found)
            self._record(finding, found, chosen)
            finding.evidence.extend([note] if note else [])
            _unchanged_evidence(finding, _base(home), now,
                                int(options.get("kurang_aktif_days", DEFAULTS.kurang_aktif_days)))
        elif previous is not None:
            self._keep_fingerprint(finding, previous)
        if chosen is not None:
            finding.last_update = chosen.day
            finding.last_update_source = chosen.source
            finding.last_update_evidence = chosen.evidence
        elif previous is not None and previous.data.get("last_update"):
            self._carry(finding, previous, reachable)
        return self._judge(finding, now, options)

    @staticmethod
    def _record(finding: Freshness, found: Mapping[str, list[Candidate]],
                chosen: Candidate | None) -> None:
        for source in ORDER:
            best = newest(found.get(source, []))
            if best is None:
                continue
            finding.newest_by_source[best.source if source != "page" else "page"] = best.day
            rule = "last-update" if best is chosen else "also-dated"
            finding.evidence.append(Evidence.of(f"{rule}:{best.source}", best.url,
                                                f"{best.day} from {best.text}"))

    @staticmethod
    def _keep_fingerprint(finding: Freshness, previous: PreviousFinding) -> None:
        """Unreachable now: keep what the next sweep compares with."""
        for name in ("fingerprint", "fingerprint_words", "fingerprint_since",
                     "content_changed_on", "content_change_text", "stamp_items"):
            if name in previous.data:
                setattr(finding, name, previous.data[name])

    @staticmethod
    def _carry(finding: Freshness, previous: PreviousFinding, reachable: bool) -> None:
        data = previous.data
        finding.last_update = data.get("last_update")
        finding.last_update_source = data.get("last_update_source")
        finding.last_update_evidence = data.get("last_update_evidence")
        finding.carried_from = previous.taken_at.isoformat()
        why = "shows no date now" if reachable else "cannot be reached now"
        finding.evidence.append(Evidence.of(
            "earlier-sweep", None, f"the site {why}; last update {finding.last_update} as "
            f"found on {jakarta_date(previous.taken_at).isoformat()}"))

    @staticmethod
    def _judge(finding: Freshness, now: datetime, options: Mapping[str, Any]) -> Freshness:
        if finding.last_update:
            updated = date.fromisoformat(finding.last_update)
            finding.days_since_update = max(0, (jakarta_date(now) - updated).days)
        finding.activity = classify(
            has_site=True, reachable=finding.ever_reached,
            days_since_update=finding.days_since_update,
            aktif_days=int(options.get("aktif_days", DEFAULTS.aktif_days)),
            kurang_aktif_days=int(options.get("kurang_aktif_days", DEFAULTS.kurang_aktif_days)))
        return finding
