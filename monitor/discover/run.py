"""`monitor discover`: find candidate website addresses for areas whose url is empty.

Diskominfotik's list of addresses is incomplete (../shared/data/README.md: only the city
portal and the shared kelurahan portal are known), so before a site can be monitored someone
must know where it is. The run, bounded in requests per host and in time:

1. fetch a made-up host under the city domain: if it answers, the domain has wildcard DNS and
   any pattern host would "answer" with that page, so pages like it are rejected;
2. crawl the portals (``discover_crawl_depth`` link hops, ``discover_crawl_pages`` pages);
3. candidates from the portal links and from name patterns (discover_candidates);
4. fetch each candidate once and keep it only if the page names the area
   (discover_verify), with a confidence and the evidence;
5. one row per (area, final address), best first per area, for an admin to review.

Nothing here writes targets.csv: an admin keeps the right rows and runs ``--apply``
(discover_apply).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from monitor.core.errors import ConfigError
from monitor.core.snapshot import Fetched
from monitor.discover.candidates import (
    Candidate,
    Link,
    crawlable,
    expand,
    link_candidates,
    page_links,
    pattern_candidates,
)
from monitor.discover.fetch import Fetcher, Limits
from monitor.discover.names import Area, AreaIndex
from monitor.discover.verify import PageFacts, Verdict, judge, page_facts
from monitor.sweep.fetch import Resolver, host_of
from monitor.targets.loader import Target, url_problem

log = logging.getLogger(__name__)

PORTAL_LINK_BONUS = 0.05  # the city's own portal links to it
HTML_TYPES = ("", "text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class DiscoverOptions:
    city_domain: str = "bandarlampungkota.go.id"
    portals: tuple[str, ...] = ("https://bandarlampungkota.go.id/",
                                "https://kelurahan.bandarlampungkota.go.id/")
    kelurahan_portal: str = "kelurahan.bandarlampungkota.go.id"
    patterns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    crawl_pages: int = 40
    crawl_depth: int = 1
    limits: Limits = Limits()

    @classmethod
    def from_settings(cls, values: Mapping[str, Any]) -> DiscoverOptions:
        limits = Limits(timeout=values["discover_timeout"],
                        time_limit=values["discover_time_limit"],
                        concurrency=max(1, values["discover_concurrency"]),
                        per_host=max(1, values["per_host"]),
                        host_requests=values["discover_host_requests"],
                        max_bytes=int(values["max_body_mb"] * 1_000_000))
        if limits.timeout <= 0 or limits.time_limit <= 0:
            raise ConfigError("discover_timeout and discover_time_limit must be more than 0")
        options = cls(values["discover_city_domain"].strip().lower(),
                      tuple(values["discover_portals"].split()),
                      values["discover_kelurahan_portal"].strip().lower(),
                      {"kecamatan": values["discover_kecamatan_patterns"].split(),
                       "kelurahan": values["discover_kelurahan_patterns"].split()},
                      values["discover_crawl_pages"], values["discover_crawl_depth"], limits)
        for portal in options.portals:
            if why := url_problem(portal):
                raise ConfigError(f"discover_portals: {portal!r} {why}")
        example = Area("0", "kecamatan", "Contoh Nama", "Contoh Nama", "contohnama")
        for pattern in (*options.patterns["kecamatan"], *options.patterns["kelurahan"]):
            expand(pattern, example, options.city_domain)  # a typo fails here, not mid-run
        return options


@dataclass
class Proposal:
    """One candidate address kept for one area: a row of discovered.csv."""

    area: Area
    url: str
    found_by: set[str]
    confidence: float
    evidence: list[str]


@dataclass
class Discovery:
    """What a run found, and what it could not do (for the summary lines)."""

    proposals: list[Proposal] = field(default_factory=list)
    rejected: list[tuple[str, str, str]] = field(default_factory=list)  # code, url, why
    portal_errors: dict[str, str] = field(default_factory=dict)  # portal URL -> why
    portals_reached: list[str] = field(default_factory=list)
    portal_dns_failed: list[str] = field(default_factory=list)
    city_domain_unresolved: bool = False
    skipped_unresolved: int = 0  # addresses under the city domain not asked
    pages_crawled: int = 0
    links_seen: int = 0
    areas_searched: int = 0
    addresses_checked: int = 0
    answered: int = 0  # addresses that gave a usable page
    unresolved: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    wildcard: str | None = None
    seconds: float = 0.0

    def summary(self) -> list[str]:
        lines = []
        if not self.portals_reached:
            why = "; ".join(f"{u}: {w}" for u, w in self.portal_errors.items())
            then = ("" if self.city_domain_unresolved
                    else ": no portal links to follow, only name patterns were tried")
            lines.append(f"could not reach the portals ({why}){then}")
        else:
            lines += [f"could not reach portal {u}: {w}" for u, w in self.portal_errors.items()]
            lines.append(f"portals: {len(self.portals_reached)} reached, {self.pages_crawled} "
                         f"pages crawled, {self.links_seen} links read")
        if self.city_domain_unresolved:
            lines.append(f"the city domain does not resolve from here (no portal name "
                         f"resolved), so its {self.skipped_unresolved} candidate addresses "
                         "were not asked: is this machine offline?")
        if self.wildcard:
            lines.append(f"the city domain answers for any host name ({self.wildcard}); "
                         "pages like it were rejected")
        areas = len({p.area.code for p in self.proposals})
        lines.append(f"{self.areas_searched} areas without an address: "
                     f"{self.addresses_checked} addresses checked, {self.answered} answered, "
                     f"{len(self.proposals)} proposed for {areas} areas ({self.seconds:.1f} s)")
        if self.addresses_checked and self.unresolved == self.addresses_checked:
            lines.append("no address resolved at all: is this machine offline?")
        lines += [f"{n} addresses not asked: {why}" for why, n in self.skipped.items()]
        return lines


async def discover(
    targets: Sequence[Target], options: DiscoverOptions, *, ssl_context: ssl.SSLContext,
    resolver: Resolver | None = None,
) -> Discovery:
    """Candidates for every kecamatan and kelurahan of ``targets`` whose url is empty."""
    start = time.monotonic()
    index = AreaIndex(targets)
    wanted = {t.code for t in targets if not t.url and t.code in index.by_code}
    result = Discovery(areas_searched=len(wanted))
    fetcher = Fetcher(options.limits, ssl_context, resolver)
    try:
        probe, (links, homes) = await asyncio.gather(_probe(fetcher, options, result),
                                                     _crawl(fetcher, options, result))
        portal_hosts = {host_of(u) for u in options.portals} | {options.kelurahan_portal}
        candidates = link_candidates(links, index, wanted, portal_hosts,
                                     options.kelurahan_portal)
        areas = [index.by_code[c] for c in sorted(wanted)]
        candidates += pattern_candidates(areas, {k: list(v) for k, v in
                                                 options.patterns.items()},
                                         options.city_domain)
        candidates = _resolvable(candidates, options, result)
        await _check(fetcher, candidates, index, probe + homes, result)
    finally:
        await fetcher.aclose()
    result.skipped = dict(fetcher.skipped)
    result.proposals = ranked(result.proposals, [t.code for t in targets])
    result.seconds = time.monotonic() - start
    return result


Decoy = tuple[PageFacts, str]  # a page that is no area's site, and what it is


async def _probe(fetcher: Fetcher, options: DiscoverOptions, result: Discovery) -> list[Decoy]:
    """A host no one made: if the city domain answers it, it answers every pattern host."""
    spec = f"//discover-probe-{secrets.token_hex(4)}.{options.city_domain}/"
    fetched = await fetcher.get_site(spec)
    if fetched is None or not fetched.ok:
        return []
    result.wildcard = fetched.final_url
    return [(page_facts(fetched), "a made-up host's page (wildcard DNS)")]


async def _crawl(
    fetcher: Fetcher, options: DiscoverOptions, result: Discovery
) -> tuple[list[Link], list[Decoy]]:
    """Breadth-first over the portal hosts; returns every link read and the portal homes."""
    portal_hosts = {host_of(u) for u in options.portals} | {options.kelurahan_portal}
    frontier, seen, links = list(options.portals), set(options.portals), []
    homes: list[Decoy] = []
    for depth in range(options.crawl_depth + 1):
        batch = frontier[: max(0, options.crawl_pages - result.pages_crawled)]
        pages = await asyncio.gather(*(fetcher.get_site(_spec(url)) if depth == 0
                                       else fetcher.get(url) for url in batch))
        frontier = []
        for url, fetched in zip(batch, pages, strict=True):
            if depth == 0:
                _note_portal(result, url, fetched)
            if fetched is None or not fetched.ok or fetched.content_type not in HTML_TYPES:
                continue
            result.pages_crawled += 1
            if depth == 0:
                homes.append((page_facts(fetched), f"the portal home {url}"))
            found = page_links(fetched)
            links += found
            for link in found:
                if depth < options.crawl_depth and crawlable(link, portal_hosts) \
                        and link.url not in seen:
                    seen.add(link.url)
                    frontier.append(link.url)
    result.links_seen = len(links)
    return links, homes


def _resolvable(candidates: list[Candidate], options: DiscoverOptions,
                result: Discovery) -> list[Candidate]:
    """Drop candidates under the city domain when every portal under it failed to resolve:
    the names are under the same zone (RFC 8020: nothing exists below a name that does
    not), so asking hundreds of them only waits out DNS timeouts on an offline machine."""
    domain = options.city_domain
    under = [u for u in options.portals if _within(host_of(u), domain)]
    if not under or any(u not in result.portal_dns_failed for u in under):
        return candidates
    keep = [c for c in candidates if not _within(host_of("http:" + c.url if
                                                         c.url.startswith("//") else c.url),
                                                 domain)]
    result.city_domain_unresolved = True
    result.skipped_unresolved = len({c.url for c in candidates}) - len({c.url for c in keep})
    return keep


def _within(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _spec(url: str) -> str:
    """A portal given as https:// falls back to http:// like any candidate would."""
    return url[len("https:"):] if url.startswith("https://") else url


