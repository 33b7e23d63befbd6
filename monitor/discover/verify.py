"""Judge one fetched candidate page: is it this area's own website?

A candidate is kept only when the page answers and *names the area* where a site names
itself: the <title>, the site name (og:site_name, application-name, a WordPress
``site-title``, a navbar brand or logo alt text) and the headings, in that order of trust.
The first tier that names any kecamatan or kelurahan decides who owns the page:

* with a level word ("Kecamatan Kedaton", "Kel. Sidodadi"): the most specific level named
  owns it, so "Kelurahan Sidodadi - Kecamatan Kedaton" is Sidodadi's site, not Kedaton's;
  naming several areas of that level, or another area, rejects the candidate;
* a bare name ("Kedaton") is weaker, and only counts when no other area is named and the
  name is not shared by a kecamatan and a kelurahan (unless the address says which).

Parked domains, hosting placeholders and suspended accounts are rejected whatever they say:
a parked page often repeats the host name it was asked for. Hosts outside go.id are capped at
low confidence: Permenkominfo 28/2006 puts a government unit's site under its government's
go.id domain, so anything else may be an impostor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monitor.core.snapshot import Fetched
from monitor.discover.names import Area, AreaIndex, Mention, area_key

FIELD_CHARS = 300  # a hostile page's 1 MB title is cut to this before it goes anywhere
MAX_FIELDS = 20  # headings read per tier
# Confidence by (tier, explicit level word): title/site name, h1, h2-h3.
CONFIDENCE = {(0, True): 0.9, (1, True): 0.8, (2, True): 0.4,
              (0, False): 0.6, (1, False): 0.5, (2, False): 0.3}
ADDRESS_BONUS = 0.05  # the host or path names the same area
OFF_GO_ID_CAP = 0.3  # Permenkominfo 28/2006: government sites live under go.id
HTTP_ONLY_PENALTY = 0.05  # prefer the HTTPS address of the same site

# Phrases of domain parking services, hosting placeholders and suspended accounts.
_PARKED = re.compile(
    r"domain (?:name )?(?:is |may be )?for sale|buy this domain|this domain (?:is|has been) "
    r"(?:parked|registered)|domain parking|parked (?:free|domain)|sedoparking|parkingcrew|"
    r"bodis\.com|hugedomains|afternic|dan\.com/buy|domain ini (?:dijual|sudah didaftarkan)|"
    r"account (?:has been )?suspended|akun .{0,20}ditangguhkan|apache2? (?:ubuntu|debian) "
    r"default page|welcome to nginx|test page for the (?:apache|nginx)|future home of "
    r"something quite cool|iis windows server|default web site page|"
    r"<title>\s*(?:index of /|it works!?\s*<)", re.I)


@dataclass(frozen=True)
class PageFacts:
    """What a page says about itself, cut to size."""

    url: str  # after redirects
    status: int | None
    tiers: tuple[tuple[tuple[str, str], ...], ...]  # ((field, text), ...) per tier
    parked: str | None  # the parking/placeholder phrase found

    @property
    def title(self) -> str:
        return next((text for field, text in self.tiers[0] if field == "title"), "")

    @property
    def signature(self) -> tuple[str, ...]:
        """Title and h1s: two hosts with the same signature serve the same site."""
        return (self.title, *(text for _, text in self.tiers[1]))


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    confidence: float
    evidence: str  # why kept (field, exact text, rule) or why rejected


def _clean(text: str) -> str:
    return " ".join(text.split())[:FIELD_CHARS]


def _texts(document: Any, xpath: str) -> list[str]:
    out: list[str] = []
    for node in document.xpath(xpath)[:MAX_FIELDS]:
        raw = node if isinstance(node, str) else node.text_content()
        if text := _clean(str(raw)):
            out.append(text)
    return out


_SITE_NAME_XPATH = (
    "//meta[@property='og:site_name' or @name='application-name' or @name='og:site_name']"
    "/@content | //*[contains(concat(' ', normalize-space(@class), ' '), ' site-title ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' site-name ') or "
    "contains(concat(' ', normalize-space(@class), ' '), ' navbar-brand ')] | "
    "//img[contains(@class, 'logo') or contains(@id, 'logo')]/@alt")


def page_facts(fetched: Fetched) -> PageFacts:
    """Read the naming fields of a fetched page (never raises on a broken page)."""
    document = fetched.document
    title = _texts(document, "//title")[:1]
    tiers = (
        tuple([("title", t) for t in title]
              + [("site name", t) for t in _texts(document, _SITE_NAME_XPATH)]),
        tuple(("h1", t) for t in _texts(document, "//h1")),
        tuple(("h2/h3", t) for t in _texts(document, "//h2 | //h3")),
    )
    parked = _PARKED.search(fetched.text[:200_000])
    return PageFacts(fetched.final_url or fetched.url, fetched.status_code, tiers,
                     parked.group(0) if parked else None)


def _quote(field: str, text: str) -> str:
    return f'{field} "{text}"'


def judge(area: Area, facts: PageFacts, index: AreaIndex, level_hint: str | None) -> Verdict:
    """Whether ``facts`` is ``area``'s site, with the confidence and the evidence."""
    if facts.parked:
        return Verdict(False, 0, f'parked or placeholder page ("{_clean(facts.parked)}")')
    if conflict := address_conflict(area, facts.url, index):
        return Verdict(False, 0, conflict)
    named = [[(field, text, m) for field, text in tier for m in index.mentions(text)]
             for tier in facts.tiers]
    for tier, found in enumerate(named):
        if explicit := [f for f in found if f[2].level]:
            verdict = _by_level_word(area, explicit, tier, index)
            return _adjust(verdict, area, facts, index)
    for tier, found in enumerate(named):
        if found:
            verdict = _by_bare_name(area, found, tier, index, level_hint)
            return _adjust(verdict, area, facts, index)
    shown = _quote("title", facts.title) if facts.title else "no title"
    return Verdict(False, 0, f"the page names no kecamatan or kelurahan ({shown})")


