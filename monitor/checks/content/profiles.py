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

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from monitor.checks.content.match import Match
from monitor.checks.content.spam import FLAG, address_hits
from monitor.checks.content.vocab import Vocabulary
from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, Request

PROFILE_MAX_BYTES = 2_000_000
MAX_SCRIPTS = 50  # inline scripts read per page for location assignments
MAX_SCRIPT_CHARS = 20_000
_REFRESH_URL = re.compile(r"url\s*=\s*(\S+)", re.I)
_JS_LOCATION = re.compile(
    r"""(?:\blocation(?:\.href)?\s*=\s*["']([^"'\s]{4,500})["'])"""
    r"""|(?:\blocation\.(?:replace|assign)\(\s*["']([^"'\s]{4,500})["'])""")
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
    every_sweep: bool = True  # False: asked now and then (Request.every_sweep)

    def request(self, url: str) -> Request:
        return Request(url, user_agent=self.user_agent, max_bytes=PROFILE_MAX_BYTES,
                       headers=self.headers, follow=False, every_sweep=self.every_sweep)


PHONE_GOOGLE = Profile("phone_google", "a phone browser arriving from a Google search",
                       PHONE_UA, (("Referer", GOOGLE_REFERER),))
GOOGLEBOT = Profile("googlebot", "Googlebot (Google's crawler)", CRAWLER_UA,
                    every_sweep=False)  # about daily: check.CRAWLER_RECHECK
PROFILES = (PHONE_GOOGLE, GOOGLEBOT)


def page_redirects(fetched: Fetched, base: str) -> list[tuple[str, str]]:
    """(how, absolute target) of the redirects a page makes by itself: ``<meta
    http-equiv=refresh>`` and a script assigning ``location``. A cloaking page sent only to
    some visitors is often just that: a few bytes that send the browser on."""
    if not fetched.body or fetched.content_type not in ("", "text/html", "application/xhtml+xml"):
        return []
    out: list[tuple[str, str]] = []
    document = fetched.document
    for meta in document.iter("meta"):
        if meta.get("http-equiv", "").lower() == "refresh":
            found = _REFRESH_URL.search(meta.get("content", ""))
            if found:
                out.append(("meta refresh", urljoin(base, found.group(1).strip(" '\""))))
    for script in list(document.iter("script"))[:MAX_SCRIPTS]:
        code = (script.text or "")[:MAX_SCRIPT_CHARS]
        if "location" not in code:
            continue  # most scripts: one C-speed scan instead of a regex
        for found in _JS_LOCATION.finditer(code):
            out.append(("script", urljoin(base, found.group(1) or found.group(2))))
    return out[:10]


def judge_redirect(profile: Profile, fetched: Fetched, site_hosts: list[str],
                   vocab: Vocabulary, page_url: str,
                   plain: tuple[tuple[str, str], ...] = ()) -> Match | None:
    """judi_spam when this profile was redirected off the site or to a gambling address
    (the plain visitor was not: it got the page at ``page_url``), by HTTP or, on a page
    only this profile got, by a meta refresh or script that ``plain`` (the plain page's
    own ``page_redirects``) does not have."""
    if fetched.redirects:
        status, target = fetched.redirects[0]
        return judge_target(profile, f"HTTP {status}", target, site_hosts, vocab, page_url)
    for how, target in page_redirects(fetched, fetched.final_url or page_url):
        if (how, target) not in plain and \
                (found := judge_target(profile, how, target, site_hosts, vocab, page_url)):
            return found
    return None


def judge_target(profile: Profile, how: str, target: str, site_hosts: list[str],
                 vocab: Vocabulary, page_url: str) -> Match | None:
    """One redirect that only ``profile`` got: off the site or to a gambling address."""
    host = host_in(target)
    gambling = address_hits(target, vocab)
    where = f"only {profile.label} is redirected ({how}); a plain visitor gets the page"
    if gambling is not None:
        return Match(FLAG, "judi:cloaking-redirect", page_url, where,
                     f"-> {target[:200]} (a gambling address)", gambling)
    if host and not own_host(host, site_hosts):
        return Match(FLAG, "judi:cloaking-redirect", page_url, where,
                     f"-> {target[:200]} (off the site: {host})", (host,))
    return None
