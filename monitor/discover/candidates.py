"""Where an area's site might be: links found on the portals, and addresses built from names.

Two sources:

1. **Portal links.** A link that leaves the portal is a candidate for every area its host
   label ("kecamatankedaton", "kec-kedaton") or its text ("Website Kec. Kedaton") names; the
   candidate is that host's home page, because the link itself may point at a news article.
   Links to hosts outside go.id count only when the host label names an area (Permenkominfo
   28/2006 puts a government unit's site under go.id; a news site's link text names areas
   all the time). Links inside the portals count only in the kelurahan portal's own form,
   ``/<slug>_<page>`` (seen for Gotong Royong and Sukarame II in public pages): a portal's
   article about an area is not the area's site.
2. **Name patterns** from settings, defaulting to what Indonesian cities use:
   ``kecamatan<slug>.<city domain>`` (purbalinggakab.go.id, sukabumikota.go.id),
   ``kec-<slug>``, ``<slug>``, and the kelurahan portal path.

A candidate URL starting with ``//`` has no scheme: HTTPS is tried first, then HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from monitor.core.errors import ConfigError
from monitor.core.names import slug
from monitor.core.snapshot import Fetched
from monitor.discover.names import Area, AreaIndex
from monitor.targets.loader import url_problem

MAX_LINKS_PER_PAGE = 1000
LINK_TEXT_CHARS = 200
SKIP_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".zip", ".rar",
                   ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".mp4", ".mp3", ".apk")


@dataclass(frozen=True)
class Link:
    url: str  # absolute, no fragment
    text: str  # anchor text, title and image alt, cut to size
    page: str  # where it was found


@dataclass(frozen=True)
class Candidate:
    code: str
    url: str  # "//host/path" (try HTTPS, then HTTP) or an absolute URL
    how: str  # "portal-link" or "pattern"
    level_hint: str | None  # the level the address itself says, if any
    note: str  # where it came from, for the evidence column


def page_links(fetched: Fetched) -> list[Link]:
    """Every http(s) link of a fetched page, resolved against where the page ended up."""
    base = fetched.final_url or fetched.url
    links: list[Link] = []
    for anchor in fetched.document.xpath("//a[@href]")[:MAX_LINKS_PER_PAGE]:
        href = str(anchor.get("href", "")).strip()
        try:
            parts = urlsplit(urljoin(base, href))
        except ValueError:
            continue
        if parts.scheme not in ("http", "https") or not parts.hostname:
            continue
        alts = " ".join(str(a) for a in anchor.xpath(".//img/@alt"))
        text = " ".join(f"{anchor.text_content()} {anchor.get('title', '')} {alts}".split())
        url = urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))
        links.append(Link(url, text[:LINK_TEXT_CHARS], base))
    return links


def crawlable(link: Link, portal_hosts: set[str]) -> bool:
    """Whether the bounded crawl may follow ``link``: a portal page, not a file."""
    parts = urlsplit(link.url)
    return ((parts.hostname or "") in portal_hosts
            and not parts.path.lower().endswith(SKIP_EXTENSIONS))


def link_candidates(
    links: Iterable[Link], index: AreaIndex, wanted: set[str], portal_hosts: set[str],
    kelurahan_portal_host: str,
) -> list[Candidate]:
    """Candidates for the ``wanted`` area codes from the links found on the portals."""
    out: list[Candidate] = []
    for link in links:
        host = urlsplit(link.url).hostname or ""
        if host == kelurahan_portal_host:
            out += _portal_path(link, index, wanted)
        elif host not in portal_hosts:
            out += _external(link, index, wanted)
    return out


def _portal_path(link: Link, index: AreaIndex, wanted: set[str]) -> list[Candidate]:
    parts = urlsplit(link.url)
    segment = parts.path.strip("/").split("/")[0]
    if "/" in parts.path.strip("/") or not segment:
        return []
    mentions = index.mentions(segment.replace("_", " "))
    if not mentions or not segment.casefold().startswith(mentions[0].text.split()[0].casefold()):
        return []
    url = f"//{parts.netloc}{parts.path}"  # the scheme this host answers is learnt once
    note = f'linked from {link.page} as "{link.text}"'
    return [Candidate(a.code, url, "portal-link", "kelurahan", note)
            for a in index.by_key.get(mentions[0].key, [])
            if a.code in wanted and a.level == "kelurahan"]


def _external(link: Link, index: AreaIndex, wanted: set[str]) -> list[Candidate]:
    parts = urlsplit(link.url)
    host = parts.hostname or ""
    labels = [x for x in host.split(".") if x != "www"]
    named: set[tuple[str | None, str]] = set()
    if labels and (match := index.label_match(labels[0])):
        named.add(match)
    elif not host.endswith(".go.id"):
        return []
    named |= {(m.level, m.key) for m in index.mentions(link.text)}
    root = f"//{parts.netloc}/"
    note = f'linked from {link.page} as "{link.text}" ({link.url})'
    out = []
    for level, key in named:
        for area in index.by_key.get(key, []):
            if area.code in wanted and level in (None, area.level):
                out.append(Candidate(area.code, root, "portal-link", level, note))
    return out


def expand(pattern: str, area: Area, domain: str) -> str:
    """One pattern for one area: 'kecamatan{slug}.{domain}' -> '//kecamatankedaton.<domain>/'.
    Placeholders: {slug} 'tanjungkarangpusat', {dashed} 'tanjungkarang-pusat',
    {snake} 'tanjungkarang_pusat', {domain} the city domain."""
    dashed = slug(area.name)
    try:
        text = pattern.format(slug=area.compact, dashed=dashed, snake=dashed.replace("-", "_"),
                              domain=domain)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"discovery pattern {pattern!r}: unknown placeholder {exc}") from None
    if "://" not in text:
        text = "//" + text.lstrip("/")
    if "/" not in text.split("//", 1)[1]:
        text += "/"
    return text


def pattern_candidates(
    areas: Sequence[Area], patterns: dict[str, list[str]], domain: str
) -> list[Candidate]:
    """Addresses built from each area's name with the patterns of its level."""
    out = []
    for area in areas:
        for pattern in patterns.get(area.level, []):
            url = expand(pattern, area, domain)
            if url_problem("https:" + url if url.startswith("//") else url):
                continue
            hint = area.level if _level_in_pattern(pattern) else None
            out.append(Candidate(area.code, url, "pattern", hint, f"pattern {pattern}"))
    return out


def _level_in_pattern(pattern: str) -> bool:
    """A pattern that spells the level ('kecamatan{slug}', 'kec-{slug}', the kelurahan
    portal) says which of two same-named areas it is for."""
    head = pattern.split("{slug}")[0].split("{dashed}")[0].split("{snake}")[0].lower()
    return any(word in head for word in ("kecamatan", "kec", "kelurahan", "kel"))
