"""Content health: is the page that answers actually the area's website?

A site that answers 200 may be hacked to carry online-gambling spam, left on a web-server or
CMS placeholder, suspended by its host, blank, or defaced. This check fills the
SPEC field ``content_flags`` with any of ``judi_spam``, ``defaced``, ``suspended``,
``default_page``, ``empty``, and keeps one ``Match`` per rule that fired: the flag, the rule,
the URL, where on the page (title, meta tag, hidden block with its CSS path, link) and the
exact text, so an admin can verify it by hand.

* The rules live in content_spam.py (judi_spam: why one word is never enough) and
  content_signatures.py (placeholder, suspension, deface and empty pages).
* Suspension pages often come with 403 or 503: the body is judged whatever the status;
  only ``empty`` needs a 2xx (an empty error page is an availability problem, not content).
* Cloaking (profiles.py): the home page is also asked for as a phone browser arriving from
  Google (every sweep) and as Googlebot (``CRAWLER_RECHECK``: about once a day, and every
  sweep in which the page we see holds any gambling word, even a weak one), without
  following redirects. A profile sent off the site or to a gambling address, or shown spam
  the plain visitor does not see, is ``judi_spam`` (rules ``judi:cloaking-redirect``,
  ``judi:cloaking``) with the profile named in the evidence.
* injected.py: links after ``</html>``, blocks hidden by a class in the site's own external
  stylesheet, and the search-console verification tags (``verification``; a new one since
  the previous sweep is kept in ``verification_new`` with its evidence: a warning for the
  reports, not a flag).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from monitor.checks.base import Evidence
from monitor.checks.content.injected import (
    after_html,
    new_verification,
    script_spam,
    stylesheet_requests,
    stylesheet_rules,
    verification_text,
)
from monitor.checks.content.match import Match
from monitor.checks.content.page import (
    MAX_TEXT,
    VERIFICATION_TAGS,
    PageView,
    SheetRules,
    read_page,
)
from monitor.checks.content.profiles import (
    CRAWLER_UA,
    GOOGLEBOT,
    PHONE_GOOGLE,
    PROFILES,
    Profile,
    judge_redirect,
    page_redirects,
)
from monitor.checks.content.signatures import find_signatures, is_empty
from monitor.checks.content.spam import find_spam
from monitor.checks.content.vocab import Vocabulary, vocabulary
from monitor.core.hosts import host_in
from monitor.core.snapshot import Fetched, Request, Snapshot

log = logging.getLogger(__name__)

__all__ = ["CRAWLER_UA", "ContentCheck", "ContentHealth", "crawler_request", "profile_request"]

ENGINES = tuple(VERIFICATION_TAGS.values())  # google, bing, yandex: always all three keys
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
    # what each visitor profile got this sweep: {"phone_google": {"status": 302, ...}}
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # search-console tags on the page: {"google": [...], "bing": [...], "yandex": [...]}
    verification: dict[str, list[str]] = field(default_factory=dict)
    # tags new since the sweep before (kept NEW_TAG_DAYS): a warning, not a flag
    verification_new: list[dict[str, str]] = field(default_factory=list)

    def fields(self) -> dict[str, Any]:
        return {"content_flags": list(self.flags)}


def page_url(snapshot: Snapshot) -> str:
    """Where the plain visitor ended: the address the profiles ask for."""
    home = snapshot.home
    return (home.final_url or home.url) if home is not None else snapshot.url


def profile_request(profile: Profile, snapshot_or_url: Snapshot | str) -> Request:
    url = snapshot_or_url if isinstance(snapshot_or_url, str) else page_url(snapshot_or_url)
    return profile.request(url)


def crawler_request(url: str) -> Request:
    """The Googlebot view of ``url`` (no redirects followed)."""
    return GOOGLEBOT.request(url)


def page_of(fetched: Fetched, sheet_rules: SheetRules | None = None) -> PageView | None:
    """The page's view, or None when the body is not something a person reads."""
    url = fetched.final_url or fetched.url
    kind = fetched.content_type
    if kind == "text/plain":
        return PageView(url, text=" ".join(fetched.text[:MAX_TEXT].split()))
    if kind not in HTML_TYPES:
        return None
    return read_page(fetched.document, url, sheet_rules)


