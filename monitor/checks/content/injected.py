"""Spam placed where a page's own markup does not show it: after ``</html>`` and behind a
class defined in the site's external stylesheet; and the search-console tags a takeover adds.

Why each:

* After ``</html>``: injected PHP often echoes its links after the template has closed the
  document. Browsers and crawlers still read them (the parser moves them into <body>), but no
  template ever writes there, so any gambling link there is planted, even one whose anchor
  is a whole sentence ("Agen judi bola terbaik di Indonesia") that the keyword-anchor rule
  leaves alone on an ordinary page. Anti-gambling words still exempt topic-only anchors.
* External stylesheets: ``<div class="xz-ft">`` plus ``.xz-ft{display:none}`` in the theme's
  CSS hides the block from visitors while nothing in the HTML says so. The sweep already
  fetches up to four of the site's own stylesheets for the mobile check; the content check
  reads the same responses (the same requests, fetched once).
* Scripts: a ``<script src>`` on a gambling host, or a script or meta refresh sending every
  visitor to a gambling address (the sweep reads the code; browsers run it).
* Verification tags: whoever adds a ``google-site-verification`` tag (or Bing's
  ``msvalidate.01``, Yandex's ``yandex-verification``) controls the site in that search
  console: attackers add theirs to submit gambling sitemaps under a government name. A new
  tag is a warning for the admin to confirm, not proof of a hack.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import lxml.html
from lxml import etree

from monitor.checks.content.match import Match, excerpt
from monitor.checks.content.page import hiding_rules
from monitor.checks.content.profiles import MAX_SCRIPTS, page_redirects
from monitor.checks.content.spam import FLAG, address_hits, block_is_spam, quote
from monitor.checks.content.vocab import Vocabulary
from monitor.checks.mobile.check import MAX_CSS_BYTES, MAX_STYLESHEETS, stylesheet_links
from monitor.core.hosts import host_in, own_host
from monitor.core.snapshot import Fetched, Request, Snapshot

TAIL_BYTES = 65_536  # characters read after </html>
NEW_TAG_DAYS = 8  # a new tag stays in the findings this long: the weekly report sees it
_END_HTML = re.compile(r"</html\s*>", re.I)
_LINK = re.compile(r"<a\s", re.I)


def stylesheet_requests(snapshot: Snapshot) -> list[Request]:
    """The site's own stylesheets, as the same requests the mobile check makes."""
    home = snapshot.home
    if home is None or not home.ok or not home.body:
        return []
    base = home.final_url or home.url
    hosts = [host_in(snapshot.url), host_in(base)]
    return [Request(url, max_bytes=MAX_CSS_BYTES)
            for url, media in stylesheet_links(home.document, base)[:MAX_STYLESHEETS]
            if media.strip().lower() != "print" and own_host(host_in(url), hosts)]


def stylesheet_rules(snapshot: Snapshot) -> dict[str, str]:
    """Hiding rules from the stylesheets the sweep fetched (none fetched: none)."""
    rules: dict[str, str] = {}
    for request in stylesheet_requests(snapshot):
        sheet = snapshot.fetched(request)
        if sheet is not None and sheet.ok and sheet.body:
            rules.update(hiding_rules(sheet.text, request.url))
    return rules