def _note_portal(result: Discovery, url: str, fetched: Fetched | None) -> None:
    if fetched is not None and fetched.ok:
        result.portals_reached.append(url)
    elif fetched is None:
        result.portal_errors[url] = "not asked (time limit)"
    else:
        why = fetched.error or f"HTTP {fetched.status_code}"
        if fetched.error == "dns":
            result.portal_dns_failed.append(url)
        result.portal_errors[url] = f"{why} ({fetched.error_detail})" if fetched.error_detail \
            else why
        log.info("portal %s not reached: %s", url, result.portal_errors[url])


async def _check(fetcher: Fetcher, candidates: list[Candidate], index: AreaIndex,
                 decoys: list[Decoy], result: Discovery) -> None:
    """Fetch every distinct candidate address once, then judge each (area, address)."""
    specs = list(dict.fromkeys(c.url for c in candidates))
    pages = dict(zip(specs, await asyncio.gather(*(fetcher.get_site(s) for s in specs)),
                     strict=True))
    result.addresses_checked = sum(1 for p in pages.values() if p is not None)
    result.answered = sum(1 for p in pages.values() if p is not None and p.ok)
    result.unresolved = sum(1 for p in pages.values() if p is not None and p.error == "dns")
    facts: dict[str, PageFacts] = {}
    kept: dict[tuple[str, str], Proposal] = {}
    for cand in candidates:
        fetched = pages[cand.url]
        if fetched is None:
            continue
        area = index.by_code[cand.code]
        verdict, page = _verdict(cand, fetched, area, index, decoys, facts)
        if not verdict.accepted:
            result.rejected.append((cand.code, cand.url, verdict.evidence))
            log.info("%s %s rejected: %s", cand.code, cand.url, verdict.evidence)
            continue
        _keep(kept, area, cand, fetched, verdict, page)
    for proposal in kept.values():
        if "portal-link" in proposal.found_by:
            proposal.confidence = round(min(0.99, proposal.confidence + PORTAL_LINK_BONUS), 2)
    result.proposals = list(kept.values())