def _last_crawler_check(snapshot: Snapshot) -> str | None:
    """When the crawler's view was last compared: now if it was fetched, else carried."""
    if snapshot.fetched(profile_request(GOOGLEBOT, snapshot)) is not None:
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
        suspicious = vocabulary("").any_term(home.text[:MAX_TEXT])
        wanted = [profile_request(PHONE_GOOGLE, snapshot)]
        if suspicious or _crawler_view_due(snapshot):
            wanted.append(profile_request(GOOGLEBOT, snapshot))
        if suspicious:  # the same requests as the mobile check's: fetched once
            wanted += stylesheet_requests(snapshot)
        return [r for r in wanted if snapshot.fetched(r) is None]

    def run(self, snapshot: Snapshot, options: Mapping[str, Any]) -> ContentHealth:
        home = snapshot.home
        if home is None or (not home.body and home.status_code is None):
            return ContentHealth(judged="no body")
        vocab = vocabulary(str(options.get("spam_patterns_file") or ""))
        view = page_of(home, lambda: stylesheet_rules(snapshot))
        if view is None:
            return ContentHealth(judged=f"not html ({home.content_type})")
        hops = [u for _s, u in home.redirects] + ([home.final_url] if home.final_url else [])
        matches = find_spam(view, vocab, snapshot.url, hops)
        matches += after_html(home, view.url, vocab) + script_spam(home, view.url, vocab)
        finding = ContentHealth(judged="home", crawler_checked_at=_last_crawler_check(snapshot),
                                verification={engine: view.verification.get(engine, [])
                                              for engine in ENGINES})
        matches += self._profiles(snapshot, view, vocab, finding, plain_spam=bool(matches))
        matches += find_signatures(view, home.text, hops)
        if home.ok and not matches and (blank := is_empty(view, home.text)):
            matches.append(blank)
        finding.matches = matches
        finding.flags = _ordered(matches)
        finding.evidence = [Evidence.of(m.rule, m.url, m.summary()) for m in matches]
        finding.verification_new = new_verification(snapshot, view.verification, view.url)
        finding.evidence += [Evidence.of("verification:new-tag", e.get("url"),
                                         verification_text(e))
                             for e in finding.verification_new]
        return finding

    def _profiles(self, snapshot: Snapshot, view: PageView, vocab: Vocabulary,
                  finding: ContentHealth, plain_spam: bool) -> list[Match]:
        """What each visitor profile was shown that the plain visitor was not (spam in the
        page itself only counts when the plain visitor's page has none)."""
        out: list[Match] = []
        hosts = [host_in(snapshot.url), host_in(view.url)]
        home = snapshot.home
        home_body = home.body if home is not None else b""

        @functools.cache
        def plain() -> tuple[tuple[str, str], ...]:
            return tuple(page_redirects(home, view.url)) if home is not None else ()

        for profile in PROFILES:
            seen = snapshot.fetched(profile_request(profile, snapshot))
            if seen is None:
                continue
            finding.profiles[profile.name] = {
                "status": seen.status_code, "error": seen.error,
                "redirect": seen.redirects[0][1] if seen.redirects else None}
            if profile is GOOGLEBOT:
                finding.crawler_status = seen.status_code
            found = None
            if seen.body != home_body or seen.redirects:
                found = judge_redirect(profile, seen, hosts, vocab, view.url, plain())
            if found is not None:
                spam = [found]
            elif plain_spam:
                spam = []  # everybody sees spam: the plain visitor's matches say it all
            else:
                spam = self._shown(profile, seen, view, vocab, home_body)
            if spam:
                finding.cloaked = True
                log.info("%s cloaks: %s sees gambling spam", snapshot.code, profile.name)
                out += spam
        return out

    def _shown(self, profile: Profile, seen: Fetched, view: PageView, vocab: Vocabulary,
               home_body: bytes) -> list[Match]:
        """Gambling spam in the page this profile was shown (and the plain visitor not)."""
        if not seen.body or seen.redirects or seen.body == home_body:
            return []  # nothing shown, or the same bytes as the plain visitor got
        raw = vocab.scan(seen.text)
        if not (raw.tier("promo") or raw.tier("topic")):
            return []  # no gambling word anywhere in the markup: no need to parse it
        profile_view = page_of(seen, view.sheet_rules)
        if profile_view is None:
            return []
        spam = find_spam(profile_view, vocab) + after_html(seen, view.url, vocab)
        if not spam:
            return []
        where = f"{profile.label} only, not a plain visitor ({view.url})"
        first = spam[0]
        cloak = Match("judi_spam", "judi:cloaking", seen.final_url or seen.url, where,
                      first.text, first.terms)
        return [cloak, *(replace(m, where=f"as {profile.label}: {m.where}") for m in spam)]