Found = list[tuple[str, str, Mention]]


def _by_level_word(area: Area, found: Found, tier: int, index: AreaIndex) -> Verdict:
    levels = {m.level for _, _, m in found}
    top = "kelurahan" if "kelurahan" in levels else "kecamatan"
    owners = {m.key: (field, text, m) for field, text, m in found if m.level == top}
    mine = owners.get(area.key) if area.level == top else None
    if mine is None:
        field, text, m = next(iter(owners.values()))
        return Verdict(False, 0, f"{_quote(field, text)} names {top} {m.text!r}, "
                                 f"not {area.label}")
    if len(owners) > 1:
        others = ", ".join(repr(m.text) for _, _, m in owners.values())
        return Verdict(False, 0, f"tier names several {top}: {others}")
    if area.level == "kelurahan":
        parents = {m.key for _, _, m in found if m.level == "kecamatan"}
        own = area_key(area.kecamatan)
        if parents and own not in parents:
            return Verdict(False, 0, f"names another kecamatan; {area.name} is in "
                                     f"Kecamatan {area.kecamatan}")
    field, text, m = mine
    return Verdict(True, CONFIDENCE[(tier, True)],
                   f"{_quote(field, text)} names {area.label} ({m.text!r})")


def _by_bare_name(
    area: Area, found: Found, tier: int, index: AreaIndex, level_hint: str | None
) -> Verdict:
    keys = {m.key for _, _, m in found}
    parent = area_key(area.kecamatan) if area.level == "kelurahan" else None
    field, text, _ = found[0]
    if area.key not in keys:
        return Verdict(False, 0, f"{_quote(field, text)} names another area, not {area.label}")
    if others := keys - {area.key, parent}:
        return Verdict(False, 0, f"{_quote(field, text)} also names {', '.join(sorted(others))}")
    if index.shared_name(area) and level_hint != area.level:
        return Verdict(False, 0, f"{_quote(field, text)}: {area.name!r} is both a kecamatan "
                                 f"and a kelurahan and neither page nor address says which")
    mine = next(f for f in found if f[2].key == area.key)
    return Verdict(True, CONFIDENCE[(tier, False)],
                   f"{_quote(mine[0], mine[1])} names {area.name!r} (no level word)")


def address_conflict(area: Area, url: str, index: AreaIndex) -> str | None:
    """Why the address itself says this is another area's site (host label or path)."""
    parts = urlsplit(url)
    labels = [x for x in (parts.hostname or "").split(".") if x != "www"]
    segment = parts.path.strip("/").split("/")[0]
    said = [("host", index.label_match(labels[0]) if labels else None)]
    path_names = index.mentions(segment.replace("_", " ")) if segment else []
    if path_names and segment.casefold().startswith(path_names[0].text.split()[0].casefold()):
        said.append(("path", (path_names[0].level, path_names[0].key)))
    for where, match in said:
        if match and (match[1] != area.key or match[0] not in (None, area.level)):
            level = match[0] or "area"
            return f"the {where} of {url} names {level} {match[1]!r}, not {area.label}"
    return None


def address_names(area: Area, url: str, index: AreaIndex) -> bool:
    parts = urlsplit(url)
    labels = [x for x in (parts.hostname or "").split(".") if x != "www"]
    if labels and (match := index.label_match(labels[0])) and match[1] == area.key:
        return True
    segment = parts.path.strip("/").split("/")[0].replace("_", " ")
    return any(m.key == area.key for m in index.mentions(segment)[:1])


def _adjust(verdict: Verdict, area: Area, facts: PageFacts, index: AreaIndex) -> Verdict:
    if not verdict.accepted:
        return verdict
    confidence, notes = verdict.confidence, [verdict.evidence]
    if address_names(area, facts.url, index):
        confidence += ADDRESS_BONUS
        notes.append("the address names it too")
    host = (urlsplit(facts.url).hostname or "").lower()
    if not host.endswith(".go.id"):
        confidence = min(confidence, OFF_GO_ID_CAP)
        notes.append(f"{host} is not under go.id (Permenkominfo 28/2006): check who runs it")
    if facts.url.startswith("http://"):
        confidence -= HTTP_ONLY_PENALTY
        notes.append("answers over plain HTTP only")
    return Verdict(True, round(max(0.0, min(confidence, 0.99)), 2), "; ".join(notes))