def _verdict(cand: Candidate, fetched: Fetched, area: Area, index: AreaIndex,
             decoys: list[Decoy], cache: dict[str, PageFacts]) -> tuple[Verdict, str]:
    if not fetched.ok:
        why = fetched.error or f"HTTP {fetched.status_code}"
        return Verdict(False, 0, f"{fetched.url}: {why} {fetched.error_detail}".strip()), ""
    if fetched.content_type not in HTML_TYPES:
        return Verdict(False, 0, f"{fetched.url}: not a web page ({fetched.content_type})"), ""
    page = fetched.final_url or fetched.url
    if url_problem(page):
        return Verdict(False, 0, f"{page}: not a usable address"), ""
    if page not in cache:
        cache[page] = page_facts(fetched)
    facts = cache[page]
    for decoy, what in decoys:
        if facts.url == decoy.url or facts.signature == decoy.signature:
            return Verdict(False, 0, f"{page} serves the same page as {what}"), page
    return judge(area, facts, index, cand.level_hint), page


def _keep(kept: dict[tuple[str, str], Proposal], area: Area, cand: Candidate,
          fetched: Fetched, verdict: Verdict, page: str) -> None:
    hops = f" (redirected from {fetched.url})" if fetched.redirects else ""
    evidence = f"{page} answered {fetched.status_code}{hops}: {verdict.evidence}"
    proposal = kept.get((area.code, page))
    if proposal is None:
        kept[(area.code, page)] = Proposal(area, page, {cand.how}, verdict.confidence,
                                           [evidence, cand.note])
        return
    proposal.found_by.add(cand.how)
    proposal.confidence = max(proposal.confidence, verdict.confidence)
    if cand.note not in proposal.evidence:
        proposal.evidence.append(cand.note)


def ranked(proposals: list[Proposal], order: Sequence[str]) -> list[Proposal]:
    """Areas in targets.csv order; per area best first: confidence, HTTPS, shorter URL."""
    position = {code: i for i, code in enumerate(order)}
    return sorted(proposals, key=lambda p: (position.get(p.area.code, len(position)),
                                            -p.confidence, not p.url.startswith("https://"),
                                            len(p.url), p.url))
