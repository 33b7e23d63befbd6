"""Content health: is the page that answers actually the area's website?

A site that answers 200 may be hacked to carry online-gambling spam, left on a web-server or
CMS placeholder, suspended by its host, blank, or defaced (issue 5). This check fills the
SPEC field ``content_flags`` with any of ``judi_spam``, ``defaced``, ``suspended``,
``default_page``, ``empty``, and keeps one ``Match`` per rule that fired: the flag, the rule,
the URL, where on the page (title, meta tag, hidden block with its CSS path, link) and the
exact text, so an admin can verify it by hand.

* The rules live in content_spam.py (judi_spam: why one word is never enough) and
  content_signatures.py (placeholder, suspension, deface and empty pages).
* Suspension pages often come with 403 or 503: the body is judged whatever the status;
  only ``empty`` needs a 2xx (an empty error page is an availability problem, not content).
* Cloaking: hacked sites often show spam only to search engines, so ``plan`` asks for the
  home page once more with Googlebot's User-Agent and ``run`` applies the spam rules to that
  version too. Spam seen only there is reported with rule ``judi:cloaking``. The extra
  request is made when the page we see is suspicious (any gambling word, even a weak one),
  and otherwise once a day per site (``CRAWLER_RECHECK``): a cloaked page looks clean to us
  by design, so a daily look is the floor, while a sweep every 6 hours does not pay for
  four identical comparisons.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.base import Evidence
from monitor.checks.content.match import Match
from monitor.checks.content.page import MAX_TEXT, PageView, read_page
from monitor.checks.content.signatures import find_signatures, is_empty
from monitor.checks.content.spam import find_spam
from monitor.checks.content.vocab import Vocabulary, vocabulary
from monitor.core.snapshot import Fetched, Request, Snapshot

log = logging.getLogger(__name__)

# Google's documented desktop crawler string (developers.google.com/search/docs/crawling-
# indexing/overview-google-crawlers): what cloaking scripts look for.
CRAWLER_UA = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)")
CRAWLER_MAX_BYTES = 2_000_000
CRAWLER_RECHECK = timedelta(hours=20)  # about once a day with sweeps every 6 hours
FLAG_ORDER = ("judi_spam", "defaced", "suspended", "default_page", "empty")
HTML_TYPES = ("", "text/html", "application/xhtml+xml")


@dataclass
class ContentHealth:
    """The finding: flags (most serious first) and the matches behind them."""

    flags: list[str] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    cloaked: bool = False  # spam shown to a search-engine crawler only
    crawler_status: int | None = None  # None: the crawler version was not fetched
    judged: str = ""  # what was read: "home", "not html (application/pdf)", "no body"...
    crawler_checked_at: str | None = None  # ISO time the crawler's view was last compared
    evidence: list[Evidence] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {"content_flags": list(self.flags)}


def crawler_request(url: str) -> Request:
    return Request(url, user_agent=CRAWLER_UA, max_bytes=CRAWLER_MAX_BYTES)


def page_of(fetched: Fetched) -> PageView | None:
    """The page's view, or None when the body is not something a person reads."""
    url = fetched.final_url or fetched.url
    kind = fetched.content_type
    if kind == "text/plain":
        return PageView(url, text=" ".join(fetched.text[:MAX_TEXT].split()))
    if kind not in HTML_TYPES:
        return None
    return read_page(fetched.document, url)


def _last_crawler_check(snapshot: Snapshot) -> str | None:
    """When the crawler's view was last compared: now if it was fetched, else carried."""
    if snapshot.fetched(crawler_request(snapshot.url)) is not None:
        return snapshot.taken_at.isoformat()
    previous = snapshot.previous.get("content")
    value = previous.data.get("crawler_checked_at") if previous else None
    return value if isinstance(value, str) else None


def _crawler_view_due(snapshot: Snapshot) -> bool:
    last = _last_crawler_check(snapshot)
    if last is None:
        return True
    try:
        return snapshot.taken_at - datetime.fromisoformat(last) >= CRAWLER_RECHECK
    except (ValueError, TypeError):
        return True


def _ordered(matches: list[Match]) -> list[str]:
    present = {m.flag for m in matches}
    return [f for f in FLAG_ORDER if f in present]


class ContentCheck:
    name = "content"

    def plan(self, snapshot: Snapshot) -> Sequence[Request]:
        home = snapshot.home
        if home is None or not home.ok or home.content_type not in HTML_TYPES[1:]:
            return ()
        request = crawler_request(snapshot.url)
        if snapshot.fetched(request) is not None:
            return ()
        if _crawler_view_due(snapshot) or vocabulary("").scan(home.text[:MAX_TEXT]).any:
            return (request,)
        return ()

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> ContentHealth:
        home = snapshot.home
        if home is None or (not home.body and home.status_code is None):
            return ContentHealth(judged="no body")
        vocab = vocabulary(str(options.get("spam_patterns_file") or ""))
        view = page_of(home)
        if view is None:
            return ContentHealth(judged=f"not html ({home.content_type})")
        hops = [u for _s, u in home.redirects] + ([home.final_url] if home.final_url else [])
        matches = find_spam(view, vocab, snapshot.url, hops)
        finding = ContentHealth(judged="home", crawler_checked_at=_last_crawler_check(snapshot))
        if not matches:
            matches = self._cloaking(snapshot, view, vocab, finding)
        matches += find_signatures(view, home.text, hops)
        if home.ok and not matches and (blank := is_empty(view, home.text)):
            matches.append(blank)
        finding.matches = matches
        finding.flags = _ordered(matches)
        finding.evidence = [Evidence.of(m.rule, m.url, m.summary()) for m in matches]
        return finding

    def _cloaking(self, snapshot: Snapshot, view: PageView, vocab: Vocabulary,
                  finding: ContentHealth) -> list[Match]:
        crawled = snapshot.fetched(crawler_request(snapshot.url))
        if crawled is None:
            return []
        finding.crawler_status = crawled.status_code
        home = snapshot.home
        if not crawled.body or (home is not None and crawled.body == home.body):
            return []  # the same bytes for both: nothing is cloaked
        raw = vocab.scan(crawled.text)
        if not (raw.tier("promo") or raw.tier("topic")):
            return []  # no gambling word anywhere in the markup: no need to parse it
        crawler_view = page_of(crawled)
        if crawler_view is None:
            return []
        hops = [u for _s, u in crawled.redirects]
        spam = find_spam(crawler_view, vocab, snapshot.url, hops)
        if not spam:
            return []
        finding.cloaked = True
        log.info("%s shows gambling spam to crawlers only", snapshot.code)
        where = f"Googlebot User-Agent only, not a browser ({view.url})"
        first = spam[0]
        cloak = Match("judi_spam", "judi:cloaking", crawled.final_url or crawled.url, where,
                      first.text, first.terms)
        return [cloak, *(replace(m, where=f"as Googlebot: {m.where}") for m in spam)]
