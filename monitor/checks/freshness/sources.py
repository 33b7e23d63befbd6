"""Machine sources of a site's dates: WordPress REST API, RSS/Atom feeds, robots.txt, sitemaps.

Each reader takes what the sweep fetched (a ``Fetched``) and returns ``Candidate`` dates with
the exact field read. They never raise on a hostile body: JSON and XML are capped at 2 MB, and
XML is parsed with entities unresolved, no network and no huge-tree mode (the "billion
laughs" and external-entity attacks, OWASP XXE Prevention Cheat Sheet). Only per-item dates
count: a feed's ``<lastBuildDate>`` and a sitemap that stamps every entry with the same time
are the server's clock, not an edit.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from monitor.checks.freshness.candidate import Candidate
from monitor.checks.freshness.dates import parse_datetime, plausible
from monitor.core.snapshot import Fetched

log = logging.getLogger(__name__)

MAX_PARSE_BYTES = 2_000_000
MAX_ITEMS = 5_000
GENERATED_NOW = timedelta(minutes=15)
WP_API_REL = "https://api.w.org/"
WP_POSTS_QUERY = "wp/v2/posts?per_page=5&_fields=link,date,date_gmt,modified,modified_gmt"
"""The five newest published posts (the API's default order is by date, newest first,
developer.wordpress.org/rest-api/reference/posts/); ``_fields`` keeps the answer small."""
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


def _xml_parser() -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, recover=True, remove_comments=True)


def parse_xml(body: bytes) -> Any | None:
    """A root element, or None for a body that is not XML at all."""
    data = body[:MAX_PARSE_BYTES].lstrip()
    if not data:
        return None
    try:
        return etree.fromstring(data, _xml_parser())
    except (etree.XMLSyntaxError, ValueError):
        return None


def same_site(url: str, home_url: str) -> bool:
    """Extra URLs stay on the site's own host (www. or not): a hostile page must not make us
    fetch someone else's server or an internal address."""
    try:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        home = (urlsplit(home_url).hostname or "").removeprefix("www.")
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    return bool(host) and host == home and scheme in ("http", "https")


def _machine_ok(when: datetime, now: datetime) -> bool:
    return plausible(when, now) and abs(now - when) > GENERATED_NOW


# -- WordPress REST API -----------------------------------------------------------------
def wp_api_root(doc: Any, headers: dict[str, str], base: str) -> str | None:
    """From ``<link rel="https://api.w.org/">`` or the same relation in a Link header
    (WordPress core, rest_output_link_wp_head / rest_output_link_header)."""
    for link in doc.iter("link"):
        if (link.get("rel") or "").strip() == WP_API_REL and link.get("href"):
            return urljoin(base, str(link.get("href")).strip())
    header = headers.get("link", "")
    for part in header.split(","):
        if f'rel="{WP_API_REL}"' in part and "<" in part and ">" in part:
            return urljoin(base, part[part.index("<") + 1: part.index(">")].strip())
    return None


def wp_posts_url(root: str) -> str:
    if "rest_route=" in root:  # plain permalinks: https://x/?rest_route=/
        return root.rstrip("/") + "/" + WP_POSTS_QUERY.replace("?", "&", 1)
    return root.rstrip("/") + "/" + WP_POSTS_QUERY


def _wp_when(post: dict[str, Any], key: str) -> tuple[datetime | None, str]:
    gmt = post.get(f"{key}_gmt")
    if isinstance(gmt, str) and gmt:
        return parse_datetime(gmt + "Z"), f'"{key}_gmt": "{gmt}"'
    local = post.get(key)
    if isinstance(local, str) and local:  # the site's own zone; Bandar Lampung is WIB
        return parse_datetime(local), f'"{key}": "{local}"'
    return None, ""


def read_wp_posts(fetched: Fetched, now: datetime) -> list[Candidate]:
    if not fetched.ok:
        return []
    try:
        posts = json.loads(fetched.body[:MAX_PARSE_BYTES])
    except (ValueError, RecursionError):
        return []
    if not isinstance(posts, list):
        return []
    url = fetched.final_url or fetched.url
    found = []
    for post in posts[:50]:
        if not isinstance(post, dict):
            continue
        for key in ("modified", "date"):
            when, text = _wp_when(post, key)
            if when is not None and plausible(when, now):  # real post dates, never "now"
                link = post.get("link")
                where = f" (post {link})" if isinstance(link, str) else ""
                found.append(Candidate(when, "wp-api", url, text + where,
                                       "modified" if key == "modified" else "published"))
    return found


