"""Visitor profiles: the same home page as other visitors see it, to catch cloaking.

Why: attackers cloak. A hacked site sends visitors who arrive from a Google search on a phone
to a gambling site, or shows the spam only to Google's crawler, while the admin who types the
address on a desktop sees a clean page. So besides the plain visitor (the sweep's own fetch)
the content check asks for the page as:

* ``phone_google``: a phone browser (Chrome on Android) with ``Referer:
  https://www.google.com/``, every sweep: the view that cloaking scripts target most;
* ``googlebot``: Google's crawler, about once a day, and every sweep in which the plain page
  holds any gambling word (``check.CRAWLER_RECHECK``).

Each profile asks for the page the plain visitor ended on (``final_url``) and does not follow
redirects: where it is sent is the evidence, and the gambling site itself is never fetched.
Cost: one request per site per sweep, two in the sweep that also asks as Googlebot (once a
day, or when the page is suspicious): never more than two.

Judged (``judge_redirect``): a profile sent somewhere the plain visitor was not is
``judi_spam`` when the target leaves the site's own hosts or its address names gambling;
a phone sent to the site's own ``m.`` host (or any own host) is honest.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.checks.content.match import Match
from monitor.checks.content.spam import FLAG, address_hits
from monitor.checks.content.vocab import Vocabulary
from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, Request

PROFILE_MAX_BYTES = 2_000_000
GOOGLE_REFERER = "https://www.google.com/"
# Google's documented desktop crawler string (developers.google.com/search/docs/crawling-
# indexing/overview-google-crawlers): what cloaking scripts look for.
CRAWLER_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# Chrome on Android with its reduced User-Agent (the form Chrome has sent since 2023).
PHONE_UA = ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36")


@dataclass(frozen=True)
class Profile:
    name: str  # stored in findings
    label: str  # for evidence: who saw it
    user_agent: str
    headers: tuple[tuple[str, str], ...] = ()

    def request(self, url: str) -> Request:
        return Request(url, user_agent=self.user_agent, max_bytes=PROFILE_MAX_BYTES,
                       headers=self.headers, follow=False)


PHONE_GOOGLE = Profile("phone_google", "a phone browser arriving from a Google search",
                       PHONE_UA, (("Referer", GOOGLE_REFERER),))
GOOGLEBOT = Profile("googlebot", "Googlebot (Google's crawler)", CRAWLER_UA)
PROFILES = (PHONE_GOOGLE, GOOGLEBOT)


def judge_redirect(profile: Profile, fetched: Fetched, site_hosts: list[str],
                   vocab: Vocabulary, page_url: str) -> Match | None:
    """judi_spam when this profile was redirected off the site or to a gambling address
    (the plain visitor was not: it got the page at ``page_url``)."""
    if not fetched.redirects:
        return None
    status, target = fetched.redirects[0]
    host = host_in(target)
    gambling = address_hits(target, vocab)
    where = f"only {profile.label} is redirected (HTTP {status}); a plain visitor gets the page"
    if gambling is not None:
        return Match(FLAG, "judi:cloaking-redirect", page_url, where,
                     f"-> {target[:200]} (a gambling address)", gambling)
    if host and not own_host(host, site_hosts):
        return Match(FLAG, "judi:cloaking-redirect", page_url, where,
                     f"-> {target[:200]} (off the site: {host})", (host,))
    return None
