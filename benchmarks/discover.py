"""How long `monitor discover` takes and how often it is right, on the simulated fleet.

    .venv/bin/python benchmarks/discover.py

1. Offline: the shipped targets.csv with a resolver that resolves nothing (as on a machine
   with no internet): wall time and names asked.
2. A whole city on loopback: every kecamatan has `kecamatan<slug>.<domain>` naming it, every
   kelurahan a page on the kelurahan portal; every bare `<slug>.<domain>` serves *another*
   area's page and every `kec-<slug>` is parked. Prints wall time, requests, and agreement:
   areas whose first proposal is right, areas with any wrong proposal (must be 0).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from monitor.core.names import slug
from monitor.demo.fleet import Fleet, FleetSite, Page
from monitor.discover.fetch import Limits
from monitor.discover.names import Area, AreaIndex
from monitor.discover.run import DiscoverOptions, Discovery, discover
from monitor.sweep.fetch import default_ssl_context
from monitor.targets.loader import Target, load

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "bandarlampungkota.go.id"
KEL = f"kelurahan.{DOMAIN}"
PATTERNS = {"kecamatan": ["kecamatan{slug}.{domain}", "kec-{slug}.{domain}", "{slug}.{domain}"],
            "kelurahan": ["kelurahan.{domain}/{snake}_sejarah", "kelurahan{slug}.{domain}",
                          "{slug}.{domain}"]}


def page(title: str, h1: str = "") -> Page:
    return Page(body=f"<html><head><title>{title}</title></head><body><h1>{h1}</h1>"
                     f"<p>{'Berita kegiatan warga. ' * 200}</p></body></html>")


def city(areas: list[Area]) -> tuple[list[FleetSite], dict[str, str], dict[str, str]]:
    """Sites, host -> site name, and the right URL per area code."""
    kecamatan = [a for a in areas if a.level == "kecamatan"]
    kelurahan = [a for a in areas if a.level == "kelurahan"]
    sites = [FleetSite("portal", {"/": page("Pemerintah Kota Bandar Lampung")}),
             FleetSite("kel_portal", {"/": page("Portal Kelurahan")} | {
                 f"/{slug(a.name).replace('-', '_')}_sejarah":
                     page("Portal Kelurahan", f"Kelurahan {a.name}") for a in kelurahan})]
    hosts = {DOMAIN: "portal", KEL: "kel_portal"}
    truth = {a.code: f"http://{KEL}/{slug(a.name).replace('-', '_')}_sejarah"
             for a in kelurahan}
    for i, a in enumerate(kecamatan):
        other = kecamatan[(i + 1) % len(kecamatan)]
        sites += [FleetSite(f"k{i}", {"/": page(f"Kecamatan {a.name}", f"Kecamatan {a.name}")}),
                  FleetSite(f"w{i}", {"/": page(f"Kecamatan {other.name}")}),
                  FleetSite(f"p{i}", {"/": page(f"Kecamatan {a.name}", "Domain for sale")})]
        hosts |= {f"kecamatan{a.compact}.{DOMAIN}": f"k{i}", f"{a.compact}.{DOMAIN}": f"w{i}",
                  f"kec-{a.compact}.{DOMAIN}": f"p{i}"}
        truth[a.code] = f"http://kecamatan{a.compact}.{DOMAIN}/"
    return sites, hosts, truth


def run(targets: list[Target], resolve: object) -> tuple[Discovery, float]:
    options = DiscoverOptions(DOMAIN, (f"https://{DOMAIN}/", f"https://{KEL}/"), KEL, PATTERNS,
                              limits=Limits(timeout=5, time_limit=300))
    start = time.perf_counter()
    found = asyncio.run(discover(targets, options, ssl_context=default_ssl_context(),
                                 resolver=resolve))  # type: ignore[arg-type]
    return found, time.perf_counter() - start


def main() -> None:
    targets = load(ROOT / "targets.csv")
    asked: list[str] = []
    found, seconds = run(targets, lambda host, port: asked.append(host))
    print(f"offline, shipped targets.csv: {seconds:.2f} s, {len(asked)} names asked, "
          f"{len(found.proposals)} proposed")
    print("   " + "\n   ".join(found.summary()))

    targets = [t if t.level == "kota" else Target(t.code, t.level, t.name, t.kecamatan, "", ())
               for t in targets]
    sites, hosts, truth = city(AreaIndex(targets).areas)
    with Fleet(sites) as fleet:
        def resolve(host: str, port: int) -> tuple[str, int] | None:
            name = hosts.get(host)
            if name is None:
                return None
            site = fleet.sites[name]
            return (site.host, 1) if port == 443 else (site.host, site.port)

        found, seconds = run(targets, resolve)
        requests = sum(len(s.requests) for s in fleet.sites.values())
    first: dict[str, str] = {}
    wrong = set()
    for p in found.proposals:
        first.setdefault(p.area.code, p.url)
        if p.url != truth[p.area.code]:
            wrong.add(p.area.code)
    right = sum(1 for code, url in first.items() if truth[code] == url)
    print(f"simulated city ({len(truth)} areas, {len(sites)} sites): {seconds:.2f} s, "
          f"{requests} HTTP requests served")
    print(f"   right address first: {right}/{len(truth)}; areas with a wrong proposal: "
          f"{len(wrong)}; rejected candidates: {len(found.rejected)}")


if __name__ == "__main__":
    main()