# -- feeds ------------------------------------------------------------------------------
def feed_url(doc: Any, base: str, wordpress: bool) -> str | None:
    """The first RSS/Atom feed the page announces (not a comments feed); WordPress's
    ``/feed/`` when a WordPress site announces none."""
    for link in doc.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href and "comments" not in href:
            return urljoin(base, str(href))
    return urljoin(base, "/feed/") if wordpress else None


_ITEM_DATES = ("pubDate", "published", "updated", "date", "modified", "issued")


def read_feed(fetched: Fetched, now: datetime) -> list[Candidate]:
    """The date of every item/entry (RSS 2.0 ``pubDate``, Atom ``updated``/``published``,
    Dublin Core ``dc:date``); channel dates are ignored."""
    if not fetched.ok:
        return []
    root = parse_xml(fetched.body)
    if root is None:
        return []
    url = fetched.final_url or fetched.url
    found = []
    items = root.xpath("//*[local-name()='item' or local-name()='entry']")[:MAX_ITEMS]
    for item in items:
        for child in item:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name not in _ITEM_DATES or not child.text:
                continue
            when = parse_datetime(child.text)
            if when is not None and _machine_ok(when, now):
                tag = child.prefix + ":" + name if child.prefix else name
                found.append(Candidate(when, "feed", url, f"<{tag}>{child.text.strip()}</{tag}>",
                                       "modified" if name in ("updated", "modified") else "item"))
    return found


# -- robots.txt and sitemaps ------------------------------------------------------------
def robots_sitemaps(fetched: Fetched) -> list[str]:
    """``Sitemap:`` lines of robots.txt (RFC 9309 allows other records; sitemaps.org
    defines this one)."""
    if not fetched.ok:
        return []
    text = fetched.body[:200_000].decode("utf-8", "replace")
    if "<html" in text[:1000].lower():  # a soft 404 that serves the home page
        return []
    found = []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "sitemap" and value.strip():
            found.append(value.strip())
    return found[:10]


def read_sitemap(fetched: Fetched, now: datetime) -> list[Candidate]:
    """``<lastmod>`` of each ``<url>`` (or each child ``<sitemap>`` of an index). A sitemap
    whose entries all carry one identical timestamp was stamped at generation time, not by
    edits, and says nothing."""
    if not fetched.ok:
        return []
    root = parse_xml(fetched.body)
    if root is None:
        return []
    url = fetched.final_url or fetched.url
    entries = root.xpath("/*/*[local-name()='url' or local-name()='sitemap']")[:50_000]
    seen: list[tuple[datetime, str]] = []
    for entry in entries:
        lastmod = loc = None
        for child in entry:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name == "lastmod":
                lastmod = (child.text or "").strip()
            elif name == "loc":
                loc = (child.text or "").strip()
        when = parse_datetime(lastmod) if lastmod else None
        if when is not None:
            seen.append((when, f"<loc>{(loc or '')[:150]}</loc> <lastmod>{lastmod}</lastmod>"))
    if len(seen) >= 3 and len({when for when, _ in seen}) == 1:
        return []
    return [Candidate(when, "sitemap", url, text) for when, text in seen
            if _machine_ok(when, now)]


def sitemap_fallback(base: str, wordpress: bool) -> str:
    """WordPress 5.5+ serves its core sitemap at /wp-sitemap.xml; others by convention at
    /sitemap.xml (sitemaps.org)."""
    return urljoin(base, "/wp-sitemap.xml" if wordpress else "/sitemap.xml")


# -- HTTP header ------------------------------------------------------------------------
def read_last_modified(fetched: Fetched, now: datetime) -> list[Candidate]:
    """``Last-Modified`` (RFC 9110 section 8.8.2): weak, as dynamic pages send the time of
    the request; a value within 15 minutes of the fetch is ignored."""
    value = fetched.headers.get("last-modified", "")
    when = parse_datetime(value) if value else None
    if when is None or not _machine_ok(when, now):
        return []
    return [Candidate(when, "http-header", fetched.final_url or fetched.url,
                      f"Last-Modified: {value}", "modified")]