def after_html(fetched: Fetched, page_url: str, vocab: Vocabulary) -> list[Match]:
    """Gambling links or text placed after the document's closing ``</html>``."""
    text = fetched.text
    ends = [m.end() for m in _END_HTML.finditer(text)]
    if not ends:
        return []
    tail = text[ends[-1]:ends[-1] + TAIL_BYTES]
    if not tail.strip():
        return []
    hits = vocab.scan(tail)
    if not (hits.tier("promo") or hits.tier("topic")):
        return []
    try:
        fragment = lxml.html.fragment_fromstring(tail, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    own = [host_in(page_url)]
    out: list[Match] = []
    for a in fragment.iter("a"):
        href = (a.get("href") or "").strip()
        label = " ".join(a.text_content().split())[:300]
        if not href or own_host(host_in(href), own):
            continue
        anchor = vocab.scan(label)
        address = vocab.scan(href)
        if spam_link_like(anchor, address):
            terms = tuple(t for t in {**address.terms, **anchor.terms})
            out.append(Match(FLAG, "judi:after-html", page_url, "link after </html>",
                             f"{label[:100]!r} -> {href[:150]}", terms))
    if not out and _LINK.search(tail) is None:
        body = " ".join(fragment.text_content().split())
        block = vocab.scan(body)
        if block.any and block_is_spam(block):
            out.append(Match(FLAG, "judi:after-html", page_url, "text after </html>",
                             quote(body, block), tuple(block.terms)))
    return out[:5]


def spam_link_like(anchor: Any, address: Any) -> bool:
    """Planted-link threshold: a promo term in the anchor or address, or a topic term in
    the anchor with no anti-gambling word (no keyword-anchor length limit here)."""
    if anchor.tier("promo") or address.tier("promo"):
        return True
    return bool(anchor.tier("topic") and not anchor.anti) or bool(address.tier("topic"))


def script_spam(fetched: Fetched, page_url: str, vocab: Vocabulary) -> list[Match]:
    """A script loaded from a gambling address, or a script or meta refresh that sends
    every visitor to one (browsers run it; the sweep does not, so it reads the code)."""
    out: list[Match] = []
    srcs = [src for script in list(fetched.document.iter("script"))[:MAX_SCRIPTS]
            if (src := (script.get("src") or "").strip())]
    targets = page_redirects(fetched, page_url)
    if not vocab.scan(" ".join(srcs + [t for _how, t in targets])).any:
        return []  # one scan for the common case: no gambling word in any address
    for src in srcs:
        if (terms := address_hits(src, vocab)) is not None:
            out.append(Match(FLAG, "judi:script", page_url, "script src",
                             f"<script src={src[:200]!r}>", terms))
    for how, target in targets:
        if (terms := address_hits(target, vocab)) is not None:
            out.append(Match(FLAG, "judi:script", page_url, f"{how} redirect",
                             f"-> {target[:200]}", terms))
    return out[:5]


# -- search-console verification tags ----------------------------------------------------------

def new_verification(snapshot: Snapshot, current: Mapping[str, list[str]],
                     page_url: str) -> list[dict[str, str]]:
    """Tags not on the page at the previous sweep (first seen within ``NEW_TAG_DAYS``).

    A first sweep, or a previous finding from before tags were recorded, has nothing to
    compare with: nothing is new then."""
    previous = snapshot.previous.get("content")
    if previous is None or not isinstance(previous.data.get("verification"), dict):
        return []
    before: dict[str, Any] = previous.data["verification"]
    carried = {(str(e.get("engine")), str(e.get("token"))): e
               for e in previous.data.get("verification_new") or [] if isinstance(e, dict)}
    out: list[dict[str, str]] = []
    for engine, tokens in current.items():
        for token in tokens:
            key = (engine, token)
            if key in carried and _recent(carried[key].get("first_seen"), snapshot.taken_at):
                out.append(dict(carried[key]))
            elif token not in (before.get(engine) or []):
                out.append({"engine": engine, "token": token, "url": page_url,
                            "first_seen": snapshot.taken_at.isoformat()})
    return out


def _recent(when: Any, now: datetime) -> bool:
    try:
        return now - datetime.fromisoformat(str(when)) < timedelta(days=NEW_TAG_DAYS)
    except (TypeError, ValueError):
        return False


def verification_text(entry: Mapping[str, str]) -> str:
    """One evidence line for a new tag."""
    names = {"google": "google-site-verification", "bing": "msvalidate.01",
             "yandex": "yandex-verification"}
    name = names.get(entry.get("engine", ""), entry.get("engine", ""))
    seen = str(entry.get("first_seen", ""))[:16]
    return excerpt(f'new <meta name="{name}" content="{entry.get("token", "")}"> '
                   f"(first seen {seen}; not on the page at the sweep before)", 0, 290)

